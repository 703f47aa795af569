"""The self-assessment form behind ``/?invite=<token>``: a member rates their own skills.

app.py hands a run whose URL holds ``?invite=`` to `selfassess_route` before the plan
store, the sidebar or the pages are set up, so the person sees the form and nothing
else: no plan controls, no navigation, no other member, no plan name (only the
title the founder chose to show). Everyone behind a link is a stranger to the app:
a link that is not live gets the share link's plain refusal, and the person never
needs an account.
"""

from __future__ import annotations

import streamlit as st

from components.plans.config import STORE_ERRORS, get_store, problem
from components.state import catalog, current_lang, render_language_switch
from planner.catalog import Catalog
from planner.domain import MAX_NAME_LEN
from planner.formatting import md
from planner.i18n import t
from planner.store import (
    MAX_NOTE_LEN,
    MAX_SUBMISSIONS,
    FormView,
    InvalidAssessment,
    InviteRefused,
    SelfAssessment,
    Store,
    open_form,
    parse_assessment,
    submit,
)

QUERY = "invite"
FORM = "selfassess_form"
SUBMIT = "selfassess_submit"
# A skill left at "not rated" is not part of the answer: today's level stays as it is.
SKIP = -1


def invite_requested() -> bool:
    """True when this run's URL carries ?invite= (whatever its value)."""
    return st.query_params.get(QUERY) is not None


def widget_id(skill_id: str) -> str:
    """A skill id as part of a widget key: a dot would split the st-key-<key> CSS class."""
    return skill_id.replace(".", "__")


def selfassess_route() -> None:
    """Show the form of the ?invite= link, and nothing else; never returns."""
    # Registering one hidden page ends Streamlit's pages-directory mode (no page list
    # in a sidebar) and gives the person no way to the app's pages.
    page = st.Page(_form_page, title=t("selfassess_page_title", current_lang()), default=True)
    st.navigation([page], position="hidden").run()
    st.stop()


def _refuse(lang: str) -> None:
    # One message: unknown, malformed, revoked and expired invites all look alike.
    st.error(t("invite_invalid", lang))
    st.stop()


def _store() -> Store | None:
    try:
        return get_store()
    except STORE_ERRORS as exc:
        problem(exc)  # logged; the person sees the plain refusal
        return None


def _form_page() -> None:
    lang = current_lang()
    token = st.query_params.get(QUERY)
    store = _store()
    view = None
    if store is not None:
        try:
            view = open_form(store, token)
        except STORE_ERRORS as exc:
            problem(exc)
    if view is None:
        _refuse(lang)
        return
    render_language_switch()
    st.title(t("selfassess_title", lang))
    if view.title:
        st.caption(t("selfassess_for", lang, title=md(view.title)))
    if view.member is not None:
        st.markdown(t("selfassess_hello", lang, name=md(view.member)))
    st.markdown(t("selfassess_intro", lang))
    cat = catalog()
    _rubric(cat, lang)
    if view.previous is not None:
        st.caption(
            t(
                "selfassess_previous",
                lang,
                count=MAX_SUBMISSIONS - view.submissions_left,
                left=view.submissions_left,
            )
        )
    sent = _form(view, cat, lang)
    if sent:
        _submit(store, token, view, cat, lang)


def _rubric(cat: Catalog, lang: str) -> None:
    """What each level means, in the person's language."""
    with st.expander(t("selfassess_rubric", lang), expanded=True):
        st.table(
            {
                t("selfassess_col_level", lang): [str(i) for i in sorted(cat.levels)],
                t("selfassess_col_meaning", lang): [
                    cat.levels[i](lang) for i in sorted(cat.levels)
                ],
            }
        )


def _form(view: FormView, cat: Catalog, lang: str) -> bool:
    """The form, filled with this link's last answers if there are any."""
    before = view.previous
    levels, skipped = cat.levels, t("selfassess_skip", lang)
    # The container carries the design's key (st-key-selfassess_form in the page); a
    # form's own key does not become a CSS class.
    with st.container(key=FORM), st.form(f"{FORM}_fields", enter_to_submit=False):
        if view.member is None:
            st.text_input(
                t("selfassess_name", lang),
                value=before.name if before else "",
                max_chars=MAX_NAME_LEN,
                key="selfassess_name",
            )
            st.text_input(
                t("selfassess_role", lang),
                value=before.role if before else "",
                max_chars=MAX_NAME_LEN,
                key="selfassess_role",
            )
        st.number_input(
            t("selfassess_fte", lang),
            help=t("selfassess_fte_help", lang),
            min_value=0.05,
            max_value=1.0,
            step=0.05,
            format="%.2f",
            value=before.fte if before else 1.0,
            key="selfassess_fte",
        )
        for area in cat.areas.values():
            st.subheader(area.label(lang))
            for skill_id, label in area.skills.items():
                wid = widget_id(skill_id)
                left, right = st.columns([3, 2], vertical_alignment="bottom")
                left.select_slider(
                    label(lang),
                    options=[SKIP, *sorted(levels)],
                    value=before.skills.get(skill_id, SKIP) if before else SKIP,
                    format_func=lambda i: skipped if i == SKIP else f"{i} · {levels[i](lang)}",
                    key=f"selfassess_level_{wid}",
                )
                right.text_input(
                    t("selfassess_note", lang),
                    value=before.notes.get(skill_id, "") if before else "",
                    max_chars=MAX_NOTE_LEN,
                    placeholder=t("selfassess_note_hint", lang),
                    key=f"selfassess_note_{wid}",
                )
        return st.form_submit_button(
            t("selfassess_submit", lang), key=SUBMIT, type="primary", icon=":material/send:"
        )


def _answers(view: FormView, cat: Catalog) -> dict:
    state = st.session_state
    levels = {s: state.get(f"selfassess_level_{widget_id(s)}", SKIP) for s in cat.skill_ids}
    skills = {s: int(level) for s, level in levels.items() if level != SKIP}
    notes = {s: str(state.get(f"selfassess_note_{widget_id(s)}") or "") for s in skills}
    return {
        # A member's link carries their name; the store puts it in place of this one.
        "name": view.member or str(state.get("selfassess_name") or ""),
        "role": "" if view.member else str(state.get("selfassess_role") or ""),
        "fte": float(state.get("selfassess_fte") or 1.0),
        "skills": skills,
        "notes": {s: n for s, n in notes.items() if n.strip()},
    }


def _submit(store: Store | None, token: object, view: FormView, cat: Catalog, lang: str) -> None:
    answers = _answers(view, cat)
    if not answers["name"].strip():
        st.error(t("selfassess_name_needed", lang))
        return
    if not answers["skills"]:
        st.error(t("selfassess_nothing_rated", lang))
        return
    try:
        assessment: SelfAssessment = parse_assessment(answers, cat.skill_ids)
    except InvalidAssessment as exc:
        st.error(t("selfassess_invalid", lang, where=md(exc.where)))
        return
    if store is None:
        _refuse(lang)
        return
    try:
        left = submit(store, token, assessment)
    except InviteRefused as exc:
        if exc.reason == "limit":
            st.error(t("selfassess_limit", lang, count=MAX_SUBMISSIONS))
        elif exc.reason == "too_soon":
            st.warning(t("selfassess_too_soon", lang, count=exc.wait_s))
        else:
            _refuse(lang)
        return
    except STORE_ERRORS as exc:
        st.error(t("selfassess_failed", lang, problem=problem(exc)))
        return
    st.success(t("selfassess_sent", lang, count=left), icon=":material/check_circle:")
