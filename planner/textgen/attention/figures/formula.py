"""The worked formula: softmax(q·kᵀ/√d_k)·v for one query token, step by step."""

from __future__ import annotations

import numpy as np
import plotly.colors
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from planner.charts import FONT, plain, wrap_label
from planner.i18n import t
from planner.textgen.attention.figures.style import OUTLINE_COLOUR
from planner.textgen.attention.worked_formula import Formula

# Room on top for the formula figure's title, its subtitle and the first panel's
# title, one under another.
FORMULA_MARGIN = {"l": 10, "r": 10, "t": 130, "b": 10}


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
