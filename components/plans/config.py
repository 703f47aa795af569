"""Where plans live and whose they are: the database, the shared Store, the
owner (with sign-in), and the public address of share links."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa
import streamlit as st

from components.settings import secret, setting
from planner.store import Store, StoreError, sqlite_url

# What a store call may raise when the database is unreachable or refuses.
STORE_ERRORS = (StoreError, sa.exc.SQLAlchemyError, OSError)
_log = logging.getLogger(__name__)


def database_url() -> str:
    """PLANNER_DATABASE_URL (env, then secrets), else SQLite in PLANNER_DATA_DIR."""
    if url := setting("PLANNER_DATABASE_URL"):
        return url
    data_dir = Path(os.environ.get("PLANNER_DATA_DIR") or "var")
    return sqlite_url(data_dir / "planner.db")


@st.cache_resource(show_spinner=False)
def _open_store(url: str) -> Store:
    # One engine (and one migration run) per process and database, shared by all
    # sessions; the Store holds no per-user state.
    store = Store(url)
    store.purge_deleted()  # plans deleted longer ago than the undo window
    return store


def get_store() -> Store:
    return _open_store(database_url())


def auth_configured() -> bool:
    return bool(secret("auth"))


def owner_id() -> str | None:
    """Whose plans these are: "" locally, the signed-in user's e-mail (or subject)
    when sign-in is configured, None when it is configured but nobody signed in."""
    if not auth_configured():
        return ""
    if not st.user.get("is_logged_in"):
        return None
    email = str(st.user.get("email") or "").strip().lower()
    return email or str(st.user.get("sub") or "") or None


def share_url(token: str) -> str:
    """The address of the app's front page with ?share=token."""
    base = setting("PLANNER_PUBLIC_URL")
    if not base:
        url = st.context.url
        if url:
            parts = urlsplit(url)
            root = (st.get_option("server.baseUrlPath") or "").strip("/")
            base = f"{parts.scheme}://{parts.netloc}/{root}"
        else:
            base = f"http://localhost:{st.get_option('server.port')}"
    return f"{base.rstrip('/')}/?share={token}"


def problem(exc: BaseException) -> str:
    """What users see of a database failure: its kind only. The details (which
    may name hosts or users of the database) go to the server log."""
    _log.warning("plan store: %s", exc, exc_info=exc)
    return type(exc).__name__
