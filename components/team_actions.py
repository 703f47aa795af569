"""Ways a team gets in: the sample, an uploaded file, a blank template to fill.

Shared by the team page and by every empty state ("start here" buttons), so each
way behaves the same wherever it is offered: a bad file is explained in the
user's language and the team stays as it was.
"""

from __future__ import annotations

import streamlit as st

from components.plans import update_plan
from components.state import UPLOAD_ERROR, UPLOAD_RESULT, Ctx, current_lang
from components.team_editor import reset_editor
from components.ui import md
from planner.catalog import DATA_DIR, Catalog
from planner.domain import Team
from planner.files import FORMATS, TeamImportError, parse_team, read_team, team_to_bytes


def load_sample() -> None:
    update_plan(team=read_team(DATA_DIR / "sample_team.csv"))
    reset_editor()
    st.session_state.pop(UPLOAD_ERROR, None)


def apply_upload(key: str) -> None:
    """Replace the team with the file in widget `key`; a bad file leaves the team as it was."""
    uploaded = st.session_state.get(key)
    st.session_state.pop(UPLOAD_ERROR, None)
    st.session_state.pop(UPLOAD_RESULT, None)
    if uploaded is None:
        return
    try:
        result = parse_team(uploaded.getvalue(), uploaded.name)
    except TeamImportError as err:
        st.session_state[UPLOAD_ERROR] = err
        return
    update_plan(team=result.team)
    reset_editor()
    st.session_state[UPLOAD_RESULT] = (uploaded.name, len(result.team), result)


def upload_feedback(ctx: Ctx) -> None:
    """What the last upload did: the refusal, or how many members came in and warnings."""
    if err := st.session_state.get(UPLOAD_ERROR):
        st.error(err.message(current_lang(), escape=md), icon=":material/block:")
    if info := st.session_state.get(UPLOAD_RESULT):
        name, count, result = info
        st.success(ctx.t("team_uploaded", file=md(name), count=count))
        for text in result.warning_texts(ctx.lang, escape=md):
            st.warning(text)


def uploader(ctx: Ctx, key: str) -> None:
    st.file_uploader(
        ctx.t("team_upload"),
        type=list(FORMATS),
        key=key,
        on_change=apply_upload,
        args=(key,),
        help=ctx.t("team_upload_help"),
    )


def blank_template(catalog: Catalog) -> bytes:
    """The team CSV's header row (name, role, fte, monthly cost, every skill id)."""
    return team_to_bytes(Team(), "csv", catalog)


def template_button(ctx: Ctx, key: str) -> None:
    st.download_button(
        ctx.t("start_template"),
        data=blank_template(ctx.catalog),
        file_name="team-template.csv",
        mime="text/csv",
        key=key,
        on_click="ignore",
        icon=":material/table_view:",
    )


def start_actions(ctx: Ctx, message_key: str) -> None:
    """An empty state that offers the way in, not just a note: sample, upload, template."""
    st.info(ctx.t(message_key), icon=":material/group_add:")
    sample, template = st.columns(2)
    sample.button(
        ctx.t("start_sample"),
        key="start_sample",
        on_click=load_sample,
        type="primary",
        icon=":material/auto_awesome:",
    )
    with template:
        template_button(ctx, "start_template")
    uploader(ctx, "start_upload")
    upload_feedback(ctx)
