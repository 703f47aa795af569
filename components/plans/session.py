"""What one browser session knows about its plan in the store, and the messages
it is due: the session keys and the helpers every part of the plan UI shares."""

from __future__ import annotations

import streamlit as st

from components.plans.config import STORE_ERRORS, get_store, problem
from components.state import (
    PLAN,
    PLAN_ID,
    PLAN_VERSION,
    RESET_ON_LANG,
    RESET_ON_PLAN,
    replace_plan,
)
from planner.formatting import md_params
from planner.i18n import pick_lang, t
from planner.store import Loaded, PlanImportError, Store

# Session keys (per browser tab), besides the plan reference (components.state:
# PLAN_ID, PLAN_VERSION, WORKSPACE). The widget keys (plan_*, share_*) are separate.
CONFLICT = "_plans_conflict"  # a refused save: {"kind": "stale" | "gone", ...}
FLASH = "_plans_flash"  # messages for the next run
SHARE = "_plans_share_token"  # the ?share= token this session views
SHARED = "_plans_shared_version"  # (plan id, version) of the shared plan shown
NEW_LINK = "_plans_new_link"  # (plan id, share id, token) of the link just created
DELETED = "_plans_last_deleted"  # (plan id, name): offered for undo
DB_ERROR = "_plans_db_error"  # why the store is unreachable, shown in the sidebar
OFFLINE = "_plans_offline"  # the store failed earlier in this session
UNSAVED = "_plans_unsaved"  # the plan on screen has a change the database has not got


def flash(level: str, key: str, **params: object) -> None:
    """A message for the next run; names are escaped since messages are markdown."""
    st.session_state.setdefault(FLASH, []).append((level, key, md_params(params)))


def flash_import_error(error: PlanImportError, lang: str) -> None:
    # Its parameters may quote the file (a key, a value): escaped like names.
    message = t(error.key, lang, **md_params(error.params))
    st.session_state.setdefault(FLASH, []).append(
        ("error", "store_import_failed", {"message": message})
    )


def show_flash(lang: str) -> None:
    for level, key, params in st.session_state.pop(FLASH, []):
        getattr(st, level)(t(key, lang, **params))


def lang_param() -> str | None:
    """The language asked for in ?lang=, if it is a supported one."""
    raw = st.query_params.get("lang")
    return raw if pick_lang(raw, "") else None


def forget_widgets() -> None:
    """Widgets that mirror the plan rebuild from the newly loaded one."""
    for key in (*RESET_ON_LANG, *RESET_ON_PLAN):
        st.session_state.pop(key, None)


def adopt(loaded: Loaded, *, first: bool = False) -> None:
    """Make a stored plan the one this session edits."""
    st.session_state[PLAN_ID] = loaded.id
    st.session_state[PLAN_VERSION] = loaded.version
    st.session_state.pop(CONFLICT, None)
    st.session_state.pop(NEW_LINK, None)
    # The interface language is the person's: opening a plan never changes it.
    if first:
        st.session_state[PLAN] = loaded.plan
    else:
        replace_plan(loaded.plan)
        forget_widgets()
    st.session_state["plan_select"] = loaded.id
    st.session_state["plan_rename_name"] = loaded.plan.name


def mark_db_away(exc: BaseException) -> None:
    """The database failed: every page says so until it answers again."""
    st.session_state[DB_ERROR] = problem(exc)


def store_or_report() -> Store | None:
    """The store, or None with the reason kept for the sidebar."""
    try:
        store = get_store()
    except STORE_ERRORS as exc:
        mark_db_away(exc)
        st.session_state[OFFLINE] = True
        return None
    st.session_state.pop(DB_ERROR, None)
    return store
