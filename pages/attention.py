"""Attention, step by step: the article's section 4 (softmax(QKᵀ/√d_k)·V) on a real model.

One forward pass of a local model on a short text (eager attention), then three
views of it: one head, every head, and the formula worked with the real numbers.
"""

import streamlit as st

from components import attention as ui
from components.state import page_setup

ctx = page_setup()
st.title(ctx.t("attn_title"))
st.caption(ctx.t("attn_intro"))
st.page_link("pages/generate.py", label=ctx.t("attn_back_generate"), icon=":material/chat:")

config = ui.config(ctx)
if config is None:
    st.stop()
ui.init_state(ctx, config)
if ui.remote_selected(config):
    st.info(ctx.t("attn_needs_local"))
    st.stop()
holder = ui.model_holder(ctx, config)
if holder is None:
    st.stop()
cap = ui.captured(ctx, holder)
if cap is None:
    st.stop()
ui.token_notes(ctx, cap)
layer, head, merge, sink = ui.controls(ctx, cap)
ui.head_view(ctx, cap, layer, head, merge, sink)
ui.model_view(ctx, cap, layer, head, merge, sink)
ui.formula_view(ctx, cap, layer, head, merge, sink)
