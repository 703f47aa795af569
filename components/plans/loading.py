"""The plan a session starts with, loaded before any page reads it.

`init_plans` (called by app.py on every run, idempotent) loads the owner's
latest plan, or creates a first one; with ``?share=<token>`` it shows that
shared plan read-only instead. Changes are saved where they are made
(components/plans/saving.py).

Without sign-in (private mode) it first checks the session's workspace link on
every run (components/plans/workspace.py). A visitor without one works on an
unsaved first plan: a visit alone writes nothing; their first change (or a plan
control used) makes their workspace and stores the plan (`workspace.store_first`).
"""

from __future__ import annotations

import streamlit as st

from components.plans.actions import leave_share_mode
from components.plans.config import (
    STORE_ERRORS,
    auth_configured,
    owner_id,
    private_workspaces,
    problem,
)
from components.plans.saving import retry_unsaved
from components.plans.session import (
    DB_ERROR,
    OFFLINE,
    SHARE,
    SHARED,
    UNSAVED,
    adopt,
    flash,
    lang_param,
    store_or_report,
)
from components.plans.workspace import (
    FIRST_PLAN,
    check_workspace,
    keep_workspace,
    start_workspace,
)
from components.state import (
    PLAN,
    PLAN_ID,
    PLAN_VERSION,
    READ_ONLY,
    current_lang,
    current_plan,
    plan_ref,
)
from planner.domain import Plan
from planner.i18n import t


def init_plans() -> None:
    """Before any page reads the plan: load it from the store (idempotent)."""
    lang = current_lang()
    token = st.query_params.get("share")
    if token is not None and token != st.session_state.get(SHARE):
        st.session_state[SHARE] = token
        st.session_state.pop(SHARED, None)
    if SHARE in st.session_state:
        # Page links lead to a page's plain address: the share goes back into the
        # URL, so a reload or a copied address still shows the shared plan.
        if st.query_params.get("share") != st.session_state[SHARE]:
            st.query_params["share"] = st.session_state[SHARE]
        if private_workspaces():
            keep_workspace()
        _init_shared(st.session_state[SHARE], lang)
        return
    if private_workspaces():
        check_workspace(lang)  # a refused link stops the run here
    if plan_ref().id:
        if DB_ERROR in st.session_state or st.session_state.get(UNSAVED):
            retry_unsaved()  # the database was away: save what waits, if it is back
        return
    store = store_or_report()
    if store is None:
        return  # the session keeps working on its in-memory plan; the sidebar says why
    if auth_configured() and owner_id() is None:
        _sign_in_gate(lang)
    # Work done while the database was unreachable is saved, never replaced.
    recovering = st.session_state.pop(OFFLINE, False) and current_plan() != Plan()
    first = _first_plan(lang)
    try:
        owner = owner_id()
        if owner is None and not recovering and first == _untouched(first):
            # Private mode, nothing of this visitor stored yet: nothing is written
            # until their first change (a visit alone leaves no rows behind).
            st.session_state[FIRST_PLAN] = first
            return
        if owner is None:  # a plan changed before it could be stored: stored now
            owner = start_workspace(store)
        mine = [] if recovering else store.list_plans(owner)
        loaded = store.load(mine[0].id, owner) if mine else store.create_plan(first, owner)
    except STORE_ERRORS as exc:
        st.session_state[DB_ERROR] = problem(exc)
        st.session_state[OFFLINE] = True
        return
    if recovering:
        st.session_state[PLAN_ID], st.session_state[PLAN_VERSION] = loaded.id, loaded.version
        flash("success", "store_recovered", name=loaded.plan.name)
    else:
        adopt(loaded, first=True)


def _untouched(plan: Plan) -> Plan:
    return Plan(name=plan.name, lang=plan.lang)


def _first_plan(lang: str) -> Plan:
    """The plan on screen, or a visitor's untouched first plan (named in their language)."""
    plan = current_plan()
    if plan == Plan():
        plan = Plan(name=t("store_first_name", lang_param() or lang), lang=lang)
        st.session_state[PLAN] = plan
    return plan


def _init_shared(token: str, lang: str) -> None:
    st.session_state[READ_ONLY] = True
    store = store_or_report()
    shared = None
    if store is not None:
        try:
            shared = store.resolve_share(token)
        except STORE_ERRORS:
            shared = None
    if shared is None:
        # One message for unknown, malformed, revoked and deleted: it reveals nothing.
        st.session_state[PLAN] = Plan()
        st.error(t("share_invalid", lang))
        # Not a dead end: the visitor can go on to the app with plans of their own.
        st.button(t("share_exit", lang), key="share_invalid_exit", on_click=leave_share_mode)
        st.stop()
    if st.session_state.get(SHARED) != (shared.id, shared.version):
        st.session_state[SHARED] = (shared.id, shared.version)
        st.session_state[PLAN] = shared.plan


def _sign_in_gate(lang: str) -> None:
    """With sign-in configured, nothing of the app shows until someone signs in."""
    st.info(t("store_sign_in_needed", lang))
    if st.button(t("store_sign_in", lang), key="plan_sign_in", type="primary"):
        st.login()
    st.stop()
