"""The attention view (the article's section 4): a real model's attention captured on
a sentence, shown on readable tokens, and softmax(QKᵀ/√d_k)·V worked with its numbers.

- `tokens`: readable tokens; `forward`: the captured pass and the recomputation;
- `views`: what the head and model views plot; `worked_formula`: one query, one head;
- `model`: the eager model, its forward hooks and its background load (torch loads here only);
- `figures`: the Plotly figures of all of these.
"""

from planner.textgen.attention.forward import (
    FORMULA_TOLERANCE,
    AttentionError,
    Capture,
    causal_mask,
    expand_kv,
    recompute,
    recompute_head,
    softmax,
    weighted_values,
)
from planner.textgen.attention.model import (
    MAX_TOKENS,
    EagerModel,
    EagerModelHolder,
    capture,
    load_eager,
)
from planner.textgen.attention.tokens import (
    Unit,
    merge_pieces,
    split_units,
    token_labels,
)
from planner.textgen.attention.views import (
    Axis,
    View,
    view,
)
from planner.textgen.attention.worked_formula import (
    Formula,
    formula,
)

__all__ = [
    "FORMULA_TOLERANCE",
    "MAX_TOKENS",
    "AttentionError",
    "Axis",
    "Capture",
    "EagerModel",
    "EagerModelHolder",
    "Formula",
    "Unit",
    "View",
    "capture",
    "causal_mask",
    "expand_kv",
    "formula",
    "load_eager",
    "merge_pieces",
    "recompute",
    "recompute_head",
    "softmax",
    "split_units",
    "token_labels",
    "view",
    "weighted_values",
]
