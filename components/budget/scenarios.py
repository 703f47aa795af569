"""Scenarios: up to four named variants of the plan (hires and their timing,
compute, funding), saved with the plan and compared side by side."""

from __future__ import annotations

import streamlit as st

from components.budget.fields import View, apply, show_error, view
from components.budget.hires import reset_hires_editor
from components.state import Ctx, is_read_only
from components.ui import md, show_chart, static_table
from planner import budget
from planner.budget.charts import scenario_compare, scenario_rows
from planner.domain import MAX_SCENARIOS, Finances

NAME = "scenario_name"
SAVE = "scenario_save"
_FLASH = "_scenario_flash"


def _save(market: str, model_id: str, lang: str) -> None:
    name = str(st.session_state.get(NAME) or "")

    def change(data: dict) -> None:
        saved = budget.save_scenario(Finances.model_validate(data), name, model_id, market)
        data["scenarios"] = [s.model_dump() for s in saved.scenarios]

    if apply(change, SAVE, View(market, model_id)):
        st.session_state[_FLASH] = ("budget_scenario_saved", name.strip())
        st.session_state[NAME] = ""


def _apply(name: str, market: str, model_id: str) -> None:
    def change(data: dict) -> None:
        applied = budget.apply_scenario(Finances.model_validate(data), name)
        data.update(applied.model_dump(include={"hires", "compute", "funding"}))

    if apply(change, SAVE, View(market, model_id)):
        st.session_state[_FLASH] = ("budget_scenario_applied", name)
        reset_hires_editor()  # the hires editor rebuilds from the plan


def _delete(name: str, market: str, model_id: str) -> None:
    def change(data: dict) -> None:
        data["scenarios"] = [s for s in data["scenarios"] if s["name"] != name]

    if apply(change, SAVE, View(market, model_id)):
        st.session_state[_FLASH] = ("budget_scenario_deleted", name)


def scenario_section(ctx: Ctx) -> None:
    v = view(ctx)
    scenarios = ctx.plan.finances.scenarios
    st.subheader(ctx.t("budget_scenarios_title"))
    st.caption(ctx.t("budget_scenarios_help", limit=MAX_SCENARIOS))
    if not is_read_only():
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        left.text_input(
            ctx.t("budget_scenario_name"),
            key=NAME,
            max_chars=budget.MAX_SCENARIO_NAME,
            placeholder=ctx.t("budget_scenario_placeholder"),
        )
        right.button(
            ctx.t("budget_scenario_save"),
            key=SAVE,
            on_click=_save,
            args=(v.market, v.model_id, ctx.lang),
            icon=":material/bookmark_add:",
            type="primary",
        )
    show_error(SAVE)
    if flash := st.session_state.pop(_FLASH, None):
        key, name = flash
        st.success(ctx.t(key, name=md(name)))
    if not scenarios:
        st.info(ctx.t("budget_scenarios_none"))
        return
    if not is_read_only():
        for i, s in enumerate(scenarios):
            # The two buttons share one column: in a column each, below ~1000 px each
            # column wrapped onto a line of its own and "Delete" fell under "Use".
            cols = st.columns([3, 2], vertical_alignment="center")
            cols[0].markdown(
                f"**{md(s.name)}** · " + ctx.t("budget_scenario_hires", count=len(s.hires))
            )
            buttons = cols[1].container(horizontal=True, horizontal_alignment="right")
            buttons.button(
                ctx.t("budget_scenario_apply"),
                key=f"scenario_apply_{i}",
                on_click=_apply,
                args=(s.name, v.market, v.model_id),
                type="tertiary",
            )
            buttons.button(
                ctx.t("budget_scenario_delete"),
                key=f"scenario_delete_{i}",
                on_click=_delete,
                args=(s.name, v.market, v.model_id),
                type="tertiary",
            )
    outlooks = budget.compare_scenarios(ctx.plan, ctx.catalog, ctx.model, ctx.lang)
    show_chart(scenario_compare(outlooks, v.market, ctx.lang), "scenario_compare", ctx)
    with st.container(key="scenario_table"):
        # Static: seven columns cut "Burn in month 12" off a data frame at 800 px.
        rows = scenario_rows(outlooks, v.market, ctx.lang)
        static_table(rows, user_text={ctx.t("budget_col_scenario")})
