"""The attention page's controls and its first two views: one head, every head.

The figures come from planner.textgen.attention.figures.
"""

from __future__ import annotations

from functools import partial

# Imported before any figure is built: Plotly's validators read sys.modules["pandas"]
# without waiting, so a first import of pandas running in another thread (st.dataframe
# of another session) can hand them a half-initialised module.
import pandas  # noqa: F401
import streamlit as st

from components.export import chart_export_controls
from components.state import Ctx
from components.ui import md, show_chart
from planner.textgen.attention import Capture, recompute_head, split_units, view
from planner.textgen.attention.figures import attn_grid, attn_heatmap, grid_cell


def token_notes(ctx: Ctx, cap: Capture) -> None:
    st.caption(
        ctx.t(
            "attn_tokens_summary",
            model=md(cap.model_name),
            tokens=cap.tokens,
            units=len(cap.units),
            ms=f"{cap.forward_s * 1000:.0f}",
        )
    )
    split = split_units(cap.units)
    if split:
        sep = "、" if ctx.lang == "zh" else ", "
        pieces = sep.join(ctx.t("attn_split_item", text=md(u.label), count=u.tokens) for u in split)
        st.caption(ctx.t("attn_split_note", pieces=pieces))
    else:
        st.caption(ctx.t("attn_no_split"))


def _clamp(key: str, last: int) -> None:
    value = st.session_state.get(key)
    if not isinstance(value, int) or not 0 <= value <= last:
        st.session_state[key] = min(max(int(value or 0), 0), last)


def controls(ctx: Ctx, cap: Capture) -> tuple[int, int, bool, bool]:
    """Layer, head, merge and sink choices (kept in range for this model)."""
    _clamp("attn_layer", cap.layers - 1)
    _clamp("attn_head", cap.heads - 1)
    a, b, c, d = st.columns([1, 1, 1, 1], vertical_alignment="bottom")
    a.number_input(
        ctx.t("attn_layer_label", last=cap.layers - 1), 0, cap.layers - 1, step=1, key="attn_layer"
    )
    b.number_input(
        ctx.t("attn_head_label", last=cap.heads - 1), 0, cap.heads - 1, step=1, key="attn_head"
    )
    c.toggle(ctx.t("attn_merge"), key="attn_merge", help=ctx.t("attn_merge_help"))
    d.toggle(ctx.t("attn_sink"), key="attn_sink", help=ctx.t("attn_sink_help"))
    st.caption(ctx.t("attn_sink_help"))
    s = st.session_state
    return int(s["attn_layer"]), int(s["attn_head"]), bool(s["attn_merge"]), bool(s["attn_sink"])


def head_view(ctx: Ctx, cap: Capture, layer: int, head: int, merge: bool, sink: bool) -> None:
    st.subheader(ctx.t("attn_head_view"))
    st.caption(ctx.t("attn_head_view_intro"))
    shown = view(cap.attn[layer, head], cap, merge=merge, hide_sink=sink)
    fig = attn_heatmap(shown, layer, head, ctx.lang, heads=cap.heads, kv_heads=cap.kv_heads)
    show_chart(fig, "attn_heatmap", ctx)
    if cap.has_vectors:
        diff = float(abs(recompute_head(cap, layer, head) - cap.attn[layer, head]).max())
        st.caption(ctx.t("attn_check", diff=f"{diff:.1e}"))


def _open_from_grid(heads: int) -> None:
    """A click on a thumbnail of the model view opens that head in the head view."""
    event = st.session_state.get("attn_grid")
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    for point in points:
        if point.get("curve_number") == 1 and "point_index" in point:
            layer, head = grid_cell(point["point_index"], heads)
            st.session_state["attn_layer"], st.session_state["attn_head"] = layer, head
            return


def model_view(ctx: Ctx, cap: Capture, layer: int, head: int, merge: bool, sink: bool) -> None:
    st.subheader(ctx.t("attn_model_view"))
    st.caption(ctx.t("attn_model_view_intro", layers=cap.layers, heads=cap.heads))
    shown = view(cap.attn, cap, merge=merge, hide_sink=sink)
    fig = attn_grid(shown, cap.model_name, ctx.lang, current=(layer, head))
    st.plotly_chart(
        fig,
        key="attn_grid",
        config={"displaylogo": False},
        on_select=partial(_open_from_grid, cap.heads),
        selection_mode="points",
    )
    chart_export_controls(fig, "attn_grid", ctx)
