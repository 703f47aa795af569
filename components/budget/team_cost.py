"""What today's team costs a month, and where each figure comes from."""

from __future__ import annotations

import streamlit as st

from components.budget.fields import on_change, show_error
from components.budget.finance_fields import DEFAULT_SALARY
from components.state import Ctx, is_read_only
from planner import budget
from planner.budget import BudgetSummary, format_money
from planner.domain import MARKETS


def team_cost(ctx: Ctx, summary: BudgetSummary) -> None:
    """What today's team costs a month, and where each figure comes from."""
    market = summary.market
    with st.expander(
        ctx.t("budget_team_cost", total=format_money(summary.team_monthly, market)),
    ):
        st.caption(ctx.t("budget_team_cost_help"))
        if not is_read_only():
            st.text_input(
                ctx.t("budget_default_salary_label", currency=MARKETS[market]),
                help=ctx.t("budget_default_salary_help"),
                **on_change(DEFAULT_SALARY, ctx),
            )
            show_error(DEFAULT_SALARY)
        basis = budget.cost_basis(ctx.plan.finances, ctx.catalog.roles, market)
        rows = []
        for m in ctx.plan.team.members:
            role = basis.role_for(m.role)
            if m.monthly_cost is not None:
                source = ctx.t("budget_cost_own")
            elif role is not None:
                source = ctx.t("budget_cost_band", role=role.label(ctx.lang))
            else:
                source = ctx.t("budget_cost_default")
            rows.append(
                {
                    ctx.t("budget_col_name"): m.name,
                    ctx.t("budget_col_role"): m.role,
                    ctx.t("budget_col_monthly", currency=MARKETS[market]): round(
                        basis.member_monthly(m)
                    ),
                    ctx.t("budget_col_source"): source,
                }
            )
        if rows:
            st.dataframe(rows, hide_index=True, width="stretch")
        else:
            st.info(ctx.t("budget_no_team"))
