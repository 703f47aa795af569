"""The one list of pages, used by the router (app.py) and the deep-link guard."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from planner.i18n import t


@dataclass(frozen=True)
class PageSpec:
    path: str  # script, relative to app.py
    url: str  # url path; "" is the overview at "/"
    title_key: str
    icon: str


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "", "nav_overview", ":material/home:"),
    PageSpec("pages/team.py", "team", "nav_team", ":material/group:"),
    PageSpec("pages/model.py", "model", "nav_model", ":material/storefront:"),
    PageSpec("pages/coverage.py", "coverage", "nav_coverage", ":material/radar:"),
    PageSpec("pages/budget.py", "budget", "nav_budget", ":material/savings:"),
    PageSpec("pages/roadmap.py", "roadmap", "nav_roadmap", ":material/timeline:"),
    PageSpec("pages/pipeline.py", "pipeline", "nav_pipeline", ":material/account_tree:"),
    PageSpec("pages/generate.py", "generate", "nav_generate", ":material/chat:"),
    PageSpec("pages/attention.py", "attention", "nav_attention", ":material/visibility:"),
    PageSpec("pages/share.py", "share", "nav_share", ":material/share:"),
)


def show_navigation() -> None:
    """Turn the sidebar navigation on, for this and every later session.

    .streamlit/config.toml starts the server with it off: a `pages/` folder keeps a
    fresh process in Streamlit's pages-directory mode until the first st.navigation
    call, and that mode lists pages/*.py by file name ("app, attention, budget, …")
    while app.py is still importing, seconds on a cold start. With the option off
    that list is hidden; the router turns it on right before its own navigation, so
    a first visitor sees the real titles or nothing. The option is process-wide
    and only ever set to this one value."""
    st.set_option("client.showSidebarNavigation", True)


def st_pages(lang: str) -> list[st.Page]:
    """The pages as st.navigation takes them, titled in the user's language."""
    return [
        st.Page(
            p.path,
            title=t(p.title_key, lang),
            icon=p.icon,
            url_path=p.url or None,
            default=not p.url,
        )
        for p in PAGES
    ]
