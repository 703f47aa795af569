"""The attention page's building blocks (pages/attention.py), top to bottom.

- `loading`: the page's state, the eager model (shared, loaded in the background)
  and the captured forward pass;
- `views`: token notes, layer/head controls, the head view and the model view;
- `formula`: the formula worked with the real numbers.

The numbers come from planner.textgen.attention, the figures from
planner.textgen.attention.figures. torch loads in the model's loading thread only.
"""

from components.attention.formula import formula_view
from components.attention.loading import (
    captured,
    config,
    init_state,
    model_holder,
    remote_selected,
)
from components.attention.views import controls, head_view, model_view, token_notes

__all__ = [
    "captured",
    "config",
    "controls",
    "formula_view",
    "head_view",
    "init_state",
    "model_holder",
    "model_view",
    "remote_selected",
    "token_notes",
]
