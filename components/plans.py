"""Plans that last: the database, autosave, the plan sidebar and share links.

The Store (planner/store.py) is created once per process with st.cache_resource;
everything per user lives in st.session_state. Registered on import (see the end
of components/state.py):

- an init hook that loads the user's latest plan (or the plan of a ``?share=``
  link, read-only) before any page reads ``ctx.plan``;
- the autosave listener: every ``update_plan`` is saved as a new version, based
  on the version this tab last saw, so a stale save is refused, never silent;
- the sidebar section (``plan_select``, new, rename, duplicate, delete with undo,
  history with restore, import).

Pages check ``components.state.is_read_only()`` and hide their edit controls.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from components.state import (
    PLAN,
    READ_ONLY,
    RESET_ON_LANG,
    current_lang,
    current_plan,
    is_read_only,
    on_plan_change,
    replace_plan,
)
from planner.domain import MAX_NAME_LEN, Plan
from planner.i18n import pick_lang, t
from planner.io import plan_to_json
from planner.naming import safe_filename
from planner.store import (
    MAX_IMPORT_BYTES,
    PlanImportError,
    PlanNotFound,
    StaleVersion,
    Store,
    StoreError,
    sqlite_url,
)

__all__ = ["database_url", "get_store", "is_read_only", "owner_id", "share_panel", "share_url"]

_ID = "_plans_id"
_VERSION = "_plans_version"
_CONFLICT = "_plans_conflict"
_FLASH = "_plans_flash"
_SHARE = "_plans_share_token"
_SHARED = "_plans_shared_version"
_NEW_LINK = "_plans_new_link"
_DELETED = "_plans_last_deleted"
_log = logging.getLogger(__name__)
_DB_ERROR = "_plans_db_error"
_OFFLINE = "_plans_offline"  # the store failed earlier in this session
HISTORY_SHOWN = 30
_STORE_ERRORS = (StoreError, sa.exc.SQLAlchemyError, OSError)


# -- configuration ----------------------------------------------------------------


def _secret(*path: str) -> object | None:
    """A value from st.secrets, or None (also when there is no secrets file)."""
    try:
        value: object = st.secrets
        for part in path:
            value = value[part]  # type: ignore[index]
        return value
    except (KeyError, FileNotFoundError, StreamlitSecretNotFoundError):
        return None


def database_url() -> str:
    """PLANNER_DATABASE_URL (env, then secrets), else SQLite in PLANNER_DATA_DIR."""
    url = os.environ.get("PLANNER_DATABASE_URL") or _secret("PLANNER_DATABASE_URL")
    if url:
        return str(url)
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
    return bool(_secret("auth"))


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
    base = os.environ.get("PLANNER_PUBLIC_URL") or _secret("PLANNER_PUBLIC_URL")
    if not base:
        url = st.context.url
        if url:
            parts = urlsplit(url)
            root = (st.get_option("server.baseUrlPath") or "").strip("/")
            base = f"{parts.scheme}://{parts.netloc}/{root}"
        else:
            base = f"http://localhost:{st.get_option('server.port')}"
    return f"{str(base).rstrip('/')}/?share={token}"


# -- session helpers --------------------------------------------------------------


def _problem(exc: BaseException) -> str:
    """What users see of a database failure: its kind only. The details (which
    may name hosts or users of the database) go to the server log."""
    _log.warning("plan store: %s", exc, exc_info=exc)
    return type(exc).__name__


def _flash(level: str, key: str, **params: object) -> None:
    """A message for the next run; names are escaped since messages are markdown."""
    st.session_state.setdefault(_FLASH, []).append((level, key, _escaped(params)))


def _escaped(params: dict[str, object]) -> dict[str, object]:
    return {k: _escape(v) if isinstance(v, str) else v for k, v in params.items()}


def _flash_import_error(error: PlanImportError, lang: str) -> None:
    # Its parameters may quote the file (a key, a value): escaped like names.
    message = t(error.key, lang, **_escaped(error.params))
    st.session_state.setdefault(_FLASH, []).append(
        ("error", "store_import_failed", {"message": message})
    )


def _show_flash(lang: str) -> None:
    for level, key, params in st.session_state.pop(_FLASH, []):
        getattr(st, level)(t(key, lang, **params))


def _lang_param() -> str | None:
    raw = st.query_params.get("lang")
    return raw if pick_lang(raw, "") else None


def _forget_widgets() -> None:
    """Widgets that mirror the plan rebuild from the newly loaded one."""
    from components.team_editor import reset_editor

    reset_editor()
    for key in RESET_ON_LANG:
        st.session_state.pop(key, None)


def _adopt(loaded, *, first: bool = False) -> None:
    """Make a stored plan the one this session edits."""
    st.session_state[_ID] = loaded.id
    st.session_state[_VERSION] = loaded.version
    st.session_state.pop(_CONFLICT, None)
    st.session_state.pop(_NEW_LINK, None)
    # The interface language is the person's: opening a plan never changes it.
    if first:
        st.session_state[PLAN] = loaded.plan
    else:
        replace_plan(loaded.plan)
        _forget_widgets()
    st.session_state["plan_select"] = loaded.id
    st.session_state["plan_rename_name"] = loaded.plan.name


def _store_or_report() -> Store | None:
    try:
        store = get_store()
    except _STORE_ERRORS as exc:
        st.session_state[_DB_ERROR] = _problem(exc)
        st.session_state[_OFFLINE] = True
        return None
    st.session_state.pop(_DB_ERROR, None)
    return store


def _sign_in_gate(lang: str) -> None:
    st.info(t("store_sign_in_needed", lang))
    if st.button(t("store_sign_in", lang), key="plan_sign_in", type="primary"):
        st.login()
    st.stop()


# -- the init hook ----------------------------------------------------------------


def init_plans() -> None:
    """Before any page reads the plan: load it from the store (idempotent)."""
    lang = current_lang()
    token = st.query_params.get("share")
    if token is not None and token != st.session_state.get(_SHARE):
        st.session_state[_SHARE] = token
        st.session_state.pop(_SHARED, None)
    if _SHARE in st.session_state:
        _init_shared(st.session_state[_SHARE], lang)
        return
    if st.session_state.get(_ID):
        on_plan_change("autosave", _autosave)
        return
    store = _store_or_report()
    if store is None:
        return  # the session keeps working on its in-memory plan; the sidebar says why
    owner = owner_id()
    if owner is None:
        _sign_in_gate(lang)
    # Work done while the database was unreachable is saved, never replaced.
    recovering = st.session_state.pop(_OFFLINE, False) and current_plan() != Plan()
    try:
        mine = [] if recovering else store.list_plans(owner)
        if mine:
            loaded = store.load(mine[0].id, owner)
        else:
            first = current_plan()
            if first == Plan():
                first = Plan(name=t("store_first_name", _lang_param() or lang), lang=lang)
            loaded = store.create_plan(first, owner)
    except _STORE_ERRORS as exc:
        st.session_state[_DB_ERROR] = _problem(exc)
        st.session_state[_OFFLINE] = True
        return
    if recovering:
        st.session_state[_ID], st.session_state[_VERSION] = loaded.id, loaded.version
        _flash("success", "store_recovered", name=loaded.plan.name)
    else:
        _adopt(loaded, first=True)
    on_plan_change("autosave", _autosave)


def _init_shared(token: str, lang: str) -> None:
    st.session_state[READ_ONLY] = True
    store = _store_or_report()
    shared = None
    if store is not None:
        try:
            shared = store.resolve_share(token)
        except _STORE_ERRORS:
            shared = None
    if shared is None:
        # One message for unknown, malformed, revoked and deleted: it reveals nothing.
        st.session_state[PLAN] = Plan()
        st.error(t("share_invalid", lang))
        # Not a dead end: the visitor can go on to the app with plans of their own.
        st.button(t("share_exit", lang), key="share_invalid_exit", on_click=_leave_share_mode)
        st.stop()
    if st.session_state.get(_SHARED) != (shared.id, shared.version):
        st.session_state[_SHARED] = (shared.id, shared.version)
        st.session_state[PLAN] = shared.plan


# -- autosave ---------------------------------------------------------------------


def _autosave(plan: Plan) -> None:
    if is_read_only() or not st.session_state.get(_ID):
        return
    try:
        store = get_store()
        owner = owner_id()
        if owner is None:
            return
        version = store.save(st.session_state[_ID], plan, st.session_state[_VERSION], owner)
    except StaleVersion as exc:
        st.session_state[_CONFLICT] = {"kind": "stale", "version": exc.current}
        return
    except PlanNotFound:
        st.session_state[_CONFLICT] = {"kind": "gone"}
        return
    except _STORE_ERRORS as exc:
        _flash("error", "store_save_failed", problem=_problem(exc))
        return
    st.session_state[_VERSION] = version


# -- sidebar actions (callbacks: they run before the script) ----------------------


def _call(action, *args) -> None:
    """Run a store action for the signed-in owner; failures become messages."""
    owner = owner_id()
    if owner is None:
        return
    try:
        action(get_store(), owner, *args)
    except StaleVersion as exc:
        st.session_state[_CONFLICT] = {"kind": "stale", "version": exc.current}
    except PlanNotFound:
        st.session_state[_CONFLICT] = {"kind": "gone"}
    except _STORE_ERRORS as exc:
        _flash("error", "store_save_failed", problem=_problem(exc))


def _on_select(store: Store, owner: str) -> None:
    chosen = st.session_state.get("plan_select")
    if chosen and chosen != st.session_state.get(_ID):
        _adopt(store.load(chosen, owner))


def _new(store: Store, owner: str) -> None:
    lang = current_lang()
    _adopt(store.create_plan(Plan(name=t("store_new_name", lang), lang=lang), owner))


def _copy_name(name: str) -> str:
    suffix = t("store_copy_suffix", current_lang())
    return name[: MAX_NAME_LEN - len(suffix)] + suffix


def _duplicate(store: Store, owner: str) -> None:
    _adopt(store.duplicate(st.session_state[_ID], owner, name=_copy_name(current_plan().name)))


def _delete(store: Store, owner: str) -> None:
    plan_id, name = st.session_state[_ID], current_plan().name
    store.delete(plan_id, owner)
    st.session_state[_DELETED] = (plan_id, name)
    rest = store.list_plans(owner)
    if rest:
        _adopt(store.load(rest[0].id, owner))
    else:
        lang = current_lang()
        _adopt(store.create_plan(Plan(name=t("store_new_name", lang), lang=lang), owner))


def _undelete(store: Store, owner: str, plan_id: str, name: str) -> None:
    store.undelete(plan_id, owner)
    st.session_state.pop(_DELETED, None)
    _adopt(store.load(plan_id, owner))
    _flash("success", "store_undeleted", name=name)


def _rename(store: Store, owner: str) -> None:
    name = str(st.session_state.get("plan_rename_name") or "").strip()
    if not 1 <= len(name) <= MAX_NAME_LEN:
        _flash("error", "store_name_invalid")
        return
    version = store.rename(st.session_state[_ID], name, st.session_state[_VERSION], owner)
    st.session_state[_VERSION] = version
    st.session_state[PLAN] = current_plan().model_copy(update={"name": name})


def _restore(store: Store, owner: str, version: int) -> None:
    plan_id = st.session_state[_ID]
    new = store.restore(plan_id, version, st.session_state[_VERSION], owner)
    _adopt(store.load(plan_id, owner))
    _flash("success", "store_restored", version=version, new=new)


def _reload(store: Store, owner: str) -> None:
    loaded = store.load(st.session_state[_ID], owner)
    _adopt(loaded)
    _flash("info", "store_reloaded", version=loaded.version)


def _save_copy(store: Store, owner: str) -> None:
    mine = current_plan()
    name = _copy_name(mine.name)
    copy = mine.model_copy(update={"name": name})
    _adopt(store.create_plan(copy, owner, [{"kind": "copied", "name": mine.name}]))
    _flash("success", "store_saved_copy", name=name)


def _import(store: Store, owner: str) -> None:
    uploaded = st.session_state.get("plan_import")
    if uploaded is None:
        return
    lang = current_lang()
    if uploaded.size > MAX_IMPORT_BYTES:  # refused before reading it into memory
        error = PlanImportError("store_import_too_big", size=uploaded.size, limit=MAX_IMPORT_BYTES)
        _flash_import_error(error, lang)
        return
    try:
        loaded = store.import_plan(uploaded.getvalue(), owner)
    except PlanImportError as exc:
        _flash_import_error(exc, lang)
        return
    _adopt(loaded)
    _flash("success", "store_imported", name=loaded.plan.name)


def _leave_share_mode() -> None:
    for key in (_SHARE, _SHARED, READ_ONLY, _ID, _VERSION, _CONFLICT, _OFFLINE):
        st.session_state.pop(key, None)
    # The shared plan is not this user's work: the next run loads their own.
    st.session_state[PLAN] = Plan()
    if "share" in st.query_params:
        del st.query_params["share"]
    _forget_widgets()


def _copy_shared(store: Store, owner: str) -> None:
    token = st.session_state.get(_SHARE)
    name = _copy_name(current_plan().name)
    loaded = store.copy_shared(token, owner, name=name)
    _leave_share_mode()
    _adopt(loaded)
    on_plan_change("autosave", _autosave)
    _flash("success", "share_copied", name=name)


def _create_share(store: Store, owner: str) -> None:
    st.session_state[_NEW_LINK] = (
        st.session_state[_ID],
        store.create_share(st.session_state[_ID], owner),
    )


def _revoke(store: Store, owner: str, token: str) -> None:
    store.revoke_share(token, owner)
    new = st.session_state.get(_NEW_LINK)
    if new and new[1] == token:
        st.session_state.pop(_NEW_LINK, None)
    _flash("success", "share_revoked")


# -- the sidebar section ----------------------------------------------------------


def _when(moment: datetime) -> str:
    """A stored (naive UTC) time in the browser's time zone when it is known."""
    zone_name = st.context.timezone
    if zone_name:
        try:
            local = moment.replace(tzinfo=UTC).astimezone(ZoneInfo(zone_name))
            return local.strftime("%Y-%m-%d %H:%M %Z")
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def render_plan_sidebar(lang: str) -> None:
    st.divider()
    if is_read_only():
        st.info(t("share_viewing", lang, name=_escape(current_plan().name)))
        _copy_button(lang, key="plan_copy_shared")
        _export_button(lang)
        return
    if problem := st.session_state.get(_DB_ERROR):
        st.error(t("store_db_error", lang, problem=problem))
        _export_button(lang)  # the work in this tab can still be taken away
        return
    if not st.session_state.get(_ID):
        return
    store, owner = get_store(), owner_id()
    if owner is None:
        return
    _show_flash(lang)
    conflict = st.session_state.get(_CONFLICT)
    if conflict:
        if conflict["kind"] == "stale":
            st.warning(t("store_conflict", lang, version=conflict["version"]))
            st.button(t("store_reload", lang), key="plan_reload", on_click=_call, args=(_reload,))
        else:
            st.warning(t("store_gone", lang))
        st.button(
            t("store_save_copy", lang),
            key="plan_save_copy",
            on_click=_call,
            args=(_save_copy,),
            type="primary",
        )
    try:
        mine = store.list_plans(owner)
        history = store.history(st.session_state[_ID], owner, limit=HISTORY_SHOWN + 1)
        deleted = store.list_deleted(owner)
    except PlanNotFound:
        mine, history, deleted = store.list_plans(owner), [], store.list_deleted(owner)
    names = {p.id: p.name for p in mine}
    names.setdefault(st.session_state[_ID], current_plan().name)
    st.session_state["plan_select"] = st.session_state[_ID]
    busy = conflict is not None  # resolve the conflict before leaving this plan
    st.selectbox(
        t("store_plan", lang),
        options=list(names),
        format_func=lambda pid: names.get(pid, pid),
        key="plan_select",
        on_change=_call,
        args=(_on_select,),
        disabled=busy,
    )
    if not conflict:
        st.caption(t("store_saved", lang, version=st.session_state[_VERSION]))
    with st.container(horizontal=True, gap="small"):
        st.button(t("store_new", lang), key="plan_new", on_click=_call, args=(_new,), disabled=busy)
        st.button(
            t("store_duplicate", lang),
            key="plan_duplicate",
            on_click=_call,
            args=(_duplicate,),
            disabled=busy,
        )
        st.button(
            t("store_delete", lang),
            key="plan_delete",
            on_click=_call,
            args=(_delete,),
            disabled=busy,
        )
    if last := st.session_state.get(_DELETED):
        plan_id, name = last
        if any(p.id == plan_id for p in deleted):
            st.info(t("store_deleted", lang, name=_escape(name)))
            st.button(
                t("store_undo", lang),
                key="plan_undelete",
                on_click=_call,
                args=(_undelete, plan_id, name),
            )
    with st.expander(t("store_rename", lang)):
        st.text_input(t("store_rename_label", lang), key="plan_rename_name", max_chars=MAX_NAME_LEN)
        st.button(
            t("store_rename_apply", lang),
            key="plan_rename",
            on_click=_call,
            args=(_rename,),
            disabled=busy,
        )
    with st.expander(t("store_history", lang)):
        for info in history[:HISTORY_SHOWN]:
            label = t("store_version", lang, version=info.version, time=_when(info.created_at))
            current = info.version == st.session_state[_VERSION]
            if current:
                label += f" · {t('store_current', lang)}"
            st.markdown(f"**{label}**  \n{_escape(info.summary(lang))}")
            if not current:
                st.button(
                    t("store_restore", lang),
                    key=f"plan_restore_{info.version}",
                    on_click=_call,
                    args=(_restore, info.version),
                    disabled=busy,
                    icon=":material/history:",
                    type="tertiary",
                )
        if len(history) > HISTORY_SHOWN:
            st.caption(
                t("store_history_more", lang, shown=HISTORY_SHOWN, total=st.session_state[_VERSION])
            )
    others = [p for p in deleted if p.id != (last or ("",))[0]]
    if others:
        with st.expander(t("store_recently_deleted", lang)):
            st.caption(t("store_recently_deleted_note", lang))
            for p in others:
                st.markdown(_escape(p.name))
                st.button(
                    t("store_bring_back", lang),
                    key=f"plan_undelete_{p.id}",
                    on_click=_call,
                    args=(_undelete, p.id, p.name),
                    icon=":material/restore_from_trash:",
                    type="tertiary",
                )
    st.file_uploader(
        t("store_import", lang),
        type=["json"],
        key="plan_import",
        on_change=_call,
        args=(_import,),
        disabled=busy,
    )
    _export_button(lang)
    if auth_configured():
        st.caption(t("store_signed_in_as", lang, user=_escape(owner)))
        if st.button(t("store_sign_out", lang), key="plan_sign_out"):
            st.logout()


