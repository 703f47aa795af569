"""Plotly figures of the attention page (no streamlit, no torch).

Token labels come from the user's text, so every label goes through `plain()`
(Plotly reads a subset of HTML in its texts). Layer and head numbers are 0-based,
as transformers counts them.
"""

from __future__ import annotations

import numpy as np
import plotly.colors
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from planner.charts import FONT, plain, wrap_label
from planner.i18n import t
from planner.textgen.attention.views import View
from planner.textgen.attention.worked_formula import Formula

MASK_COLOUR = "#d9d9d9"
GAP_COLOUR = "#ffffff"
OUTLINE_COLOUR = "#e6550d"
BLUES = plotly.colors.sequential.Blues
# Thumbnails are drawn as one uint8 image: 0 is the gap between thumbnails, 1 a
# masked cell, 2..255 the weight 0..1. Bytes instead of floats keep the model view
# of 30 × 9 heads light to build, send and draw.
_GAP, _MASKED, _LOW = 0, 1, 2
_LEVELS = 255 - _LOW
GRID_GAP = 2  # cells between thumbnails
# Room on top for the formula figure's title, its subtitle and the first panel's
# title, one under another.
FORMULA_MARGIN = {"l": 10, "r": 10, "t": 130, "b": 10}


def _tokens_axis(labels: list[str]) -> dict:
    return {
        "tickmode": "array",
        "tickvals": list(range(len(labels))),
        "ticktext": [plain(x) for x in labels],
        "showgrid": False,
        "zeroline": False,
    }


def _heads_group(heads: int, kv_heads: int | None, head: int) -> list[int]:
    if not kv_heads:
        return [head]
    size = heads // kv_heads
    first = head // size * size
    return list(range(first, first + size))


def attn_heatmap(
    view: View,
    layer: int,
    head: int,
    lang: str,
    *,
    heads: int,
    kv_heads: int | None,
) -> go.Figure:
    """The head view: query × key weights of one head; masked cells grey."""
    weights = view.weights
    rows = [r.label for r in view.rows]
    cols = [c.label for c in view.cols]
    masked = view.masked
    custom = np.empty((len(rows), len(cols), 2), dtype=object)
    custom[:, :, 0] = np.array([plain(x) for x in rows], dtype=object)[:, None]
    custom[:, :, 1] = np.array([plain(x) for x in cols], dtype=object)[None, :]
    q, k, w = t("attn_hover_query", lang), t("attn_hover_key", lang), t("attn_hover_weight", lang)
    small = len(rows) <= 16
    fig = go.Figure()
    fig.add_trace(
        go.Heatmap(
            z=weights,
            customdata=custom,
            zmin=0,
            zmax=1,
            colorscale="Blues",
            # The colour bar's title beside it: above it, it sat on the "1" at its top.
            colorbar={"title": {"text": plain(w), "side": "right"}, "thickness": 12},
            hovertemplate=(
                f"{plain(q)}: %{{customdata[0]}}<br>{plain(k)}: %{{customdata[1]}}"
                f"<br>{plain(w)}: %{{z:.4f}}<extra></extra>"
            ),
            texttemplate="%{z:.2f}" if small else None,
            textfont={"size": 10},
            xgap=1,
            ygap=1,
        )
    )
    fig.add_trace(
        go.Heatmap(
            z=np.where(masked, 1.0, np.nan),
            customdata=custom,
            colorscale=[[0, MASK_COLOUR], [1, MASK_COLOUR]],
            showscale=False,
            hovertemplate=(
                f"{plain(q)}: %{{customdata[0]}}<br>{plain(k)}: %{{customdata[1]}}"
                f"<br>{plain(t('attn_hover_masked', lang))}<extra></extra>"
            ),
            xgap=1,
            ygap=1,
        )
    )
    title = t("attn_heatmap_title", lang, layer=layer, head=head)
    # The title, then one short line each under it: on one line they ran past the
    # chart's edge at 800 px and below.
    notes = []
    if kv_heads and kv_heads < heads:
        group = ", ".join(str(h) for h in _heads_group(heads, kv_heads, head) if h != head)
        notes.append(t("attn_heatmap_gqa", lang, group=group))
    notes.append(t("attn_heatmap_note", lang))
    if view.sink_hidden:
        notes.append(t("attn_heatmap_sink_note", lang))
    side = 28 * max(len(rows), 6)
    fig.update_layout(
        title={
            "text": plain(title) + "".join(f"<br><sup>{plain(n)}</sup>" for n in notes),
            "x": 0.01,
        },
        font={"family": FONT, "size": 12},
        template="plotly_white",
        height=min(960, max(420, side + 220)),
        margin={"l": 10, "r": 10, "t": 50 + 18 * len(notes), "b": 10},
        # The keys under the grid: above it, slanted on a phone, they and their axis
        # title ran into the notes under the chart's title.
        xaxis={**_tokens_axis(cols), "title": plain(t("attn_axis_key", lang)), "side": "bottom"},
        yaxis={
            **_tokens_axis(rows),
            "title": plain(t("attn_axis_query", lang)),
            "autorange": "reversed",
        },
    )
    # Upright keys where they fit, slanted or standing where they would touch (on a
    # phone six keys of the article's sentence ran into one another).
    fig.update_xaxes(autotickangles=[0, -45, -90])
    return fig


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


