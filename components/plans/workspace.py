"""Private workspaces: without sign-in, each browser's plans are its own.

A workspace is a capability: a random token in the URL (``?ws=``), stored only as
its hash. Whoever holds the link reaches the workspace's plans; nobody else can
list or open them. A visitor without one works on an unsaved first plan: a visit
alone writes nothing; their first change (or a plan control used) makes the
workspace and stores the plan (`store_first`). The sidebar shows the link with a
"bookmark this" note and can replace it (rotation), which makes the old link, and
every tab still holding it, dead.

The token lives in session state (``components.state.WORKSPACE``) and is put back
into the URL on every run: page links of st.navigation lead to a page's plain
address.

Not used with sign-in (plans are the user's) or in the operator's shared mode
(one workspace for everybody, which the sidebar says).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from components.plans.actions import call
from components.plans.config import (
    STORE_ERRORS,
    get_store,
    owner_id,
    private_workspaces,
    problem,
    shared_workspace,
    workspace_url,
)
from components.plans.remember import remember, remembered
from components.plans.session import (
    CONFLICT,
    DELETED,
    NEW_LINK,
    UNSAVED,
    flash,
    forget_widgets,
    mark_db_away,
)
from components.state import PLAN, PLAN_ID, PLAN_VERSION, WORKSPACE, current_plan, plan_ref
from planner.domain import Plan
from planner.i18n import t
from planner.store import Store

PARAM = "ws"
JUST_MADE = "_plans_ws_just_made"  # a first change stored the plan in this run
FIRST_PLAN = "_plans_first_plan"  # a visitor's first plan as opened, not stored yet
NEW_WS = "_plans_ws_new"  # this session made its workspace: show the link, open
# The browser's remembered link was refused here (replaced), or the person chose a
# fresh start: this session no longer opens it.
DEAD_COOKIE = "_plans_ws_cookie_dead"


def check_workspace(lang: str) -> None:
    """Private mode, every run: the session's workspace link (from the URL, else
    the one it holds) must be live; a forged, unknown or replaced one is refused
    and the run stops. A session without any link gets one with its first plan."""
    param = st.query_params.get(PARAM)
    held = plan_ref().workspace
    token = param if param is not None else held
    from_browser = token is None  # a new tab, a typed address: what the browser holds
    if from_browser:
        token = _remembered_unless_refused()
    if token is None:
        return
    try:
        owner = get_store().resolve_workspace(token)
    except STORE_ERRORS as exc:
        # The database decides; while it is away the pages say so and the tab
        # keeps its own work (nothing of another workspace is in it).
        mark_db_away(exc)
        return
    if owner is None and from_browser:
        # Replaced (rotated) since this browser saw it: forgotten, and said once.
        st.session_state[DEAD_COOKIE] = token
        flash("info", "ws_remembered_gone")
        return
    if owner is None:
        _refuse(lang)
    if token != held:
        _enter(token, switching=held is not None)
    if param != token:
        st.query_params[PARAM] = token


def _remembered_unless_refused() -> str | None:
    token = remembered()
    return None if token is None or token == st.session_state.get(DEAD_COOKIE) else token


def remember_workspace() -> None:
    """Every run (private mode): the browser holds this session's workspace link;
    a remembered one found dead is forgotten."""
    token = plan_ref().workspace
    # Drawn on every run, written to or not: an element that appeared only at a first
    # change would shift the sidebar below it, and the browser would draw its open
    # expanders (rename, history) again, closed.
    with st.container(key="ws_memory"):
        if token is not None:
            remember(token)
        elif remembered() is not None and remembered() == st.session_state.get(DEAD_COOKIE):
            remember(None)


def keep_workspace() -> None:
    """A share viewer's own workspace link, if the URL brought one beside the
    share: held (when live) and kept in the URL across pages, so "Make a copy"
    puts the copy there. Never refused here: this tab shows the shared plan."""
    param = st.query_params.get(PARAM)
    held = plan_ref().workspace
    if param is not None and param != held:
        try:
            live = get_store().resolve_workspace(param) is not None
        except STORE_ERRORS as exc:
            problem(exc)
            live = False
        if live:
            st.session_state[WORKSPACE] = held = param
    if held is not None and param != held:
        st.query_params[PARAM] = held


def _enter(token: str, *, switching: bool) -> None:
    st.session_state[WORKSPACE] = token
    if switching:  # another workspace's plan must not stay on screen
        _forget_plan()
        forget_widgets()


def _forget_plan() -> None:
    for key in (PLAN_ID, PLAN_VERSION, CONFLICT, NEW_LINK, DELETED):
        st.session_state.pop(key, None)
    st.session_state[PLAN] = Plan()


def _refuse(lang: str) -> None:
    """One plain message for forged, short, unknown and replaced links."""
    _forget_plan()
    st.error(t("ws_invalid", lang))
    st.button(t("ws_start_fresh", lang), key="ws_invalid_exit", on_click=start_fresh)
    st.stop()


def start_fresh() -> None:
    """After a refused link: the next run makes a new, empty workspace (not the
    one this browser remembers: the person asked for a fresh one)."""
    st.session_state[DEAD_COOKIE] = remembered()
    st.session_state.pop(WORKSPACE, None)
    _forget_plan()
    if PARAM in st.query_params:
        del st.query_params[PARAM]
    forget_widgets()


def start_workspace(store: Store) -> str:
    """A new workspace for this session; its link goes into the URL. The owner."""
    made = store.create_workspace()
    st.session_state[WORKSPACE] = made.token
    st.session_state[NEW_WS] = True
    st.query_params[PARAM] = made.token
    return made.owner


def own_owner() -> str | None:
    """This session's owner, making it a workspace first if it needs one (a share
    viewer who copies the plan: the copy goes to a workspace of their own)."""
    owner = owner_id()
    if owner is not None or not private_workspaces():
        return owner
    store = get_store()
    # The link beside the share in the URL, else the one this browser remembers.
    for token in (st.query_params.get(PARAM), _remembered_unless_refused()):
        if token is not None and (owner := store.resolve_workspace(token)) is not None:
            st.session_state[WORKSPACE] = token
            st.query_params[PARAM] = token
            return owner
    return start_workspace(store)


def unsaved_first() -> bool:
    """A visitor's first plan, not stored yet (private mode): their first change,
    or a plan control used, stores it (`store_first`)."""
    ref = plan_ref()
    return not ref.id and not ref.read_only and private_workspaces()


def store_first(plan: Plan) -> bool:
    """A visitor's first change, or first plan control used: their workspace is made
    and the plan stored (a visit alone writes nothing). True once the plan is stored.

    The database away: the change stays in this tab, marked unsaved, and the next
    run stores it (init_plans) when the database answers."""
    if plan_ref().id:
        return True
    if not unsaved_first():
        return False
    try:
        owner = own_owner()
        if owner is None:
            return False
        store = get_store()
        # The plan as it was opened is version 1, the change version 2: the history
        # reads as it would had the visit stored it.
        first = st.session_state.get(FIRST_PLAN, plan)
        loaded = store.create_plan(first, owner)
        version = loaded.version
        if plan != first:
            version = store.save(loaded.id, plan, version, owner)
    except STORE_ERRORS as exc:
        st.session_state[UNSAVED] = True
        mark_db_away(exc)
        return False
    st.session_state.pop(FIRST_PLAN, None)
    # Only the session's keys: a change inside the page comes after the sidebar's
    # widgets were drawn, and the next run's sidebar draws them for this plan.
    st.session_state[PLAN_ID], st.session_state[PLAN_VERSION] = loaded.id, version
    st.session_state[JUST_MADE] = True  # the sidebar shows its link (show_new_workspace)
    return True


def call_stored(action: Callable[..., None], *args: object) -> None:
    """`call`, for a plan control used on a plan not stored yet: stored first."""
    if store_first(current_plan()):
        call(action, *args)


def show_new_workspace() -> None:
    """After the page (app.py): a workspace made by a change inside the page script,
    after the sidebar was drawn, gets one more run, so that the sidebar shows its
    link and the browser remembers it before the visitor leaves."""
    if st.session_state.pop(JUST_MADE, False):
        st.rerun()


def call_as_own(action: Callable[..., None], *args: object) -> None:
    """`call`, for an action that needs a workspace even when the session has none."""
    try:
        own_owner()
    except STORE_ERRORS as exc:
        flash("error", "store_save_failed", problem=problem(exc))
        return
    call(action, *args)


def rotate(store: Store, owner: str) -> None:
    """Replace the workspace link: the old one opens nothing from now on."""
    token = store.rotate_workspace(owner)
    st.session_state[WORKSPACE] = token
    st.session_state[NEW_WS] = True
    st.query_params[PARAM] = token
    flash("success", "ws_rotated")


def workspace_sidebar(lang: str) -> None:
    """The workspace link with its note and rotation; or the shared-mode notice."""
    if shared_workspace():
        with st.container(key="ws_shared_note"):
            st.caption(t("ws_shared_mode", lang))
        return
    token = plan_ref().workspace
    if not private_workspaces() or token is None:
        return
    with st.expander(
        t("ws_heading", lang), expanded=bool(st.session_state.get(NEW_WS)), icon=":material/key:"
    ):
        with st.container(key="ws_link"):
            st.caption(t("ws_bookmark_note", lang))
            # Wrapped: the whole link shows at every width; st.code carries a copy button.
            st.code(workspace_url(token), language=None, wrap_lines=True)
        st.caption(t("ws_rotate_note", lang))
        st.button(t("ws_rotate", lang), key="ws_rotate", on_click=call, args=(rotate,))
