"""The hiring timeline: the editable table of planned hires (its rows parsed
back into hires), the budget-limited recommendation, and what the hires change."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from components.budget.fields import View, apply, on_change, show_error, view
from components.budget.finance_fields import LIMIT
from components.state import Ctx, catalog, current_ctx, current_plan, is_read_only
from planner import budget
from planner.budget import BudgetInputError, BudgetSummary, format_money, parse_amount
from planner.domain import (
    BANDS,
    HORIZON_MONTHS,
    MARKETS,
    PlannedHire,
    earliest_start,
    first_error,
)
from planner.i18n import t
from planner.numbers import percent

HIRES = "budget_hires"
_HIRES_BASE = "_budget_hires_base"
FLASH = "_budget_flash"

BAND_KEYS = {"low": "budget_band_low", "mid": "budget_band_mid", "high": "budget_band_high"}


def _band_label(band: str, lang: str) -> str:
    return t(BAND_KEYS[band], lang)


def _hires_frame(ctx: Ctx) -> pd.DataFrame:
    """The plan's hires as the editor's input: what a founder chooses, no results."""
    roles = ctx.catalog.roles
    rows = [
        {
            "role": roles[h.role].label(ctx.lang) if h.role in roles else h.role,
            "band": _band_label(h.band, ctx.lang),
            "weeks": h.weeks_to_hire,
            "start": None if h.start_month is None else h.start_month + 1,
            "salary": h.annual_salary,
            "fte": h.fte,
        }
        for h in ctx.plan.finances.hires
    ]
    frame = pd.DataFrame(rows, columns=["role", "band", "weeks", "start", "salary", "fte"])
    return frame.astype(
        {
            "role": "string",
            "band": "string",
            "weeks": "Int64",
            "start": "Int64",
            "salary": "Float64",
            "fte": "Float64",
        }
    )


def _cell(value: object) -> object:
    return None if value is None or pd.isna(value) else value  # type: ignore[arg-type]


def _row_to_hire(row: dict, number: int, lang: str, roles, label_to_id: dict) -> dict:
    role_text = str(_cell(row.get("role")) or "").strip()
    role_id = label_to_id.get(role_text.casefold())
    if role_id is None:
        raise BudgetInputError("budget_err_role", row=number, value=role_text[:40] or "—")
    band_text = str(_cell(row.get("band")) or "mid")
    band = next((b for b in BANDS if band_text in (b, _band_label(b, lang))), "mid")
    weeks, start, salary, fte = (_cell(row.get(k)) for k in ("weeks", "start", "salary", "fte"))
    hire: dict = {
        "role": role_id,
        "band": band,
        "weeks_to_hire": roles[role_id].weeks_to_hire if weeks is None else int(weeks),
        "fte": 1.0 if fte is None else float(fte),
    }
    if start is not None:
        if not 1 <= int(start) <= HORIZON_MONTHS:
            raise BudgetInputError("budget_err_start", row=number, limit=HORIZON_MONTHS)
        first = earliest_start(hire["weeks_to_hire"])
        if int(start) - 1 < first:
            raise BudgetInputError(
                "budget_err_too_early",
                row=number,
                start=int(start),
                weeks=hire["weeks_to_hire"],
                earliest=first + 1,
            )
        hire["start_month"] = int(start) - 1
    if salary is not None:
        hire["annual_salary"] = parse_amount(salary)
    try:
        PlannedHire.model_validate(hire)
    except ValidationError as exc:
        problem = first_error(exc)[1]
        raise BudgetInputError("budget_err_hire_row", row=number, problem=problem) from None
    return hire


def _pending(key: str) -> bool:
    state = st.session_state.get(key) or {}
    return any(state.get(k) for k in ("edited_rows", "added_rows", "deleted_rows"))


def reset_hires_editor() -> None:
    """Forget pending edits: the editor shows the plan's hires on the next run."""
    st.session_state.pop(HIRES, None)
    st.session_state.pop(_HIRES_BASE, None)


def _recommend(market: str, model_id: str, lang: str) -> None:
    ctx = current_ctx()
    band = st.session_state.get("budget_band", "mid")
    fin = current_plan().finances
    basis = budget.cost_basis(fin, catalog().roles, market)
    picks = budget.recommend_within_budget(
        ctx.plan.team, ctx.model, catalog().roles, basis, fin.monthly_budget, band
    )
    if not picks:
        st.session_state[FLASH] = ("info", t("budget_recommend_none", lang))
        return
    hires = budget.hires_from(picks, catalog().roles, band)

    def change(data: dict) -> None:
        data["hires"] = [h.model_dump() for h in hires]
        data["hires_follow_plan"] = True

    if apply(change, HIRES, View(market, model_id)):
        total = sum(p.monthly_cost for p in picks)
        st.session_state[FLASH] = (
            "success",
            t("budget_recommend_done", lang, count=len(picks), cost=format_money(total, market)),
        )
        reset_hires_editor()


