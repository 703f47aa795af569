"""The database connection: engines with the settings durability relies on, one
transaction at a time, and the Alembic migration to the latest schema.

`Database` is the base of the Store: `transaction(write=True)` is the one way to
write, and other parts of the store (versions, invites) take its connection.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from planner.store.errors import NewerDatabase

MIGRATIONS_DIR = Path(__file__).resolve().parents[1] / "migrations"
_PG_MIGRATION_LOCK = 7_345_001  # pg_advisory_xact_lock key: one migrator at a time


def utcnow() -> datetime:
    """Naive UTC, the time every row holds: SQLite has no time zones, and both back
    ends agree."""
    return datetime.now(UTC).replace(tzinfo=None)


def sqlite_url(path: str | Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


def normalize_url(url: str) -> sa.URL:
    """psycopg 3 is the installed PostgreSQL driver; plain postgres URLs get it."""
    parsed = sa.make_url(url.replace("postgres://", "postgresql://", 1))
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


WAL_WAIT_S = 30.0


def _set_wal(cursor, wait_s: float = WAL_WAIT_S) -> None:
    """PRAGMA journal_mode=WAL, waiting while another connection holds the lock.

    Switching the journal mode ignores busy_timeout: processes opening a fresh
    database at once got "database is locked" here (5 of 40 trials of four)."""
    deadline = time.monotonic() + wait_s
    delay = 0.005
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)  # another connection is switching it or migrating
            delay = min(delay * 2, 0.2)


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
        _set_wal(cursor)
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


class Database:
    """An engine, its transactions and its schema migration."""

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

    @contextmanager
    def transaction(self, write: bool = False) -> Iterator[Connection]:
        """One transaction, committed when the block ends and rolled back when it
        raises. `write=True` takes SQLite's write lock up front (BEGIN IMMEDIATE), so
        a transaction that reads and then writes is not refused halfway under load."""
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
        with self.transaction(write=True) as conn:
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
        with self.transaction() as conn:
            return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
