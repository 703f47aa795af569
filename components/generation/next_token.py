"""The generation page's next-token view: what a model computes before it samples.

It asks the model's holder for candidates and per-position predictions; it never
touches the tokenizer or imports torch. The numbers are exact fp32 logits from a
transformers model whichever engine generates (the holder loads it on first use).
"""

from __future__ import annotations

import contextlib

import streamlit as st

from components.generation.session import ARGMAX, NEXT, current_request, message
from components.state import Ctx
from components.ui import show_chart
from planner.textgen.errors import TextgenError
from planner.textgen.figures import next_token_figure, visible_token
from planner.textgen.holder import ModelHolder


def _exact_loading(ctx: Ctx, holder: ModelHolder) -> contextlib.AbstractContextManager:
    """A spinner while the fp32 model loads for its first question (ONNX engine)."""
    if holder.exact_ready:
        return contextlib.nullcontext()
    return st.spinner(ctx.t("gen_next_loading_exact"))


def _candidates(ctx: Ctx, holder: ModelHolder) -> None:
    if st.button(ctx.t("gen_next_button"), key="gen_next_run"):
        try:
            with _exact_loading(ctx, holder):
                st.session_state[NEXT] = holder.next_token_candidates(current_request(), k=10)
        except TextgenError as exc:
            st.session_state.pop(NEXT, None)
            st.error(message(ctx, exc))
    if candidates := st.session_state.get(NEXT):
        fig = next_token_figure(
            candidates,
            ctx.t("gen_next_chart_title", vocab=f"{holder.vocab_size:,}"),
            ctx.t("gen_next_axis_prob"),
            ctx.t("gen_next_axis_token"),
        )
        show_chart(fig, "gen_next_chart", ctx)
        share = sum(c["prob"] for c in candidates)
        st.caption(ctx.t("gen_next_covered", share=f"{share:.1%}"))


def _argmax_row(ctx: Ctx, r: dict) -> dict:
    return {
        ctx.t("gen_col_position"): r["position"],
        ctx.t("gen_col_token"): visible_token(r["token"]),
        ctx.t("gen_col_predicted"): visible_token(r["predicted"]),
        ctx.t("gen_col_predicted_prob"): f"{r['predicted_prob']:.1%}",
        ctx.t("gen_col_actual"): visible_token(r["actual"]),
        ctx.t("gen_col_actual_prob"): f"{r['actual_prob']:.1%}",
        ctx.t("gen_col_match"): "✓" if r["match"] else "✗",
    }


def _argmax(ctx: Ctx, holder: ModelHolder) -> None:
    st.markdown(f"**{ctx.t('gen_argmax_title')}**")
    st.caption(ctx.t("gen_argmax_intro"))
    st.text_input(ctx.t("gen_argmax_text"), key="gen_argmax_text", max_chars=300)
    if st.button(ctx.t("gen_argmax_button"), key="gen_argmax_run"):
        try:
            with _exact_loading(ctx, holder):
                st.session_state[ARGMAX] = holder.argmax_per_position(
                    st.session_state["gen_argmax_text"]
                )
        except TextgenError as exc:
            st.session_state.pop(ARGMAX, None)
            st.error(message(ctx, exc))
    if rows := st.session_state.get(ARGMAX):
        hits = sum(r["match"] for r in rows)
        st.caption(ctx.t("gen_argmax_summary", hits=hits, total=len(rows)))
        st.container(key="gen_argmax").dataframe(
            [_argmax_row(ctx, r) for r in rows], hide_index=True
        )
        # What the article's GPT-2 sample computes per position, and the attention
        # behind it: the attention page works the same formula on this model.
        st.page_link(
            "pages/attention.py",
            label=ctx.t("gen_argmax_to_attention"),
            icon=":material/visibility:",
        )


def next_token_section(ctx: Ctx, holder: ModelHolder | None) -> None:
    """Needs the local model: a remote server gives no logits."""
    st.subheader(ctx.t("gen_section_next"))
    st.caption(ctx.t("gen_next_intro"))
    if holder is None:
        st.info(ctx.t("gen_next_needs_local"))
        return
    if not holder.ready:
        st.info(ctx.t("gen_next_wait_model"))
        return
    _candidates(ctx, holder)
    _argmax(ctx, holder)
