"""Calibration, the founder's side: each pending self-assessment beside today's
ratings, a heatmap of the differences, and accept all / some / reject.

An accepted proposal is one plan version, written by the store; this tab then adopts
it, exactly as after a restore.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

import streamlit as st

from components.invites.messages import say
from components.plans.actions import call
from components.plans.session import CONFLICT, adopt
from components.plans.widgets import when
from components.provenance import source_text, stale_days, today
from components.state import Ctx, plan_ref
from components.ui import show_chart
from planner.catalog import Catalog
from planner.domain import Member, Team
from planner.formatting import md
from planner.invites.charts import calibration_heatmap
from planner.store import (
    FTE_FIELD,
    AlreadyDecided,
    ClaimUnconfirmed,
    Proposal,
    StaleVersion,
    Store,
    claimed_member,
    decide,
    find_member,
    proposal_diff,
)

# -- actions (widget callbacks, run through `call` with the store and the owner)


def _decide(
    store: Store, owner: str, proposal: Proposal, accept: bool, fields: Collection[str] | None
) -> None:
    ref = plan_ref()
    try:
        version = decide(
            store,
            proposal.id,
            owner,
            accept=accept,
            fields=fields,
            base_version=ref.version,
            today=today(),
            claim_confirmed=bool(st.session_state.get(_claim_key(proposal))),
        )
    except ClaimUnconfirmed as exc:
        say("warning", "calibration_claim_needed", member=exc.member)
        return
    except AlreadyDecided:
        say("warning", "calibration_already", name=proposal.name)
        return
    except StaleVersion as exc:
        # The plan moved on in another tab: the founder reloads before deciding.
        st.session_state[CONFLICT] = {"kind": "stale", "version": exc.current}
        say("warning", "calibration_stale", version=exc.current)
        return
    if version is None:
        say("info", "calibration_rejected", name=proposal.name)
        return
    adopt(store.load(ref.id, owner))
    say("success", "calibration_accepted", name=proposal.name, version=version)


def _accept_selected(store: Store, owner: str, proposal: Proposal, agreeing: list[str]) -> None:
    chosen = list(st.session_state.get(f"calibration_fields_{proposal.id}") or [])
    # Where the person agrees with today's level there is nothing to choose: reviewing
    # the proposal confirms it either way.
    _decide(store, owner, proposal, True, [*chosen, *agreeing])


def calibration(ctx: Ctx, pending: list[Proposal]) -> None:
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


def _claim_key(proposal: Proposal) -> str:
    return f"calibration_claim_{proposal.id}"


def _claim(ctx: Ctx, proposal: Proposal, member: Member) -> bool:
    """An open link's name that matches a member: the founder confirms who it was
    (per person) before anything applies. True once confirmed."""
    st.warning(ctx.t("calibration_claim", member=md(member.name), typed=md(proposal.name)))
    return st.checkbox(
        ctx.t("calibration_claim_confirm", member=md(member.name)), key=_claim_key(proposal)
    )


def _proposal(ctx: Ctx, proposal: Proposal, team: Team, cat: Catalog, day: date, days: int) -> None:
    member = find_member(team, proposal.name)
    head = ctx.t("calibration_from", name=md(proposal.name), time=when(proposal.created_at))
    if proposal.member is None:
        head += " · " + ctx.t("calibration_open_link")
    st.markdown(head)
    claimed = claimed_member(team, proposal)
    unconfirmed = claimed is not None and not _claim(ctx, proposal, claimed)
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
            disabled=unconfirmed,
        )
        st.button(
            ctx.t("calibration_accept_some"),
            key=f"calibration_accept_some_{proposal.id}",
            on_click=call,
            args=(_accept_selected, proposal, agreeing),
            icon=":material/check:",
            disabled=unconfirmed,
        )
        st.button(
            ctx.t("calibration_reject"),
            key=f"calibration_reject_{proposal.id}",
            on_click=call,
            args=(_decide, proposal, False, None),
            icon=":material/close:",
        )
