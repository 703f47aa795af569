"""The one save path: a page changes the plan with `update_plan`, which puts the
validated copy in place and saves it as a new version of the stored plan, based on
the version this tab last saw (so a stale save is refused, never silent); a
visitor's first change stores their first plan (`workspace.store_first`).

`save_plan` is the store write itself; `retry_unsaved` saves what waited while the
database was away. Nothing is registered anywhere: every change comes through here.
"""

from __future__ import annotations

import streamlit as st

from components.plans.config import STORE_ERRORS, get_store, owner_id
from components.plans.session import CONFLICT, DB_ERROR, UNSAVED, flash, mark_db_away
from components.plans.workspace import store_first, unsaved_first
from components.state import PLAN_VERSION, current_plan, plan_ref, replace_plan
from planner.domain import Plan
from planner.store import NameTaken, PlanNotFound, StaleVersion


def update_plan(**changes: object) -> Plan:
    """Replace the plan with a validated copy carrying the changes, and save it when
    the session edits a stored plan of its own. A shared plan is never changed,
    whatever a page asks; a bad change raises pydantic's ValidationError and the
    plan stays as it was."""
    if plan_ref().read_only:
        return current_plan()
    plan = Plan.model_validate({**current_plan().model_dump(by_alias=True), **changes})
    replace_plan(plan)
    if plan_ref().editable:
        save_plan(plan)
    elif unsaved_first():  # a visitor's first change makes their workspace
        store_first(plan)
    return plan


def save_plan(plan: Plan) -> bool:
    """`plan` becomes a new version of this session's stored plan; True when saved.

    A newer version elsewhere or a deleted plan becomes a conflict to resolve; an
    unreachable database keeps the change in this tab, marked unsaved, and
    `retry_unsaved` saves it when the database answers again."""
    try:
        store = get_store()
        owner = owner_id()
        if owner is None:
            return False
        ref = plan_ref()
        version = store.save(ref.id, plan, ref.version, owner)
    except StaleVersion as exc:
        st.session_state.pop(UNSAVED, None)  # the conflict choice keeps the change
        st.session_state[CONFLICT] = {"kind": "stale", "version": exc.current}
        return False
    except PlanNotFound:
        st.session_state.pop(UNSAVED, None)
        st.session_state[CONFLICT] = {"kind": "gone"}
        return False
    except NameTaken as exc:
        flash("error", "store_name_taken", name=exc.name)
        return False
    except STORE_ERRORS as exc:
        st.session_state[UNSAVED] = True
        mark_db_away(exc)
        return False
    st.session_state[PLAN_VERSION] = version
    st.session_state.pop(UNSAVED, None)
    st.session_state.pop(DB_ERROR, None)
    return True


def retry_unsaved() -> bool:
    """While the database was away: True once it answers again (and the tab's
    unsaved change, if any, is saved or has become a conflict to resolve)."""
    try:
        get_store().ping()
    except STORE_ERRORS as exc:
        mark_db_away(exc)
        return False
    st.session_state.pop(DB_ERROR, None)
    if st.session_state.get(UNSAVED) and plan_ref().editable:
        if save_plan(current_plan()):
            flash("success", "store_saved_after_outage", version=plan_ref().version)
        return DB_ERROR not in st.session_state
    return True
