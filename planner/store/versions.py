"""A plan's rows: the plan row that points at its latest version, and the versions.

These functions take an open connection (`Database.transaction()`), so that the
store and the invites change plans in the same transaction as their own rows.
`append_version` is the heart of saving: a conditional bump, so that of two
writers on the same base version only one wins (the other gets StaleVersion).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from planner.domain import MAX_NAME_LEN, Plan, plan_to_json
from planner.i18n import t
from planner.store.changes import describe_changes, summarize
from planner.store.engine import utcnow
from planner.store.errors import NameTaken, PlanNotFound, StaleVersion
from planner.store.schema import plans, versions


@dataclass(frozen=True)
class PlanInfo:
    id: str
    name: str
    version: int
    updated_at: datetime
    deleted_at: datetime | None = None


@dataclass(frozen=True)
class Loaded:
    """One version of a plan, as read from the store."""

    id: str
    version: int
    plan: Plan
    latest: int  # the plan's latest version (== version unless an old one was asked for)


@dataclass(frozen=True)
class VersionInfo:
    version: int
    created_at: datetime
    changes: list[dict]

    def summary(self, lang: str) -> str:
        return summarize(self.changes, lang)


def read_plan(data: str) -> Plan:
    """A stored version's plan."""
    return Plan.model_validate(json.loads(data))


def plan_row(conn: Connection, plan_id: str, owner: str) -> sa.Row:
    row = conn.execute(
        sa.select(plans).where(
            plans.c.id == plan_id, plans.c.owner == owner, plans.c.deleted_at.is_(None)
        )
    ).first()
    if row is None:
        raise PlanNotFound(plan_id)
    return row


def taken_names(conn: Connection, owner: str, except_id: str | None = None) -> set[str]:
    """Names (case-folded) of this owner's live plans, except one."""
    query = sa.select(plans.c.name).where(plans.c.owner == owner, plans.c.deleted_at.is_(None))
    if except_id is not None:
        query = query.where(plans.c.id != except_id)
    return {name.casefold() for name in conn.execute(query).scalars()}


def version_data(conn: Connection, plan_id: str, version: int) -> str:
    data = conn.execute(
        sa.select(versions.c.data).where(
            versions.c.plan_id == plan_id, versions.c.version == version
        )
    ).scalar()
    if data is None:
        raise PlanNotFound(f"{plan_id} version {version}")
    return data


def insert_plan(conn: Connection, plan: Plan, owner: str, changes: list[dict]) -> Loaded:
    # A new plan never shares a name with another: "New plan" twice is "New plan 2".
    name = unique_name(plan.name, taken_names(conn, owner))
    if name != plan.name:
        plan = plan.model_copy(update={"name": name})
    plan_id, now = uuid.uuid4().hex, utcnow()
    conn.execute(
        plans.insert().values(
            id=plan_id, owner=owner, name=plan.name, version=1, created_at=now, updated_at=now
        )
    )
    conn.execute(
        versions.insert().values(
            plan_id=plan_id,
            version=1,
            created_at=now,
            summary=json.dumps(changes, ensure_ascii=False),
            data=plan_to_json(plan),
        )
    )
    return Loaded(id=plan_id, version=1, plan=plan, latest=1)


def append_version(
    conn: Connection,
    plan_id: str,
    plan: Plan,
    base_version: int,
    owner: str,
    changes: list[dict] | None = None,
) -> int:
    """The heart of saving: a conditional bump, so only one writer per base wins.

    A save that would give the plan another plan's name is refused (NameTaken)."""
    if plan.name.casefold() in taken_names(conn, owner, except_id=plan_id):
        plan_row(conn, plan_id, owner)  # an unknown plan is PlanNotFound first
        raise NameTaken(plan.name)
    now = utcnow()
    bumped = conn.execute(
        plans.update()
        .where(
            plans.c.id == plan_id,
            plans.c.owner == owner,
            plans.c.deleted_at.is_(None),
            plans.c.version == base_version,
        )
        .values(version=base_version + 1, name=plan.name, updated_at=now)
    )
    if bumped.rowcount != 1:
        current = plan_row(conn, plan_id, owner).version  # raises PlanNotFound
        raise StaleVersion(plan_id, base_version, current)
    if changes is None:
        old = read_plan(version_data(conn, plan_id, base_version))
        changes = describe_changes(old, plan)
    conn.execute(
        versions.insert().values(
            plan_id=plan_id,
            version=base_version + 1,
            created_at=now,
            summary=json.dumps(changes, ensure_ascii=False),
            data=plan_to_json(plan),
        )
    )
    return base_version + 1


def latest_plan(conn: Connection, plan_id: str, owner: str) -> tuple[Plan, int]:
    """The owner's plan as its latest version says, and that version's number."""
    row = plan_row(conn, plan_id, owner)
    return read_plan(version_data(conn, plan_id, row.version)), row.version


def revoke_owned(
    conn: Connection,
    table: sa.Table,
    item_id: str,
    owner: str,
    what: str,
    now: datetime | None = None,
) -> None:
    """Revoke a live link (a share or an invite) of one of the owner's plans: one
    conditional update, so a link of another owner, or one already revoked, is
    PlanNotFound(what) and nothing changes."""
    owned = sa.select(plans.c.id).where(plans.c.owner == owner)
    done = conn.execute(
        table.update()
        .where(table.c.id == item_id, table.c.plan_id.in_(owned), table.c.revoked_at.is_(None))
        .values(revoked_at=now or utcnow())
    )
    if done.rowcount != 1:
        raise PlanNotFound(what)


def unique_name(name: str, taken: set[str]) -> str:
    """name, or "name 2", "name 3"... : the first not in taken (case-folded names),
    cut to fit MAX_NAME_LEN."""
    if name.casefold() not in taken:
        return name
    n = 2
    while True:
        suffix = f" {n}"
        candidate = name[: MAX_NAME_LEN - len(suffix)] + suffix
        if candidate.casefold() not in taken:
            return candidate
        n += 1


def copy_name(name: str, lang: str = "en") -> str:
    """The name of a copy: the name with the copy suffix of lang, cut to fit MAX_NAME_LEN."""
    suffix = t("store_copy_suffix", lang)
    return name[: MAX_NAME_LEN - len(suffix)] + suffix
