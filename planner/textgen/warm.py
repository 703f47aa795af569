"""Warm the model cache once, before the app serves anyone (`make run` does this).

    python -m planner.textgen.warm

Loads the configured model on the configured engine (env vars, then the `[textgen]`
table of .streamlit/secrets.toml) the way the app does, so the GGUF conversion and
the ONNX build happen now and land in the disk cache; the app's first start then
only checks and opens them (about a second). Exits 1, saying why, if it fails: the
app still works, and converts at its first start instead.
"""

from __future__ import annotations

import sys
import time
import tomllib

from planner.textgen.config import ROOT, TextgenConfig, load_config
from planner.textgen.holder import ModelHolder
from planner.textgen.run import SlotPool


def _secrets() -> dict:
    path = ROOT / ".streamlit" / "secrets.toml"
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("textgen", {})
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    return table if isinstance(table, dict) else {}


def warm(config: TextgenConfig, out=print) -> bool:
    """Load the configured model once (through a holder, so step times are recorded)."""
    holder = ModelHolder(config.model, config, SlotPool(1), config.engine)
    started = time.perf_counter()
    holder.start()
    shown = 0
    while not holder.wait(0.5):
        for key, params in holder.lines[shown:]:
            out(f"  {time.perf_counter() - started:6.1f} s  {key} {params}")
        shown = len(holder.lines)
    for key, params in holder.lines[shown:]:
        out(f"  {time.perf_counter() - started:6.1f} s  {key} {params}")
    if holder.error is not None:
        out(f"model cache not warmed: {holder.error}")
        return False
    lm = holder.loaded
    out(f"model cache warm: {lm.name} on the {holder.engine_used} engine in {lm.load_s} s")
    return True


def main() -> int:
    try:
        config = load_config(secrets=_secrets())
    except ValueError as exc:
        print(f"model cache not warmed: {exc}")
        return 1
    return 0 if warm(config) else 1


if __name__ == "__main__":
    sys.exit(main())
