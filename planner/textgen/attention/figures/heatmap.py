"""One head's attention as a heatmap: queries down, keys across."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from planner.charts import FONT, plain
from planner.i18n import t
from planner.textgen.attention.figures.style import MASK_COLOUR, tokens_axis
from planner.textgen.attention.views import View


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
        xaxis={**tokens_axis(cols), "title": plain(t("attn_axis_key", lang)), "side": "bottom"},
        yaxis={
            **tokens_axis(rows),
            "title": plain(t("attn_axis_query", lang)),
            "autorange": "reversed",
        },
    )
    # Upright keys where they fit, slanted or standing where they would touch (on a
    # phone six keys of the article's sentence ran into one another).
    fig.update_xaxes(autotickangles=[0, -45, -90])
    return fig
