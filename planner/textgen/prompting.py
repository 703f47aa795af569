"""Prompt ids and streamed text, shared by every local engine (no torch import).

The transformers engine (planner.textgen.local) and the ONNX Runtime engine
(planner.textgen.onnx) both tokenize with the model's Hugging Face tokenizer, so a
prompt gives the same ids whichever engine runs it, and both turn new token ids
into text the same way (incremental decoding, stop sequences cut in the text).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Protocol

from planner.textgen.errors import TextgenError
from planner.textgen.run import GenerationRun, StopFilter
from planner.textgen.settings import GenRequest

# A fast tokenizer is one Rust object behind PyO3 borrow checks, and transformers
# re-sets its truncation state on calls: two threads tokenizing at once can fail
# with "RuntimeError: Already borrowed" (huggingface/transformers#47085). Runs and
# sessions share the tokenizer, so every call here takes this lock (microseconds).
TOKENIZER_LOCK = threading.RLock()


class PromptModel(Protocol):
    """What prompt preparation needs of a loaded model, whatever its engine."""

    tokenizer: object
    context_window: int

    @property
    def has_chat_template(self) -> bool: ...


@dataclass(frozen=True)
class PreparedPrompt:
    ids: list[int]
    dropped: int  # tokens cut from the left to fit the context window


def prompt_ids(lm: PromptModel, request: GenRequest) -> list[int]:
    """Token ids of the prompt: chat template (with optional system) or plain text."""
    tokenizer = lm.tokenizer
    if request.mode == "chat" and lm.has_chat_template:
        messages = []
        if request.system.strip():
            messages.append({"role": "system", "content": request.system})
        messages.append({"role": "user", "content": request.prompt})
        with TOKENIZER_LOCK:
            ids = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True)
        if isinstance(ids, dict) or hasattr(ids, "keys"):  # BatchEncoding in newer versions
            ids = ids["input_ids"]
        return list(ids)
    with TOKENIZER_LOCK:
        return list(tokenizer(request.prompt, add_special_tokens=True)["input_ids"])


def prepare(lm: PromptModel, request: GenRequest) -> PreparedPrompt:
    """Prompt ids that leave room for max_new_tokens in the context window."""
    ids = prompt_ids(lm, request)
    budget = lm.context_window - request.settings.max_new_tokens
    if budget < 1:
        raise TextgenError("gen_err_context", window=lm.context_window)
    if len(ids) > budget:
        return PreparedPrompt(ids[-budget:], len(ids) - budget)
    return PreparedPrompt(ids, 0)


class TextStream:
    """New token ids in, the run's text out: incremental decoding and stop sequences."""

    def __init__(self, tokenizer: object, run: GenerationRun, stops: tuple[str, ...]) -> None:
        self.tokenizer = tokenizer
        self.run = run
        self.filter = StopFilter(stops)
        self.ids: list[int] = []
        self.shown = ""

    def add(self, new: list[int]) -> None:
        self.ids.extend(new)
        self.run.count_tokens(len(new))
        with TOKENIZER_LOCK:
            text = self.tokenizer.decode(self.ids, skip_special_tokens=True)
        # A multi-byte character split across tokens decodes to U+FFFD until complete.
        if text.endswith("\ufffd") or not text.startswith(self.shown):
            return
        piece, self.shown = text[len(self.shown) :], text
        self.run.emit(self.filter.feed(piece))

    def end(self) -> None:
        with TOKENIZER_LOCK:
            text = self.tokenizer.decode(self.ids, skip_special_tokens=True)
        if text.startswith(self.shown) and len(text) > len(self.shown):
            self.run.emit(self.filter.feed(text[len(self.shown) :]))
            self.shown = text
        self.run.emit(self.filter.flush())
