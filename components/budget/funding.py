"""The funding inputs at the top of the budget page, and the sync that runs
before any budget widget is drawn."""

from __future__ import annotations

import streamlit as st

from components.budget import compute_fields
from components.budget.fields import on_change, on_number_change, show_error, sync, view
from components.budget.finance_fields import (
    BURN,
    CASH,
    FIELDS,
    GROWTH,
    MARKET,
    MULTIPLIER,
    REVENUE,
    START,
)
from components.state import Ctx
from planner.domain import MARKETS

MARKET_KEYS = {"cn": "budget_market_cn", "us": "budget_market_us"}


def sync_inputs(ctx: Ctx) -> None:
    """First on the page: every budget input shows the plan's current value."""
    sync(ctx, FIELDS + compute_fields.FIELDS)


def funding_inputs(ctx: Ctx) -> None:
    """Market, cash, non-payroll burn, revenue and growth, start month; multiplier."""
    currency = MARKETS[view(ctx).market]
    st.segmented_control(
        ctx.t("budget_market"),
        options=list(MARKETS),
        format_func=lambda m: ctx.t(MARKET_KEYS[m]),
        required=True,
        **on_change(MARKET, ctx),
    )
    cols = st.columns(3)
    with cols[0]:
        st.text_input(
            ctx.t("budget_cash_label", currency=currency),
            help=ctx.t("budget_money_help"),
            **on_change(CASH, ctx),
        )
        show_error(CASH)
    with cols[1]:
        st.text_input(
            ctx.t("budget_burn_label", currency=currency),
            help=ctx.t("budget_burn_help"),
            **on_change(BURN, ctx),
        )
        show_error(BURN)
    with cols[2]:
        st.text_input(
            ctx.t("budget_start_label"), help=ctx.t("budget_start_help"), **on_change(START, ctx)
        )
        show_error(START)
    cols = st.columns(3)
    with cols[0]:
        st.text_input(
            ctx.t("budget_revenue_label", currency=currency),
            help=ctx.t("budget_money_help"),
            **on_change(REVENUE, ctx),
        )
        show_error(REVENUE)
    with cols[1]:
        st.number_input(
            ctx.t("budget_growth_label"),
            min_value=-50.0,
            max_value=100.0,
            step=1.0,
            format="%.1f",
            help=ctx.t("budget_growth_help"),
            **on_number_change(GROWTH, ctx),
        )
        show_error(GROWTH)
    with cols[2]:
        st.number_input(
            ctx.t("budget_multiplier_label"),
            min_value=1.0,
            max_value=3.0,
            step=0.05,
            format="%.2f",
            help=ctx.t("budget_multiplier_help"),
            **on_number_change(MULTIPLIER, ctx),
        )
        show_error(MULTIPLIER)
