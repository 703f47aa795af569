"""The budget page's results: KPIs, the runway chart and its table."""

from __future__ import annotations

import streamlit as st

from components.state import Ctx
from components.ui import show_chart
from planner import budget
from planner.budget import BudgetSummary, format_money
from planner.budget.charts import kpi_rows, runway_chart, runway_text
from planner.numbers import months


def plan_summary(ctx: Ctx) -> BudgetSummary:
    return budget.summarize(ctx.plan, ctx.catalog, ctx.model, ctx.lang)


def runway_section(ctx: Ctx, summary: BudgetSummary) -> None:
    market, horizon = summary.market, summary.plan.projection.months
    if not summary.cash_entered:
        # No cash yet: say what to enter, not a runway of 0 and a month cash "runs out".
        cols = st.columns(2)
        cols[0].metric(
            ctx.t("budget_kpi_burn"),
            format_money(summary.burn_today, market),
            help=ctx.t("budget_kpi_burn_help"),
        )
        cols[1].metric(ctx.t("budget_kpi_burn_plan"), format_money(summary.burn_plan, market))
        st.container(key="budget_enter_cash").info(
            ctx.t("budget_enter_cash"), icon=":material/savings:"
        )
        return
    cols = st.columns(5)
    cols[0].metric(
        ctx.t("budget_kpi_burn"),
        format_money(summary.burn_today, market),
        help=ctx.t("budget_kpi_burn_help"),
    )
    cols[1].metric(
        ctx.t("budget_kpi_runway_today"),
        runway_text(summary.today.projection.runway, horizon, ctx.lang),
        help=ctx.t("budget_kpi_runway_help"),
    )
    delta = None
    if summary.today.projection.runway is not None or summary.plan.projection.runway is not None:
        today = summary.today.projection.runway or horizon
        plan = summary.plan.projection.runway or horizon
        change = plan - today
        # A change too small to show: no arrow, no colour.
        delta = ("+" if change > 0 else "") + months(change) if abs(change) >= 0.05 else None
    cols[2].metric(
        ctx.t("budget_kpi_runway_plan"),
        runway_text(summary.plan.projection.runway, horizon, ctx.lang),
        delta,
        help=ctx.t("budget_kpi_runway_plan_help"),
    )
    per_fit, per_res = summary.cost_per_fit_point(), summary.cost_per_resilience_point()
    cols[3].metric(
        ctx.t("budget_kpi_per_fit"),
        "—" if per_fit is None else format_money(per_fit, market),
        help=ctx.t("budget_kpi_per_fit_help", points=f"{summary.fit_points:+.1f}"),
    )
    cols[4].metric(
        ctx.t("budget_kpi_per_res"),
        "—" if per_res is None else format_money(per_res, market),
        help=ctx.t("budget_kpi_per_res_help", points=f"{summary.resilience_points:+.1f}"),
    )
    if summary.plan.projection.zero_month is not None:
        month = budget.month_label(summary.start, summary.plan.projection.zero_month)
        st.warning(ctx.t("budget_zero_warning", month=month), icon=":material/warning:")
    show_chart(runway_chart(summary, ctx.lang), "runway_chart", ctx)
    with st.expander(ctx.t("budget_kpi_table")):
        st.dataframe(kpi_rows(summary, ctx.lang), hide_index=True, width="stretch")
