"""What the attention figures share: colours and the token axis.

Token labels come from the user's text, so every label goes through `plain()`
(Plotly reads a subset of HTML in its texts)."""

from __future__ import annotations

import plotly.colors

from planner.charts import plain

MASK_COLOUR = "#d9d9d9"
GAP_COLOUR = "#ffffff"
OUTLINE_COLOUR = "#e6550d"
BLUES = plotly.colors.sequential.Blues


def tokens_axis(labels: list[str]) -> dict:
    return {
        "tickmode": "array",
        "tickvals": list(range(len(labels))),
        "ticktext": [plain(x) for x in labels],
        "showgrid": False,
        "zeroline": False,
    }