def attn_formula(
    f: Formula, key_labels: list[str], query_label: str, lang: str, dims: int = 8
) -> go.Figure:
    """The five steps of softmax(q·kᵀ/√d_k)·v for one query token, one panel each."""
    dims = min(dims, f.d_k)
    keys = [plain(x) for x in key_labels]
    positions = list(range(len(keys)))
    titles = [
        t("attn_fig_step1", lang, dims=dims),
        t("attn_fig_step2", lang),
        t("attn_fig_step3", lang),
        t("attn_fig_step4", lang),
        t("attn_fig_step5", lang, dims=dims),
    ]
    vectors = len(keys) + 1
    # Steps 2-4 are bars per key, lying down: the keys read as rows, level with the
    # first panel's, instead of slanted names that ran into the next panel's title.
    per_key = max(1.0, len(keys) / 6)
    heights = [max(1.0, vectors / 6), per_key, per_key, per_key, 1.2]
    height = int(300 + 170 * sum(heights))
    # About 110 px between panels, whatever the figure's height: the axis numbers of one
    # panel and the (two-line) title of the next.
    spacing = 110 / (height - FORMULA_MARGIN["t"] - FORMULA_MARGIN["b"])
    fig = make_subplots(
        rows=5,
        cols=1,
        # On two lines where long: "4. softmax weights (dots: …)" was cut on a phone.
        subplot_titles=[wrap_label(plain(x), 32) for x in titles],
        row_heights=heights,
        vertical_spacing=spacing,
    )
    # Panel titles start at the plot's left edge: centred, they were cut on a phone.
    fig.update_annotations(x=0, xanchor="left", align="left")
    # 1. q on top, then each key, first dims.
    matrix = np.vstack([f.q[:dims], f.k[:, :dims]])
    row_names = [f"q · {plain(query_label)}", *(f"k · {x}" for x in keys)]
    fig.add_trace(
        go.Heatmap(
            z=matrix,
            x=[f"d{i}" for i in range(dims)],
            y=list(range(vectors)),
            colorscale="RdBu",
            zmid=0,
            showscale=False,
            customdata=np.array(row_names, dtype=object)[:, None].repeat(dims, axis=1),
            hovertemplate="%{customdata} · %{x}: %{z:.3f}<extra></extra>",
            texttemplate="%{z:.2f}" if vectors <= 24 else None,
            textfont={"size": 9},
        ),
        row=1,
        col=1,
    )
    fig.update_yaxes(
        tickmode="array",
        tickvals=list(range(vectors)),
        ticktext=row_names,
        autorange="reversed",
        row=1,
        col=1,
    )
    steps = (
        (2, f.scores, "#6baed6", ".2f"),
        (3, f.scaled, "#3182bd", ".3f"),
        (4, f.weights, "#08519c", ".3f"),
    )
    for row, values, colour, fmt in steps:
        fig.add_trace(
            go.Bar(
                x=values,
                y=positions,
                orientation="h",
                marker_color=colour,
                customdata=keys,
                hovertemplate=f"%{{customdata}}: %{{x:{fmt}}}<extra></extra>",
                showlegend=False,
            ),
            row=row,
            col=1,
        )
        fig.update_yaxes(
            tickmode="array",
            tickvals=positions,
            ticktext=keys,
            autorange="reversed",
            row=row,
            col=1,
        )
    fig.add_trace(
        go.Scatter(
            x=f.model_row,
            y=positions,
            mode="markers",
            marker={"color": OUTLINE_COLOUR, "size": 7},
            name=plain(t("attn_fig_head_view", lang)),
            customdata=keys,
            hovertemplate="%{customdata}: %{x:.4f}<extra></extra>",
        ),
        row=4,
        col=1,
    )
    # 5. Each key's w_j·v_j stacked per dimension: the five heaviest keys by name.
    contrib = f.weights[:, None] * f.v[:, :dims]
    top = sorted(np.argsort(-f.weights)[:5].tolist())
    dim_names = [f"d{i}" for i in range(dims)]
    palette = plotly.colors.qualitative.Set2
    for n, j in enumerate(top):
        fig.add_trace(
            go.Bar(
                x=dim_names,
                y=contrib[j],
                name=keys[j],
                marker_color=palette[n % len(palette)],
                hovertemplate=f"{keys[j]} · %{{x}}: %{{y:.3f}}<extra></extra>",
            ),
            row=5,
            col=1,
        )
    others = [j for j in range(len(keys)) if j not in top]
    if others:
        fig.add_trace(
            go.Bar(
                x=dim_names,
                y=contrib[others].sum(axis=0),
                name=plain(t("attn_fig_others", lang)),
                marker_color="#bdbdbd",
                hovertemplate="%{x}: %{y:.3f}<extra></extra>",
            ),
            row=5,
            col=1,
        )
    fig.add_trace(
        go.Scatter(
            x=dim_names,
            y=f.output[:dims],
            mode="markers",
            marker={"color": "#000000", "size": 9, "symbol": "line-ew-open", "line": {"width": 3}},
            name=plain(t("attn_fig_sum", lang)),
            hovertemplate="%{x}: %{y:.4f}<extra></extra>",
        ),
        row=5,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=dim_names,
            y=f.model_output[:dims],
            mode="markers",
            marker={"color": OUTLINE_COLOUR, "size": 6},
            name=plain(t("attn_fig_model_out", lang)),
            hovertemplate="%{x}: %{y:.4f}<extra></extra>",
        ),
        row=5,
        col=1,
    )
    title = t("attn_formula_chart_title", lang, layer=f.layer, head=f.head, query=query_label)
    # The formula on a line of its own: one line with both was cut at 480 px.
    subtitle = t("attn_formula_chart_subtitle", lang)
    fig.update_layout(
        title={
            "text": plain(title),
            "subtitle": {"text": plain(subtitle)},
            "x": 0.01,
            "yref": "container",
            "y": 1,
            "yanchor": "top",
            "pad": {"t": 12},
        },
        font={"family": FONT, "size": 12},
        template="plotly_white",
        barmode="relative",
        height=height,
        margin=FORMULA_MARGIN,
        legend={"orientation": "h", "yanchor": "top", "y": -0.03, "x": 0},
    )
    return fig
