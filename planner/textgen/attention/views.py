"""What the head view and the model view plot: the weights on readable axes,
with the first token (the attention sink) hidden or not."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from planner.textgen.attention.forward import Capture

# ---- views: what the head view and the model view plot ------------------------------


@dataclass(frozen=True)
class Axis:
    """One row or column of a view: its label and the tokens it stands for."""

    label: str
    start: int
    end: int  # one past the last token


@dataclass(frozen=True)
class View:
    """Attention weights as displayed: (..., rows, cols), NaN where the mask hides a key."""

    weights: np.ndarray
    rows: tuple[Axis, ...]
    cols: tuple[Axis, ...]
    merged: bool
    sink_hidden: bool

    @property
    def masked(self) -> np.ndarray:
        """(rows, cols) True where the causal mask hides the key from the query."""
        row_token = np.array([r.end - 1 for r in self.rows])
        col_start = np.array([c.start for c in self.cols])
        return col_start[None, :] > row_token[:, None]


def _axes(cap: Capture, first: int, merge: bool) -> list[Axis]:
    """Rows/columns from token `first` on: one per token, or one per unit."""
    if not merge:
        labels = cap.labels
        return [Axis(labels[i], i, i + 1) for i in range(first, cap.tokens)]
    axes = []
    for unit in cap.units:
        start = max(unit.start, first)
        if start < unit.end:
            label = unit.label
            if start > unit.start:  # the hidden first token was part of this character
                first = start - unit.start + 1
                pieces = str(first) if first == unit.tokens else f"{first}–{unit.tokens}"
                label += f" {pieces}/{unit.tokens}"
            axes.append(Axis(label, start, unit.end))
    return axes


def view(attn: np.ndarray, cap: Capture, *, merge: bool, hide_sink: bool) -> View:
    """attn (..., T, T) of `cap` as displayed.

    hide_sink: drop the first token as a key (and as a query: it sees only itself) and
    renormalise every row to sum to 1 again. merge: one column per unit, the sum of its
    tokens' weights (the weight the query gives the whole character); one row per unit,
    the row of its last token, the first position where the character is complete.
    """
    weights = attn.astype(np.float64)
    first = 0
    if hide_sink and cap.tokens > 1:
        rest = 1.0 - weights[..., :, :1]
        with np.errstate(divide="ignore", invalid="ignore"):
            weights = np.where(rest > 0, weights / rest, np.nan)
        weights[..., :, 0] = 0.0
        first = 1
    axes = _axes(cap, first, merge)
    rows = [a.end - 1 for a in axes]
    weights = weights[..., rows, :]
    if merge:
        weights = np.add.reduceat(weights[..., first:], [a.start - first for a in axes], axis=-1)
    else:
        weights = weights[..., first:]
    result = View(weights, tuple(axes), tuple(axes), merge, first == 1)
    return replace(result, weights=np.where(result.masked, np.nan, weights))
