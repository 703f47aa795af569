"""Budget: what the plan costs (people and compute), the runway left, and scenarios."""

import streamlit as st

from components.budget.compute import compute_section
from components.budget.funding import funding_inputs, sync_inputs
from components.budget.hires import hires_outcome, hires_section
from components.budget.kpis import plan_summary, runway_section
from components.budget.plan_sync import plan_changed_notice
from components.budget.scenarios import scenario_section
from components.budget.team_cost import team_cost
from components.state import current_ctx, page_setup
from components.ui import md

ctx = page_setup()
st.title(ctx.t("budget_title"))
st.caption(ctx.t("budget_purpose", model=md(ctx.model.label(ctx.lang))))

sync_inputs(ctx)
funding_inputs(ctx)
# The results stand above the hiring timeline but are drawn after it: an edit of
# the timeline is applied during this run, and the results must include it.
results = st.container()
plan_changed_notice(ctx)
hires_section(ctx)
ctx = current_ctx()
summary = plan_summary(ctx)
hires_outcome(ctx, summary)
with results:
    runway_section(ctx, summary)
    team_cost(ctx, summary)
compute_section(ctx, summary)
scenario_section(ctx)
st.caption(ctx.t("budget_disclaimer"))
