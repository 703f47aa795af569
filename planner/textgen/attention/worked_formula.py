"""softmax(QKᵀ/√d_k)·V worked for one query token and one head with the model's
real numbers, each step recomputed from the one before."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.textgen.attention.forward import FORMULA_TOLERANCE, AttentionError, Capture, softmax

# ---- the formula, worked for one query token and one head ---------------------------


@dataclass(frozen=True)
class Formula:
    """softmax(q·kᵀ/√d_k)·v for one query token of one head, step by step.

    keys are the tokens 0..query (the causal mask hides the later ones).
    """

    layer: int
    head: int
    kv_head: int
    query: int
    d_k: int
    scale: float
    q: np.ndarray  # (D,)
    k: np.ndarray  # (query+1, D)
    v: np.ndarray  # (query+1, D)
    scores: np.ndarray  # q·k_j
    scaled: np.ndarray  # q·k_j · scale
    weights: np.ndarray  # softmax(scaled)
    model_row: np.ndarray  # the model's returned weights (the head view's row)
    output: np.ndarray  # Σ_j w_j v_j, (D,)
    model_output: np.ndarray  # the head's output in the model, (D,)

    @property
    def keys(self) -> range:
        return range(self.query + 1)

    @property
    def standard_scale(self) -> bool:
        """True when the model scales by 1/√d_k, as the article's formula does."""
        return bool(np.isclose(self.scale, self.d_k**-0.5, rtol=1e-6))

    @property
    def weight_diff(self) -> float:
        return float(np.max(np.abs(self.weights - self.model_row)))

    @property
    def output_diff(self) -> float:
        return float(np.max(np.abs(self.output - self.model_output)))

    @property
    def matches(self) -> bool:
        return max(self.weight_diff, self.output_diff) <= FORMULA_TOLERANCE


def formula(cap: Capture, layer: int, head: int, query: int) -> Formula:
    """The worked formula for token `query` of (layer, head), from the captured vectors."""
    if cap.q is None or cap.k is None or cap.v is None or cap.head_out is None:
        raise AttentionError("attn_err_formula_unsupported")
    if not (0 <= layer < cap.layers and 0 <= head < cap.heads and 0 <= query < cap.tokens):
        raise ValueError(f"no layer {layer}, head {head}, token {query}")
    g = cap.kv_head(head)
    q = cap.q[layer, head, query].astype(np.float64)
    k = cap.k[layer, g, : query + 1].astype(np.float64)
    v = cap.v[layer, g, : query + 1].astype(np.float64)
    scale = float(cap.scaling[layer])
    scores = k @ q
    scaled = scores * scale
    weights = softmax(scaled)
    return Formula(
        layer=layer,
        head=head,
        kv_head=g,
        query=query,
        d_k=int(q.shape[0]),
        scale=scale,
        q=q,
        k=k,
        v=v,
        scores=scores,
        scaled=scaled,
        weights=weights,
        model_row=cap.attn[layer, head, query, : query + 1].astype(np.float64),
        output=weights @ v,
        model_output=cap.head_out[layer, head, query].astype(np.float64),
    )
