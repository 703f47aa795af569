"""Self-assessment on the team page (pages/team.py), the founder's side: invite
links, their list, and calibration (each pending proposal beside today's ratings, a
heatmap of the differences, accept all / some / reject).

Store actions run as widget callbacks through `components.plans.actions.call`, so a
stale plan or a database failure becomes the sidebar's conflict or a message. An
accepted proposal is one plan version, written by the store; this tab then adopts
it, exactly as after a restore. Nothing here changes the plan any other way.

Modules: `links` (create, show once, list, revoke), `calibration` (proposals and the
decision) and `messages` (what a callback leaves for the next run).
"""

from __future__ import annotations

import streamlit as st

from components.invites.calibration import calibration
from components.invites.links import create_controls, link_list, new_link
from components.invites.messages import show_messages
from components.plans.config import STORE_ERRORS, get_store, owner_id, problem
from components.plans.session import DB_ERROR
from components.plans.workspace import unsaved_first
from components.provenance import invite_days
from components.state import Ctx
from planner.store import (
    PlanNotFound,
    list_invites,
    pending_proposals,
    proposal_status,
)

__all__ = ["invites_section"]


def invites_section(ctx: Ctx) -> None:
    """Invite links and calibration, for the owner of a stored plan (never a viewer)."""
    if st.session_state.get(DB_ERROR):
        return
    # A visitor's first plan, not stored yet, offers the links too: creating one
    # stores the plan first.
    unsaved = unsaved_first()
    if not (ctx.ref.editable or unsaved):
        return
    owner = owner_id()
    if owner is None and not unsaved:
        return
    st.divider()
    st.subheader(ctx.t("invite_heading"))
    st.caption(ctx.t("invite_intro", days=invite_days()))
    show_messages(ctx.lang)
    create_controls(ctx)
    if unsaved:
        return
    plan_id = ctx.ref.id
    new_link(ctx, plan_id)
    try:
        store = get_store()
        links = list_invites(store, plan_id, owner)
        statuses = proposal_status(store, plan_id, owner)
        pending = pending_proposals(store, plan_id, owner)
    except PlanNotFound:
        return  # the sidebar says the plan is gone
    except STORE_ERRORS as exc:
        st.error(ctx.t("store_db_error", problem=problem(exc)))
        return
    link_list(ctx, links, statuses)
    calibration(ctx, pending)
