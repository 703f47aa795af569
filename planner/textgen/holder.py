"""A model that loads once in the background, watched by any number of sessions.

The app keeps one holder per model spec (in st.cache_resource). The first session
that needs it starts the load in a thread; every session shows the same progress
lines while it waits. A failed load keeps its error, and may be retried later.

Callers ask the holder, never the tokenizer or the model, for what the next-token
view shows: the holder imports torch (planner.textgen.local) only once a model is in.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from planner.textgen.config import TextgenConfig
from planner.textgen.errors import ModelLoadError, TextgenError
from planner.textgen.run import Engine, SlotPool
from planner.textgen.settings import GenRequest

if TYPE_CHECKING:
    from planner.textgen.loader import LoadedModel

RETRY_AFTER_S = 30.0


class ModelHolder:
    def __init__(self, spec: str, config: TextgenConfig, pool: SlotPool) -> None:
        self.spec = spec
        self.config = config
        self.pool = pool
        self.lines: list[tuple[str, dict]] = []  # (message key, params), in order
        self.error: TextgenError | None = None
        self.loaded: LoadedModel | None = None
        self.engine: Engine | None = None
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self._failed_at = 0.0

    @property
    def ready(self) -> bool:
        return self.engine is not None

    @property
    def failed(self) -> bool:
        return self._done.is_set() and self.error is not None

    def start(self) -> None:
        """Start loading unless loaded or loading; retry a failure after a pause."""
        with self._lock:
            if self.ready or (self._thread is not None and not self._done.is_set()):
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

    def _ready_model(self) -> LoadedModel:
        if not self.ready:
            raise RuntimeError(f"model {self.spec!r} is not loaded yet")
        return self.loaded

    @property
    def vocab_size(self) -> int:
        return self._ready_model().vocab_size

    def next_token_candidates(self, request: GenRequest, k: int = 10) -> list[dict]:
        """The k likeliest next tokens after the request's prompt: [{token_id, token, prob}]."""
        from planner.textgen.local import prompt_candidates

        return prompt_candidates(self._ready_model(), request, k=k)

    def argmax_per_position(self, text: str) -> list[dict]:
        """Per position of a short text: the argmax prediction next to the actual token."""
        from planner.textgen.local import argmax_per_position

        return argmax_per_position(self._ready_model(), text)

    def _progress(self, key: str, **params: object) -> None:
        self.lines.append((key, params))

    def _load(self) -> None:
        try:
            from planner.textgen.loader import load_model
            from planner.textgen.local import LocalBackend

            self.loaded = load_model(self.spec, self.config, self._progress)
            self.engine = Engine(
                LocalBackend(self.loaded), self.pool, self.config.max_new_tokens_cap
            )
        except TextgenError as exc:
            self.error = exc
        except Exception as exc:  # an unexpected failure still reaches the user as text
            self.error = ModelLoadError(
                "gen_err_model_load", model=self.spec, detail=str(exc)[:300]
            )
        finally:
            if self.error is not None:
                self._failed_at = time.monotonic()
            self._done.set()
