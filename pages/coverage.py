"""Coverage: where the team meets the model, where it falls short, whom to hire."""

import math

import streamlit as st

from components.export import coverage_csv_download
from components.provenance import stale_days, today
from components.roadmap import succession_table
from components.state import page_setup
from components.team_actions import start_actions
from components.ui import md, show_chart, static_table
from components.whatif import risk_panel, what_if
from planner import charts
from planner.numbers import people, percent
from planner.scoring import DEFAULT_LAMBDA, explain_step, stale_cells

ctx = page_setup()
st.title(ctx.t("coverage_title"))
st.caption(ctx.t("coverage_purpose", model=md(ctx.model.label(ctx.lang))))

team, model, catalog = ctx.plan.team, ctx.model, ctx.catalog
if len(team) == 0:
    start_actions(ctx, "overview_empty")
    st.stop()

report = ctx.analysis.report
gaps = report.gaps()
cols = st.columns(5)
cols[0].metric(ctx.t("kpi_fit"), percent(report.fit), help=ctx.t("kpi_fit_help"))
# st.metric takes no key here: the container carries the design's key.
with cols[1].container(key="resilience"):
    st.metric(
        ctx.t("kpi_resilience"),
        percent(report.resilience),
        help=ctx.t("kpi_resilience_help"),
    )
cols[2].metric(ctx.t("kpi_gap_total"), people(math.fsum(g.gap for g in gaps)))
cols[3].metric(ctx.t("kpi_spof"), len(report.single_points_of_failure()))
cols[4].metric(ctx.t("kpi_uncovered"), len(report.uncovered()))

left, right = st.container(key="charts_coverage").columns(2)
with left:
    show_chart(charts.coverage_radar(report, catalog, ctx.lang), "coverage_radar", ctx)
with right:
    show_chart(charts.coverage_gaps(report, catalog, ctx.lang), "coverage_gaps", ctx)
# ⌛ marks ratings not confirmed lately (PLANNER_STALE_DAYS); the caption says so.
stale = stale_cells(team, today(), stale_days())
show_chart(
    charts.coverage_heatmap(team, model, catalog, ctx.lang, stale=stale), "coverage_heatmap", ctx
)
if stale:
    st.caption(ctx.t("ratings_stale_caption", count=len(stale), days=stale_days()))
coverage_csv_download(ctx, report, catalog)
left, right = st.container(key="charts_bus_factor").columns(2)
with left:
    show_chart(charts.bus_factor(report, catalog, ctx.lang), "bus_factor", ctx)
with right:
    risk_panel(ctx)
    succession_table(ctx)

st.subheader(ctx.t("hiring_title"))
st.caption(ctx.t("hiring_help", lam=f"{DEFAULT_LAMBDA:g}"))
steps = ctx.analysis.steps
if steps:
    show_chart(
        charts.hiring_plan(steps, report.fit, catalog.roles, catalog, ctx.lang), "hiring_plan", ctx
    )
    # The same labels and number format as the chart's points. A static table wraps
    # its cells: the "Why" sentences were cut in a scrolling data frame.
    # The "Why" names members (user text): kept inert, as in every static table.
    with st.container(key="hiring_table"):
        static_table(
            [
                {
                    ctx.t("col_role"): charts.hire_label(s, i, catalog.roles, ctx.lang),
                    ctx.t("col_fit_after"): percent(s.fit_after, 1),
                    ctx.t("col_resilience_after"): percent(s.resilience_after, 1),
                    ctx.t("col_why"): explain_step(s, catalog, ctx.lang),
                }
                for i, s in enumerate(steps, start=1)
            ],
            user_text={ctx.t("col_why")},
        )
else:
    st.success(ctx.t("hiring_none"))
if left_over := ctx.analysis.left_over:
    st.caption(
        ctx.t(
            "hiring_small_gaps",
            skills=ctx.t("list_sep").join(catalog.skill_label(s, ctx.lang) for s in left_over),
        )
    )

what_if(ctx)
