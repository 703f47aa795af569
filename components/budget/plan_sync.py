"""Hires that follow the hiring plan: when the plan changes (a level edited, a
self-assessment accepted), the budget says what changed and offers to update."""

from __future__ import annotations

import streamlit as st

from components.budget.fields import View, apply, view
from components.budget.hires import FLASH, HIRES, reset_hires_editor
from components.state import Ctx, is_read_only
from planner import budget
from planner.domain import PlannedHire
from planner.i18n import t
from planner.numbers import percent


def _hire_words(hires: tuple[tuple[str, float], ...], ctx: Ctx) -> str:
    """Role names, a part-time one with its share; "—" for none."""
    roles = ctx.catalog.roles
    words = []
    for role_id, fte in hires:
        role = roles[role_id].label(ctx.lang) if role_id in roles else role_id
        if fte < 1:
            role = ctx.t("budget_part_time_role", role=role, share=percent(fte))
        words.append(role)
    return ctx.t("list_sep").join(words) or "—"


def plan_changed_notice(ctx: Ctx) -> None:
    """Hires that came from the hiring plan: say what the plan changed since, and
    offer to take the plan as it is now."""
    if is_read_only():
        return
    v = view(ctx)
    change, wanted = budget.stale_plan_hires(ctx.plan, ctx.catalog, ctx.model, v.market)
    if not change:
        return
    with st.container(key="budget_plan_changed"):
        st.warning(
            ctx.t(
                "budget_plan_changed",
                added=_hire_words(change.added, ctx),
                removed=_hire_words(change.removed, ctx),
            ),
            icon=":material/sync_problem:",
        )
        st.button(
            ctx.t("budget_plan_update"),
            key="budget_plan_update",
            on_click=_take_the_plan,
            args=(wanted, v, ctx.lang),
            icon=":material/sync:",
        )


def _take_the_plan(wanted: tuple[PlannedHire, ...], v: View, lang: str) -> None:
    def change(data: dict) -> None:
        data["hires"] = [h.model_dump() for h in wanted]
        data["hires_follow_plan"] = True

    if apply(change, HIRES, v):
        st.session_state[FLASH] = ("success", t("budget_plan_updated", lang))
        reset_hires_editor()
