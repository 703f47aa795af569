"""The quality gate: how far an engine's next-token distributions are from fp32.

A quantised engine is judged on a fixed text (bench/quality-text.md): at every position
it gives a distribution over the next token; so does the GGUF's own weights run in fp32
(transformers, the reference). From both:

- **perplexity**, exp(mean negative log-likelihood of the text's real next tokens);
- **top-1 agreement**: how often the engine's most likely token is fp32's;
- **mean KL**: KL(fp32 ‖ engine), averaged over positions, in nats.

An engine may be the default only if its perplexity is within `MAX_PERPLEXITY_RISE` of
fp32's and its agreement at least `MIN_AGREEMENT` (bench/textgen.py prints the table;
docs/generation.md has the figures). The text is read in windows of `WINDOW` tokens,
each from a fresh context, the same windows for every engine.

numpy only; the engines' logits come from the callers (see `onnx_window_logits` and
`fp32_window_logits`), so this module imports neither torch nor onnxruntime.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

MAX_PERPLEXITY_RISE = 0.03
MIN_AGREEMENT = 0.90
WINDOW = 512

# window ids -> logits (len(ids), vocab): the distribution after each token
WindowLogits = Callable[[list[int]], np.ndarray]


def windows(ids: Sequence[int], size: int = WINDOW) -> list[list[int]]:
    """The text cut into windows of `size` tokens (the last may be shorter, never < 2)."""
    out = [list(ids[i : i + size]) for i in range(0, len(ids), size)]
    return [w for w in out if len(w) >= 2]


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    # float32: a window is 512 x 49,152 values; float64 doubled the time for no change
    # in the printed figures.
    x = np.array(logits, dtype=np.float32)
    x -= x.max(axis=-1, keepdims=True)
    x -= np.log(np.exp(x).sum(axis=-1, keepdims=True))
    return x


@dataclass
class Tally:
    """Sums over the scored positions of one engine, against the fp32 reference."""

    positions: int = 0
    nll: float = 0.0  # sum of -log p(next token)
    agree: int = 0  # positions where the argmax is fp32's
    kl: float = 0.0  # sum of KL(fp32 || engine)

    def add(self, logits: np.ndarray, reference: np.ndarray, ids: Sequence[int]) -> None:
        """Score one window: logits and reference are (len(ids), vocab)."""
        n = len(ids) - 1  # the last position has no next token in the window
        logp = _log_softmax(logits[:n])
        ref = _log_softmax(reference[:n])
        targets = np.asarray(ids[1:])
        self.positions += n
        self.nll -= float(logp[np.arange(n), targets].sum())
        self.agree += int((logp.argmax(-1) == ref.argmax(-1)).sum())
        self.kl += float((np.exp(ref) * (ref - logp)).sum(dtype=np.float64))

    @property
    def perplexity(self) -> float:
        return float(np.exp(self.nll / self.positions))

    @property
    def agreement(self) -> float:
        return self.agree / self.positions

    @property
    def mean_kl(self) -> float:
        return self.kl / self.positions


@dataclass
class GateResult:
    """One engine's figures against fp32, and whether it may be the default."""

    name: str
    perplexity: float
    reference_perplexity: float
    agreement: float
    mean_kl: float
    positions: int
    notes: list[str] = field(default_factory=list)

    @property
    def perplexity_rise(self) -> float:
        """Relative perplexity against fp32: +0.004 is 0.4 % worse."""
        return self.perplexity / self.reference_perplexity - 1

    @property
    def passes(self) -> bool:
        return self.perplexity_rise <= MAX_PERPLEXITY_RISE and self.agreement >= MIN_AGREEMENT


def measure(
    ids: Sequence[int],
    reference: WindowLogits,
    engines: dict[str, WindowLogits],
    size: int = WINDOW,
) -> tuple[Tally, dict[str, GateResult]]:
    """The fp32 tally (its own perplexity) and each engine's result, window by window.

    Window by window, so at most one window's logits per engine are in memory (a few
    thousand positions x 49,152 tokens would be gigabytes)."""
    ref_tally = Tally()
    tallies = {name: Tally() for name in engines}
    for window in windows(ids, size):
        ref_logits = reference(window)
        ref_tally.add(ref_logits, ref_logits, window)
        for name, logits_of in engines.items():
            tallies[name].add(logits_of(window), ref_logits, window)
    results = {
        name: GateResult(
            name,
            tally.perplexity,
            ref_tally.perplexity,
            tally.agreement,
            tally.mean_kl,
            tally.positions,
        )
        for name, tally in tallies.items()
    }
    return ref_tally, results


# What a founder is looking at: each local engine's perplexity against fp32 on
# bench/quality-text.md, as bench/textgen.py measured it (2026-12-03, the 2-core AMD EPYC
# with AVX2 and no AVX-512; docs/generation.md has the table). Keyed by (engine, precision).
MEASURED_RISE: dict[tuple[str, str], float] = {
    ("transformers", "fp32"): 0.0,
    ("onnx", "int8"): 0.006,
    ("onnx", "int4"): 0.30,
}


def measured_rise(engine: str, precision: str | None) -> float | None:
    """The engine's measured perplexity against fp32 (+0.006 is 0.6 % worse), or None."""
    return MEASURED_RISE.get((engine, precision or ""))


def fp32_window_logits(lm: object) -> WindowLogits:
    """The transformers model's logits at every position of a window (imports torch)."""
    import torch

    def run(ids: list[int]) -> np.ndarray:
        with torch.inference_mode():
            return lm.model(input_ids=torch.tensor([ids])).logits[0].float().numpy()

    return run


def onnx_window_logits(lm: object, chunk: int = 64) -> WindowLogits:
    """An ONNX Runtime GenAI model's logits at every position of a window.

    Read in chunks, as the engine reads prompts; a fresh generator per window."""
    import onnxruntime_genai as og

    def run(ids: list[int]) -> np.ndarray:
        params = og.GeneratorParams(lm.model)
        params.set_search_options(max_length=len(ids) + 1, past_present_share_buffer=False)
        generator = og.Generator(lm.model, params)
        parts: list[np.ndarray] = []
        for start in range(0, len(ids), chunk):
            generator.append_tokens([ids[start : start + chunk]])
            parts.append(np.array(generator.get_output("logits"))[0])
        return np.concatenate(parts, axis=0)

    return run
