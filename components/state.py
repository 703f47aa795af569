"""Per-session state and the setup every page calls first.

The whole plan lives in one object, `st.session_state["plan"]`, so it can be
loaded, saved and shared as a whole. Pages never mutate it in place: they call
`update_plan`, which replaces it and notifies the listeners (autosave).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from planner.catalog import Catalog, load_catalog
from planner.i18n import pick_lang, t
from planner.model import BusinessModel, Plan

PLAN = "plan"
LANG = "lang"
_ROUTED = "_routed_by_app"
_LISTENERS = "_plan_listeners"


@dataclass(frozen=True)
class Ctx:
    """What a page needs: the language, the catalog and the current plan."""

    lang: str
    catalog: Catalog
    plan: Plan

    def t(self, key: str, /, **params: object) -> str:
        return t(key, self.lang, **params)

    @property
    def models(self) -> dict[str, BusinessModel]:
        """Built-in business models followed by the plan's own."""
        return {**self.catalog.business_models, **self.plan.custom_models}

    @property
    def model(self) -> BusinessModel:
        return self.models.get(self.plan.business_model) or next(iter(self.models.values()))


@st.cache_resource
def catalog() -> Catalog:
    return load_catalog()


def current_plan() -> Plan:
    return st.session_state.setdefault(PLAN, Plan())


def update_plan(**changes: object) -> Plan:
    """Replace the plan with a validated copy carrying the changes."""
    if is_read_only():  # a shared plan is never changed, whatever a page asks
        return current_plan()
    plan = Plan.model_validate({**current_plan().model_dump(by_alias=True), **changes})
    st.session_state[PLAN] = plan
    for listener in st.session_state.get(_LISTENERS, {}).values():
        listener(plan)
    return plan


def replace_plan(plan: Plan) -> None:
    """Put a whole plan in place (loading one), without notifying listeners."""
    st.session_state[PLAN] = plan
    st.session_state[LANG] = plan.lang


def on_plan_change(name: str, listener: Callable[[Plan], None]) -> None:
    """Register a per-session callback run after every update_plan."""
    st.session_state.setdefault(_LISTENERS, {})[name] = listener


def current_lang() -> str:
    return pick_lang(st.session_state.get(LANG), current_plan().lang)


def _init_lang() -> None:
    """Language from ?lang= on first run; a bad value is reported, never fatal."""
    if LANG in st.session_state:
        return
    raw = st.query_params.get("lang")
    if raw is not None and pick_lang(raw, "") == "":
        st.session_state["_bad_lang"] = raw
    st.session_state[LANG] = pick_lang(raw, current_plan().lang)


# Widgets whose labels are part of their identity: their pending state is
# dropped on a language switch so they rebuild from the plan, not a stale copy.
RESET_ON_LANG = ["team_editor"]


def _on_lang_change() -> None:
    st.query_params["lang"] = st.session_state[LANG]
    for key in RESET_ON_LANG:
        st.session_state.pop(key, None)
    update_plan(lang=st.session_state[LANG])


READ_ONLY = "read_only"


def is_read_only() -> bool:
    """True while a viewer looks at a shared plan: pages hide every edit control."""
    return bool(st.session_state.get(READ_ONLY))


def render_sidebar() -> None:
    """The shared sidebar: language switch (and, later, plan selection)."""
    with st.sidebar:
        st.segmented_control(
            "Language / 语言",
            options=["en", "zh"],
            format_func=lambda code: {"en": "English", "zh": "中文"}[code],
            key=LANG,
            required=True,
            on_change=_on_lang_change,
        )
        for hook in SIDEBAR_HOOKS:
            hook(current_lang())


# Features add sidebar sections here (plan selection); each takes the language.
SIDEBAR_HOOKS: list[Callable[[str], None]] = []
# Features that must put things in state before a page reads it (loading the
# stored plan, share links); run at the end of every init_state().
INIT_HOOKS: list[Callable[[], None]] = []


def is_routed() -> bool:
    return bool(st.session_state.get(_ROUTED))


def mark_routed() -> None:
    """Called by app.py: the router renders the sidebar, pages must not again."""
    st.session_state[_ROUTED] = True


def init_state() -> None:
    """Idempotent: the plan and a valid language are in session state."""
    current_plan()
    _init_lang()
    # A segmented control can be cleared by clicking the active option.
    if st.session_state.get(LANG) not in ("en", "zh"):
        st.session_state[LANG] = current_plan().lang
    for hook in INIT_HOOKS:
        hook()


def page_setup() -> Ctx:
    """First call of every page: state, language, sidebar when run alone.

    Under the router, app.py has already initialised state and drawn the sidebar
    in this run; doing it again would touch widget state after its widget exists.
    """
    if not is_routed():
        init_state()
        render_sidebar()
    lang = current_lang()
    if bad := st.session_state.pop("_bad_lang", None):
        st.warning(t("bad_lang_param", lang, value=str(bad)[:40]))
    return Ctx(lang=lang, catalog=catalog(), plan=current_plan())


# Registers the plan store's init and sidebar hooks (after everything above exists).
import components.plans  # noqa: E402, F401
