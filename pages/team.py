"""Team: edit members and their skill levels, load the sample, upload, download."""

import streamlit as st

from components.state import current_ctx, current_lang, is_read_only, page_setup, update_plan
from components.team_editor import reset_editor, team_editor
from components.ui import md
from planner.catalog import DATA_DIR
from planner.io import FORMATS, MIME, TeamImportError, parse_team, read_team, team_to_bytes
from planner.naming import safe_filename

UPLOAD_ERROR = "_team_upload_error"
UPLOAD_WARNINGS = "_team_upload_warnings"


def load_sample() -> None:
    update_plan(team=read_team(DATA_DIR / "sample_team.csv"))
    reset_editor()
    st.session_state.pop(UPLOAD_ERROR, None)


def apply_upload() -> None:
    """Replace the team with an uploaded file; a bad file leaves the team as it was."""
    uploaded = st.session_state.get("team_upload")
    st.session_state.pop(UPLOAD_ERROR, None)
    st.session_state.pop(UPLOAD_WARNINGS, None)
    if uploaded is None:
        return
    try:
        result = parse_team(uploaded.getvalue(), uploaded.name)
    except TeamImportError as err:
        st.session_state[UPLOAD_ERROR] = err
        return
    update_plan(team=result.team)
    reset_editor()
    st.session_state[UPLOAD_WARNINGS] = (uploaded.name, len(result.team), result)


ctx = page_setup()
read_only = is_read_only()
st.title(ctx.t("team_title"))
st.caption(ctx.t("team_purpose"))

if not read_only:
    left, right = st.columns([1, 2])
    left.button(
        ctx.t("team_sample"),
        key="team_sample",
        on_click=load_sample,
        icon=":material/auto_awesome:",
    )
    right.file_uploader(
        ctx.t("team_upload"),
        type=list(FORMATS),
        key="team_upload",
        on_change=apply_upload,
        help=ctx.t("team_upload_help"),
    )
    if err := st.session_state.get(UPLOAD_ERROR):
        st.error(err.message(current_lang(), escape=md), icon=":material/block:")
    if info := st.session_state.get(UPLOAD_WARNINGS):
        name, count, result = info
        st.success(ctx.t("team_uploaded", file=md(name), count=count))
        for text in result.warning_texts(ctx.lang, escape=md):
            st.warning(text)

team_editor(ctx, disabled=read_only)
ctx = current_ctx()  # the editor may have just changed the plan
team = ctx.plan.team
fmt_col, button_col = st.columns([1, 3], vertical_alignment="bottom")
fmt = fmt_col.selectbox(
    ctx.t("team_download_format"), FORMATS, key="team_download_format", format_func=str.upper
)
button_col.download_button(
    ctx.t("team_download", fmt=fmt.upper()),
    data=team_to_bytes(team, fmt, ctx.catalog, ctx.plan),
    file_name=safe_filename(f"{ctx.plan.name}-team", fmt),
    mime=MIME[fmt],
    key="team_download",
    on_click="ignore",
    icon=":material/download:",
    disabled=len(team) == 0,
)
