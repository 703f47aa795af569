"""The founder's side of self-assessments: the proposals waiting for a decision,
and what accepting one changes in the plan (one new version, in the same
transaction as the claim on the proposal)."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from planner.domain import Member, Plan, RatingMeta, Team
from planner.scoring import with_meta
from planner.store.assessment import SelfAssessment, read_assessment
from planner.store.engine import Database, utcnow
from planner.store.errors import AlreadyDecided, ClaimUnconfirmed, PlanNotFound, StaleVersion
from planner.store.schema import invites, proposals
from planner.store.versions import append_version, latest_plan, plan_row

FTE_FIELD = "fte"  # beside skill ids, what an accept may take from a proposal
PENDING, REPLACED, ACCEPTED, REJECTED = "pending", "replaced", "accepted", "rejected"


@dataclass(frozen=True)
class Proposal:
    id: str
    invite_id: str
    plan_id: str
    member: str | None  # the member the link was made for; None: an open link
    assessment: SelfAssessment
    created_at: datetime
    status: str

    @property
    def name(self) -> str:
        """Whose ratings these are: the bound member, or the name typed."""
        return self.member or self.assessment.name


# -- the founder's side: calibration -------------------------------------------------


def pending_proposals(store: Database, plan_id: str, owner: str = "") -> list[Proposal]:
    """The plan's proposals waiting for a decision, oldest first."""
    with store.transaction() as conn:
        plan_row(conn, plan_id, owner)
        rows = conn.execute(
            sa.select(proposals, invites.c.member)
            .join(invites, invites.c.id == proposals.c.invite_id)
            .where(proposals.c.plan_id == plan_id, proposals.c.status == PENDING)
            .order_by(proposals.c.created_at, proposals.c.id)
        ).all()
    return [
        Proposal(
            id=r.id,
            invite_id=r.invite_id,
            plan_id=r.plan_id,
            member=r.member,
            assessment=read_assessment(r.data),
            created_at=r.created_at,
            status=r.status,
        )
        for r in rows
    ]


def proposal_status(store: Database, plan_id: str, owner: str = "") -> dict[str, str]:
    """invite id -> the status of its latest proposal (for the founder's list)."""
    with store.transaction() as conn:
        plan_row(conn, plan_id, owner)
        rows = conn.execute(
            sa.select(proposals.c.invite_id, proposals.c.status)
            .where(proposals.c.plan_id == plan_id)
            .order_by(proposals.c.created_at, proposals.c.id)
        ).all()
    return {r.invite_id: r.status for r in rows}


def decide(
    store: Database,
    proposal_id: str,
    owner: str = "",
    *,
    accept: bool,
    fields: Collection[str] | None = None,
    base_version: int | None = None,
    today: date | None = None,
    now: datetime | None = None,
    claim_confirmed: bool = False,
) -> int | None:
    """Accept (all, or only `fields`: skill ids and/or "fte") or reject a proposal.

    An open link's proposal whose name matches a member is accepted only with
    `claim_confirmed` (the founder confirmed who sent it); else ClaimUnconfirmed,
    and the proposal stays pending.

    An accept writes one new plan version and returns its number; a reject writes
    none and returns None. Raises AlreadyDecided when another tab decided first,
    StaleVersion when base_version is given and the plan moved on since (the
    proposal then stays pending), PlanNotFound for a proposal not the owner's."""
    now = now or utcnow()
    with store.transaction(write=True) as conn:
        row = conn.execute(
            sa.select(proposals, invites.c.member)
            .join(invites, invites.c.id == proposals.c.invite_id)
            .where(proposals.c.id == proposal_id)
        ).first()
        if row is None:
            raise PlanNotFound("proposal")
        plan, latest = latest_plan(conn, row.plan_id, owner)  # the owner's, or raises
        claimed = conn.execute(
            proposals.update()
            .where(proposals.c.id == proposal_id, proposals.c.status == PENDING)
            .values(status=ACCEPTED if accept else REJECTED, decided_at=now)
        )
        if claimed.rowcount != 1:
            raise AlreadyDecided(proposal_id)
        if not accept:
            return None
        if base_version is not None and base_version != latest:
            raise StaleVersion(row.plan_id, base_version, latest)  # rolls the claim back
        proposal = Proposal(
            id=row.id,
            invite_id=row.invite_id,
            plan_id=row.plan_id,
            member=row.member,
            assessment=read_assessment(row.data),
            created_at=row.created_at,
            status=PENDING,
        )
        new_plan, changes = apply_proposal(  # raising rolls the claim on the row back
            plan, proposal, fields, today or now.date(), claim_confirmed=claim_confirmed
        )
        version = append_version(conn, row.plan_id, new_plan, latest, owner, changes)
        conn.execute(
            proposals.update().where(proposals.c.id == proposal_id).values(version=version)
        )
        return version


