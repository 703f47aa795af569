"""The actions as a table the founder edits: change a month to move an action, delete
rows to remove actions, add one below. The first edit makes the planner's suggestion
the founder's own list, kept with the plan (and in its versions)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.roadmap.controls import save_roadmap
from components.state import Ctx, current_plan, is_read_only
from components.ui import md
from planner.domain import ROADMAP_MAX_MONTHS, RoadmapAction
from planner.roadmap.charts import MODE_KEYS
from planner.roadmap.section import RoadmapSection, problem_texts

EDITOR = "roadmap_actions"
_ROWS = "_roadmap_rows"  # the stored action index behind each row shown
_BASE = "_roadmap_base"  # the actions the table was drawn from
MONTH = "month"


def _pending() -> dict:
    state = st.session_state.get(EDITOR) or {}
    return state if any(state.get(k) for k in ("edited_rows", "deleted_rows")) else {}


def edited_actions(
    actions: tuple[RoadmapAction, ...], rows: list[int], edits: dict
) -> tuple[RoadmapAction, ...]:
    """The actions with the table's edits applied: moved months, deleted rows. A month
    the table cannot hold is left as it was."""
    changed = list(actions)
    for row, values in (edits.get("edited_rows") or {}).items():
        index = rows[int(row)]
        month = values.get(MONTH)
        if isinstance(month, int | float) and 0 <= month <= ROADMAP_MAX_MONTHS:
            changed[index] = changed[index].model_copy(update={"month": int(month)})
    gone = {rows[int(r)] for r in edits.get("deleted_rows") or [] if int(r) < len(rows)}
    return tuple(a for i, a in enumerate(changed) if i not in gone)


def _column_config(ctx: Ctx, columns: list[str]) -> dict:
    month_label = ctx.t("roadmap_col_month")
    config: dict = {
        MONTH: st.column_config.NumberColumn(
            month_label,
            min_value=0,
            max_value=ROADMAP_MAX_MONTHS,
            step=1,
            format="%d",
            required=True,
        )
    }
    for column in columns:
        if column != MONTH:
            config[column] = st.column_config.TextColumn(column, disabled=True)
    return config


def actions_editor(ctx: Ctx, section: RoadmapSection) -> None:
    """The table of valid actions; edits are applied as soon as they arrive."""
    result = section.result
    st.subheader(ctx.t("roadmap_actions_title"))
    st.caption(
        ctx.t("roadmap_chosen")
        if result.chosen
        else ctx.t("roadmap_suggested", mode=ctx.t(MODE_KEYS[result.mode]))
    )
    edits = _pending()
    if edits and st.session_state.get(_BASE) is not None and not is_read_only():
        # The edit is relative to the table as drawn: apply it to those actions.
        changed = edited_actions(st.session_state[_BASE], st.session_state[_ROWS], edits)
        st.session_state.pop(EDITOR, None)
        if changed != st.session_state[_BASE] or not result.chosen:
            save_roadmap(actions=changed)
        st.rerun()
    rows = section.actions
    if not rows:
        st.info(ctx.t("roadmap_none"))
    frame = pd.DataFrame([_row(ctx, r) for r in rows])
    if frame.empty:
        frame = pd.DataFrame(columns=[MONTH])
    st.session_state[_ROWS] = [int(r["index"]) for r in rows]
    st.session_state[_BASE] = result.actions
    st.data_editor(
        frame,
        key=EDITOR,
        num_rows="fixed" if is_read_only() else "delete",
        disabled=is_read_only(),
        hide_index=True,
        column_config=_column_config(ctx, list(frame.columns)),
        width="stretch",
    )
    st.caption(ctx.t("roadmap_actions_help"))
    if result.chosen and not is_read_only():
        st.button(
            ctx.t("roadmap_reset"),
            key="roadmap_reset",
            on_click=save_roadmap,
            kwargs={"actions": None},
        )


def _row(ctx: Ctx, row: dict) -> dict:
    """Who and which skill first (they name the row), the month to edit, cost, why."""
    texts = {ctx.t(k): str(row[ctx.t(k)]) for k in ("roadmap_col_who", "roadmap_col_skill")}
    month = {MONTH: row[ctx.t("roadmap_col_month")]}
    tail = {ctx.t(k): str(row[ctx.t(k)]) for k in ("roadmap_col_cost", "roadmap_col_why")}
    return {**texts, **month, **tail}


def invalid_actions(ctx: Ctx, section: RoadmapSection) -> None:
    """Stored actions that no longer apply: said in words, kept until removed."""
    if not section.problems:
        return
    texts = problem_texts(section.result, ctx.catalog, ctx.lang, escape=md)
    st.warning(
        "\n".join([ctx.t("roadmap_problems_title"), *(f"- {p}" for p in texts)]),
        icon=":material/warning:",
    )
    if not is_read_only():
        bad = {p.index for p in section.result.resolved.problems}
        kept = tuple(a for i, a in enumerate(section.result.actions) if i not in bad)
        st.button(
            ctx.t("roadmap_drop_invalid"),
            key="roadmap_drop_invalid",
            on_click=save_roadmap,
            kwargs={"actions": kept},
        )


ADD_KIND, ADD_ROLE, ADD_MEMBER, ADD_SKILL, ADD_MONTH, ADD_OVERRIDE = (
    "roadmap_add_kind",
    "roadmap_add_role",
    "roadmap_add_member",
    "roadmap_add_skill",
    "roadmap_add_month",
    "roadmap_add_override",
)


def _add(base: tuple[RoadmapAction, ...]) -> None:
    state = st.session_state
    month = int(state.get(ADD_MONTH) or 0)
    if state.get(ADD_KIND) == "train":
        action = RoadmapAction(
            kind="train",
            month=month,
            member=state.get(ADD_MEMBER),
            skill=state.get(ADD_SKILL),
            override=bool(state.get(ADD_OVERRIDE)),
        )
    else:
        action = RoadmapAction(kind="hire", month=month, role=state.get(ADD_ROLE))
    save_roadmap(actions=(*base, action))


def add_action(ctx: Ctx, section: RoadmapSection) -> None:
    """A hire of a role or a training step for a member, in a month."""
    if is_read_only():
        return
    team = current_plan().team
    with st.expander(ctx.t("roadmap_add_title")):
        kinds = ["hire", "train"] if len(team) else ["hire"]
        kind = st.segmented_control(
            ctx.t("roadmap_add_kind"),
            options=kinds,
            format_func=lambda k: (
                ctx.t("roadmap_add_hire") if k == "hire" else ctx.t("roadmap_add_train")
            ),
            key=ADD_KIND,
            default="hire",
            required=True,
        )
        cols = st.columns(3)
        if kind == "train":
            cols[0].selectbox(ctx.t("roadmap_add_member"), team.names(), key=ADD_MEMBER)
            cols[1].selectbox(
                ctx.t("roadmap_add_skill"),
                list(ctx.model.requirements),
                format_func=lambda s: ctx.catalog.skill_label(s, ctx.lang),
                key=ADD_SKILL,
            )
            st.checkbox(ctx.t("roadmap_add_override"), key=ADD_OVERRIDE)
        else:
            cols[0].selectbox(
                ctx.t("roadmap_add_role"),
                sorted(ctx.catalog.roles),
                format_func=lambda r: ctx.catalog.roles[r].label(ctx.lang),
                key=ADD_ROLE,
            )
        cols[2].number_input(
            ctx.t("roadmap_add_month"),
            min_value=0,
            max_value=ROADMAP_MAX_MONTHS,
            step=1,
            key=ADD_MONTH,
        )
        st.button(
            ctx.t("roadmap_add_button"),
            key="roadmap_add",
            on_click=_add,
            args=(section.result.actions,),
        )