def hires_section(ctx: Ctx) -> None:
    """The hiring timeline: recommended within a monthly budget, or chosen by hand.

    Like the team editor, the editor's input stays fixed while edits are pending
    and a valid edit replaces the plan's hires at once (in this run), so the
    results drawn after it are current."""
    st.subheader(ctx.t("budget_hires_title"))
    st.caption(ctx.t("budget_hires_help"))
    v = view(ctx)
    read_only = is_read_only()
    if not read_only:
        cols = st.columns([2, 1, 1], vertical_alignment="bottom")
        with cols[0]:
            st.text_input(
                ctx.t("budget_limit_label", currency=MARKETS[v.market]),
                help=ctx.t("budget_limit_help"),
                placeholder=ctx.t("budget_limit_placeholder"),
                **on_change(LIMIT, ctx),
            )
        cols[1].selectbox(
            ctx.t("budget_band_label"),
            BANDS,
            index=1,
            format_func=lambda b: _band_label(b, ctx.lang),
            key="budget_band",
        )
        cols[2].button(
            ctx.t("budget_recommend"),
            key="budget_recommend",
            on_click=_recommend,
            args=(v.market, v.model_id, ctx.lang),
            icon=":material/auto_awesome:",
        )
        show_error(LIMIT)
    if flash := st.session_state.pop(FLASH, None):
        getattr(st, flash[0])(flash[1])
    if _HIRES_BASE not in st.session_state or not _pending(HIRES):
        st.session_state[_HIRES_BASE] = _hires_frame(ctx)
    roles = sorted(ctx.catalog.roles.values(), key=lambda r: r.label(ctx.lang))
    edited = st.data_editor(
        st.session_state[_HIRES_BASE],
        key=HIRES,
        num_rows="fixed" if read_only else "dynamic",
        disabled=read_only,
        hide_index=True,
        width="stretch",
        placeholder=ctx.t("budget_cell_auto"),  # an empty start or salary is chosen for you
        column_config={
            "role": st.column_config.SelectboxColumn(
                ctx.t("budget_col_role"), options=[r.label(ctx.lang) for r in roles], required=True
            ),
            "band": st.column_config.SelectboxColumn(
                ctx.t("budget_band_label"),
                options=[_band_label(b, ctx.lang) for b in BANDS],
                default=_band_label("mid", ctx.lang),
            ),
            "weeks": st.column_config.NumberColumn(
                ctx.t("budget_col_weeks"), min_value=0, max_value=104, step=1, format="%d"
            ),
            "start": st.column_config.NumberColumn(
                ctx.t("budget_col_start"),
                help=ctx.t("budget_col_start_help"),
                min_value=1,
                max_value=HORIZON_MONTHS,
                step=1,
                format="%d",
            ),
            "salary": st.column_config.NumberColumn(
                ctx.t("budget_col_salary", currency=MARKETS[v.market]),
                help=ctx.t("budget_col_salary_help"),
                min_value=0,
                format="%.0f",
            ),
            "fte": st.column_config.NumberColumn(
                ctx.t("budget_col_fte"),
                help=ctx.t("budget_col_fte_help"),
                min_value=0.05,
                max_value=1.0,
                step=0.05,
                default=1.0,
                format="%.2f",
            ),
        },
    )
    if read_only or not _pending(HIRES):
        return
    label_to_id = {
        text.casefold(): role.id
        for role in ctx.catalog.roles.values()
        for text in (role.id, role.label.en, role.label.zh)
    }
    rows = edited.astype(object).where(edited.notna(), None).to_dict("records")

    def change(data: dict) -> None:
        data["hires"] = [
            _row_to_hire(row, i, ctx.lang, ctx.catalog.roles, label_to_id)
            for i, row in enumerate(rows, start=1)
            if any(_cell(row.get(k)) is not None for k in ("role", "start", "salary"))
        ]
        data["hires_follow_plan"] = False  # hand-picked now: the founder's, not the plan's

    apply(change, HIRES, v)
    show_error(HIRES)


def hires_outcome(ctx: Ctx, summary: BudgetSummary) -> None:
    """Under the editor: when each hire starts, what it costs, what the hires change."""
    market = summary.market
    basis = budget.cost_basis(ctx.plan.finances, ctx.catalog.roles, market)
    hires = ctx.plan.finances.hires
    if hires:
        with st.container(key="budget_timeline"):
            st.dataframe(
                [
                    {
                        ctx.t("budget_col_role"): ctx.catalog.roles[h.role].label(ctx.lang)
                        if h.role in ctx.catalog.roles
                        else h.role,
                        ctx.t("budget_col_starts"): budget.month_label(summary.start, h.start),
                        ctx.t("budget_col_fte"): f"{h.fte:g}",
                        ctx.t("budget_col_monthly", currency=MARKETS[market]): format_money(
                            basis.hire_monthly(h), market
                        ),
                    }
                    for h in hires
                ],
                hide_index=True,
                width="stretch",
            )
    st.caption(
        ctx.t(
            "budget_hires_effect",
            fit_before=percent(summary.today.fit, 1),
            fit=percent(summary.plan.fit, 1),
            res_before=percent(summary.today.resilience, 1),
            res=percent(summary.plan.resilience, 1),
            cost=format_money(summary.plan.hires_monthly, market),
        )
    )