def _escape(text: str) -> str:
    """User text shown through markdown: no markup, no HTML."""
    out = text.replace("\\", "\\\\")
    for char in "*_`[]()#<>|~!{}":
        out = out.replace(char, "\\" + char)
    return out


def _export_button(lang: str) -> None:
    """The whole plan as a JSON file, the format the import above reads."""
    plan = current_plan()
    st.download_button(
        t("store_export", lang),
        data=plan_to_json(plan),
        file_name=safe_filename(plan.name, "json"),
        mime="application/json",
        key="plan_export",
        on_click="ignore",
        icon=":material/download:",
    )


def _copy_button(lang: str, key: str) -> None:
    if owner_id() is None:
        st.caption(t("share_sign_in_to_copy", lang))
        if st.button(t("store_sign_in", lang), key=f"{key}_sign_in"):
            st.login()
        return
    st.button(t("share_copy", lang), key=key, on_click=_call, args=(_copy_shared,), type="primary")


# -- the share page body ----------------------------------------------------------


def share_panel(lang: str) -> None:
    """Owners create, see and revoke links; viewers of a link may make a copy."""
    if is_read_only():
        st.info(t("share_viewing", lang, name=_escape(current_plan().name)))
        _copy_button(lang, key="share_copy")
        st.button(t("share_exit", lang), key="share_exit", on_click=_leave_share_mode)
        return
    if problem := st.session_state.get(_DB_ERROR):
        st.error(t("store_db_error", lang, problem=problem))
        return
    owner = owner_id()
    if owner is None or not st.session_state.get(_ID):
        return
    st.subheader(t("share_heading", lang))
    st.caption(t("share_intro", lang))
    if not auth_configured():
        st.caption(t("share_local_note", lang))
    st.button(
        t("share_create", lang),
        key="share_create",
        on_click=_call,
        args=(_create_share,),
        type="primary",
        icon=":material/link:",
    )
    new = st.session_state.get(_NEW_LINK)
    if new and new[0] == st.session_state[_ID]:
        with st.container(key="share_link"):
            st.caption(t("share_new_link", lang))
            # st.code carries the copy button.
            st.code(share_url(new[1]), language=None)
    st.subheader(t("share_links_heading", lang))
    try:
        links = get_store().list_shares(st.session_state[_ID], owner)
    except PlanNotFound:
        links = []
    if not links:
        st.caption(t("share_none", lang))
    for link in links:
        text, button = st.columns([5, 1], vertical_alignment="center")
        with text:
            st.code(share_url(link.token), language=None)
            st.caption(t("share_created_at", lang, time=_when(link.created_at)))
        button.button(
            t("share_revoke", lang),
            key=f"share_revoke_{link.token[:16]}",
            on_click=_call,
            args=(_revoke, link.token),
        )
