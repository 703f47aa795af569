"""Choosing the next token from logits with numpy, as transformers' processors do.

The ONNX Runtime engine decodes with its own loop (planner.textgen.ortgenai) and
picks each token here: repetition penalty, then (when sampling) temperature, top-k
and top-p, then a draw from the run's own generator, so a seed gives the same text
whatever other runs do at the same time. The order and the formulas are those of
transformers' RepetitionPenalty, Temperature, TopK and TopP processors.
"""

from __future__ import annotations

import numpy as np

from planner.textgen.settings import GenSettings


class TokenChooser:
    """One run's choice of tokens: its settings, the ids seen so far, its generator."""

    def __init__(self, settings: GenSettings, prompt_ids: list[int]) -> None:
        self.settings = settings
        self.rng = np.random.default_rng(settings.seed)
        self.seen = np.zeros(0, dtype=np.int64)
        if settings.repetition_penalty != 1.0:
            self.seen = np.unique(np.asarray(prompt_ids, dtype=np.int64))

    def add(self, token: int) -> None:
        if self.settings.repetition_penalty != 1.0 and token not in self.seen:
            self.seen = np.sort(np.append(self.seen, token))

    def penalized(self, logits: np.ndarray) -> np.ndarray:
        """The scores after the repetition penalty (what greedy decoding takes the max of)."""
        p = self.settings.repetition_penalty
        scores = np.array(logits, dtype=np.float32).reshape(-1)
        if p != 1.0 and self.seen.size:
            picked = scores[self.seen]
            scores[self.seen] = np.where(picked < 0, picked * p, picked / p)
        return scores

    def probabilities(self, logits: np.ndarray) -> np.ndarray:
        """The distribution a sampled token is drawn from (temperature, top-k, top-p)."""
        s = self.settings
        scores = self.penalized(logits) / s.temperature
        if 0 < s.top_k < scores.size:
            kth = np.partition(scores, -s.top_k)[-s.top_k]
            scores[scores < kth] = -np.inf
        probs = _softmax(scores)
        if s.top_p < 1.0:
            # Only tokens top-k left in (all when top-k is off): sorting 50 instead of
            # 49,152 saves ~3 ms a token; the zeros would be dropped first anyway.
            alive = np.flatnonzero(probs)
            order = alive[np.argsort(probs[alive], kind="stable")]  # ascending, as transformers
            drop = np.cumsum(probs[order]) <= (1.0 - s.top_p)
            drop[-1] = False  # keep at least the likeliest token
            probs[order[drop]] = 0.0
            probs /= probs.sum()
        return probs

    def choose(self, logits: np.ndarray) -> int:
        if self.settings.greedy:
            return int(np.argmax(self.penalized(logits)))
        cumulative = np.cumsum(self.probabilities(logits))
        draw = self.rng.random() * cumulative[-1]
        return int(min(np.searchsorted(cumulative, draw, side="right"), cumulative.size - 1))


def _softmax(scores: np.ndarray) -> np.ndarray:
    top = np.max(scores)
    weights = np.exp(scores - top)
    return weights / weights.sum()
