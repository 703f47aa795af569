"""The generation model, loading once in the background (planner.textgen.background).

The app keeps one holder per resolved model and engine (in st.cache_resource); the
configured one starts when the server runs its first script.

The default engine is ONNX Runtime GenAI (planner.textgen.ortgenai); a spec it cannot
run (a model folder, a Hugging Face id), or a machine without it, falls back to
transformers. The next-token view always reads exact fp32 logits from a transformers
model: with the ONNX engine that model loads on the first question (from the disk
cache), not at start, so generation is ready sooner and the process stays small.

Callers ask the holder, never the tokenizer or the model, for what the next-token
view shows: the holder imports torch (planner.textgen.local) only then.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import TYPE_CHECKING

from planner.textgen.background import (
    DEFAULT_STEP_S,
    RETRY_AFTER_S,
    TIMINGS_FILE,
    BackgroundLoad,
    StepTimes,
)
from planner.textgen.config import TextgenConfig
from planner.textgen.errors import ModelLoadError
from planner.textgen.run import Engine, SlotPool
from planner.textgen.settings import GenRequest

if TYPE_CHECKING:
    from planner.textgen.loader import LoadedModel

__all__ = ["DEFAULT_STEP_S", "RETRY_AFTER_S", "TIMINGS_FILE", "ModelHolder", "StepTimes"]

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


class ModelHolder(BackgroundLoad):
    thread_name = "textgen-load"

    def __init__(
        self, spec: str, config: TextgenConfig, pool: SlotPool, engine: str | None = None
    ) -> None:
        super().__init__(spec, config)
        self.pool = pool
        self.engine_name = engine or config.engine  # asked for
        self.engine_used = self.engine_name  # after a fallback: "transformers"
        self.loaded: object | None = None  # LoadedModel or ortgenai.OnnxModel
        self.engine: Engine | None = None
        self._exact_lock = threading.Lock()
        self._exact: LoadedModel | None = None

    @property
    def ready(self) -> bool:
        return self.engine is not None

    def following(self, step: str) -> tuple[str, ...]:
        return FOLLOWING.get(self.engine_used, {}).get(step, ())

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

    def _load_model(self) -> None:
        engine = self._load_onnx() if self.engine_name == "onnx" else None
        if engine is None:
            from planner.textgen.loader import load_model
            from planner.textgen.local import LocalBackend

            self.engine_used = "transformers"
            self.loaded = load_model(self.spec, self.config, self._progress)
            engine = Engine(LocalBackend(self.loaded), self.pool, self.config.max_new_tokens_cap)
        self.engine = engine
