"""The team table: a data editor over the plan's team, validated like an upload.

The editor's input stays fixed while a founder edits (its edits are deltas on
that input); it is rebuilt from the plan only when no edit is pending, so a
switch of page or language never writes a stale copy back.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.plans import update_plan
from components.provenance import member_status, stale_days, today
from components.state import TEAM_EDITOR, TEAM_EDITOR_BASE, Ctx
from planner.catalog import Catalog
from planner.domain import Team
from planner.files import COST_COLUMN, TeamImportError, team_from_rows, team_rows
from planner.formatting import md
from planner.scoring import (
    carry_meta,
    stale_cells,
)

EDITOR = TEAM_EDITOR
_BASE = TEAM_EDITOR_BASE
# Read-only, last: how fresh each member's ratings are (not part of the team's data).
STATUS = "ratings_status"


def team_frame(team: Team, catalog: Catalog) -> pd.DataFrame:
    header, rows = team_rows(team, catalog)
    frame = pd.DataFrame(rows, columns=header)
    return frame.astype({"name": "string", "role": "string", "fte": "float", COST_COLUMN: "float"})


def _pending_edits() -> bool:
    state = st.session_state.get(EDITOR) or {}
    return any(state.get(k) for k in ("edited_rows", "added_rows", "deleted_rows"))


def reset_editor() -> None:
    """Forget pending edits: the editor shows the plan's team on the next run."""
    st.session_state.pop(EDITOR, None)
    st.session_state.pop(_BASE, None)


def _column_config(ctx: Ctx) -> dict:
    levels = "; ".join(f"{i} {ctx.catalog.levels[i](ctx.lang)}" for i in range(6))
    config: dict = {
        "name": st.column_config.TextColumn(ctx.t("col_name"), required=True, max_chars=120),
        "role": st.column_config.TextColumn(ctx.t("col_role"), max_chars=120, default=""),
        "fte": st.column_config.NumberColumn(
            ctx.t("col_fte"),
            help=ctx.t("col_fte_help"),
            min_value=0.05,
            max_value=1.0,
            step=0.05,
            format="%.2f",
            default=1.0,
        ),
    }
    for skill_id in ctx.catalog.skill_ids:
        area = ctx.catalog.area_label(skill_id.split(".")[0], ctx.lang)
        # Columns come area by area; the label names the area so the groups read.
        config[skill_id] = st.column_config.NumberColumn(
            f"{area} · {ctx.catalog.skill_label(skill_id, ctx.lang)}",
            help=levels,
            min_value=0,
            max_value=5,
            step=1,
            format="%d",
            default=0,
        )
    config[COST_COLUMN] = st.column_config.NumberColumn(
        ctx.t("col_monthly_cost"), help=ctx.t("col_monthly_cost_help"), min_value=0, format="%.0f"
    )
    config[STATUS] = st.column_config.TextColumn(
        ctx.t("ratings_col_status"),
        help=ctx.t("ratings_col_status_help", days=stale_days()),
        disabled=True,
    )
    return config


def _with_status(frame: pd.DataFrame, ctx: Ctx) -> pd.DataFrame:
    day, days = today(), stale_days()
    frame[STATUS] = pd.Series(
        [member_status(m, ctx.lang, day, days) for m in ctx.plan.team.members], dtype="string"
    )
    return frame


def team_editor(ctx: Ctx, disabled: bool = False) -> None:
    """Render the editor; a valid edit replaces the plan's team, an invalid one is explained."""
    if _BASE not in st.session_state or not _pending_edits():
        st.session_state[_BASE] = _with_status(team_frame(ctx.plan.team, ctx.catalog), ctx)
    edited = st.data_editor(
        st.session_state[_BASE],
        key=EDITOR,
        num_rows="fixed" if disabled else "dynamic",
        disabled=disabled,
        hide_index=True,
        column_config=_column_config(ctx),
        width="stretch",
    )
    stale = stale_cells(ctx.plan.team, today(), stale_days())
    if stale:
        st.caption(ctx.t("ratings_stale_caption", count=len(stale), days=stale_days()))
    if disabled or not _pending_edits():
        return
    edited = edited.drop(columns=[STATUS], errors="ignore")
    header = list(edited.columns)
    rows = edited.astype(object).where(edited.notna(), None).values.tolist()
    try:
        team = team_from_rows(header, rows, ctx.catalog, first_row=1).team
    except TeamImportError as err:
        if err.key == "err_no_members":
            team = Team()
        else:
            st.error(ctx.t("editor_invalid") + "\n\n" + err.message(ctx.lang, escape=md))
            return
    # A level the founder leaves as it was keeps where it came from; one they change
    # is theirs, confirmed today.
    team = carry_meta(ctx.plan.team, team, today())
    if team != ctx.plan.team:
        update_plan(team=team)
        st.toast(ctx.t("editor_saved"))
