"""Self-assessment invites and the proposals they bring, kept beside the plans.

A founder creates an invite link for a member of a plan (or an open link, where the
person types their name). The link's token is shown once; the database keeps only
its SHA-256 (planner.tokens), so a read of the database opens no form. A link
expires (14 days by default), can be revoked, takes at most MAX_SUBMISSIONS
submissions and no more than one every MIN_SUBMIT_INTERVAL.

A submission is a *proposal*: it changes nothing in the plan. The founder accepts
it (all of it or some skills) or rejects it; an accepted proposal becomes one new
plan version, whose summary names the member and what changed, and each accepted
level carries its provenance (planner.domain.RatingMeta). Accepting is safe with
two tabs at once: the proposal is claimed by a conditional update, and the plan
version is bumped by the store's own conditional save, in one transaction.

The functions take the plan store (planner.store.Store) and use its transaction
and versioning helpers, so that invites live in the same database and the same
transactions as the plans they change. No streamlit here.
"""

from __future__ import annotations

import json
import re
import unicodedata
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from sqlalchemy.engine import Connection

from planner.domain import (
    LANGS,
    MAX_NAME_LEN,
    Member,
    Plan,
    RatingMeta,
    Team,
    check_levels,
    first_error,
)
from planner.files import control_char
from planner.scoring import with_meta
from planner.store.plans import (
    PlanNotFound,
    StaleVersion,
    Store,
    StoreError,
    _now,
    _plan_from_row,
    metadata,
    plans,
)
from planner.store.tokens import hash_token, is_token_shaped, new_token

INVITE_DAYS = 14  # default life of a link; the app reads PLANNER_INVITE_DAYS
MAX_INVITE_DAYS = 365
MAX_SUBMISSIONS = 5
MIN_SUBMIT_INTERVAL = timedelta(seconds=20)
MAX_NOTE_LEN = 500
MAX_TITLE_LEN = 120
FTE_FIELD = "fte"  # beside skill ids, what an accept may take from a proposal

STATES = ("not_opened", "opened", "submitted", "revoked", "expired")
PENDING, REPLACED, ACCEPTED, REJECTED = "pending", "replaced", "accepted", "rejected"

