"""Self-assessment on the team page, the founder's side: invite links, their list,
and calibration (each pending proposal beside today's ratings, a heatmap of the
differences, accept all / some / reject).

Store actions run as widget callbacks through `components.plans.actions.call`, so a
stale plan or a database failure becomes the sidebar's conflict or a message. An
accepted proposal is one plan version, written by the store; this tab then adopts
it, exactly as after a restore. Nothing here changes the plan any other way.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

import streamlit as st

from components.plans.actions import call
from components.plans.config import STORE_ERRORS, app_url, get_store, owner_id, problem
from components.plans.session import CONFLICT, DB_ERROR, ID, VERSION, adopt
from components.plans.widgets import when
from components.provenance import invite_days, source_text, stale_days, today
from components.state import Ctx, is_read_only
from components.ui import show_chart
from planner.catalog import Catalog
from planner.domain import LANGS, Team
from planner.formatting import md, md_params
from planner.i18n import t
from planner.invite_charts import calibration_heatmap
from planner.invites import (
    ACCEPTED,
    FTE_FIELD,
    MAX_TITLE_LEN,
    PENDING,
    REJECTED,
    AlreadyDecided,
    Invite,
    MemberNotFound,
    Proposal,
    create_invite,
    decide,
    find_member,
    list_invites,
    pending_proposals,
    proposal_diff,
    proposal_status,
    revoke_invite,
)
from planner.store import PlanNotFound, StaleVersion, Store

NEW_INVITE = "_invites_new"  # (plan id, invite id, token, lang): the link just made, shown once
MESSAGES = "_invites_messages"  # (level, key, params) shown by the next run
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


def _say(level: str, key: str, **params: object) -> None:
    st.session_state.setdefault(MESSAGES, []).append((level, key, md_params(params)))


def _show_messages(lang: str) -> None:
    for level, key, params in st.session_state.pop(MESSAGES, []):
        getattr(st, level)(t(key, lang, **params))


# -- actions (widget callbacks, run through `call` with the store and the owner)


def _create(store: Store, owner: str) -> None:
    plan_id = st.session_state[ID]
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
        _say("error", "invite_member_gone", name=member or "")
        return
    st.session_state[NEW_INVITE] = (plan_id, invite.id, token, lang)


def _revoke(store: Store, owner: str, invite_id: str) -> None:
    revoke_invite(store, invite_id, owner)
    new = st.session_state.get(NEW_INVITE)
    if new and new[1] == invite_id:
        st.session_state.pop(NEW_INVITE, None)
    _say("success", "invite_revoked")


def _decide(
    store: Store, owner: str, proposal: Proposal, accept: bool, fields: Collection[str] | None
) -> None:
    plan_id = st.session_state[ID]
    try:
        version = decide(
            store,
            proposal.id,
            owner,
            accept=accept,
            fields=fields,
            base_version=st.session_state[VERSION],
            today=today(),
        )
    except AlreadyDecided:
        _say("warning", "calibration_already", name=proposal.name)
        return
    except StaleVersion as exc:
        # The plan moved on in another tab: the founder reloads before deciding.
        st.session_state[CONFLICT] = {"kind": "stale", "version": exc.current}
        _say("warning", "calibration_stale", version=exc.current)
        return
    if version is None:
        _say("info", "calibration_rejected", name=proposal.name)
        return
    adopt(store.load(plan_id, owner))
    _say("success", "calibration_accepted", name=proposal.name, version=version)


def _accept_selected(store: Store, owner: str, proposal: Proposal, agreeing: list[str]) -> None:
    chosen = list(st.session_state.get(f"calibration_fields_{proposal.id}") or [])
    # Where the person agrees with today's level there is nothing to choose: reviewing
    # the proposal confirms it either way.
    _decide(store, owner, proposal, True, [*chosen, *agreeing])


# -- the section ----------------------------------------------------------------------


def invites_section(ctx: Ctx) -> None:
    """Invite links and calibration, for the owner of a stored plan (never a viewer)."""
    if is_read_only() or st.session_state.get(DB_ERROR) or not st.session_state.get(ID):
        return
    owner = owner_id()
    if owner is None:
        return
    st.divider()
    st.subheader(ctx.t("invite_heading"))
    st.caption(ctx.t("invite_intro", days=invite_days()))
    _show_messages(ctx.lang)
    _create_controls(ctx)
    plan_id = st.session_state[ID]
    _new_link(ctx, plan_id)
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
    _list(ctx, links, statuses)
    _calibration(ctx, pending)


def _create_controls(ctx: Ctx) -> None:
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
        on_click=call,
        args=(_create,),
        type="primary",
        icon=":material/person_add:",
    )


def _new_link(ctx: Ctx, plan_id: str) -> None:
    new = st.session_state.get(NEW_INVITE)
    if not new or new[0] != plan_id:
        return
    with st.container(key="invite_link", border=True):
        st.caption(ctx.t("invite_new_link"))
        st.code(invite_url(new[2], new[3]), language=None)  # st.code carries a copy button


def _who(ctx: Ctx, invite: Invite) -> str:
    return md(invite.member) if invite.member is not None else ctx.t("invite_open_link")


def _list(ctx: Ctx, links: list[Invite], statuses: dict[str, str]) -> None:
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


def _calibration(ctx: Ctx, pending: list[Proposal]) -> None:
    st.subheader(ctx.t("calibration_heading"))
    if not pending:
        st.caption(ctx.t("calibration_none"))
        return
    st.caption(ctx.t("calibration_intro"))
    team, cat = ctx.plan.team, ctx.catalog
    show_chart(calibration_heatmap(team, pending, cat, ctx.lang), "calibration_heatmap", ctx)
    day, days = today(), stale_days()
    with st.container(key="calibration_accept"):
        for proposal in pending:
            with st.container(border=True):
                _proposal(ctx, proposal, team, cat, day, days)


def _proposal(ctx: Ctx, proposal: Proposal, team: Team, cat: Catalog, day: date, days: int) -> None:
    member = find_member(team, proposal.name)
    head = ctx.t("calibration_from", name=md(proposal.name), time=when(proposal.created_at))
    if proposal.member is None:
        head += " · " + ctx.t("calibration_open_link")
    st.markdown(head)
    if member is None:
        st.info(ctx.t("calibration_adds_member", name=md(proposal.name)))
    diffs = proposal_diff(team, proposal, cat.skill_ids)
    fte_now = member.fte if member else None
    rows = [
        {
            ctx.t("calibration_col_skill"): ctx.t("col_fte"),
            ctx.t("calibration_col_today"): "—" if fte_now is None else f"{fte_now:.2f}",
            ctx.t("calibration_col_source"): "",
            ctx.t("calibration_col_self"): f"{proposal.assessment.fte:.2f}",
            ctx.t("calibration_col_delta"): "",
            ctx.t("calibration_col_note"): "",
        }
    ]
    for d in diffs:
        area = cat.area_label(d.skill_id.split(".")[0], ctx.lang)
        rows.append(
            {
                ctx.t("calibration_col_skill"): f"{area} · {cat.skill_label(d.skill_id, ctx.lang)}",
                ctx.t("calibration_col_today"): str(d.current),
                ctx.t("calibration_col_source"): (
                    source_text(d.meta, ctx.lang, day, days) if d.current else ""
                ),
                ctx.t("calibration_col_self"): str(d.proposed),
                ctx.t("calibration_col_delta"): f"{d.delta:+d}" if d.delta else "",
                # A dataframe shows text as text: notes need no escaping here.
                ctx.t("calibration_col_note"): d.note,
            }
        )
    st.dataframe(rows, hide_index=True, width="stretch", key=f"calibration_table_{proposal.id}")
    changed = [d.skill_id for d in diffs if d.delta]
    agreeing = [
        d.skill_id for d in diffs if not d.delta and d.skill_id in proposal.assessment.skills
    ]
    options = changed + ([FTE_FIELD] if fte_now != proposal.assessment.fte else [])
    labels = {s: cat.skill_label(s, ctx.lang) for s in changed} | {FTE_FIELD: ctx.t("col_fte")}
    st.multiselect(
        ctx.t("calibration_pick"),
        options,
        default=options,
        # Options show as plain text; skill labels come from the catalog.
        format_func=lambda o: labels.get(o, o),
        key=f"calibration_fields_{proposal.id}",
        help=ctx.t("calibration_pick_help"),
        placeholder=ctx.t("choose_placeholder"),
    )
    with st.container(horizontal=True, gap="small"):
        st.button(
            ctx.t("calibration_accept_all"),
            key=f"calibration_accept_all_{proposal.id}",
            on_click=call,
            args=(_decide, proposal, True, None),
            type="primary",
            icon=":material/done_all:",
        )
        st.button(
            ctx.t("calibration_accept_some"),
            key=f"calibration_accept_some_{proposal.id}",
            on_click=call,
            args=(_accept_selected, proposal, agreeing),
            icon=":material/check:",
        )
        st.button(
            ctx.t("calibration_reject"),
            key=f"calibration_reject_{proposal.id}",
            on_click=call,
            args=(_decide, proposal, False, None),
            icon=":material/close:",
        )
