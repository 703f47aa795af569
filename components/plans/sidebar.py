"""The plan section of the sidebar: pick, create, duplicate, delete (with undo),
rename, history with restore, recently deleted, import and export; then the
workspace link (private mode) or the shared-mode notice.

With a shared plan open it shows what is viewed and a way to copy it; when the
database is unreachable it says so and still offers the export.
"""

from __future__ import annotations

import streamlit as st

from components.plans import actions
from components.plans.actions import call
from components.plans.config import (
    STORE_ERRORS,
    auth_configured,
    get_store,
    owner_id,
    private_workspaces,
)
from components.plans.session import (
    CONFLICT,
    DB_ERROR,
    DELETED,
    mark_db_away,
    show_flash,
)
from components.plans.widgets import copy_button, export_button, when
from components.plans.workspace import (
    JUST_MADE,
    call_stored,
    remember_workspace,
    unsaved_first,
    workspace_sidebar,
)
from components.state import PlanRef, current_plan, is_read_only, plan_ref
from planner.domain import MAX_NAME_LEN
from planner.formatting import md
from planner.i18n import t
from planner.store import PlanInfo, PlanNotFound, VersionInfo

HISTORY_SHOWN = 30


def render_plan_sidebar(lang: str) -> None:
    st.divider()
    if private_workspaces():
        remember_workspace()
        st.session_state.pop(JUST_MADE, None)  # drawn with its link in this run
    if is_read_only():
        st.info(t("share_viewing", lang, name=md(current_plan().name)))
        copy_button(lang, key="plan_copy_shared")
        export_button(lang)
        return
    if DB_ERROR not in st.session_state:
        try:
            _plan_controls(lang)
            return
        except STORE_ERRORS as exc:  # the database went away since this run began
            mark_db_away(exc)
    st.error(t("store_db_error", lang, problem=st.session_state[DB_ERROR]))
    export_button(lang)  # the work in this tab can still be taken away


def _plan_controls(lang: str) -> None:
    """Everything the sidebar offers while the database answers.

    A visitor's first plan is not stored until their first change (private mode):
    the same controls show, and using one stores the plan first (`call_stored`)."""
    ref = plan_ref()
    unsaved = unsaved_first()
    if not ref.id and not unsaved:
        return
    owner = owner_id()
    if ref.id and owner is None:
        return
    # What comes and goes (a message, a conflict, the save caption, the undo) sits in
    # always-drawn containers: it must not shift the controls below it (the browser
    # would draw an open expander again, closed).
    conflict = st.session_state.get(CONFLICT)
    with st.container(key="plan_messages"):
        show_flash(lang)
        if conflict:
            _conflict(lang, conflict)
    mine, history, deleted = ([], [], []) if unsaved else _stored_lists(ref, owner)
    busy = conflict is not None  # resolve the conflict before leaving this plan
    _picker(lang, ref, mine, busy)
    with st.container(key="plan_status"):
        if unsaved:
            st.caption(t("store_not_saved_yet", lang))
        elif not conflict:
            st.caption(t("store_saved", lang, version=ref.version))
    with st.container(horizontal=True, gap="small"):
        for key, label, action in (
            ("plan_new", "store_new", actions.new_plan),
            ("plan_duplicate", "store_duplicate", actions.duplicate),
            ("plan_delete", "store_delete", actions.delete),
        ):
            st.button(t(label, lang), key=key, on_click=call_stored, args=(action,), disabled=busy)
    last = st.session_state.get(DELETED)
    with st.container(key="plan_undo"):
        if last and any(p.id == last[0] for p in deleted):
            plan_id, name = last
            st.info(t("store_deleted", lang, name=md(name)))
            st.button(
                t("store_undo", lang),
                key="plan_undelete",
                on_click=call,
                args=(actions.undelete, plan_id, name),
            )
    with st.expander(t("store_rename", lang)):
        st.session_state.setdefault("plan_rename_name", current_plan().name)
        st.text_input(t("store_rename_label", lang), key="plan_rename_name", max_chars=MAX_NAME_LEN)
        st.button(
            t("store_rename_apply", lang),
            key="plan_rename",
            on_click=call_stored,
            args=(actions.rename,),
            disabled=busy,
        )
    with st.expander(t("store_history", lang)):
        _history(lang, ref, history, busy)
    others = [p for p in deleted if p.id != (last or ("",))[0]]
    if others:
        with st.expander(t("store_recently_deleted", lang)):
            _recently_deleted(lang, others)
    st.file_uploader(
        t("store_import", lang),
        type=["json"],
        key="plan_import",
        on_change=call_stored,
        args=(actions.import_plan,),
        disabled=busy,
    )
    export_button(lang)
    workspace_sidebar(lang)
    if auth_configured() and owner is not None:
        st.caption(t("store_signed_in_as", lang, user=md(owner)))
        if st.button(t("store_sign_out", lang), key="plan_sign_out"):
            st.logout()


