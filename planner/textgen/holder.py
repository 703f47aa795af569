"""A model that loads once in the background, watched by any number of sessions.

The app keeps one holder per model spec and engine (in st.cache_resource). The first
caller starts the load in a thread (the app does so when the server runs its first
script); every session shows the same progress lines, and an estimate of the time
left from step times measured on this machine, while it waits. A failed load keeps
its error, and may be retried later.

The default engine is ONNX Runtime GenAI (planner.textgen.ortgenai); a spec it cannot
run (a model folder, a Hugging Face id), or a machine without it, falls back to
transformers. The next-token view always reads exact fp32 logits from a transformers
model: with the ONNX engine that model loads on the first question (from the disk
cache), not at start, so generation is ready sooner and the process stays small.

Callers ask the holder, never the tokenizer or the model, for what the next-token
view shows: the holder imports torch (planner.textgen.local) only then.
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from planner.textgen.config import TextgenConfig
from planner.textgen.errors import ModelLoadError, TextgenError
from planner.textgen.run import Engine, SlotPool
from planner.textgen.settings import GenRequest

if TYPE_CHECKING:
    from planner.textgen.loader import LoadedModel

RETRY_AFTER_S = 30.0
TIMINGS_FILE = "step-times.json"
# Step durations (s) seen on the 2-core development machine under load, used until
# this machine has measured its own (bench/textgen.py, docs/generation.md).
DEFAULT_STEP_S = {
    "gen_load_step_cache": 2.0,
    "gen_load_step_dequant": 15.0,
    "gen_load_step_onnx_build": 40.0,
    "gen_load_step_onnx_cache": 1.5,
    "gen_load_step_folder": 3.0,
}
# What still follows a step, per engine, when a load goes the long way.
FOLLOWING = {
    "onnx": {
        "gen_load_step_cache": ("gen_load_step_onnx_build",),
        "gen_load_step_dequant": ("gen_load_step_onnx_build",),
    },
    "transformers": {},
}
# Failures of the ONNX engine that the transformers engine can still serve.
ENGINE_FALLBACK = ("gen_err_engine_unsupported", "gen_err_engine_missing", "gen_err_engine_build")


class StepTimes:
    """Measured step durations, kept beside the model cache (last value per step)."""

    def __init__(self, cache_dir: Path) -> None:
        self.path = Path(cache_dir) / TIMINGS_FILE
        self.measured: dict[str, float] = {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self.measured = {k: float(v) for k, v in data.items() if float(v) >= 0}
        except (OSError, ValueError, TypeError, AttributeError):
            pass

    def expected(self, step: str) -> float:
        return self.measured.get(step, DEFAULT_STEP_S.get(step, 0.0))

    def is_measured(self, step: str) -> bool:
        return step in self.measured

    def record(self, step: str, seconds: float) -> None:
        if step not in DEFAULT_STEP_S:
            return
        self.measured[step] = round(seconds, 2)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".{os.getpid()}.part")
            tmp.write_text(json.dumps(self.measured, indent=1, sort_keys=True), encoding="utf-8")
            tmp.replace(self.path)
        except OSError:
            pass  # a read-only cache only loses the estimate


class ModelHolder:
    def __init__(
        self, spec: str, config: TextgenConfig, pool: SlotPool, engine: str | None = None
    ) -> None:
        self.spec = spec
        self.config = config
        self.pool = pool
        self.engine_name = engine or config.engine  # asked for
        self.engine_used = self.engine_name  # after a fallback: "transformers"
        self.lines: list[tuple[str, dict]] = []  # (message key, params), in order
        self.error: TextgenError | None = None
        self.loaded: object | None = None  # LoadedModel or ortgenai.OnnxModel
        self.engine: Engine | None = None
        self.times = StepTimes(config.cache_dir)
        self.step: str | None = None
        self._step_at = 0.0
        self._lock = threading.Lock()
        self._exact_lock = threading.Lock()
        self._exact: LoadedModel | None = None
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self._failed_at = 0.0

    @property
    def ready(self) -> bool:
        return self.engine is not None

    @property
    def failed(self) -> bool:
        return self._done.is_set() and self.error is not None

    @property
    def loading(self) -> bool:
        return self._thread is not None and not self._done.is_set()

    def start(self) -> None:
        """Start loading unless loaded or loading; retry a failure after a pause."""
        with self._lock:
            if self.ready or self.loading:
                return
            if self.failed and time.monotonic() - self._failed_at < RETRY_AFTER_S:
                return
            self.error = None
            self.lines = []
            self._done.clear()
            self._thread = threading.Thread(target=self._load, name="textgen-load", daemon=True)
            self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    def eta_s(self) -> tuple[float, bool] | None:
        """(seconds left, measured here?) while loading; None when not loading."""
        if not self.loading or self.step is None:
            return None
        step = self.step
        left = max(0.0, self.times.expected(step) - (time.monotonic() - self._step_at))
        later = FOLLOWING.get(self.engine_used, {}).get(step, ())
        left += sum(self.times.expected(s) for s in later)
        measured = all(self.times.is_measured(s) for s in (step, *later))
        return left, measured

    def _ready_model(self) -> object:
        if not self.ready:
            raise RuntimeError(f"model {self.spec!r} is not loaded yet")
        return self.loaded

    @property
    def vocab_size(self) -> int:
        return self._ready_model().vocab_size

    @property
    def exact_ready(self) -> bool:
        """True when the next-token view answers without loading a model first."""
        return self.ready and (self.engine_used == "transformers" or self._exact is not None)

    def exact_model(self) -> LoadedModel:
        """The transformers model with exact logits (the ONNX engine's is quantised)."""
        lm = self._ready_model()
        if self.engine_used == "transformers":
            return lm
        with self._exact_lock:
            if self._exact is None:
                from planner.textgen.loader import load_model

                self._exact = load_model(self.spec, replace(self.config, int8=False))
            return self._exact

    def next_token_candidates(self, request: GenRequest, k: int = 10) -> list[dict]:
        """The k likeliest next tokens after the request's prompt: [{token_id, token, prob}]."""
        self._ready_model()
        from planner.textgen.local import prompt_candidates

        return prompt_candidates(self.exact_model(), request, k=k)

    def argmax_per_position(self, text: str) -> list[dict]:
        """Per position of a short text: the argmax prediction next to the actual token."""
        self._ready_model()
        from planner.textgen.local import argmax_per_position

        return argmax_per_position(self.exact_model(), text)

    def _progress(self, key: str, **params: object) -> None:
        now = time.monotonic()
        if self.step is not None:
            self.times.record(self.step, now - self._step_at)
        self.step, self._step_at = key, now
        self.lines.append((key, params))

    def _load_onnx(self) -> Engine | None:
        """The ONNX engine, or None (with a line saying why) when transformers must serve."""
        from planner.textgen.ortgenai import OnnxBackend, load_onnx

        try:
            self.loaded = load_onnx(self.spec, self.config, self._progress)
        except ModelLoadError as exc:
            if exc.key not in ENGINE_FALLBACK:
                raise
            self._progress(exc.key, **exc.params)  # why, in the user's language
            self._progress("gen_load_step_engine_fallback")
            return None
        return Engine(OnnxBackend(self.loaded), self.pool, self.config.max_new_tokens_cap)

    def _load(self) -> None:
        try:
            engine = self._load_onnx() if self.engine_name == "onnx" else None
            if engine is None:
                from planner.textgen.loader import load_model
                from planner.textgen.local import LocalBackend

                self.engine_used = "transformers"
                self.loaded = load_model(self.spec, self.config, self._progress)
                engine = Engine(
                    LocalBackend(self.loaded), self.pool, self.config.max_new_tokens_cap
                )
            self.engine = engine
        except TextgenError as exc:
            self.error = exc
        except Exception as exc:  # an unexpected failure still reaches the user as text
            self.error = ModelLoadError(
                "gen_err_model_load", model=self.spec, detail=str(exc)[:300]
            )
        finally:
            if self.step is not None:
                self.times.record(self.step, time.monotonic() - self._step_at)
                self.step = None
            if self.error is not None:
                self._failed_at = time.monotonic()
            self._done.set()
