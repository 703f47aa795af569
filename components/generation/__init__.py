"""Sections of the live text-generation page (pages/generate.py), top to bottom.

- `session`: session-state keys, the settings map, the request, run cards;
- `backend`: configuration, local model or remote server, loading progress;
- `prompt`: preset, mode, prompt, sampling settings, Run and Stop;
- `output`: streamed text, metrics, downloads, history;
- `next_token`: next-token candidates and argmax per position.

The shared engine objects come from components.resources.
"""
