"""Generation on a local transformers model (imports torch and transformers).

`model.generate` does the decoding; three hooks make it a shared, interactive
engine:
- sampling happens in a logits processor with the run's own `torch.Generator`, so a
  seed reproduces its text even while other runs sample at the same time (the
  global RNG is shared by all threads); generate itself then runs greedy;
- a streamer turns each new token into text for the run (incremental decoding,
  stop sequences cut in the text);
- a stopping criterion ends the loop when the session asks (its event), when a stop
  sequence appeared, or when nobody reads the run any more.
"""

from __future__ import annotations

from functools import lru_cache

import torch
from transformers import (
    GenerationConfig,
    LogitsProcessor,
    LogitsProcessorList,
    RepetitionPenaltyLogitsProcessor,
    StoppingCriteria,
    StoppingCriteriaList,
    TemperatureLogitsWarper,
    TopKLogitsWarper,
    TopPLogitsWarper,
)
from transformers.generation.streamers import BaseStreamer

from planner.textgen.errors import TextgenError
from planner.textgen.loader import LoadedModel
from planner.textgen.prompting import (
    TOKENIZER_LOCK,
    PreparedPrompt,
    TextStream,
    prepare,
    prompt_ids,
)
from planner.textgen.run import GenerationRun
from planner.textgen.settings import GenRequest, GenSettings

# Prompt preparation moved to planner.textgen.prompting; importable from here too.
__all__ = ["LocalBackend", "PreparedPrompt", "prepare", "prompt_ids"]


class SeededSampler(LogitsProcessor):
    """Draws the next token with a private generator; returns scores where only it is finite."""

    def __init__(self, seed: int) -> None:
        self.generator = torch.Generator().manual_seed(seed)

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.Tensor:
        probs = torch.softmax(scores.float(), dim=-1)
        token = torch.multinomial(probs, 1, generator=self.generator)
        picked = torch.full_like(scores, float("-inf"))
        return picked.scatter_(1, token, 0.0)


def logits_processors(settings: GenSettings) -> LogitsProcessorList:
    processors: list[LogitsProcessor] = []
    if settings.repetition_penalty != 1.0:
        processors.append(RepetitionPenaltyLogitsProcessor(settings.repetition_penalty))
    if not settings.greedy:
        processors.append(TemperatureLogitsWarper(settings.temperature))
        if settings.top_k > 0:
            processors.append(TopKLogitsWarper(settings.top_k))
        if settings.top_p < 1.0:
            processors.append(TopPLogitsWarper(settings.top_p))
        processors.append(SeededSampler(settings.seed))
    return LogitsProcessorList(processors)


class RunStreamer(BaseStreamer):
    """Decodes new tokens incrementally into the run's text."""

    def __init__(self, tokenizer: object, run: GenerationRun, stops: tuple[str, ...]) -> None:
        self.text = TextStream(tokenizer, run, stops)
        self.filter = self.text.filter
        self._prompt_seen = False

    def put(self, value: torch.Tensor) -> None:
        if not self._prompt_seen:  # generate first sends the prompt
            self._prompt_seen = True
            return
        self.text.add(value.reshape(-1).tolist())

    def end(self) -> None:
        self.text.end()


class RunStop(StoppingCriteria):
    def __init__(self, run: GenerationRun, streamer: RunStreamer) -> None:
        self.run = run
        self.streamer = streamer

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor, **kwargs) -> bool:
        stop = self.streamer.filter.hit or self.run.should_stop()
        return torch.full((input_ids.shape[0],), stop, dtype=torch.bool)


class LocalBackend:
    name = "local"
    engine = "transformers"

    def __init__(self, lm: LoadedModel) -> None:
        self.lm = lm
        self.model_name = lm.name
        self.model_spec = lm.spec
        self.revision = lm.revision
        self.precision = "int8" if getattr(lm, "int8", False) else "fp32"

    def _eos_ids(self) -> list[int]:
        ids = []
        for source in (self.lm.model.generation_config, self.lm.tokenizer):
            eos = getattr(source, "eos_token_id", None)
            for value in eos if isinstance(eos, list) else [eos]:
                if isinstance(value, int) and value not in ids:
                    ids.append(value)
        return ids

    def generate(self, run: GenerationRun) -> str:
        request, settings = run.request, run.request.settings
        prepared = prepare(self.lm, request)
        if prepared.dropped:
            run.note("gen_note_truncated", dropped=prepared.dropped, kept=len(prepared.ids))
        run.set_prompt_tokens(len(prepared.ids))
        streamer = RunStreamer(self.lm.tokenizer, run, settings.stop)
        eos = self._eos_ids()
        pad = self.lm.tokenizer.pad_token_id
        config = GenerationConfig(
            max_new_tokens=settings.max_new_tokens,
            do_sample=False,
            num_beams=1,
            eos_token_id=eos or None,
            pad_token_id=pad if pad is not None else (eos[0] if eos else None),
        )
        input_ids = torch.tensor([prepared.ids], dtype=torch.long)
        with torch.inference_mode():
            output = self.lm.model.generate(
                input_ids=input_ids,
                attention_mask=torch.ones_like(input_ids),
                generation_config=config,
                logits_processor=logits_processors(settings),
                stopping_criteria=StoppingCriteriaList([RunStop(run, streamer)]),
                streamer=streamer,
            )
        new = output[0, input_ids.shape[1] :].tolist()
        if streamer.filter.hit:
            return "stop_sequence"
        if run.stop_event.is_set():
            return "stopped"
        if new and new[-1] in eos:
            return "eos"
        return "length"