invites = sa.Table(
    "invites",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column(
        "plan_id", sa.String(32), sa.ForeignKey("plans.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("member", sa.String(MAX_NAME_LEN), nullable=True),  # None: an open link
    sa.Column("title", sa.String(MAX_TITLE_LEN), nullable=False),  # what the form may show
    sa.Column("lang", sa.String(8), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False),
    sa.Column("opened_at", sa.DateTime, nullable=True),
    sa.Column("submitted_at", sa.DateTime, nullable=True),
    sa.Column("revoked_at", sa.DateTime, nullable=True),
    sa.Column("submissions", sa.Integer, nullable=False),
)
sa.Index("ix_invites_plan", invites.c.plan_id)

proposals = sa.Table(
    "proposals",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column(
        "invite_id", sa.String(32), sa.ForeignKey("invites.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column(
        "plan_id", sa.String(32), sa.ForeignKey("plans.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("data", sa.Text, nullable=False),  # the SelfAssessment, as JSON
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("decided_at", sa.DateTime, nullable=True),
    sa.Column("version", sa.Integer, nullable=True),  # the plan version an accept made
)
sa.Index("ix_proposals_plan_status", proposals.c.plan_id, proposals.c.status)
sa.Index("ix_proposals_invite", proposals.c.invite_id)


class MemberNotFound(StoreError):
    """An invite was asked for a member the plan does not have."""


class InviteRefused(StoreError):
    """A submission was refused: `reason` is "invalid" (no live link: malformed,
    unknown, revoked, expired or its plan deleted), "limit" (MAX_SUBMISSIONS reached)
    or "too_soon" (wait `wait_s` seconds)."""

    def __init__(self, reason: str, wait_s: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait_s = wait_s


class InvalidAssessment(StoreError):
    """A submitted form is not valid; `where` and `problem` say why (for the log)."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


class ClaimUnconfirmed(StoreError):
    """An open link's name matches a member: whoever held the link says they are
    that member, which the founder confirms before their ratings change."""

    def __init__(self, member: str) -> None:
        super().__init__(f"the claim to be {member!r} is not confirmed")
        self.member = member


class AlreadyDecided(StoreError):
    """The proposal was accepted, rejected or replaced meanwhile (another tab)."""


# -- what a person submits ---------------------------------------------------------

_NOTE_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


class SelfAssessment(BaseModel):
    """One person's own ratings: a level 0-5 per skill, an optional evidence note per
    skill, their FTE; the name (and role) matter for an open link only."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=MAX_NAME_LEN)
    role: str = Field(default="", max_length=MAX_NAME_LEN)
    fte: float = Field(default=1.0, gt=0, le=1, allow_inf_nan=False)
    # Strict: a JSON true is not a level.
    skills: dict[str, StrictInt] = Field(default_factory=dict)
    notes: dict[str, str] = Field(default_factory=dict)

    @field_validator("name", "role")
    @classmethod
    def _plain_text(cls, value: str) -> str:
        value = value.strip()
        if char := control_char(value):
            raise ValueError(f"holds the control character {char}")
        return value

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        if not value:
            raise ValueError("name is empty")
        return value

    @field_validator("skills")
    @classmethod
    def _levels(cls, skills: dict[str, int]) -> dict[str, int]:
        check_levels(skills)
        # Zeros are kept: "I have none of this" is an answer, unlike a skipped skill.
        return dict(sorted(skills.items()))

    @field_validator("notes")
    @classmethod
    def _notes(cls, notes: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        skills = info.data.get("skills") or {}
        kept = {}
        for skill_id, note in sorted(notes.items()):
            if skill_id not in skills:
                raise ValueError(f"a note for {skill_id!r}, which is not rated")
            # Line breaks and other control characters become spaces: a note is one line.
            text = " ".join(_NOTE_CONTROL.sub(" ", note).split())
            if len(text) > MAX_NOTE_LEN:
                raise ValueError(f"the note for {skill_id} is over {MAX_NOTE_LEN} characters")
            if text:
                kept[skill_id] = text
        return kept


def parse_assessment(data: dict, skill_ids: Collection[str] | None = None) -> SelfAssessment:
    """A SelfAssessment from form data, or InvalidAssessment. With skill_ids (the
    catalog's), a skill outside it is refused."""
    try:
        assessment = SelfAssessment.model_validate(data)
    except ValidationError as exc:
        raise InvalidAssessment(*first_error(exc)) from None
    if skill_ids is not None:
        unknown = sorted(set(assessment.skills) - set(skill_ids))
        if unknown:
            raise InvalidAssessment("skills", f"unknown skill {unknown[0]!r}")
    return assessment


# -- records -----------------------------------------------------------------------


@dataclass(frozen=True)
class Invite:
    """A link as the founder sees it (never its token)."""

    id: str
    plan_id: str
    member: str | None  # None: an open link
    title: str
    lang: str
    created_at: datetime
    expires_at: datetime
    opened_at: datetime | None
    submitted_at: datetime | None
    revoked_at: datetime | None
    submissions: int

    def state(self, now: datetime | None = None) -> str:
        """One of STATES: revoked and expired first, then how far the person got."""
        if self.revoked_at is not None:
            return "revoked"
        if (now or _now()) >= self.expires_at:
            return "expired"
        if self.submissions:
            return "submitted"
        return "opened" if self.opened_at is not None else "not_opened"


@dataclass(frozen=True)
class FormView:
    """What the person behind a link may see: their own name, the founder's chosen
    title, and their own last answers; nothing of the plan or of anyone else."""

    invite_id: str
    member: str | None  # None: an open link (the person types their name)
    title: str
    lang: str
    expires_at: datetime
    submissions_left: int
    previous: SelfAssessment | None  # this link's last submission


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


def _invite(row: sa.Row) -> Invite:
    return Invite(
        id=row.id,
        plan_id=row.plan_id,
        member=row.member,
        title=row.title,
        lang=row.lang,
        created_at=row.created_at,
        expires_at=row.expires_at,
        opened_at=row.opened_at,
        submitted_at=row.submitted_at,
        revoked_at=row.revoked_at,
        submissions=row.submissions,
    )


def _assessment(data: str) -> SelfAssessment:
    return SelfAssessment.model_validate(json.loads(data))


# -- the founder's side: links -------------------------------------------------------


def _latest_plan(store: Store, conn: Connection, plan_id: str, owner: str) -> tuple[Plan, int]:
    row = store._plan_row(conn, plan_id, owner)
    return _plan_from_row(store._version_data(conn, plan_id, row.version)), row.version


def create_invite(
    store: Store,
    plan_id: str,
    owner: str = "",
    member: str | None = None,
    *,
    title: str = "",
    lang: str = "en",
    days: int = INVITE_DAYS,
    now: datetime | None = None,
) -> tuple[str, Invite]:
    """A new link: for `member` of the plan (by name), or an open one (None).

    Returns the token, to be shown once, and the invite; only the token's hash is
    stored. Raises PlanNotFound, or MemberNotFound for a name not in the plan."""
    now = now or _now()
    days = max(1, min(int(days), MAX_INVITE_DAYS))
    title = " ".join(_NOTE_CONTROL.sub(" ", title).split())[:MAX_TITLE_LEN]
    token = new_token()
    with store._tx(write=True) as conn:
        plan, _ = _latest_plan(store, conn, plan_id, owner)
        if member is not None:
            found = next(
                (m.name for m in plan.team.members if m.name.casefold() == member.casefold()),
                None,
            )
            if found is None:
                raise MemberNotFound(member)
            member = found
        values = {
            "id": uuid.uuid4().hex,
            "token_hash": hash_token(token),
            "plan_id": plan_id,
            "member": member,
            "title": title,
            "lang": lang if lang in LANGS else "en",
            "created_at": now,
            "expires_at": now + timedelta(days=days),
            "opened_at": None,
            "submitted_at": None,
            "revoked_at": None,
            "submissions": 0,
        }
        conn.execute(invites.insert().values(**values))
    return token, Invite(**{k: v for k, v in values.items() if k != "token_hash"})


def list_invites(store: Store, plan_id: str, owner: str = "") -> list[Invite]:
    """The plan's links, newest first."""
    with store._tx() as conn:
        store._plan_row(conn, plan_id, owner)
        rows = conn.execute(
            sa.select(invites)
            .where(invites.c.plan_id == plan_id)
            .order_by(invites.c.created_at.desc(), invites.c.id)
        ).all()
    return [_invite(r) for r in rows]


def revoke_invite(
    store: Store, invite_id: str, owner: str = "", now: datetime | None = None
) -> None:
    """The link stops working at once. Its submitted proposals stay for the founder to
    decide. PlanNotFound for a link that is not the owner's (or already revoked)."""
    with store._tx(write=True) as conn:
        owned = sa.select(plans.c.id).where(plans.c.owner == owner)
        done = conn.execute(
            invites.update()
            .where(
                invites.c.id == invite_id,
                invites.c.plan_id.in_(owned),
                invites.c.revoked_at.is_(None),
            )
            .values(revoked_at=now or _now())
        )
        if done.rowcount != 1:
            raise PlanNotFound("invite")


# -- the person's side: the form -----------------------------------------------------


def _live_invite(conn: Connection, token: object, now: datetime) -> sa.Row | None:
    """The invite row of a live link, or None for anything else: malformed, unknown,
    revoked, expired, or its plan deleted. Callers show one refusal for all."""
    if not is_token_shaped(token):
        return None
    return conn.execute(
        sa.select(invites)
        .join(plans, plans.c.id == invites.c.plan_id)
        .where(
            invites.c.token_hash == hash_token(token),  # type: ignore[arg-type]
            invites.c.revoked_at.is_(None),
            invites.c.expires_at > now,
            plans.c.deleted_at.is_(None),
        )
    ).first()


def _last_submission(conn: Connection, invite_id: str) -> SelfAssessment | None:
    data = conn.execute(
        sa.select(proposals.c.data)
        .where(proposals.c.invite_id == invite_id)
        .order_by(proposals.c.created_at.desc(), proposals.c.id)
        .limit(1)
    ).scalar()
    return None if data is None else _assessment(data)


def open_form(
    store: Store,
    token: object,
    now: datetime | None = None,
    max_submissions: int = MAX_SUBMISSIONS,
) -> FormView | None:
    """What the form shows for a token, or None when it is not a live link. The
    first opening is recorded (the founder's list shows it)."""
    now = now or _now()
    with store._tx() as conn:
        row = _live_invite(conn, token, now)
        if row is None:
            return None
        previous = _last_submission(conn, row.id)
    if row.opened_at is None:
        with store._tx(write=True) as conn:
            conn.execute(
                invites.update()
                .where(invites.c.id == row.id, invites.c.opened_at.is_(None))
                .values(opened_at=now)
            )
    return FormView(
        invite_id=row.id,
        member=row.member,
        title=row.title,
        lang=row.lang,
        expires_at=row.expires_at,
        submissions_left=max(0, max_submissions - row.submissions),
        previous=previous,
    )


def submit(
    store: Store,
    token: object,
    assessment: SelfAssessment,
    *,
    now: datetime | None = None,
    max_submissions: int = MAX_SUBMISSIONS,
    min_interval: timedelta | None = None,
) -> int:
    """Store a submission as the link's pending proposal (replacing a pending one).

    Returns how many submissions the link has left. Raises InviteRefused: "invalid"
    for no live link, "limit" after max_submissions, "too_soon" within min_interval
    of the last one. For a member's link the name is the member's, whatever was sent."""
    now = now or _now()
    min_interval = MIN_SUBMIT_INTERVAL if min_interval is None else min_interval
    with store._tx(write=True) as conn:
        row = _live_invite(conn, token, now)
        if row is None:
            raise InviteRefused("invalid")
        # One conditional update claims a submission: under concurrency the limit and
        # the interval hold, as only a row that still meets both is changed.
        claimed = conn.execute(
            invites.update()
            .where(
                invites.c.id == row.id,
                invites.c.submissions < max_submissions,
                sa.or_(
                    invites.c.submitted_at.is_(None),
                    invites.c.submitted_at <= now - min_interval,
                ),
            )
            .values(
                submissions=invites.c.submissions + 1,
                submitted_at=now,
                opened_at=sa.func.coalesce(invites.c.opened_at, now),
            )
        )
        if claimed.rowcount != 1:
            current = conn.execute(sa.select(invites).where(invites.c.id == row.id)).one()
            if current.submissions >= max_submissions:
                raise InviteRefused("limit")
            last = current.submitted_at or now
            wait = max(1, int((last + min_interval - now).total_seconds() + 0.999))
            raise InviteRefused("too_soon", wait_s=wait)
        # Read back, not computed from `row`: another submission may have been claimed
        # between that read and this update (PostgreSQL re-checks the row, not `row`).
        used = conn.execute(
            sa.select(invites.c.submissions).where(invites.c.id == row.id)
        ).scalar_one()
        if row.member is not None:
            assessment = assessment.model_copy(update={"name": row.member})
        conn.execute(
            proposals.update()
            .where(proposals.c.invite_id == row.id, proposals.c.status == PENDING)
            .values(status=REPLACED, decided_at=now)
        )
        conn.execute(
            proposals.insert().values(
                id=uuid.uuid4().hex,
                invite_id=row.id,
                plan_id=row.plan_id,
                data=assessment.model_dump_json(),
                status=PENDING,
                created_at=now,
            )
        )
        return max(0, max_submissions - used)


# -- the founder's side: calibration -------------------------------------------------


def pending_proposals(store: Store, plan_id: str, owner: str = "") -> list[Proposal]:
    """The plan's proposals waiting for a decision, oldest first."""
    with store._tx() as conn:
        store._plan_row(conn, plan_id, owner)
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
            assessment=_assessment(r.data),
            created_at=r.created_at,
            status=r.status,
        )
        for r in rows
    ]


def proposal_status(store: Store, plan_id: str, owner: str = "") -> dict[str, str]:
    """invite id -> the status of its latest proposal (for the founder's list)."""
    with store._tx() as conn:
        store._plan_row(conn, plan_id, owner)
        rows = conn.execute(
            sa.select(proposals.c.invite_id, proposals.c.status)
            .where(proposals.c.plan_id == plan_id)
            .order_by(proposals.c.created_at, proposals.c.id)
        ).all()
    return {r.invite_id: r.status for r in rows}


def decide(
    store: Store,
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
    now = now or _now()
    with store._tx(write=True) as conn:
        row = conn.execute(
            sa.select(proposals, invites.c.member)
            .join(invites, invites.c.id == proposals.c.invite_id)
            .where(proposals.c.id == proposal_id)
        ).first()
        if row is None:
            raise PlanNotFound("proposal")
        plan, latest = _latest_plan(store, conn, row.plan_id, owner)  # the owner's, or raises
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
            assessment=_assessment(row.data),
            created_at=row.created_at,
            status=PENDING,
        )
        new_plan, changes = apply_proposal(  # raising rolls the claim on the row back
            plan, proposal, fields, today or now.date(), claim_confirmed=claim_confirmed
        )
        version = store._append_version(conn, row.plan_id, new_plan, latest, owner, changes)
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
