"""Pipeline: the article's startup flow, each stage coloured by the team's coverage."""

import streamlit as st

from components.plans.access import download_click, guarded
from components.state import page_setup
from components.team_actions import start_actions
from components.ui import show_chart, static_table
from planner import charts
from planner.files import safe_filename
from planner.numbers import percent
from planner.scoring import to_mermaid
from planner.scoring.coverage import GREEN, RED

# Status -> its words (each key a literal, so the strings test sees it used).
STATUS_TEXT = {
    "green": "status_green",
    "amber": "status_amber",
    "red": "status_red",
    "neutral": "status_neutral",
}

ctx = page_setup()
st.title(ctx.t("pipeline_title"))
st.caption(ctx.t("pipeline_purpose"))

if len(ctx.plan.team) == 0:
    start_actions(ctx, "overview_empty")
    st.stop()

pipeline = ctx.analysis.pipeline
if blocker := pipeline.blocker:
    st.error(ctx.t("pipeline_blocked", stage=blocker.label, coverage=percent(blocker.coverage)))
else:
    st.success(ctx.t("pipeline_clear"))
show_chart(charts.pipeline_diagram(pipeline, ctx.lang), "pipeline_diagram", ctx)
# The legend names every condition of the one status rule (planner.scoring.coverage.skill_status).
legend = ctx.t("pipeline_legend", red=percent(RED), green=percent(GREEN))
st.container(key="pipeline_legend").caption(legend)

# Static, so "Who covers it" wraps: a data frame cut the team's names off at 1400 px.
# Member names are user text: md keeps them inert in the table's Markdown.
rows = [
    {
        ctx.t("col_stage"): s.label,
        ctx.t("col_coverage"): percent(s.coverage),
        ctx.t("col_resilience"): percent(s.resilience),
        ctx.t("col_status"): ctx.t(STATUS_TEXT[s.status]),
        ctx.t("col_people"): ", ".join(s.people),
    }
    for s in pipeline.stages.values()
]
with st.container(key="pipeline_table"):
    static_table(rows, user_text={ctx.t("col_people")})

st.subheader(ctx.t("pipeline_mermaid_title"))
mermaid = to_mermaid(pipeline, ctx.lang)
st.code(mermaid, language="text")
st.download_button(
    ctx.t("pipeline_mermaid_download"),
    data=guarded(lambda: mermaid.encode("utf-8")),  # checks the session's link when clicked
    file_name=safe_filename(f"{ctx.plan.name}-pipeline", "mmd"),
    mime="text/plain",
    key="pipeline_mermaid",
    on_click=download_click(),
    icon=":material/download:",
)
