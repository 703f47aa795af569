"""Self-assessment invites and the proposals they bring, kept beside the plans.

A founder creates an invite link for a member of a plan (or an open link, where the
person types their name). The link's token is shown once; the database keeps only
its SHA-256 (planner/store/tokens.py), so a read of the database opens no form. A link
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

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from planner.domain import LANGS
from planner.store.assessment import SelfAssessment, one_line, read_assessment
from planner.store.engine import Database, utcnow
from planner.store.errors import InviteRefused, MemberNotFound
from planner.store.proposals import PENDING, REPLACED
from planner.store.schema import MAX_TITLE_LEN, invites, plans, proposals
from planner.store.tokens import hash_token, is_token_shaped, new_token
from planner.store.versions import latest_plan, plan_row, revoke_owned

INVITE_DAYS = 14  # default life of a link; the app reads PLANNER_INVITE_DAYS
MAX_INVITE_DAYS = 365
MAX_SUBMISSIONS = 5
MIN_SUBMIT_INTERVAL = timedelta(seconds=20)
MAX_NOTE_LEN = 500
FTE_FIELD = "fte"  # beside skill ids, what an accept may take from a proposal

STATES = ("not_opened", "opened", "submitted", "revoked", "expired")


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
        if (now or utcnow()) >= self.expires_at:
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


# -- the founder's side: links -------------------------------------------------------


def create_invite(
    store: Database,
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
    now = now or utcnow()
    days = max(1, min(int(days), MAX_INVITE_DAYS))
    title = one_line(title)[:MAX_TITLE_LEN]
    token = new_token()
    with store.transaction(write=True) as conn:
        plan, _ = latest_plan(conn, plan_id, owner)
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


def list_invites(store: Database, plan_id: str, owner: str = "") -> list[Invite]:
    """The plan's links, newest first."""
    with store.transaction() as conn:
        plan_row(conn, plan_id, owner)
        rows = conn.execute(
            sa.select(invites)
            .where(invites.c.plan_id == plan_id)
            .order_by(invites.c.created_at.desc(), invites.c.id)
        ).all()
    return [_invite(r) for r in rows]


def revoke_invite(
    store: Database, invite_id: str, owner: str = "", now: datetime | None = None
) -> None:
    """The link stops working at once. Its submitted proposals stay for the founder to
    decide. PlanNotFound for a link that is not the owner's (or already revoked)."""
    with store.transaction(write=True) as conn:
        revoke_owned(conn, invites, invite_id, owner, "invite", now)


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
    return None if data is None else read_assessment(data)


def open_form(
    store: Database,
    token: object,
    now: datetime | None = None,
    max_submissions: int = MAX_SUBMISSIONS,
) -> FormView | None:
    """What the form shows for a token, or None when it is not a live link. The
    first opening is recorded (the founder's list shows it)."""
    now = now or utcnow()
    with store.transaction() as conn:
        row = _live_invite(conn, token, now)
        if row is None:
            return None
        previous = _last_submission(conn, row.id)
    if row.opened_at is None:
        with store.transaction(write=True) as conn:
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
    store: Database,
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
    now = now or utcnow()
    min_interval = MIN_SUBMIT_INTERVAL if min_interval is None else min_interval
    with store.transaction(write=True) as conn:
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