# -- what a proposal changes (pure) ---------------------------------------------------


@dataclass(frozen=True)
class SkillDiff:
    skill_id: str
    current: int
    proposed: int
    note: str
    meta: RatingMeta  # the current rating's provenance

    @property
    def delta(self) -> int:
        return self.proposed - self.current


def name_key(name: str) -> str:
    """What makes two names the same person's: letter case, Unicode forms and
    runs of spaces aside ("alice  chen" is "Alice Chen")."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def find_member(team: Team, name: str) -> Member | None:
    key = name_key(name)
    return next((m for m in team.members if name_key(m.name) == key), None)


def claimed_member(team: Team, proposal: Proposal) -> Member | None:
    """The member an open link's typed name claims to be (None: a bound link, or a
    name not in the team). Anyone may hold an open link: a claim is never applied
    before the founder confirms it."""
    return None if proposal.member is not None else find_member(team, proposal.name)


def proposal_diff(team: Team, proposal: Proposal, skill_ids: list[str]) -> list[SkillDiff]:
    """Every skill in skill_ids: today's level beside the proposed one (a skill the
    proposal leaves out keeps today's level). For a new member today's levels are 0."""
    member = find_member(team, proposal.name)
    diffs = []
    for skill_id in skill_ids:
        current = member.level(skill_id) if member else 0
        diffs.append(
            SkillDiff(
                skill_id=skill_id,
                current=current,
                proposed=proposal.assessment.skills.get(skill_id, current),
                note=proposal.assessment.notes.get(skill_id, ""),
                meta=member.meta(skill_id) if member else RatingMeta(),
            )
        )
    return diffs


def apply_proposal(
    plan: Plan,
    proposal: Proposal,
    fields: Collection[str] | None,
    today: date,
    *,
    claim_confirmed: bool = False,
) -> tuple[Plan, list[dict]]:
    """The plan with the accepted part of a proposal, and the version's changes.

    `fields` None takes everything (every skill and the FTE); else only the skill
    ids (and "fte") named. An accepted level that differs from today's is the
    member's ("self"); one that agrees is "calibrated"; both confirmed today. A
    name not in the team (an open link, or a member renamed since) is added. An
    open link's name that matches a member is a claim: it raises ClaimUnconfirmed
    unless `claim_confirmed`, and the history then says it was claimed."""
    assessment = proposal.assessment
    claimed = claimed_member(plan.team, proposal)
    if claimed is not None and not claim_confirmed:
        raise ClaimUnconfirmed(claimed.name)
    wanted = set(assessment.skills) if fields is None else set(fields) & set(assessment.skills)
    take_fte = fields is None or FTE_FIELD in fields
    member = find_member(plan.team, proposal.name)
    if member is None:
        levels = {s: assessment.skills[s] for s in wanted}
        meta = {s: RatingMeta(source="self", confirmed=today) for s in wanted}
        new = Member(
            name=proposal.name,
            role=assessment.role,
            fte=assessment.fte,
            skills=levels,
            ratings_meta=meta,
        )
        team = plan.team.with_member(new)
        changes = [{"kind": "self_assessment_added", "name": new.name, "count": len(new.skills)}]
    else:
        levels, meta = dict(member.skills), {s: member.meta(s) for s in member.skills}
        changed: list[str] = []
        confirmed = 0
        for skill_id in sorted(wanted):
            level = assessment.skills[skill_id]
            if level == member.level(skill_id):
                confirmed += level > 0
                source = "calibrated"
            else:
                changed.append(skill_id)
                source = "self"
            levels[skill_id] = level
            meta[skill_id] = RatingMeta(source=source, confirmed=today)
        updated = member.model_copy(update={"skills": levels})
        if take_fte:
            updated = updated.model_copy(update={"fte": assessment.fte})
        updated = with_meta(updated, meta)  # validated: levels 0 and their meta drop out
        team = Team(members=tuple(updated if m is member else m for m in plan.team.members))
        change = {
            "kind": "self_assessment",
            "name": member.name,
            "count": len(changed),
            "confirmed": confirmed,
            "skills": _skill_list(changed),
        }
        if claimed is not None:  # from an open link, confirmed by the founder
            change |= {"kind": "self_assessment_claimed", "claimed": proposal.name}
        changes = [change]
        if updated.fte != member.fte:
            changes.append({"kind": "edited", "names": [member.name]})
    return plan.model_copy(update={"team": team}), changes


def _skill_list(skill_ids: list[str], limit: int = 5) -> str:
    shown = ", ".join(skill_ids[:limit])
    more = len(skill_ids) - limit
    return (shown + (f" +{more}" if more > 0 else "")) or "-"
