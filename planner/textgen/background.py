"""A model that loads once in a background thread, watched by any number of sessions.

The one pattern behind the generation model (planner.textgen.holder.ModelHolder) and the
attention page's eager model (planner.textgen.attention.EagerModelHolder): the app keeps
one per resolved model in st.cache_resource and starts the configured ones when the
server runs its first script; the first caller starts the load, every session shows the
same progress lines and an estimate of the time left (step times measured on this
machine, kept beside the disk cache), and a failed load keeps its error and may be
retried after a pause. A subclass says what loading is (`_load_model`) and what is
ready (`ready`).
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

from planner.textgen.config import TextgenConfig
from planner.textgen.errors import ModelLoadError, TextgenError

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


class BackgroundLoad:
    """Loads `spec` once in a thread; progress lines, the time left, the error."""

    thread_name = "model-load"

    def __init__(self, spec: str, config: TextgenConfig) -> None:
        self.spec = spec
        self.config = config
        self.lines: list[tuple[str, dict]] = []  # (message key, params), in order
        self.error: TextgenError | None = None
        self.times = StepTimes(config.cache_dir)
        self.step: str | None = None
        self._step_at = 0.0
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self._failed_at = 0.0

    @property
    def ready(self) -> bool:
        raise NotImplementedError

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
            self._thread = threading.Thread(target=self._load, name=self.thread_name, daemon=True)
            self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    def following(self, step: str) -> tuple[str, ...]:
        """The steps still to come after `step` when a load goes the long way."""
        return ()

    def eta_s(self) -> tuple[float, bool] | None:
        """(seconds left, measured here?) while loading; None when not loading."""
        if not self.loading or self.step is None:
            return None
        step = self.step
        left = max(0.0, self.times.expected(step) - (time.monotonic() - self._step_at))
        later = self.following(step)
        left += sum(self.times.expected(s) for s in later)
        measured = all(self.times.is_measured(s) for s in (step, *later))
        return left, measured

    def _progress(self, key: str, **params: object) -> None:
        now = time.monotonic()
        if self.step is not None:
            self.times.record(self.step, now - self._step_at)
        self.step, self._step_at = key, now
        self.lines.append((key, params))

    def _load_model(self) -> None:
        """Load (in the background thread), reporting steps through self._progress."""
        raise NotImplementedError

    def _load(self) -> None:
        try:
            self._load_model()
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
