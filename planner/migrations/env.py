"""Alembic environment, driven by planner.store.Store.migrate().

Configured in code (no alembic.ini): Store.migrate() passes its open connection,
already inside a write transaction, in ``config.attributes["connection"]``. For
``alembic`` on the command line, set PLANNER_DATABASE_URL and use
``alembic -c planner/migrations/alembic.ini ...``.
"""

from __future__ import annotations

import os

from alembic import context

from planner.store.engine import make_engine
from planner.store.schema import metadata

connection = context.config.attributes.get("connection")


def _run(conn) -> None:
    # render_as_batch: SQLite cannot ALTER most things; batch mode copies tables.
    context.configure(connection=conn, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    _run(connection)
else:
    url = os.environ.get("PLANNER_DATABASE_URL") or context.config.get_main_option("sqlalchemy.url")
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
        conn.commit()
