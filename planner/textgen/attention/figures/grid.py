"""The model view: every layer × head as a thumbnail, in one heatmap trace."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from planner.charts import FONT, plain
from planner.i18n import t
from planner.textgen.attention.figures.style import (
    BLUES,
    GAP_COLOUR,
    MASK_COLOUR,
    OUTLINE_COLOUR,
)
from planner.textgen.attention.views import View

# Thumbnails are drawn as one uint8 image: 0 is the gap between thumbnails, 1 a
# masked cell, 2..255 the weight 0..1. Bytes instead of floats keep the model view
# of 30 × 9 heads light to build, send and draw.
_GAP, _MASKED, _LOW = 0, 1, 2
_LEVELS = 255 - _LOW
GRID_GAP = 2  # cells between thumbnails


def _grid_colorscale() -> list[list]:
    """Gap white, masked grey, then Blues over the weight levels (hard steps between)."""
    gap, masked = (_GAP + 0.5) / 255, (_MASKED + 0.5) / 255
    scale = [[0.0, GAP_COLOUR], [gap, GAP_COLOUR], [gap, MASK_COLOUR], [masked, MASK_COLOUR]]
    steps = len(BLUES) - 1
    for i, colour in enumerate(BLUES):
        scale.append([masked + (1 - masked) * i / steps, colour])
    return scale


def grid_mosaic(weights: np.ndarray, masked: np.ndarray, gap: int = GRID_GAP) -> np.ndarray:
    """(L, H, R, C) weights -> one uint8 image: heads down, layers across."""
    layers, heads, rows, cols = weights.shape
    image = np.full((heads * (rows + gap) - gap, layers * (cols + gap) - gap), _GAP, np.uint8)
    levels = np.rint(np.clip(np.nan_to_num(weights, nan=0.0), 0, 1) * _LEVELS).astype(np.uint8)
    levels += _LOW
    levels[:, :, masked] = _MASKED
    # (L, H, R, C) -> (H, R, L, C): the thumbnails of one head side by side.
    tiles = np.zeros((heads, rows + gap, layers, cols + gap), np.uint8)
    tiles[:, :rows, :, :cols] = levels.transpose(1, 2, 0, 3)
    image[:, :] = tiles.reshape(heads * (rows + gap), layers * (cols + gap))[
        : image.shape[0], : image.shape[1]
    ]
    return image


def grid_cell(point_index: int, heads: int) -> tuple[int, int]:
    """(layer, head) of a clicked thumbnail marker (markers go layer by layer)."""
    return divmod(int(point_index), heads)


def attn_grid(
    view: View, model_name: str, lang: str, *, current: tuple[int, int] | None = None
) -> go.Figure:
    """The model view: every layer × head as a thumbnail, in one heatmap trace.

    A transparent marker sits on each thumbnail, so a click selects (layer, head);
    `current` is outlined.
    """
    layers, heads, rows, cols = view.weights.shape
    image = grid_mosaic(view.weights, view.masked)
    step_x, step_y = cols + GRID_GAP, rows + GRID_GAP
    centre_x = [layer * step_x + (cols - 1) / 2 for layer in range(layers)]
    centre_y = [head * step_y + (rows - 1) / 2 for head in range(heads)]
    layer_word, head_word = t("attn_axis_layer", lang), t("attn_axis_head", lang)
    fig = go.Figure()
    fig.add_trace(
        go.Heatmap(
            z=image,
            zmin=0,
            zmax=255,
            colorscale=_grid_colorscale(),
            showscale=False,
            hoverinfo="skip",
        )
    )
    cells = [(layer, head) for layer in range(layers) for head in range(heads)]
    fig.add_trace(
        go.Scatter(
            x=[centre_x[layer] for layer, _ in cells],
            y=[centre_y[head] for _, head in cells],
            customdata=cells,
            mode="markers",
            marker={"symbol": "square", "size": 18, "color": "rgba(0,0,0,0)"},
            selected={"marker": {"color": "rgba(0,0,0,0)"}},
            unselected={"marker": {"opacity": 1}},
            hovertemplate=(
                f"{plain(layer_word)} %{{customdata[0]}} · {plain(head_word)} %{{customdata[1]}}"
                f"<br>{plain(t('attn_grid_click', lang))}<extra></extra>"
            ),
            showlegend=False,
        )
    )
    if current is not None:
        layer, head = current
        x0, y0 = layer * step_x - 0.5, head * step_y - 0.5
        fig.add_shape(
            type="rect",
            x0=x0 - 0.5,
            y0=y0 - 0.5,
            x1=x0 + cols + 0.5,
            y1=y0 + rows + 0.5,
            line={"color": OUTLINE_COLOUR, "width": 2},
        )
    title = t("attn_grid_title", lang, model=model_name, layers=layers, heads=heads)
    note = t("attn_grid_note", lang)
    fig.update_layout(
        title={"text": f"{plain(title)}<br><sup>{plain(note)}</sup>", "x": 0.01},
        font={"family": FONT, "size": 12},
        template="plotly_white",
        height=110 + heads * 40,
        margin={"l": 10, "r": 10, "t": 70, "b": 10},
        clickmode="event+select",
        dragmode=False,
        hovermode="closest",
        # Every other layer numbered: all 30 stood on one another at 800 px and below.
        xaxis={
            "title": plain(layer_word),
            "tickmode": "array",
            "tickvals": centre_x[::2],
            "ticktext": [str(i) for i in range(0, layers, 2)],
            "showgrid": False,
            "zeroline": False,
        },
        yaxis={
            "title": plain(head_word),
            "tickmode": "array",
            "tickvals": centre_y,
            "ticktext": [str(i) for i in range(heads)],
            "showgrid": False,
            "zeroline": False,
            "autorange": "reversed",
        },
    )
    return fig
