"""Plans, their versions, share links and workspaces in a real database.

SQLite (one file, WAL, synchronous=FULL, foreign keys on) by default, PostgreSQL
when given a ``postgresql://`` URL. The schema is managed by Alembic
(``planner/migrations``) and upgraded when a Store opens.

Every save is a new row in ``plan_versions``; a plan row only points at its
latest version. Saves are optimistic: a save names the version it was based on
and fails with :class:`StaleVersion` when someone saved in between, so nothing
is ever overwritten silently.

Share links and private workspaces are capabilities: a random token (see
planner/store/tokens.py) shown once to its creator, stored only as its SHA-256, so a
read of the database opens nothing. Plans belong to an owner string: a signed-in
user's e-mail, ``ws:<id>`` for a private workspace, or ``""`` for the one shared
workspace of an instance without sign-in (the old default, now an opt-in).

No streamlit here: the app creates one Store per process (``st.cache_resource``).
"""

from __future__ import annotations

import json
from datetime import timedelta

import sqlalchemy as sa

from planner.domain import PLAN_SCHEMA, Plan, plan_to_json
from planner.files import PlanFieldError, TeamImportError, load_json, plan_from_data
from planner.store.changes import describe_changes
from planner.store.engine import utcnow
from planner.store.errors import PlanImportError, PlanNotFound, StaleVersion
from planner.store.schema import plans, shares, versions
from planner.store.shares import Shares
from planner.store.versions import (
    Loaded,
    PlanInfo,
    VersionInfo,
    append_version,
    copy_name,
    insert_plan,
    plan_row,
    read_plan,
    taken_names,
    unique_name,
    version_data,
)
from planner.store.workspaces import Workspaces

MAX_IMPORT_BYTES = 1_000_000  # a real plan is a few kB; this is generous
UNDO_WINDOW = timedelta(days=7)  # a deleted plan can be brought back this long


# -- parsing plans from outside ----------------------------------------------------


def parse_plan_json(raw: bytes | str) -> Plan:
    """A Plan from JSON text, or PlanImportError with a message for the user."""
    size = len(raw.encode("utf-8")) if isinstance(raw, str) else len(raw)
    if size > MAX_IMPORT_BYTES:
        raise PlanImportError("store_import_too_big", size=size, limit=MAX_IMPORT_BYTES)
    # The team importer's bounds (JSON depth, values per member and field, members,
    # custom models) apply here too: a plan file is no less hostile than a team file.
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        data = load_json(text)
    except UnicodeDecodeError:
        raise PlanImportError("store_import_not_text") from None
    except json.JSONDecodeError as exc:
        raise PlanImportError("store_import_bad_json", line=exc.lineno, col=exc.colno) from None
    except TeamImportError as exc:
        raise PlanImportError(exc.key, **exc.params) from None
    if not isinstance(data, dict):
        raise PlanImportError("store_import_not_plan")
    schema = data.get("schema")
    if isinstance(schema, int) and not isinstance(schema, bool) and schema > PLAN_SCHEMA:
        raise PlanImportError("store_import_newer", schema=schema, known=PLAN_SCHEMA)
    try:
        return plan_from_data(data)
    except PlanFieldError as exc:
        raise PlanImportError(
            "store_import_invalid", where=exc.where or "-", problem=exc.problem
        ) from None
    except TeamImportError as exc:
        raise PlanImportError(exc.key, **exc.params) from None


