"""The attention page's building blocks: model loading, controls, the three views.

The numbers come from planner.textgen.attention (one captured forward pass, kept in
this session for the current model and text); the figures from
planner.textgen.attention_figures. torch loads in the model's loading thread only.
"""

from __future__ import annotations

from functools import partial

# Imported before any figure is built: Plotly's validators read sys.modules["pandas"]
# without waiting, so a first import of pandas running in another thread (st.dataframe
# of another session) can hand them a half-initialised module.
import pandas  # noqa: F401
import streamlit as st

from components.export import chart_export_controls
from components.generation.backend import SOURCES
from components.generation.session import message
from components.resources import textgen_config
from components.state import Ctx
from components.ui import md, show_chart
from planner.domain import LANGS
from planner.formatting import md_params
from planner.i18n import t
from planner.textgen.attention import (
    MAX_TOKENS,
    Capture,
    EagerModelHolder,
    formula,
    recompute_head,
    split_units,
    view,
)
from planner.textgen.attention_figures import attn_formula, attn_grid, attn_heatmap, grid_cell
from planner.textgen.config import EMBEDDED, TextgenConfig
from planner.textgen.errors import TextgenError

CAPTURE = "attn_capture"  # {"spec", "text", "capture"} of the last forward pass
BACKEND_SEEN = "attn_backend_seen"  # the generate page's backend choice, remembered
DIMS = 8  # vector dimensions the formula shows
STEP_TABS = (
    "attn_step1_tab",
    "attn_step2_tab",
    "attn_step3_tab",
    "attn_step4_tab",
    "attn_step5_tab",
)
# Widget values that survive a visit to another page: Streamlit drops the state of
# widgets a run did not draw, so a plain copy (SAVED) puts them back on return.
SAVED = "attn_saved"
KEPT = ("attn_model", "attn_text", "attn_layer", "attn_head", "attn_merge", "attn_sink")


@st.cache_resource(show_spinner=False)
def attention_model(spec: str, config: TextgenConfig) -> EagerModelHolder:
    """This view's copy of spec, with eager attention, shared read-only by every session;
    it loads in the background on first use."""
    return EagerModelHolder(spec, config)


def config(ctx: Ctx) -> TextgenConfig | None:
    """The text-generation configuration (the same as the generation page's)."""
    try:
        return textgen_config()
    except ValueError as exc:
        st.error(ctx.t("gen_err_config", detail=str(exc)[:300]))
        return None


def init_state(ctx: Ctx, cfg: TextgenConfig) -> None:
    state = st.session_state
    saved = state.setdefault(SAVED, {})
    for key in KEPT:
        if key not in state and key in saved:
            state[key] = saved[key]
    # The language's own default sentence, also after a language switch.
    defaults = {t("attn_default_text", lang) for lang in LANGS}
    if state.get("attn_text") in defaults:
        state["attn_text"] = ctx.t("attn_default_text")
    gen_model = state.get("gen_model")
    state.setdefault("attn_model", gen_model if isinstance(gen_model, str) else cfg.model)
    state.setdefault("attn_text", ctx.t("attn_default_text"))
    state.setdefault("attn_layer", 0)
    state.setdefault("attn_head", 0)
    state.setdefault("attn_merge", True)
    state.setdefault("attn_sink", False)
    if "gen_backend" in state:
        state[BACKEND_SEEN] = state["gen_backend"]
    # Each run starts with the latest widget values (a change reruns this page).
    state[SAVED] = {key: state[key] for key in KEPT}


def remote_selected(cfg: TextgenConfig) -> bool:
    """True when the text-generation page uses the remote server (no weights here)."""
    return cfg.remote_configured and st.session_state.get(BACKEND_SEEN) == "remote"


def _show_loading(ctx: Ctx, holder: EagerModelHolder) -> bool:
    """Start or watch the shared load, one status line per step; True once ready."""
    holder.start()
    if holder.ready:
        return True
    if not holder.failed:
        with st.status(ctx.t("attn_loading", model=md(holder.spec)), expanded=True) as status:
            shown = 0
            while True:
                finished = holder.wait(0.25)
                for key, params in holder.lines[shown:]:
                    status.write(_line(ctx, key, params))
                shown = len(holder.lines)
                if finished:
                    break
            if holder.error is None:
                lm = holder.model.lm
                status.update(
                    label=ctx.t(
                        "attn_loaded",
                        model=md(lm.name),
                        source=ctx.t(SOURCES.get(lm.source, "gen_source_cache")),
                        seconds=f"{lm.load_s:.1f}",
                    ),
                    state="complete",
                    expanded=False,
                )
                return True
            status.update(label=ctx.t("attn_load_failed", model=md(holder.spec)), state="error")
    st.error(message(ctx, holder.error))
    return False


def _line(ctx: Ctx, key: str, params: dict) -> str:
    try:
        return ctx.t(key, **md_params(params))
    except (KeyError, IndexError):  # a loader step this page has no words for
        return key


def model_holder(ctx: Ctx, cfg: TextgenConfig) -> EagerModelHolder | None:
    """The eager model of the chosen spec, loaded (with progress) or None with a message."""
    st.text_input(ctx.t("attn_model_label"), key="attn_model", help=ctx.t("attn_model_help"))
    spec = (st.session_state["attn_model"] or "").strip() or EMBEDDED
    holder = attention_model(spec, cfg)
    was_ready = holder.ready
    if not _show_loading(ctx, holder):
        return None
    if was_ready:
        lm = holder.model.lm
        st.caption(
            ctx.t(
                "attn_loaded",
                model=md(lm.name),
                source=ctx.t(SOURCES.get(lm.source, "gen_source_cache")),
                seconds=f"{lm.load_s:.1f}",
            )
        )
    return holder


