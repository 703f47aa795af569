"""Overview: what the tool answers, where the team stands, links to every page."""

import streamlit as st

from components.provenance import reliance_caption
from components.roadmap import ready_verdict
from components.state import page_setup
from components.team_actions import start_actions
from components.ui import md
from planner.numbers import percent

ctx = page_setup()
st.title(ctx.t("app_title"))
st.markdown(ctx.t("overview_intro"))
st.container(key="overview_article").caption(ctx.t("overview_article"))

team = ctx.plan.team
if len(team) == 0:
    start_actions(ctx, "overview_empty")
else:
    # Member names reach this sentence: md keeps them text.
    verdict = ctx.analysis.verdict
    # The month the team is ready under the roadmap the plan keeps (no user text in it).
    ready = ready_verdict(ctx)
    st.container(key="next_hire").info(f"{md(verdict)} {ready}", icon=":material/person_add:")
    report = ctx.analysis.report
    cols = st.columns(5)
    cols[0].metric(ctx.t("kpi_team"), f"{len(team)}", help=ctx.t("kpi_team_help"))
    # A metric value is Markdown: a custom model's label is user text.
    cols[1].metric(ctx.t("kpi_model"), md(ctx.model.label(ctx.lang)))
    cols[2].metric(ctx.t("kpi_fit"), percent(report.fit), help=ctx.t("kpi_fit_help"))
    cols[3].metric(
        ctx.t("kpi_resilience"), percent(report.resilience), help=ctx.t("kpi_resilience_help")
    )
    cols[4].metric(ctx.t("kpi_spof"), f"{len(report.single_points_of_failure())}")
    reliance_caption(ctx)

st.subheader(ctx.t("overview_pages"))
for path, key in [
    ("pages/team.py", "overview_link_team"),
    ("pages/model.py", "overview_link_model"),
    ("pages/coverage.py", "overview_link_coverage"),
    ("pages/budget.py", "overview_link_budget"),
    ("pages/roadmap.py", "overview_link_roadmap"),
    ("pages/pipeline.py", "overview_link_pipeline"),
    ("pages/generate.py", "overview_link_generate"),
    ("pages/attention.py", "overview_link_attention"),
    ("pages/share.py", "overview_link_share"),
]:
    st.page_link(path, label=ctx.t(key))
