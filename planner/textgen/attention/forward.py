"""The captured forward pass (q, k, v, weights and head outputs per layer), and
the attention recomputed from it, so every number shown can be checked."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.textgen.attention.tokens import Unit, token_labels
from planner.textgen.errors import TextgenError

# A recomputed weight or output farther than this from the model's own is not the
# formula the page explains (another architecture): the page says so.
FORMULA_TOLERANCE = 1e-4


class AttentionError(TextgenError):
    """A text or model the attention view cannot show (message key in attention.yaml)."""


# ---- the captured forward pass -----------------------------------------------------


@dataclass(frozen=True)
class Capture:
    """One forward pass: the returned attention and the vectors it was computed from.

    Shapes (L layers, H query heads, G kv heads, T tokens, D head dim):
    attn (L, H, T, T); q, head_out (L, H, T, D); k, v (L, G, T, D). q and k are after
    the rotary embedding. q, k, v and head_out are None when the model's attention
    layers are not of the q/k/v-projection kind (the formula then is unavailable).
    """

    model_name: str
    text: str
    ids: tuple[int, ...]
    units: tuple[Unit, ...]
    attn: np.ndarray
    q: np.ndarray | None
    k: np.ndarray | None
    v: np.ndarray | None
    head_out: np.ndarray | None
    scaling: tuple[float, ...]
    forward_s: float

    @property
    def layers(self) -> int:
        return int(self.attn.shape[0])

    @property
    def heads(self) -> int:
        return int(self.attn.shape[1])

    @property
    def tokens(self) -> int:
        return int(self.attn.shape[2])

    @property
    def kv_heads(self) -> int | None:
        return None if self.k is None else int(self.k.shape[1])

    @property
    def head_dim(self) -> int | None:
        return None if self.q is None else int(self.q.shape[-1])

    @property
    def has_vectors(self) -> bool:
        return self.q is not None

    def kv_head(self, head: int) -> int:
        """The key/value head a query head reads (grouped-query attention)."""
        if self.kv_heads is None:
            return head
        return head // (self.heads // self.kv_heads)

    @property
    def labels(self) -> list[str]:
        return token_labels(self.units)


def causal_mask(tokens: int) -> np.ndarray:
    """True where query i may attend to key j (j <= i)."""
    return np.tril(np.ones((tokens, tokens), dtype=bool))


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - np.max(scores, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def expand_kv(cap: Capture, tensor: np.ndarray) -> np.ndarray:
    """k or v (L, G, T, D) repeated to one row per query head (L, H, T, D)."""
    return np.repeat(tensor, cap.heads // tensor.shape[1], axis=1)


def recompute(cap: Capture) -> np.ndarray:
    """softmax(q·kᵀ · scale + causal mask) for every layer and head, in float64."""
    if cap.q is None or cap.k is None:
        raise AttentionError("attn_err_formula_unsupported")
    q = cap.q.astype(np.float64)
    k = expand_kv(cap, cap.k).astype(np.float64)
    scale = np.asarray(cap.scaling, dtype=np.float64)[:, None, None, None]
    scores = np.einsum("lhid,lhjd->lhij", q, k) * scale
    scores = np.where(causal_mask(cap.tokens), scores, -np.inf)
    return softmax(scores)


def recompute_head(cap: Capture, layer: int, head: int) -> np.ndarray:
    """softmax(q·kᵀ · scale + causal mask) of one head (T, T), in float64."""
    if cap.q is None or cap.k is None:
        raise AttentionError("attn_err_formula_unsupported")
    q = cap.q[layer, head].astype(np.float64)
    k = cap.k[layer, cap.kv_head(head)].astype(np.float64)
    scores = np.where(causal_mask(cap.tokens), q @ k.T * cap.scaling[layer], -np.inf)
    return softmax(scores)


def weighted_values(cap: Capture) -> np.ndarray:
    """The returned weights times v, per head (L, H, T, D): what each head outputs."""
    if cap.v is None:
        raise AttentionError("attn_err_formula_unsupported")
    v = expand_kv(cap, cap.v).astype(np.float64)
    return np.einsum("lhij,lhjd->lhid", cap.attn.astype(np.float64), v)
