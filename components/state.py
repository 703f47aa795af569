"""Per-session state and the setup every page calls first.

The whole plan lives in one object, `st.session_state["plan"]`, so it can be
loaded, saved and shared as a whole. Pages never mutate it in place: they change
it through the plans component (`components.plans.update_plan`), which replaces it
here and saves it. `Ctx` gives a page the plan, its analysis and its reference in
the store (`PlanRef`).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from components.nav import st_pages
from planner.catalog import Catalog, load_catalog
from planner.domain import BusinessModel, Plan
from planner.i18n import pick_lang, t
from planner.scoring import PlanAnalysis

PLAN = "plan"
LANG = "lang"
_ROUTED = "_routed_by_app"
_ANALYSIS = "_plan_analysis"
# Where the plan on screen is stored. The plans component (components/plans/) writes
# these keys; everything else reads them through `plan_ref()` or `Ctx.ref`.
PLAN_ID = "_plans_id"  # the stored plan this session edits
PLAN_VERSION = "_plans_version"  # the version this session last saw
WORKSPACE = "_plans_ws_token"  # the ?ws= token of this session's private workspace
READ_ONLY = "read_only"  # a viewer of a share link


@dataclass(frozen=True)
class PlanRef:
    """Which stored plan the session edits: its id and the version this tab last saw
    (None while it has none: the database was away, or a viewer's shared plan), the
    private workspace it belongs to (its link's token; None with sign-in or the
    shared mode), and whether a viewer looks at it read-only. Whose plans these are
    (the owner) is resolved from the workspace or the sign-in at every store call,
    on purpose: a link replaced in another tab stops this one at its next action."""

    id: str | None = None
    version: int | None = None
    workspace: str | None = None
    read_only: bool = False

    @property
    def editable(self) -> bool:
        """A stored plan of the session's own: what saving, invites and links need."""
        return bool(self.id) and not self.read_only


def plan_ref() -> PlanRef:
    """The session's plan reference as it is now (widget callbacks read it here)."""
    state = st.session_state
    return PlanRef(
        id=state.get(PLAN_ID),
        version=state.get(PLAN_VERSION),
        workspace=state.get(WORKSPACE),
        read_only=bool(state.get(READ_ONLY)),
    )


@dataclass(frozen=True)
class Ctx:
    """What a page needs: the language, the catalog, the current plan, its analysis
    (built once for the plan, see `plan_analysis`) and where it is stored."""

    lang: str
    catalog: Catalog
    plan: Plan
    analysis: PlanAnalysis
    ref: PlanRef

    def t(self, key: str, /, **params: object) -> str:
        return t(key, self.lang, **params)

    @property
    def models(self) -> dict[str, BusinessModel]:
        """Built-in business models followed by the plan's own."""
        return self.analysis.models

    @property
    def model(self) -> BusinessModel:
        return self.analysis.model


@st.cache_resource
def catalog() -> Catalog:
    return load_catalog()


def current_plan() -> Plan:
    return st.session_state.setdefault(PLAN, Plan())


def replace_plan(plan: Plan) -> None:
    """Put a whole plan in place: a change (components.plans.update_plan, which then
    saves it) or a plan loaded from the store.

    The interface language is the person's, not the plan's: it stays as it is."""
    st.session_state[PLAN] = plan


def current_lang() -> str:
    return pick_lang(st.session_state.get(LANG), _browser_lang())


def _browser_lang() -> str:
    """The person's default: Chinese for a zh-* browser, English otherwise."""
    locale = str(getattr(st.context, "locale", None) or "")
    return "zh" if locale.lower().startswith("zh") else "en"


def _init_lang() -> None:
    """Language from ?lang= on first run (else the browser's); a bad value is reported."""
    if LANG in st.session_state:
        return
    raw = st.query_params.get("lang")
    if raw is not None and pick_lang(raw, "") == "":
        st.session_state["_bad_lang"] = raw
    st.session_state[LANG] = pick_lang(raw, _browser_lang())


# The team editor's widget state and the team it was drawn from (components/team_editor.py).
TEAM_EDITOR = "team_editor"
TEAM_EDITOR_BASE = "_team_editor_base"
# Widgets whose labels are part of their identity: their pending state is
# dropped on a language switch so they rebuild from the plan, not a stale copy.
RESET_ON_LANG = [TEAM_EDITOR]
# What the last upload said belongs to the plan on screen, not to the next one opened.
# (The uploader's own state stays: dropping it makes the browser send the file again,
# which would load it into the newly opened plan.)
UPLOAD_ERROR = "_team_upload_error"
UPLOAD_RESULT = "_team_upload_result"
# Dropped when another plan is opened: the team editor rebuilds from it, and the
# last upload's messages go.
RESET_ON_PLAN = [TEAM_EDITOR, TEAM_EDITOR_BASE, UPLOAD_ERROR, UPLOAD_RESULT]


def _on_lang_change() -> None:
    st.query_params["lang"] = st.session_state[LANG]
    for key in RESET_ON_LANG:
        st.session_state.pop(key, None)


def is_read_only() -> bool:
    """True while a viewer looks at a shared plan: pages hide every edit control."""
    return bool(st.session_state.get(READ_ONLY))


def render_language_switch() -> None:
    """The sidebar's language switch; the language belongs to the person, not the plan."""
    st.segmented_control(
        "Language / 语言",
        options=["en", "zh"],
        format_func=lambda code: {"en": "English", "zh": "中文"}[code],
        key=LANG,
        required=True,
        on_change=_on_lang_change,
    )


def mark_routed() -> None:
    """Called by app.py just before it runs the page: this run went through the router."""
    st.session_state[_ROUTED] = True


def _came_through_router() -> bool:
    """True once per run that app.py routed; a page run alone finds no mark."""
    return bool(st.session_state.pop(_ROUTED, False))


def init_state() -> None:
    """Idempotent: the plan and a valid language are in session state."""
    current_plan()
    _init_lang()
    # A segmented control can be cleared by clicking the active option.
    if st.session_state.get(LANG) not in ("en", "zh"):
        st.session_state[LANG] = _browser_lang()
    # The language stays in the address: a page link drops ?lang=, and a reload (a
    # new session) would then fall back to the browser's language.
    if st.query_params.get("lang") != st.session_state[LANG]:
        st.query_params["lang"] = st.session_state[LANG]


def page_setup() -> Ctx:
    """First call of every page: the page's context, after app.py set up state.

    Streamlit keeps a process in its old pages-directory mode until a script calls
    st.navigation, so a deep link as the very first request after start-up runs
    the page script alone. Registering the same pages (hidden) ends that mode for
    the process, and the rerun then goes through app.py.
    """
    if not _came_through_router():
        st.navigation(st_pages("en"), position="hidden")
        st.rerun()
    lang = current_lang()
    if bad := st.session_state.pop("_bad_lang", None):
        st.warning(t("bad_lang_param", lang, value=str(bad)[:40]))
    return current_ctx()


def current_ctx() -> Ctx:
    """The page's context with the plan as it is now (after any update_plan)."""
    lang, cat, plan = current_lang(), catalog(), current_plan()
    analysis = plan_analysis(plan, cat, lang)
    return Ctx(lang=lang, catalog=cat, plan=plan, analysis=analysis, ref=plan_ref())


def chosen_model(plan: Plan, cat: Catalog) -> BusinessModel:
    """The plan's business model; the first one when the plan names none that exists."""
    models = {**cat.business_models, **plan.custom_models}
    return models.get(plan.business_model) or next(iter(models.values()))


def plan_analysis(plan: Plan, cat: Catalog, lang: str) -> PlanAnalysis:
    """The plan scored once: one PlanAnalysis per plan (plans are replaced, never
    changed, so the same object is the same plan) and language. Every page and
    component of a run reads this one, and a rerun that changed nothing reuses it."""
    held = st.session_state.get(_ANALYSIS)
    if held is None or held.plan is not plan or held.catalog is not cat or held.lang != lang:
        held = PlanAnalysis(plan=plan, model=chosen_model(plan, cat), catalog=cat, lang=lang)
        st.session_state[_ANALYSIS] = held
    return held
