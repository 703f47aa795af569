"""Overview: what the tool answers, where the team stands, links to every page."""

import streamlit as st

from components.state import page_setup
from components.ui import pct
from planner.coverage import analyze

ctx = page_setup()
st.title(ctx.t("app_title"))
st.markdown(ctx.t("overview_intro"))

team = ctx.plan.team
if len(team) == 0:
    st.info(ctx.t("overview_empty"))
else:
    report = analyze(team, ctx.model)
    cols = st.columns(4)
    cols[0].metric(ctx.t("kpi_team"), f"{len(team)}", help=ctx.t("kpi_team_help"))
    cols[1].metric(ctx.t("kpi_model"), ctx.model.label(ctx.lang))
    cols[2].metric(ctx.t("kpi_fit"), pct(report.fit))
    cols[3].metric(ctx.t("kpi_spof"), f"{len(report.single_points_of_failure())}")

st.subheader(ctx.t("overview_pages"))
for path, key in [
    ("pages/team.py", "overview_link_team"),
    ("pages/model.py", "overview_link_model"),
    ("pages/coverage.py", "overview_link_coverage"),
    ("pages/pipeline.py", "overview_link_pipeline"),
    ("pages/generate.py", "overview_link_generate"),
    ("pages/share.py", "overview_link_share"),
]:
    st.page_link(path, label=ctx.t(key))
