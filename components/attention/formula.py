"""The attention page's third view: softmax(QKᵀ/√d_k)·V worked step by step with the
real numbers of one head and one query token.
"""

from __future__ import annotations

# Imported before any figure is built (see components.attention.views).
import pandas  # noqa: F401
import streamlit as st

from components.state import Ctx
from components.ui import md, show_chart
from planner.textgen.attention import Capture, formula
from planner.textgen.attention.figures import attn_formula

DIMS = 8  # vector dimensions the formula shows
STEP_TABS = (
    "attn_step1_tab",
    "attn_step2_tab",
    "attn_step3_tab",
    "attn_step4_tab",
    "attn_step5_tab",
)


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
