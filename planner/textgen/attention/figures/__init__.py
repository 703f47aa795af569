"""Plotly figures of the attention page (no streamlit, no torch).

One module per figure: `heatmap` (one head), `grid` (the model view: every layer ×
head), `formula` (the worked formula); `style` holds what they share. Token labels
come from the user's text, so every label goes through `plain()`. Layer and head
numbers are 0-based, as transformers counts them.
"""

from planner.textgen.attention.figures.formula import FORMULA_MARGIN, attn_formula
from planner.textgen.attention.figures.grid import attn_grid, grid_cell, grid_mosaic
from planner.textgen.attention.figures.heatmap import attn_heatmap

__all__ = [
    "FORMULA_MARGIN",
    "attn_formula",
    "attn_grid",
    "attn_heatmap",
    "grid_cell",
    "grid_mosaic",
]
