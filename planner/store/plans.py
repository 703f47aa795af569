"""Plans, their versions, share links and workspaces in a real database.

SQLite (one file, WAL, synchronous=FULL, foreign keys on) by default, PostgreSQL
when given a ``postgresql://`` URL. The schema is managed by Alembic
(``planner/migrations``) and upgraded when a Store opens.

Every save is a new row in ``plan_versions``; a plan row only points at its
latest version. Saves are optimistic: a save names the version it was based on
and fails with :class:`StaleVersion` when someone saved in between, so nothing
is ever overwritten silently.

Share links and private workspaces are capabilities: a random token (see
planner/tokens.py) shown once to its creator, stored only as its SHA-256, so a
read of the database opens nothing. Plans belong to an owner string: a signed-in
user's e-mail, ``ws:<id>`` for a private workspace, or ``""`` for the one shared
workspace of an instance without sign-in (the old default, now an opt-in).

No streamlit here: the app creates one Store per process (``st.cache_resource``).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from planner.domain import MAX_NAME_LEN, PLAN_SCHEMA, Plan, plan_to_json
from planner.files import PlanFieldError, TeamImportError, load_json, plan_from_data
from planner.i18n import t
from planner.store.tokens import hash_token, is_token_shaped, new_token

MIGRATIONS_DIR = Path(__file__).resolve().parents[1] / "migrations"
MAX_IMPORT_BYTES = 1_000_000  # a real plan is a few kB; this is generous
UNDO_WINDOW = timedelta(days=7)  # a deleted plan can be brought back this long
HINT_CHARS = 4  # of a share token, kept so its owner can tell links apart (24 of 256 bits)
WORKSPACE_PREFIX = "ws:"  # owner of a private workspace's plans: "ws:<workspace id>"
INSTANCE_OWNER = ""  # owner of the plans of the shared workspace (no sign-in, shared mode)
_PG_MIGRATION_LOCK = 7_345_001  # pg_advisory_xact_lock key: one migrator at a time

metadata = sa.MetaData()

plans = sa.Table(
    "plans",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("owner", sa.String(320), nullable=False),
    sa.Column("name", sa.String(MAX_NAME_LEN), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("deleted_at", sa.DateTime, nullable=True),
)
sa.Index("ix_plans_owner_updated", plans.c.owner, plans.c.updated_at)

versions = sa.Table(
    "plan_versions",
    metadata,
    sa.Column(
        "plan_id",
        sa.String(32),
        sa.ForeignKey("plans.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("data", sa.Text, nullable=False),
)

shares = sa.Table(
    "shares",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),  # opaque: what revoking names
    sa.Column("token_hash", sa.String(64), nullable=False),  # SHA-256 of the token
    sa.Column("hint", sa.String(8), nullable=False),  # the token's first characters
    sa.Column(
        "plan_id",
        sa.String(32),
        sa.ForeignKey("plans.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("revoked_at", sa.DateTime, nullable=True),
)
sa.Index("ux_shares_token_hash", shares.c.token_hash, unique=True)
sa.Index("ix_shares_plan", shares.c.plan_id)

workspaces = sa.Table(
    "workspaces",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    # The plan owner the workspace's token grants: "ws:<id>", or "" for the plans an
    # instance made before workspaces existed (its "instance workspace").
    sa.Column("owner", sa.String(320), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("rotated_at", sa.DateTime, nullable=True),
)
sa.Index("ux_workspaces_token_hash", workspaces.c.token_hash, unique=True)
sa.Index("ux_workspaces_owner", workspaces.c.owner, unique=True)


class StoreError(Exception):
    """A store operation failed; the message is for the log, not the user."""


class PlanNotFound(StoreError):
    """No such plan for this owner (or it was deleted)."""


class StaleVersion(StoreError):
    """The save was based on an older version than the latest one."""

    def __init__(self, plan_id: str, base: int, current: int) -> None:
        super().__init__(f"plan {plan_id}: based on version {base}, latest is {current}")
        self.base = base
        self.current = current


class NameTaken(StoreError):
    """Another live plan of this owner already has the name (names are unique per owner)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"name taken: {name}")
        self.name = name

    def message(self, lang: str) -> str:
        return t("store_name_taken", lang, name=self.name)


class WorkspaceNotFound(StoreError):
    """No workspace grants this owner (rotating an unknown workspace)."""


class NewerDatabase(StoreError):
    """The database was written by a newer release of the app."""


