"""Invite links, the founder's side: create one (for a member or open), show the new
link once, and list every link of the plan with its state and a revoke button.
"""

from __future__ import annotations

import streamlit as st

from components.invites.messages import say
from components.plans.actions import call
from components.plans.config import app_url
from components.plans.widgets import when
from components.plans.workspace import call_stored
from components.provenance import invite_days
from components.state import Ctx, plan_ref
from planner.domain import LANGS
from planner.formatting import md
from planner.store import (
    ACCEPTED,
    MAX_TITLE_LEN,
    PENDING,
    REJECTED,
    Invite,
    MemberNotFound,
    Store,
    create_invite,
    revoke_invite,
)

NEW_INVITE = "_invites_new"  # (plan id, invite id, token, lang): the link just made, shown once
OPEN = ""  # the member picker's value for an open link

STATE_KEYS = {
    "not_opened": "invite_state_not_opened",
    "opened": "invite_state_opened",
    "submitted": "invite_state_submitted",
    "revoked": "invite_state_revoked",
    "expired": "invite_state_expired",
}
PROPOSAL_KEYS = {
    PENDING: "invite_proposal_pending",
    ACCEPTED: "invite_proposal_accepted",
    REJECTED: "invite_proposal_rejected",
}


def invite_url(token: str, lang: str) -> str:
    """The app's front page with ?invite=token (and the form's language)."""
    return app_url(invite=token, lang=lang)


# -- actions (widget callbacks, run through `call` with the store and the owner;
# creating a link stores a visitor's first plan first: `call_stored`)


def _create(store: Store, owner: str) -> None:
    plan_id = plan_ref().id
    member = st.session_state.get("invite_member") or None
    lang = st.session_state.get("invite_lang") or "en"
    try:
        token, invite = create_invite(
            store,
            plan_id,
            owner,
            member,
            title=str(st.session_state.get("invite_title") or ""),
            lang=lang,
            days=invite_days(),
        )
    except MemberNotFound:
        say("error", "invite_member_gone", name=member or "")
        return
    st.session_state[NEW_INVITE] = (plan_id, invite.id, token, lang)


def _revoke(store: Store, owner: str, invite_id: str) -> None:
    revoke_invite(store, invite_id, owner)
    new = st.session_state.get(NEW_INVITE)
    if new and new[1] == invite_id:
        st.session_state.pop(NEW_INVITE, None)
    say("success", "invite_revoked")


def create_controls(ctx: Ctx) -> None:
    names = ctx.plan.team.names()
    st.session_state.setdefault("invite_lang", ctx.lang)
    if st.session_state.get("invite_member", OPEN) not in (OPEN, *names):
        st.session_state["invite_member"] = OPEN  # the member left the team
    who, title, lang = st.columns([2, 2, 1])
    who.selectbox(
        ctx.t("invite_for"),
        [OPEN, *names],
        # A selectbox shows its options as plain text: names need no escaping here.
        format_func=lambda name: name or ctx.t("invite_open_link"),
        key="invite_member",
        help=ctx.t("invite_for_help"),
    )
    title.text_input(
        ctx.t("invite_title"),
        max_chars=MAX_TITLE_LEN,
        key="invite_title",
        help=ctx.t("invite_title_help"),
    )
    lang.selectbox(
        ctx.t("invite_lang"),
        list(LANGS),
        format_func=lambda code: {"en": "English", "zh": "中文"}[code],
        key="invite_lang",
    )
    st.button(
        ctx.t("invite_create"),
        key="invite_create",
        on_click=call_stored,
        args=(_create,),
        type="primary",
        icon=":material/person_add:",
    )


def new_link(ctx: Ctx, plan_id: str) -> None:
    new = st.session_state.get(NEW_INVITE)
    if not new or new[0] != plan_id:
        return
    with st.container(key="invite_link", border=True):
        st.caption(ctx.t("invite_new_link"))
        st.code(invite_url(new[2], new[3]), language=None)  # st.code carries a copy button


def _who(ctx: Ctx, invite: Invite) -> str:
    return md(invite.member) if invite.member is not None else ctx.t("invite_open_link")


def link_list(ctx: Ctx, links: list[Invite], statuses: dict[str, str]) -> None:
    with st.container(key="invite_list"):
        st.markdown(f"**{ctx.t('invite_list_heading')}**")
        if not links:
            st.caption(ctx.t("invite_none"))
        for invite in links:
            state = invite.state()
            who, what, button = st.columns([2, 4, 1], vertical_alignment="center")
            who.markdown(_who(ctx, invite) + (f"  \n{md(invite.title)}" if invite.title else ""))
            status = ctx.t(STATE_KEYS[state])
            if invite.id in statuses and statuses[invite.id] in PROPOSAL_KEYS:
                status += " · " + ctx.t(PROPOSAL_KEYS[statuses[invite.id]])
            dates = [ctx.t("invite_created_at", time=when(invite.created_at))]
            if invite.opened_at:
                dates.append(ctx.t("invite_opened_at", time=when(invite.opened_at)))
            if invite.submitted_at:
                dates.append(
                    ctx.t(
                        "invite_submitted_at",
                        time=when(invite.submitted_at),
                        count=invite.submissions,
                    )
                )
            if invite.revoked_at:
                dates.append(ctx.t("invite_revoked_at", time=when(invite.revoked_at)))
            else:
                dates.append(ctx.t("invite_expires_at", time=when(invite.expires_at)))
            what.markdown(f"**{status}**  \n" + " · ".join(dates))
            if state not in ("revoked", "expired"):
                button.button(
                    ctx.t("invite_revoke"),
                    key=f"invite_revoke_{invite.id}",
                    on_click=call,
                    args=(_revoke, invite.id),
                )