class Store(Shares, Workspaces):
    """Plans with versions, share links and workspaces; see the module docstring
    for owners. One Store per process: it holds the engine's connection pool."""

    def create_plan(self, plan: Plan, owner: str = "", changes: list[dict] | None = None) -> Loaded:
        with self.transaction(write=True) as conn:
            return insert_plan(conn, plan, owner, changes or [{"kind": "created"}])

    def import_plan(self, raw: bytes | str, owner: str = "") -> Loaded:
        """A new plan from JSON; a bad file raises PlanImportError and writes nothing."""
        plan = parse_plan_json(raw)
        return self.create_plan(plan, owner, [{"kind": "imported"}])

    def list_plans(self, owner: str = "") -> list[PlanInfo]:
        with self.transaction() as conn:
            rows = conn.execute(
                sa.select(plans)
                .where(plans.c.owner == owner, plans.c.deleted_at.is_(None))
                .order_by(plans.c.updated_at.desc(), plans.c.id)
            ).all()
        return [PlanInfo(r.id, r.name, r.version, r.updated_at) for r in rows]

    def list_deleted(self, owner: str = "") -> list[PlanInfo]:
        """Deleted plans that can still be brought back, latest first."""
        with self.transaction() as conn:
            rows = conn.execute(
                sa.select(plans)
                .where(
                    plans.c.owner == owner,
                    plans.c.deleted_at.is_not(None),
                    plans.c.deleted_at > utcnow() - UNDO_WINDOW,
                )
                .order_by(plans.c.deleted_at.desc())
            ).all()
        return [PlanInfo(r.id, r.name, r.version, r.updated_at, r.deleted_at) for r in rows]

    def load(self, plan_id: str, owner: str = "", version: int | None = None) -> Loaded:
        with self.transaction() as conn:
            row = plan_row(conn, plan_id, owner)
            wanted = row.version if version is None else version
            plan = read_plan(version_data(conn, plan_id, wanted))
        return Loaded(id=plan_id, version=wanted, plan=plan, latest=row.version)

    def save(self, plan_id: str, plan: Plan, base_version: int, owner: str = "") -> int:
        """Store plan as a new version; StaleVersion if base_version is not the latest.

        Saving exactly what the latest version holds writes nothing and returns it.
        """
        with self.transaction(write=True) as conn:
            row = plan_row(conn, plan_id, owner)
            if row.version != base_version:
                raise StaleVersion(plan_id, base_version, row.version)
            base = version_data(conn, plan_id, base_version)
            if base == plan_to_json(plan):
                return base_version
            changes = describe_changes(read_plan(base), plan)
            return append_version(conn, plan_id, plan, base_version, owner, changes)

    def rename(self, plan_id: str, name: str, base_version: int, owner: str = "") -> int:
        with self.transaction(write=True) as conn:
            plan_row(conn, plan_id, owner)
            old = read_plan(version_data(conn, plan_id, base_version))
            plan = Plan.model_validate({**old.model_dump(by_alias=True), "name": name})
            return append_version(conn, plan_id, plan, base_version, owner)

    def history(self, plan_id: str, owner: str = "", limit: int = 500) -> list[VersionInfo]:
        with self.transaction() as conn:
            plan_row(conn, plan_id, owner)
            rows = conn.execute(
                sa.select(versions.c.version, versions.c.created_at, versions.c.summary)
                .where(versions.c.plan_id == plan_id)
                .order_by(versions.c.version.desc())
                .limit(limit)
            ).all()
        return [VersionInfo(r.version, r.created_at, json.loads(r.summary)) for r in rows]

    def restore(self, plan_id: str, version: int, base_version: int, owner: str = "") -> int:
        """Make an old version the latest again, as a new version."""
        with self.transaction(write=True) as conn:
            plan_row(conn, plan_id, owner)
            plan = read_plan(version_data(conn, plan_id, version))
            old = read_plan(version_data(conn, plan_id, base_version))
            if plan.name.casefold() in taken_names(conn, owner, except_id=plan_id):
                plan = plan.model_copy(update={"name": old.name})  # that name is another's now
            changes = [{"kind": "restored", "version": version}, *describe_changes(old, plan)]
            return append_version(conn, plan_id, plan, base_version, owner, changes)

    def duplicate(self, plan_id: str, owner: str = "", name: str | None = None) -> Loaded:
        with self.transaction(write=True) as conn:
            row = plan_row(conn, plan_id, owner)
            plan = read_plan(version_data(conn, plan_id, row.version))
            copy = Plan.model_validate(
                {**plan.model_dump(by_alias=True), "name": name or copy_name(plan.name)}
            )
            return insert_plan(conn, copy, owner, [{"kind": "copied", "name": plan.name}])

    def copy_shared(self, token: str, owner: str, name: str | None = None) -> Loaded:
        """A share-link viewer's own copy of the shared plan."""
        shared = self.resolve_share(token)
        if shared is None:
            raise PlanNotFound("share")
        copy = Plan.model_validate(
            {**shared.plan.model_dump(by_alias=True), "name": name or copy_name(shared.plan.name)}
        )
        return self.create_plan(copy, owner, [{"kind": "copied", "name": shared.plan.name}])

    def delete(self, plan_id: str, owner: str = "") -> None:
        """Soft delete: gone from lists and share links, back with undelete()."""
        with self.transaction(write=True) as conn:
            done = conn.execute(
                plans.update()
                .where(plans.c.id == plan_id, plans.c.owner == owner, plans.c.deleted_at.is_(None))
                .values(deleted_at=utcnow())
            )
            if done.rowcount != 1:
                raise PlanNotFound(plan_id)

    def undelete(self, plan_id: str, owner: str = "") -> None:
        with self.transaction(write=True) as conn:
            done = conn.execute(
                plans.update()
                .where(
                    plans.c.id == plan_id,
                    plans.c.owner == owner,
                    plans.c.deleted_at.is_not(None),
                    plans.c.deleted_at > utcnow() - UNDO_WINDOW,
                )
                .values(deleted_at=None)
            )
            if done.rowcount != 1:
                raise PlanNotFound(plan_id)
            # Another plan may have taken the name meanwhile: the restored one gives way.
            row = plan_row(conn, plan_id, owner)
            taken = taken_names(conn, owner, except_id=plan_id)
            if row.name.casefold() in taken:
                plan = read_plan(version_data(conn, plan_id, row.version))
                renamed = plan.model_copy(update={"name": unique_name(row.name, taken)})
                append_version(conn, plan_id, renamed, row.version, owner)

    def purge_deleted(self, older_than: timedelta = UNDO_WINDOW) -> int:
        """Really remove plans deleted longer ago than the undo window."""
        with self.transaction(write=True) as conn:
            ids = (
                conn.execute(
                    sa.select(plans.c.id).where(
                        plans.c.deleted_at.is_not(None), plans.c.deleted_at <= utcnow() - older_than
                    )
                )
                .scalars()
                .all()
            )
            if ids:
                # Explicit, not only ON DELETE CASCADE: the rule holds on any back end.
                conn.execute(shares.delete().where(shares.c.plan_id.in_(ids)))
                conn.execute(versions.delete().where(versions.c.plan_id.in_(ids)))
                conn.execute(plans.delete().where(plans.c.id.in_(ids)))
        return len(ids)
