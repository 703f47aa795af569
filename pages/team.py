"""Team: edit members and their skill levels, load the sample, upload, download."""

import streamlit as st

from components.invites import invites_section
from components.plans.access import download_click, guarded
from components.state import current_ctx, is_read_only, page_setup
from components.team_actions import load_sample, upload_feedback, uploader
from components.team_editor import team_editor
from planner.files import FORMATS, MIME, safe_filename, team_to_bytes

CONFIRM_SAMPLE = "_team_sample_confirm"


def ask_or_load_sample() -> None:
    """The sample replaces a team only after the founder says so."""
    if len(current_ctx().plan.team) == 0:
        load_sample()
    else:
        st.session_state[CONFIRM_SAMPLE] = True


def replace_with_sample() -> None:
    st.session_state.pop(CONFIRM_SAMPLE, None)
    load_sample()


ctx = page_setup()
read_only = is_read_only()
st.title(ctx.t("team_title"))
st.caption(ctx.t("team_purpose"))

if not read_only:
    left, right = st.columns([1, 2])
    left.button(
        ctx.t("team_sample"),
        key="team_sample",
        on_click=ask_or_load_sample,
        icon=":material/auto_awesome:",
    )
    if st.session_state.get(CONFIRM_SAMPLE) and len(ctx.plan.team):
        with left.container(border=True):
            st.warning(ctx.t("team_sample_confirm", count=len(ctx.plan.team)))
            yes, no = st.columns(2)
            yes.button(
                ctx.t("team_sample_replace"),
                key="team_sample_replace",
                on_click=replace_with_sample,
                type="primary",
            )
            no.button(
                ctx.t("team_sample_cancel"),
                key="team_sample_cancel",
                on_click=st.session_state.pop,
                args=(CONFIRM_SAMPLE, None),
            )
    with right:
        uploader(ctx, "team_upload")
    upload_feedback(ctx)

team_editor(ctx, disabled=read_only)
ctx = current_ctx()  # the editor may have just changed the plan
team = ctx.plan.team
fmt_col, button_col = st.columns([1, 3], vertical_alignment="bottom")
fmt = fmt_col.selectbox(
    ctx.t("team_download_format"), FORMATS, key="team_download_format", format_func=str.upper
)
# An empty team downloads as a blank template: the columns to fill in. Made when
# clicked, after the session's link is checked again (a revoked share gets nothing).
plan = ctx.plan
button_col.download_button(
    ctx.t("team_download", fmt=fmt.upper()) if len(team) else ctx.t("team_download_blank"),
    data=guarded(lambda: team_to_bytes(team, fmt, ctx.catalog, plan)),
    file_name=safe_filename(f"{ctx.plan.name}-team", fmt),
    mime=MIME[fmt],
    key="team_download",
    on_click=download_click(),
    icon=":material/download:",
)

# Self-assessment links and calibration (owners of a stored plan only).
invites_section(ctx)
