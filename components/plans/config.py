"""Where plans live and whose they are: the database, the shared Store, the
owner, and the public address of share and workspace links.

Whose plans a session edits (`owner_id`):
- with sign-in (``[auth]`` in secrets): the signed-in user's;
- without it, by default: a private workspace's, reached only through its
  ``?ws=`` token, which this session holds (see components/plans/workspace.py);
- without it, when the operator chose the old shared mode
  (``PLANNER_SHARED_WORKSPACE=1`` or ``[planner] shared_workspace = true``):
  the one workspace everybody who reaches the app edits.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

import sqlalchemy as sa
import streamlit as st

from components.settings import secret, setting
from components.state import plan_ref
from planner.store import INSTANCE_OWNER, Store, StoreError
from planner.store.cleanup import purge_unused_workspaces, unused_days
from planner.workspace_cli import default_database_url

# What a store call may raise when the database is unreachable or refuses.
STORE_ERRORS = (StoreError, sa.exc.SQLAlchemyError, OSError)
_log = logging.getLogger(__name__)
_TRUE = {"1", "true", "yes", "on"}


def database_url() -> str:
    """PLANNER_DATABASE_URL (env, then secrets), else SQLite in PLANNER_DATA_DIR."""
    return setting("PLANNER_DATABASE_URL") or default_database_url()


@st.cache_resource(show_spinner=False)
def _open_store(url: str) -> Store:
    # One engine (and one migration run) per process and database, shared by all
    # sessions; the Store holds no per-user state.
    store = Store(url)
    store.purge_deleted()  # plans deleted longer ago than the undo window
    if private_workspaces():
        _purge_unused_workspaces(store)
        _announce_instance_workspace(store)
    return store


def _purge_unused_workspaces(store: Store) -> None:
    """Visits that never changed anything leave a workspace and an empty plan:
    removed after PLANNER_UNUSED_WORKSPACE_DAYS (default 30; 0 keeps them)."""
    days = unused_days(setting("PLANNER_UNUSED_WORKSPACE_DAYS"))
    if days and (removed := purge_unused_workspaces(store, timedelta(days=days))):
        _log.info("removed %d workspaces unused for %d days", removed, days)


def _announce_instance_workspace(store: Store) -> None:
    """Plans made while this instance was one shared workspace stay reachable in
    private mode through the instance workspace link. The link is a capability, so
    the log only says how the operator gets it (printed to their terminal, once)."""
    if store.legacy_plans_unclaimed():
        _log.warning(
            "Plans made before private workspaces (the old shared workspace) are kept. "
            "To open them, run `python -m planner instance-link` on this machine: it "
            "prints their link once (see docs/deploy.md)."
        )


def _flag(value: object) -> bool:
    return value is True or str(value).strip().lower() in _TRUE


def get_store() -> Store:
    return _open_store(database_url())


def auth_configured() -> bool:
    return bool(secret("auth"))


def shared_workspace() -> bool:
    """The operator chose the old shared mode: without sign-in, everybody who
    reaches the app edits the same plans. Off unless set."""
    return not auth_configured() and (
        _flag(setting("PLANNER_SHARED_WORKSPACE")) or _flag(secret("planner", "shared_workspace"))
    )


def private_workspaces() -> bool:
    """No sign-in and no shared mode: each browser gets a private workspace."""
    return not auth_configured() and not shared_workspace()


def owner_id() -> str | None:
    """Whose plans these are (see the module docstring); None when nobody is
    signed in (sign-in configured), or when this session holds no live workspace
    (private mode: none made yet, or its link was replaced in another tab)."""
    if auth_configured():
        if not st.user.get("is_logged_in"):
            return None
        email = str(st.user.get("email") or "").strip().lower()
        return email or str(st.user.get("sub") or "") or None
    if shared_workspace():
        return INSTANCE_OWNER
    token = plan_ref().workspace
    if token is None:
        return None
    # Checked on every use, not remembered: a rotated link stops every tab that
    # held it at its next action, not only at its next page load.
    return get_store().resolve_workspace(token)


def share_url(token: str) -> str:
    """The address of the app's front page with ?share=token."""
    return app_url(share=token)


def workspace_url(token: str) -> str:
    """The address of the app's front page with ?ws=token."""
    return app_url(ws=token)


def app_url(**params: str) -> str:
    """The app's front page with a query (PLANNER_PUBLIC_URL, else as visited)."""
    base = setting("PLANNER_PUBLIC_URL")
    if not base:
        url = st.context.url
        if url:
            parts = urlsplit(url)
            root = (st.get_option("server.baseUrlPath") or "").strip("/")
            base = f"{parts.scheme}://{parts.netloc}/{root}"
        else:
            base = f"http://localhost:{st.get_option('server.port')}"
    return f"{base.rstrip('/')}/?{urlencode(params)}"


def problem(exc: BaseException) -> str:
    """What users see of a database failure: its kind only. The details (which
    may name hosts or users of the database) go to the server log."""
    _log.warning("plan store: %s", exc, exc_info=exc)
    return type(exc).__name__