def captured(ctx: Ctx, holder: EagerModelHolder) -> Capture | None:
    """The forward pass for the current text (run again only when model or text change)."""
    from planner.textgen.attention import capture

    st.text_input(
        ctx.t("attn_text_label"),
        key="attn_text",
        max_chars=2000,
        help=ctx.t("attn_text_help", limit=MAX_TOKENS),
    )
    text = st.session_state["attn_text"]
    kept = st.session_state.get(CAPTURE)
    if kept and kept["spec"] == holder.spec and kept["text"] == text:
        return kept["capture"]
    try:
        cap = capture(holder.model, text)
    except TextgenError as exc:
        st.session_state.pop(CAPTURE, None)
        st.error(message(ctx, exc))
        return None
    st.session_state[CAPTURE] = {"spec": holder.spec, "text": text, "capture": cap}
    return cap


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


def _query_options(cap: Capture, merge: bool) -> dict[int, str]:
    """Query token -> label: one per unit (its last token) or one per token."""
    pairs = [(u.end - 1, u.label) for u in cap.units] if merge else list(enumerate(cap.labels))
    seen: dict[str, int] = {}
    options = {}
    for token, label in pairs:
        seen[label] = seen.get(label, 0) + 1
        options[token] = label if seen[label] == 1 else f"{label} ({seen[label]})"
    return options


def formula_view(ctx: Ctx, cap: Capture, layer: int, head: int, merge: bool, sink: bool) -> None:
    st.subheader(ctx.t("attn_formula_title"))
    if not cap.has_vectors:
        st.info(ctx.t("attn_err_formula_unsupported"))
        return
    st.caption(ctx.t("attn_formula_intro", layer=layer, head=head))
    options = _query_options(cap, merge)
    if st.session_state.get("attn_query") not in options:
        st.session_state["attn_query"] = list(options)[-1]
    query = st.selectbox(
        ctx.t("attn_query_label"), list(options), key="attn_query", format_func=options.get
    )
    unit = next(u for u in cap.units if u.start <= query < u.end)
    if merge and unit.tokens > 1:
        st.caption(ctx.t("attn_query_note", text=md(unit.label), count=unit.tokens))
    if sink:
        st.caption(ctx.t("attn_formula_sink_note"))
    f = formula(cap, layer, head, query)
    labels = cap.labels
    keys = labels[: query + 1]
    query_label = options[query]
    group = [h for h in range(cap.heads) if cap.kv_head(h) == f.kv_head]
    dims = min(DIMS, f.d_k)
    if not f.matches:
        st.warning(ctx.t("attn_formula_mismatch", diff=f"{max(f.weight_diff, f.output_diff):.1e}"))
    tabs = st.tabs([ctx.t(key) for key in STEP_TABS])
    token_col = ctx.t("attn_col_token")
    with tabs[0]:
        st.markdown(
            ctx.t(
                "attn_step1",
                query=md(query_label),
                count=len(keys),
                dims=dims,
                dk=f.d_k,
                kv=f.kv_head,
                group=", ".join(map(str, group)),
            )
        )
        vectors = [("q", query_label, f.q)] + [("k", k, f.k[j]) for j, k in enumerate(keys)]
        st.container(key="attn_step1").dataframe(
            [
                {
                    ctx.t("attn_col_vector"): name,
                    token_col: label,
                    **{f"d{i}": round(float(vec[i]), 4) for i in range(dims)},
                }
                for name, label, vec in vectors
            ],
            hide_index=True,
        )
    with tabs[1]:
        st.markdown(ctx.t("attn_step2"))
        _key_table(ctx, keys, {ctx.t("attn_col_score"): f.scores}, "attn_step2")
    with tabs[2]:
        root = f.d_k**0.5
        st.markdown(ctx.t("attn_step3", dk=f.d_k, root=f"{root:.3f}"))
        if not f.standard_scale:
            st.caption(
                ctx.t("attn_step3_scale", scale=f"{f.scale:.4f}", standard=f"{1 / root:.4f}")
            )
        _key_table(ctx, keys, {ctx.t("attn_col_scaled"): f.scaled}, "attn_step3")
    with tabs[3]:
        st.markdown(ctx.t("attn_step4", query=md(query_label), diff=f"{f.weight_diff:.1e}"))
        _key_table(
            ctx,
            keys,
            {ctx.t("attn_col_weight"): f.weights, ctx.t("attn_col_head_view"): f.model_row},
            "attn_step4",
        )
    with tabs[4]:
        st.markdown(ctx.t("attn_step5", dims=dims, diff=f"{f.output_diff:.1e}", heads=cap.heads))
        st.container(key="attn_step5").dataframe(
            [
                {
                    ctx.t("attn_col_dim"): f"d{i}",
                    ctx.t("attn_col_output"): round(float(f.output[i]), 5),
                    ctx.t("attn_col_model_output"): round(float(f.model_output[i]), 5),
                }
                for i in range(dims)
            ],
            hide_index=True,
        )
    show_chart(attn_formula(f, keys, query_label, ctx.lang, dims), "attn_formula", ctx)


def _key_table(ctx: Ctx, keys: list[str], columns: dict, key: str) -> None:
    st.container(key=key).dataframe(
        [
            {
                ctx.t("attn_col_token"): label,
                **{n: round(float(v[j]), 5) for n, v in columns.items()},
            }
            for j, label in enumerate(keys)
        ],
        hide_index=True,
    )