def _stored_lists(
    ref: PlanRef, owner: str
) -> tuple[list[PlanInfo], list[VersionInfo], list[PlanInfo]]:
    """This owner's plans, the open plan's history and the recently deleted."""
    store = get_store()
    try:
        history = store.history(ref.id, owner, limit=HISTORY_SHOWN + 1)
    except PlanNotFound:
        history = []
    return store.list_plans(owner), history, store.list_deleted(owner)


def _conflict(lang: str, conflict: dict) -> None:
    """A refused save: reload the newer version (if there is one) or keep a copy."""
    if conflict["kind"] == "stale":
        st.warning(t("store_conflict", lang, version=conflict["version"]))
        st.button(t("store_reload", lang), key="plan_reload", on_click=call, args=(actions.reload,))
    else:
        st.warning(t("store_gone", lang))
    st.button(
        t("store_save_copy", lang),
        key="plan_save_copy",
        on_click=call,
        args=(actions.save_copy,),
        type="primary",
    )


def _picker(lang: str, ref: PlanRef, mine: list[PlanInfo], busy: bool) -> None:
    names = {p.id: p.name for p in mine}
    open_id = ref.id or ""  # "": the first plan, not stored yet
    names.setdefault(open_id, current_plan().name)
    st.session_state["plan_select"] = open_id
    st.selectbox(
        t("store_plan", lang),
        options=list(names),
        # A selectbox shows its options as plain text, not Markdown: no escaping.
        format_func=lambda pid: names.get(pid, pid),
        key="plan_select",
        on_change=call,
        args=(actions.select_plan,),
        disabled=busy,
    )


def _history(lang: str, ref: PlanRef, history: list[VersionInfo], busy: bool) -> None:
    for info in history[:HISTORY_SHOWN]:
        label = t("store_version", lang, version=info.version, time=when(info.created_at))
        current = info.version == ref.version
        if current:
            label += f" · {t('store_current', lang)}"
        st.markdown(f"**{label}**  \n{md(info.summary(lang))}")
        if not current:
            st.button(
                t("store_restore", lang),
                key=f"plan_restore_{info.version}",
                on_click=call,
                args=(actions.restore, info.version),
                disabled=busy,
                icon=":material/history:",
                type="tertiary",
            )
    if len(history) > HISTORY_SHOWN:
        st.caption(t("store_history_more", lang, shown=HISTORY_SHOWN, total=ref.version))


def _recently_deleted(lang: str, others: list[PlanInfo]) -> None:
    st.caption(t("store_recently_deleted_note", lang))
    for p in others:
        st.markdown(md(p.name))
        st.button(
            t("store_bring_back", lang),
            key=f"plan_undelete_{p.id}",
            on_click=call,
            args=(actions.undelete, p.id, p.name),
            icon=":material/restore_from_trash:",
            type="tertiary",
        )