class PlanImportError(StoreError):
    """An imported plan was refused; ``message(lang)`` says why, for the user."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(f"{key}: {params}")
        self.key = key
        self.params = params

    def message(self, lang: str) -> str:
        return t(self.key, lang, **self.params)


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


@dataclass(frozen=True)
class ShareInfo:
    """A share link as its owner's list shows it: never the token itself."""

    id: str
    hint: str  # the token's first HINT_CHARS characters
    plan_id: str
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class NewShare:
    """A link just made: the only moment its token exists outside the visitor's URL."""

    id: str
    token: str
    hint: str


@dataclass(frozen=True)
class Workspace:
    """A private workspace just made (or its token just replaced)."""

    owner: str
    token: str


# -- what changed between two versions -------------------------------------------


def describe_changes(old: Plan | None, new: Plan) -> list[dict]:
    """Language-neutral list of what changed, stored with each version."""
    if old is None:
        return [{"kind": "created"}]
    changes: list[dict] = []
    if old.name != new.name:
        changes.append({"kind": "renamed", "from": old.name, "to": new.name})
    before = {m.name.casefold(): m for m in old.team.members}
    after = {m.name.casefold(): m for m in new.team.members}
    added = [m.name for key, m in after.items() if key not in before]
    removed = [m.name for key, m in before.items() if key not in after]
    if added:
        changes.append({"kind": "added", "names": added})
    if removed:
        changes.append({"kind": "removed", "names": removed})
    leveled, edited, skills_changed = [], [], 0
    for key, member in after.items():
        if key not in before:
            continue
        prev = before[key]
        if prev.skills != member.skills:
            leveled.append(member.name)
            skill_ids = set(prev.skills) | set(member.skills)
            skills_changed += sum(prev.level(s) != member.level(s) for s in skill_ids)
        if (prev.role, prev.fte, prev.name, prev.monthly_cost) != (
            member.role,
            member.fte,
            member.name,
            member.monthly_cost,
        ):
            edited.append(member.name)
    if leveled:
        changes.append({"kind": "levels", "names": leveled, "count": skills_changed})
    if edited:
        changes.append({"kind": "edited", "names": edited})
    if [m.name for m in old.team.members] != [m.name for m in new.team.members] and not (
        added or removed
    ):
        changes.append({"kind": "reordered"})
    if old.business_model != new.business_model:
        changes.append({"kind": "model", "from": old.business_model, "to": new.business_model})
    if old.custom_models != new.custom_models:
        changes.append(
            {
                "kind": "custom_models",
                "added": sorted(set(new.custom_models) - set(old.custom_models)),
                "removed": sorted(set(old.custom_models) - set(new.custom_models)),
            }
        )
    if old.lang != new.lang:
        changes.append({"kind": "lang", "to": new.lang})
    if old.notes != new.notes:
        changes.append({"kind": "notes"})
    if old.finances != new.finances:
        changes.append({"kind": "finances"})
    if old.roadmap != new.roadmap:
        changes.append({"kind": "roadmap"})
    return changes


def _names(names: list[str], limit: int = 3) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" +{len(names) - limit}" if len(names) > limit else "")


# A change's kind -> its words in the history (literal keys: the strings test sees them).
CHANGE_TEXT = {
    "created": "store_change_created",
    "imported": "store_change_imported",
    "copied": "store_change_copied",
    "restored": "store_change_restored",
    "renamed": "store_change_renamed",
    "added": "store_change_added",
    "removed": "store_change_removed",
    "levels": "store_change_levels",
    "edited": "store_change_edited",
    "reordered": "store_change_reordered",
    "model": "store_change_model",
    "custom_models": "store_change_custom_models",
    "lang": "store_change_lang",
    "notes": "store_change_notes",
    "finances": "store_change_finances",
    "roadmap": "store_change_roadmap",
    "self_assessment": "store_change_self_assessment",
    "self_assessment_added": "store_change_self_assessment_added",
    "self_assessment_claimed": "store_change_self_assessment_claimed",
}


def summarize(changes: list[dict], lang: str) -> str:
    """One line for the history view, in the user's language."""
    parts: list[str] = []
    for change in changes:
        kind = change.get("kind")
        params = {k: v for k, v in change.items() if k != "kind"}
        if "names" in params:
            params["names"] = _names(params["names"])
        if kind == "custom_models":
            params = {"names": _names(change["added"] + change["removed"]) or "-"}
        key = CHANGE_TEXT.get(str(kind))
        try:
            parts.append(t(key, lang, **params) if key else str(kind))
        except (KeyError, IndexError):  # a change from a newer release: say something
            parts.append(str(kind))
    return "; ".join(parts) if parts else t("store_change_none", lang)


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


