"""The share page's panel: owners create, see and revoke read-only links; a
viewer of a link may copy the plan into their own plans or leave."""

from __future__ import annotations

import streamlit as st

from components.plans.actions import call, create_share, leave_share_mode, revoke
from components.plans.config import auth_configured, get_store, owner_id, share_url
from components.plans.session import DB_ERROR, ID, NEW_LINK
from components.plans.widgets import copy_button, when
from components.state import current_plan, is_read_only
from planner.formatting import md
from planner.i18n import t
from planner.store import PlanNotFound


def share_panel(lang: str) -> None:
    """Owners create, see and revoke links; viewers of a link may make a copy."""
    if is_read_only():
        st.info(t("share_viewing", lang, name=md(current_plan().name)))
        copy_button(lang, key="share_copy")
        st.button(t("share_exit", lang), key="share_exit", on_click=leave_share_mode)
        return
    if problem := st.session_state.get(DB_ERROR):
        st.error(t("store_db_error", lang, problem=problem))
        return
    owner = owner_id()
    if owner is None or not st.session_state.get(ID):
        return
    st.subheader(t("share_heading", lang))
    st.caption(t("share_intro", lang))
    if not auth_configured():
        st.caption(t("share_local_note", lang))
    st.button(
        t("share_create", lang),
        key="share_create",
        on_click=call,
        args=(create_share,),
        type="primary",
        icon=":material/link:",
    )
    new = st.session_state.get(NEW_LINK)
    if new and new[0] == st.session_state[ID]:
        with st.container(key="share_link"):
            st.caption(t("share_new_link", lang))
            # st.code carries the copy button.
            st.code(share_url(new[1]), language=None)
    _links(lang, owner)


def _links(lang: str, owner: str) -> None:
    """The plan's live links, each with when it was made and a revoke button."""
    st.subheader(t("share_links_heading", lang))
    try:
        links = get_store().list_shares(st.session_state[ID], owner)
    except PlanNotFound:
        links = []
    if not links:
        st.caption(t("share_none", lang))
    for link in links:
        text, button = st.columns([5, 1], vertical_alignment="center")
        with text:
            st.code(share_url(link.token), language=None)
            st.caption(t("share_created_at", lang, time=when(link.created_at)))
        button.button(
            t("share_revoke", lang),
            key=f"share_revoke_{link.token[:16]}",
            on_click=call,
            args=(revoke, link.token),
        )
