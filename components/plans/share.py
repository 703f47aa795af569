"""The share page's panel: owners create, see and revoke read-only links; a
viewer of a link may copy the plan into their own plans or leave.

A new link is shown once, to the session that made it: the store keeps only its
hash. The list tells links apart by their first characters (a hint), with their
dates and state, and revokes them by id.
"""

from __future__ import annotations

import streamlit as st

from components.plans.actions import call, create_share, leave_share_mode, revoke
from components.plans.config import get_store, owner_id, share_url, shared_workspace
from components.plans.session import DB_ERROR, NEW_LINK
from components.plans.widgets import copy_button, when
from components.plans.workspace import call_stored, unsaved_first
from components.state import Ctx
from planner.formatting import md
from planner.i18n import t
from planner.store import PlanNotFound, ShareInfo


def share_panel(ctx: Ctx) -> None:
    """Owners create, see and revoke links; viewers of a link may make a copy."""
    lang = ctx.lang
    if ctx.ref.read_only:
        st.info(t("share_viewing", lang, name=md(ctx.plan.name)))
        copy_button(lang, key="share_copy")
        st.button(t("share_exit", lang), key="share_exit", on_click=leave_share_mode)
        return
    if problem := st.session_state.get(DB_ERROR):
        st.error(t("store_db_error", lang, problem=problem))
        return
    owner = owner_id()
    unsaved = unsaved_first()  # a visitor's first plan: a link stores it first
    if not unsaved and (owner is None or not ctx.ref.id):
        return
    st.subheader(t("share_heading", lang))
    # "cannot change yours" holds with sign-in and with private workspaces; in the
    # operator's shared mode every visitor edits the same plans, and it says so.
    if shared_workspace():
        st.caption(t("share_intro_shared", lang))
        st.caption(t("share_local_note", lang))
    else:
        st.caption(t("share_intro", lang))
    st.button(
        t("share_create", lang),
        key="share_create",
        on_click=call_stored,
        args=(create_share,),
        type="primary",
        icon=":material/link:",
    )
    new = st.session_state.get(NEW_LINK)
    if new and new[0] == ctx.ref.id:
        with st.container(key="share_link"):
            st.caption(t("share_new_link", lang))
            # Wrapped: the whole link shows at every width; st.code carries a copy button.
            st.code(share_url(new[2]), language=None, wrap_lines=True)
    if not unsaved:
        _links(lang, ctx.ref.id, owner)


def _links(lang: str, plan_id: str, owner: str) -> None:
    """The plan's links: live ones with a revoke button, then the revoked ones."""
    st.subheader(t("share_links_heading", lang))
    try:
        links = get_store().list_shares(plan_id, owner, active=False)
    except PlanNotFound:
        links = []
    live = [link for link in links if link.revoked_at is None]
    if not live:
        st.caption(t("share_none", lang))
    for link in live:
        with st.container(key=f"share_item_{link.id}"):
            text, button = st.columns([5, 1], vertical_alignment="center")
            text.markdown(_label(link, lang))
            button.button(
                t("share_revoke", lang),
                key=f"share_revoke_{link.id}",
                on_click=call,
                args=(revoke, link.id),
            )
    dead = [link for link in links if link.revoked_at is not None]
    if dead:
        with st.expander(t("share_revoked_heading", lang, count=len(dead))):
            for link in dead:
                st.markdown(_label(link, lang))


def _label(link: ShareInfo, lang: str) -> str:
    """`abcd…` · created … · state: what tells the owner which link this is."""
    hint = f"`{link.hint}…`"  # token characters: [A-Za-z0-9_-], safe in inline code
    created = t("share_created_at", lang, time=when(link.created_at))
    if link.revoked_at is None:
        return f"{hint} · {created} · {t('share_state_active', lang)}"
    revoked = t("share_revoked_at", lang, time=when(link.revoked_at))
    return f"{hint} · {created} · {revoked}"
