"""Downloads re-check the capability they were offered under, at click time.

A share-link viewer's page shows the plan as it was at the last run; revoking the
link stops the viewer's next interaction, but a download button drawn before the
revocation would still deliver the plan. So every download of plan data gets its
bytes from a deferred callable wrapped by `guarded`: when clicked it first asks
the store whether the share link (or, in private mode, the workspace link) is
still live, and refuses otherwise. The callable runs in a server thread without
session state, so what it checks is captured when the button is drawn.

A viewer's download button also reruns the page (`download_click`): the refusal
then shows as the plain "this link does not open a plan" message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Literal, TypeVar

import streamlit as st

from components.plans.config import STORE_ERRORS, get_store, private_workspaces
from components.plans.session import SHARE
from components.state import is_read_only, plan_ref

T = TypeVar("T")
_log = logging.getLogger(__name__)


class AccessRevoked(Exception):
    """The link a download was offered under no longer opens the plan."""


def _allow() -> None:
    return None


def download_check() -> Callable[[], None]:
    """What a deferred download runs before making its bytes (see the module docstring)."""
    if is_read_only():
        token = st.session_state.get(SHARE)
        try:
            store = get_store()
        except STORE_ERRORS:
            store = None

        def check_share() -> None:
            # Unreachable store or dead link alike: a viewer gets nothing it cannot prove.
            if store is None or store.resolve_share(token) is None:
                raise AccessRevoked("the share link no longer opens this plan")

        return check_share
    token = plan_ref().workspace
    if not private_workspaces() or token is None:
        return _allow  # sign-in, shared mode, or work that never reached the store
    try:
        store = get_store()
    except STORE_ERRORS:
        return _allow

    def check_workspace() -> None:
        try:
            live = store.resolve_workspace(token) is not None
        except STORE_ERRORS as exc:
            # The tab's own work, while the database is away: it may still leave.
            _log.warning("download with the plan store unreachable: %s", exc)
            return
        if not live:
            raise AccessRevoked("the workspace link was replaced")

    return check_workspace


def guarded(make: Callable[[], T]) -> Callable[[], T]:
    """`make`, run only after the link this session holds is checked again."""
    check = download_check()

    def data() -> T:
        check()
        return make()

    return data


def download_click() -> Literal["rerun", "ignore"]:
    """on_click of a plan download: a viewer's click reruns, so a revoked link's
    refusal shows at once; an owner's download needs no rerun."""
    return "rerun" if is_read_only() else "ignore"