def _plan_from_row(data: str) -> Plan:
    return Plan.model_validate(json.loads(data))


def _now() -> datetime:
    # Naive UTC everywhere: SQLite has no time zones, and both back ends agree.
    return datetime.now(UTC).replace(tzinfo=None)


# -- engine ------------------------------------------------------------------------


def sqlite_url(path: str | Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


def normalize_url(url: str) -> sa.URL:
    """psycopg 3 is the installed PostgreSQL driver; plain postgres URLs get it."""
    parsed = sa.make_url(url.replace("postgres://", "postgresql://", 1))
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str | sa.URL) -> Engine:
    """An engine with the settings durability and concurrency rely on."""
    parsed = normalize_url(str(url)) if isinstance(url, str) else url
    if parsed.get_backend_name() != "sqlite":
        # A database that does not answer is reported in seconds, not minutes.
        return sa.create_engine(
            parsed,
            pool_pre_ping=True,
            pool_size=5,
            max_overflow=5,
            connect_args={"connect_timeout": 10},
        )
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(parsed, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit that returned is on disk (WAL's default NORMAL may lose it).
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the write lock up front: a deferred transaction that reads
        # and then writes can fail at once with "database is locked" under load.
        write = conn.get_execution_options().get("planner_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


# -- the store ---------------------------------------------------------------------


class Store:
    """Plans with versions, share links and workspaces; see the module docstring
    for owners."""

    def __init__(self, url: str | sa.URL, *, migrate: bool = True) -> None:
        self.engine = make_engine(url)
        self.backend = self.engine.dialect.name
        if migrate:
            self.migrate()

    def close(self) -> None:
        self.engine.dispose()

    def ping(self) -> None:
        """One round trip; raises (SQLAlchemyError) while the database is away."""
        with self.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))

    # -- plumbing

    @contextmanager
    def _tx(self, write: bool = False) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            if write:
                conn.execution_options(planner_write=True)
            with conn.begin():
                yield conn

    def migrate(self) -> None:
        """Bring the schema to the latest revision (safe with several processes)."""
        from alembic import command
        from alembic.config import Config
        from alembic.script import ScriptDirectory
        from alembic.util.exc import CommandError

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        with self._tx(write=True) as conn:
            if self.backend == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            cfg.attributes["connection"] = conn
            try:
                command.upgrade(cfg, "head")
            except CommandError as exc:
                known = {s.revision for s in ScriptDirectory.from_config(cfg).walk_revisions()}
                raise NewerDatabase(
                    f"the database schema is not one this release knows ({exc}); "
                    f"known revisions: {sorted(known)}"
                ) from exc

    def schema_revision(self) -> str | None:
        with self._tx() as conn:
            return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()

    def _plan_row(self, conn: Connection, plan_id: str, owner: str) -> sa.Row:
        row = conn.execute(
            sa.select(plans).where(
                plans.c.id == plan_id, plans.c.owner == owner, plans.c.deleted_at.is_(None)
            )
        ).first()
        if row is None:
            raise PlanNotFound(plan_id)
        return row

    def _taken_names(self, conn: Connection, owner: str, except_id: str | None = None) -> set[str]:
        """Names (case-folded) of this owner's live plans, except one."""
        query = sa.select(plans.c.name).where(plans.c.owner == owner, plans.c.deleted_at.is_(None))
        if except_id is not None:
            query = query.where(plans.c.id != except_id)
        return {name.casefold() for name in conn.execute(query).scalars()}

    def _version_data(self, conn: Connection, plan_id: str, version: int) -> str:
        data = conn.execute(
            sa.select(versions.c.data).where(
                versions.c.plan_id == plan_id, versions.c.version == version
            )
        ).scalar()
        if data is None:
            raise PlanNotFound(f"{plan_id} version {version}")
        return data

    def _insert_plan(self, conn: Connection, plan: Plan, owner: str, changes: list[dict]) -> Loaded:
        # A new plan never shares a name with another: "New plan" twice is "New plan 2".
        name = unique_name(plan.name, self._taken_names(conn, owner))
        if name != plan.name:
            plan = plan.model_copy(update={"name": name})
        plan_id, now = uuid.uuid4().hex, _now()
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

    def _append_version(
        self,
        conn: Connection,
        plan_id: str,
        plan: Plan,
        base_version: int,
        owner: str,
        changes: list[dict] | None = None,
    ) -> int:
        """The heart of saving: a conditional bump, so only one writer per base wins.

        A save that would give the plan another plan's name is refused (NameTaken)."""
        if plan.name.casefold() in self._taken_names(conn, owner, except_id=plan_id):
            self._plan_row(conn, plan_id, owner)  # an unknown plan is PlanNotFound first
            raise NameTaken(plan.name)
        now = _now()
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
            current = self._plan_row(conn, plan_id, owner).version  # raises PlanNotFound
            raise StaleVersion(plan_id, base_version, current)
        if changes is None:
            old = _plan_from_row(self._version_data(conn, plan_id, base_version))
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

    # -- plans

    def create_plan(self, plan: Plan, owner: str = "", changes: list[dict] | None = None) -> Loaded:
        with self._tx(write=True) as conn:
            return self._insert_plan(conn, plan, owner, changes or [{"kind": "created"}])

    def import_plan(self, raw: bytes | str, owner: str = "") -> Loaded:
        """A new plan from JSON; a bad file raises PlanImportError and writes nothing."""
        plan = parse_plan_json(raw)
        return self.create_plan(plan, owner, [{"kind": "imported"}])

    def list_plans(self, owner: str = "") -> list[PlanInfo]:
        with self._tx() as conn:
            rows = conn.execute(
                sa.select(plans)
                .where(plans.c.owner == owner, plans.c.deleted_at.is_(None))
                .order_by(plans.c.updated_at.desc(), plans.c.id)
            ).all()
        return [PlanInfo(r.id, r.name, r.version, r.updated_at) for r in rows]

    def list_deleted(self, owner: str = "") -> list[PlanInfo]:
        """Deleted plans that can still be brought back, latest first."""
        with self._tx() as conn:
            rows = conn.execute(
                sa.select(plans)
                .where(
                    plans.c.owner == owner,
                    plans.c.deleted_at.is_not(None),
                    plans.c.deleted_at > _now() - UNDO_WINDOW,
                )
                .order_by(plans.c.deleted_at.desc())
            ).all()
        return [PlanInfo(r.id, r.name, r.version, r.updated_at, r.deleted_at) for r in rows]

    def load(self, plan_id: str, owner: str = "", version: int | None = None) -> Loaded:
        with self._tx() as conn:
            row = self._plan_row(conn, plan_id, owner)
            wanted = row.version if version is None else version
            plan = _plan_from_row(self._version_data(conn, plan_id, wanted))
        return Loaded(id=plan_id, version=wanted, plan=plan, latest=row.version)

    def save(self, plan_id: str, plan: Plan, base_version: int, owner: str = "") -> int:
        """Store plan as a new version; StaleVersion if base_version is not the latest.

        Saving exactly what the latest version holds writes nothing and returns it.
        """
        with self._tx(write=True) as conn:
            row = self._plan_row(conn, plan_id, owner)
            if row.version != base_version:
                raise StaleVersion(plan_id, base_version, row.version)
            base = self._version_data(conn, plan_id, base_version)
            if base == plan_to_json(plan):
                return base_version
            changes = describe_changes(_plan_from_row(base), plan)
            return self._append_version(conn, plan_id, plan, base_version, owner, changes)

    def rename(self, plan_id: str, name: str, base_version: int, owner: str = "") -> int:
        with self._tx(write=True) as conn:
            self._plan_row(conn, plan_id, owner)
            old = _plan_from_row(self._version_data(conn, plan_id, base_version))
            plan = Plan.model_validate({**old.model_dump(by_alias=True), "name": name})
            return self._append_version(conn, plan_id, plan, base_version, owner)

    def history(self, plan_id: str, owner: str = "", limit: int = 500) -> list[VersionInfo]:
        with self._tx() as conn:
            self._plan_row(conn, plan_id, owner)
            rows = conn.execute(
                sa.select(versions.c.version, versions.c.created_at, versions.c.summary)
                .where(versions.c.plan_id == plan_id)
                .order_by(versions.c.version.desc())
                .limit(limit)
            ).all()
        return [VersionInfo(r.version, r.created_at, json.loads(r.summary)) for r in rows]

    def restore(self, plan_id: str, version: int, base_version: int, owner: str = "") -> int:
        """Make an old version the latest again, as a new version."""
        with self._tx(write=True) as conn:
            self._plan_row(conn, plan_id, owner)
            plan = _plan_from_row(self._version_data(conn, plan_id, version))
            old = _plan_from_row(self._version_data(conn, plan_id, base_version))
            if plan.name.casefold() in self._taken_names(conn, owner, except_id=plan_id):
                plan = plan.model_copy(update={"name": old.name})  # that name is another's now
            changes = [{"kind": "restored", "version": version}, *describe_changes(old, plan)]
            return self._append_version(conn, plan_id, plan, base_version, owner, changes)

    def duplicate(self, plan_id: str, owner: str = "", name: str | None = None) -> Loaded:
        with self._tx(write=True) as conn:
            row = self._plan_row(conn, plan_id, owner)
            plan = _plan_from_row(self._version_data(conn, plan_id, row.version))
            copy = Plan.model_validate(
                {**plan.model_dump(by_alias=True), "name": name or copy_name(plan.name)}
            )
            return self._insert_plan(conn, copy, owner, [{"kind": "copied", "name": plan.name}])

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
        with self._tx(write=True) as conn:
            done = conn.execute(
                plans.update()
                .where(plans.c.id == plan_id, plans.c.owner == owner, plans.c.deleted_at.is_(None))
                .values(deleted_at=_now())
            )
            if done.rowcount != 1:
                raise PlanNotFound(plan_id)

    def undelete(self, plan_id: str, owner: str = "") -> None:
        with self._tx(write=True) as conn:
            done = conn.execute(
                plans.update()
                .where(
                    plans.c.id == plan_id,
                    plans.c.owner == owner,
                    plans.c.deleted_at.is_not(None),
                    plans.c.deleted_at > _now() - UNDO_WINDOW,
                )
                .values(deleted_at=None)
            )
            if done.rowcount != 1:
                raise PlanNotFound(plan_id)
            # Another plan may have taken the name meanwhile: the restored one gives way.
            row = self._plan_row(conn, plan_id, owner)
            taken = self._taken_names(conn, owner, except_id=plan_id)
            if row.name.casefold() in taken:
                plan = _plan_from_row(self._version_data(conn, plan_id, row.version))
                renamed = plan.model_copy(update={"name": unique_name(row.name, taken)})
                self._append_version(conn, plan_id, renamed, row.version, owner)

    def purge_deleted(self, older_than: timedelta = UNDO_WINDOW) -> int:
        """Really remove plans deleted longer ago than the undo window."""
        with self._tx(write=True) as conn:
            ids = (
                conn.execute(
                    sa.select(plans.c.id).where(
                        plans.c.deleted_at.is_not(None), plans.c.deleted_at <= _now() - older_than
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

    # -- share links

    def new_share(self, plan_id: str, owner: str = "") -> NewShare:
        """A new read-only link to the plan; its token is returned here, once."""
        token, share_id = new_token(), uuid.uuid4().hex
        with self._tx(write=True) as conn:
            self._plan_row(conn, plan_id, owner)
            conn.execute(
                shares.insert().values(
                    id=share_id,
                    token_hash=hash_token(token),
                    hint=token[:HINT_CHARS],
                    plan_id=plan_id,
                    created_at=_now(),
                )
            )
        return NewShare(id=share_id, token=token, hint=token[:HINT_CHARS])

    def create_share(self, plan_id: str, owner: str = "") -> str:
        """The token of a new link (see new_share)."""
        return self.new_share(plan_id, owner).token

    def list_shares(self, plan_id: str, owner: str = "", active: bool = True) -> list[ShareInfo]:
        with self._tx() as conn:
            self._plan_row(conn, plan_id, owner)
            query = sa.select(shares).where(shares.c.plan_id == plan_id)
            if active:
                query = query.where(shares.c.revoked_at.is_(None))
            rows = conn.execute(query.order_by(shares.c.created_at.desc(), shares.c.id)).all()
        return [ShareInfo(r.id, r.hint, r.plan_id, r.created_at, r.revoked_at) for r in rows]

    def revoke_share(self, share_id: str, owner: str = "") -> None:
        """Revoke a live link of one of the owner's plans, by its id."""
        with self._tx(write=True) as conn:
            owned = sa.select(plans.c.id).where(plans.c.owner == owner)
            done = conn.execute(
                shares.update()
                .where(
                    shares.c.id == share_id,
                    shares.c.plan_id.in_(owned),
                    shares.c.revoked_at.is_(None),
                )
                .values(revoked_at=_now())
            )
            if done.rowcount != 1:
                raise PlanNotFound("share")

    def resolve_share(self, token: object) -> Loaded | None:
        """The latest version of a shared plan, or None for any token that is not
        a live link (malformed, unknown, revoked, plan deleted): callers show one
        message for all of them."""
        if not is_token_shaped(token):
            return None
        with self._tx() as conn:
            row = conn.execute(
                sa.select(plans.c.id, plans.c.version)
                .join(shares, shares.c.plan_id == plans.c.id)
                .where(
                    shares.c.token_hash == hash_token(token),  # type: ignore[arg-type]
                    shares.c.revoked_at.is_(None),
                    plans.c.deleted_at.is_(None),
                )
            ).first()
            if row is None:
                return None
            plan = _plan_from_row(self._version_data(conn, row.id, row.version))
        return Loaded(id=row.id, version=row.version, plan=plan, latest=row.version)

    # -- private workspaces

    def create_workspace(self) -> Workspace:
        """A new private workspace; its token is returned here, once."""
        workspace_id, token = uuid.uuid4().hex, new_token()
        owner = WORKSPACE_PREFIX + workspace_id
        with self._tx(write=True) as conn:
            conn.execute(
                workspaces.insert().values(
                    id=workspace_id, owner=owner, token_hash=hash_token(token), created_at=_now()
                )
            )
        return Workspace(owner=owner, token=token)

    def resolve_workspace(self, token: object) -> str | None:
        """The owner a workspace token grants, or None for any other value
        (malformed, unknown, replaced by a rotation)."""
        if not is_token_shaped(token):
            return None
        with self._tx() as conn:
            return conn.execute(
                sa.select(workspaces.c.owner).where(
                    workspaces.c.token_hash == hash_token(token)  # type: ignore[arg-type]
                )
            ).scalar()

    def rotate_workspace(self, owner: str) -> str:
        """Replace the workspace's token: the new one is returned, the old one is dead."""
        token = new_token()
        with self._tx(write=True) as conn:
            done = conn.execute(
                workspaces.update()
                .where(workspaces.c.owner == owner)
                .values(token_hash=hash_token(token), rotated_at=_now())
            )
            if done.rowcount != 1:
                raise WorkspaceNotFound(owner)
        return token

    def instance_workspace(self, *, rotate: bool = False) -> str | None:
        """The token of the workspace that holds the instance's shared plans (owner
        ""), when it is made now, or replaced because `rotate` asks: None otherwise.

        An instance that ran without sign-in before workspaces existed kept every
        plan under owner "". Private mode reaches them only through this
        workspace; `python -m planner instance-link` prints the token it returns,
        the one time it exists.
        Nothing is made while there is no such plan."""
        with self._tx(write=True) as conn:
            held = conn.execute(
                sa.select(workspaces.c.id).where(workspaces.c.owner == INSTANCE_OWNER)
            ).scalar()
            if held is None:
                legacy = conn.execute(
                    sa.select(plans.c.id).where(plans.c.owner == INSTANCE_OWNER).limit(1)
                ).first()
                if legacy is None:
                    return None
                token = new_token()
                try:
                    with conn.begin_nested():
                        conn.execute(
                            workspaces.insert().values(
                                id=uuid.uuid4().hex,
                                owner=INSTANCE_OWNER,
                                token_hash=hash_token(token),
                                created_at=_now(),
                            )
                        )
                except sa.exc.IntegrityError:
                    return None  # another process made it (and shows its token)
                return token
        if not rotate:
            return None
        return self.rotate_workspace(INSTANCE_OWNER)

    def has_instance_workspace(self) -> bool:
        """True once the instance workspace exists (its link was handed out)."""
        with self._tx() as conn:
            found = conn.execute(
                sa.select(workspaces.c.id).where(workspaces.c.owner == INSTANCE_OWNER)
            ).first()
        return found is not None

    def legacy_plans_unclaimed(self) -> bool:
        """Plans of the old shared workspace wait for their instance link."""
        with self._tx() as conn:
            legacy = conn.execute(
                sa.select(plans.c.id).where(plans.c.owner == INSTANCE_OWNER).limit(1)
            ).first()
        return legacy is not None and not self.has_instance_workspace()


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