# ---- what the article's sample computed: next-token predictions ----


@lru_cache(maxsize=1)
def _byte_decoder() -> dict[str, int]:
    """Byte-level BPE's printable stand-ins for bytes, reversed (GPT-2's bytes_to_unicode)."""
    kept = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1)]
    kept += range(ord("®"), ord("ÿ") + 1)
    chars, extra = list(kept), 0
    for byte in range(256):
        if byte not in kept:
            kept.append(byte)
            chars.append(256 + extra)
            extra += 1
    return {chr(c): b for b, c in zip(kept, chars, strict=True)}


def token_text(tokenizer: object, token_id: int) -> str:
    """A token as text; a piece of a multi-byte character shows its bytes (\\xe6\\x88)."""
    with TOKENIZER_LOCK:
        text = tokenizer.decode([token_id], skip_special_tokens=False)
        piece = tokenizer.convert_ids_to_tokens(token_id)
    if "\ufffd" not in text:
        return text
    decoder = _byte_decoder()
    if isinstance(piece, str) and piece and all(c in decoder for c in piece):
        return bytes(decoder[c] for c in piece).decode("utf-8", errors="backslashreplace")
    return text


def next_token_candidates(lm: LoadedModel, ids: list[int], k: int = 10) -> list[dict]:
    """The k likeliest next tokens after ids: [{token_id, token, prob}], likeliest first."""
    if not ids:
        raise TextgenError("gen_err_empty_prompt")
    ids = ids[-lm.context_window :]
    with torch.inference_mode():
        logits = lm.model(input_ids=torch.tensor([ids])).logits[0, -1].float()
    probs = torch.softmax(logits, dim=-1)
    top = torch.topk(probs, k)
    return [
        {"token_id": int(i), "token": token_text(lm.tokenizer, int(i)), "prob": float(p)}
        for p, i in zip(top.values, top.indices, strict=True)
    ]


def prompt_candidates(lm: LoadedModel, request: GenRequest, k: int = 10) -> list[dict]:
    """The k likeliest first tokens of the reply to request (chat template applied in chat)."""
    if not request.prompt.strip():
        raise TextgenError("gen_err_empty_prompt")
    # Default settings: the prompt is cut to leave the room a default run would keep.
    prepared = prepare(lm, GenRequest(request.prompt, request.mode, request.system))
    return next_token_candidates(lm, prepared.ids, k=k)


def argmax_per_position(lm: LoadedModel, text: str, max_tokens: int = 24) -> list[dict]:
    """For each position of a short text: the model's argmax next token and the actual one.

    This is what "generating" by argmax over the logits of a whole sequence computes:
    one prediction per position, each conditioned on the true text before it.
    """
    with TOKENIZER_LOCK:
        ids = list(lm.tokenizer(text, add_special_tokens=False)["input_ids"])[:max_tokens]
    if len(ids) < 2:
        raise TextgenError("gen_err_short_text")
    with torch.inference_mode():
        logits = lm.model(input_ids=torch.tensor([ids])).logits[0].float()
    probs = torch.softmax(logits, dim=-1)
    predicted = probs.argmax(dim=-1).tolist()
    rows = []
    for pos in range(len(ids) - 1):
        actual, guess = ids[pos + 1], predicted[pos]
        rows.append(
            {
                "position": pos,
                "token": token_text(lm.tokenizer, ids[pos]),
                "predicted": token_text(lm.tokenizer, guess),
                "predicted_prob": float(probs[pos, guess]),
                "actual": token_text(lm.tokenizer, actual),
                "actual_prob": float(probs[pos, actual]),
                "match": guess == actual,
            }
        )
    return rows
