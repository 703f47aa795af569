"""What the plan controls do: the store actions behind the sidebar and the share
panel (saving a change is components/plans/saving.py).

The actions are widget callbacks, so they run before the script: each takes the
Store and the owner (see `call`) and leaves the session adopting the result;
failures become a conflict to resolve or a message, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from components.plans.config import STORE_ERRORS, get_store, owner_id
from components.plans.session import (
    CONFLICT,
    DELETED,
    NEW_LINK,
    OFFLINE,
    SHARE,
    SHARED,
    adopt,
    flash,
    flash_import_error,
    forget_widgets,
    mark_db_away,
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
from planner.domain import MAX_NAME_LEN, Plan
from planner.i18n import t
from planner.store import (
    MAX_IMPORT_BYTES,
    NameTaken,
    PlanImportError,
    PlanNotFound,
    StaleVersion,
    Store,
    copy_name,
)

# -- actions: callbacks of the sidebar and share panel (they run before the script)


def call(action: Callable[..., None], *args: object) -> None:
    """Run a store action for this session's owner; failures become messages.

    No owner (nobody signed in, or a workspace link replaced in another tab): the
    action does nothing, and the run that follows says why."""
    try:
        owner = owner_id()
        if owner is None:
            return
        action(get_store(), owner, *args)
    except StaleVersion as exc:
        st.session_state[CONFLICT] = {"kind": "stale", "version": exc.current}
    except PlanNotFound:
        st.session_state[CONFLICT] = {"kind": "gone"}
    except NameTaken as exc:  # a rename onto another plan's name
        flash("error", "store_name_taken", name=exc.name)
    except STORE_ERRORS as exc:  # the pages say the database is away; try again after
        mark_db_away(exc)


def select_plan(store: Store, owner: str) -> None:
    chosen = st.session_state.get("plan_select")
    if chosen and chosen != plan_ref().id:
        adopt(store.load(chosen, owner))


def _fresh_plan() -> Plan:
    lang = current_lang()
    return Plan(name=t("store_new_name", lang), lang=lang)


def new_plan(store: Store, owner: str) -> None:
    adopt(store.create_plan(_fresh_plan(), owner))


def duplicate(store: Store, owner: str) -> None:
    name = copy_name(current_plan().name, current_lang())
    adopt(store.duplicate(plan_ref().id, owner, name=name))


def delete(store: Store, owner: str) -> None:
    plan_id, name = plan_ref().id, current_plan().name
    store.delete(plan_id, owner)
    st.session_state[DELETED] = (plan_id, name)
    rest = store.list_plans(owner)
    if rest:
        adopt(store.load(rest[0].id, owner))
    else:
        adopt(store.create_plan(_fresh_plan(), owner))


def undelete(store: Store, owner: str, plan_id: str, name: str) -> None:
    store.undelete(plan_id, owner)
    st.session_state.pop(DELETED, None)
    adopt(store.load(plan_id, owner))
    flash("success", "store_undeleted", name=name)


def rename(store: Store, owner: str) -> None:
    name = str(st.session_state.get("plan_rename_name") or "").strip()
    if not 1 <= len(name) <= MAX_NAME_LEN:
        flash("error", "store_name_invalid")
        return
    ref = plan_ref()
    st.session_state[PLAN_VERSION] = store.rename(ref.id, name, ref.version, owner)
    st.session_state[PLAN] = current_plan().model_copy(update={"name": name})


def restore(store: Store, owner: str, version: int) -> None:
    ref = plan_ref()
    new = store.restore(ref.id, version, ref.version, owner)
    adopt(store.load(ref.id, owner))
    flash("success", "store_restored", version=version, new=new)


def reload(store: Store, owner: str) -> None:
    loaded = store.load(plan_ref().id, owner)
    adopt(loaded)
    flash("info", "store_reloaded", version=loaded.version)


def save_copy(store: Store, owner: str) -> None:
    mine = current_plan()
    name = copy_name(mine.name, current_lang())
    copy = mine.model_copy(update={"name": name})
    adopt(store.create_plan(copy, owner, [{"kind": "copied", "name": mine.name}]))
    flash("success", "store_saved_copy", name=name)


def import_plan(store: Store, owner: str) -> None:
    uploaded = st.session_state.get("plan_import")
    if uploaded is None:
        return
    lang = current_lang()
    if uploaded.size > MAX_IMPORT_BYTES:  # refused before reading it into memory
        error = PlanImportError("store_import_too_big", size=uploaded.size, limit=MAX_IMPORT_BYTES)
        flash_import_error(error, lang)
        return
    try:
        loaded = store.import_plan(uploaded.getvalue(), owner)
    except PlanImportError as exc:
        flash_import_error(exc, lang)
        return
    adopt(loaded)
    flash("success", "store_imported", name=loaded.plan.name)


def leave_share_mode() -> None:
    for key in (SHARE, SHARED, READ_ONLY, PLAN_ID, PLAN_VERSION, CONFLICT, OFFLINE):
        st.session_state.pop(key, None)
    # The shared plan is not this user's work: the next run loads their own.
    st.session_state[PLAN] = Plan()
    if "share" in st.query_params:
        del st.query_params["share"]
    forget_widgets()


def copy_shared(store: Store, owner: str) -> None:
    token = st.session_state.get(SHARE)
    name = copy_name(current_plan().name, current_lang())
    loaded = store.copy_shared(token, owner, name=name)
    leave_share_mode()
    adopt(loaded)
    flash("success", "share_copied", name=name)


def create_share(store: Store, owner: str) -> None:
    # The token exists only here and in this session, to be shown once: the store
    # keeps its hash.
    plan_id = plan_ref().id
    made = store.new_share(plan_id, owner)
    st.session_state[NEW_LINK] = (plan_id, made.id, made.token)


def revoke(store: Store, owner: str, share_id: str) -> None:
    store.revoke_share(share_id, owner)
    new = st.session_state.get(NEW_LINK)
    if new and new[1] == share_id:
        st.session_state.pop(NEW_LINK, None)
    flash("success", "share_revoked")
