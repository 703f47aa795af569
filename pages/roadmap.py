"""Roadmap: hire or train, month by month; when the team is ready and what it costs."""

import streamlit as st

from components.roadmap import (
    actions_editor,
    add_action,
    compare_table,
    invalid_actions,
    roadmap_controls,
    roadmap_figure,
    section_for,
)
from components.state import current_ctx, page_setup
from components.team_actions import start_actions
from components.ui import md

ctx = page_setup()
st.title(ctx.t("roadmap_title"))
st.caption(ctx.t("roadmap_purpose", model=md(ctx.model.label(ctx.lang))))
if len(ctx.plan.team) == 0:
    start_actions(ctx, "overview_empty")
    st.stop()

roadmap_controls(ctx)
ctx = current_ctx()
section = section_for(ctx)
if not section.result.world.cash_limited:
    st.info(ctx.t("roadmap_no_cash"), icon=":material/savings:")
roadmap_figure(ctx, section)
for warning in section.warnings:
    st.warning(warning, icon=":material/savings:")
invalid_actions(ctx, section)
actions_editor(ctx, section)
add_action(ctx, section)
compare_table(ctx, section)
st.subheader(ctx.t("roadmap_closes_title"))
# Every skill in view: at the default height (ten rows) the last ones hid under a scroll.
st.dataframe(section.closes, hide_index=True, width="stretch", height="content")
st.caption(section.defaults)
