"""Workspaces nobody used: a visit without sign-in makes a workspace with a first,
empty plan. Those left untouched (one plan, never changed, never shared or
invited to, link never replaced) for some days are removed, with their plan.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from planner.domain import Plan
from planner.store.engine import utcnow
from planner.store.plans import Store
from planner.store.schema import invites, plans, shares, versions, workspaces
from planner.store.workspaces import INSTANCE_OWNER

DEFAULT_UNUSED_DAYS = 30


def untouched_plan_id(conn: Connection, owner: str) -> str | None:
    """The workspace's plan when it is its only one, still its first version as
    made (an empty plan), with no share or invite link; None when it was used."""
    rows = conn.execute(
        sa.select(plans.c.id, plans.c.version, plans.c.deleted_at).where(plans.c.owner == owner)
    ).all()
    if len(rows) != 1 or rows[0].version != 1 or rows[0].deleted_at is not None:
        return None
    plan_id = rows[0].id
    for table in (shares, invites):
        if conn.execute(sa.select(table.c.id).where(table.c.plan_id == plan_id)).first():
            return None
    data = conn.execute(
        sa.select(versions.c.data).where(versions.c.plan_id == plan_id)
    ).scalar_one()
    plan = Plan.model_validate_json(data)
    return plan_id if plan == Plan(name=plan.name, lang=plan.lang) else None


def unused_days(value: object) -> int:
    """The setting PLANNER_UNUSED_WORKSPACE_DAYS: whole days, 0 (or "off") keeps
    every workspace; unset or unreadable, the default."""
    text = str(value if value is not None else "").strip().lower()
    if text in ("off", "never"):
        return 0
    try:
        return max(0, int(text))
    except ValueError:
        return DEFAULT_UNUSED_DAYS


def purge_unused_workspaces(
    store: Store, older_than: timedelta, *, now: datetime | None = None
) -> int:
    """Remove workspaces made before `older_than` ago and never used; how many."""
    cutoff = (now or utcnow()) - older_than
    removed = 0
    with store.transaction(write=True) as conn:
        candidates = conn.execute(
            sa.select(workspaces.c.id, workspaces.c.owner).where(
                workspaces.c.owner != INSTANCE_OWNER,
                workspaces.c.created_at <= cutoff,
                workspaces.c.rotated_at.is_(None),
            )
        ).all()
        for ws in candidates:
            plan_id = untouched_plan_id(conn, ws.owner)
            if plan_id is None:
                continue
            conn.execute(versions.delete().where(versions.c.plan_id == plan_id))
            conn.execute(plans.delete().where(plans.c.id == plan_id))
            conn.execute(workspaces.delete().where(workspaces.c.id == ws.id))
            removed += 1
    return removed
