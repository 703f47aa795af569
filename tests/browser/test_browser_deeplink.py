"""A founder's first visit is often a link to one page (/team, /coverage), not to /."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

# The fixtures this module uses (assigned, not imported, so arguments may name them).

pytestmark = pytest.mark.browser

TITLES = ["Overview", "Team", "Business model", "Coverage", "Pipeline", "Text generation"]


def test_deep_link_as_first_request(open_app) -> None:
    # With a pages/ folder beside app.py, Streamlit 1.67 started in multipage-v1 mode
    # and a first request to /team ran the page without the router (views/ now).
    # This module's server is fresh: its first session opens /team directly.
    first = open_app("team")
    expect(first.key("team_sample")).to_be_visible()
    second = open_app()
    for app in (first, second):
        nav = app.page.get_by_test_id("stSidebarNav")
        for title in TITLES:
            expect(nav.get_by_role("link", name=title, exact=True)).to_be_visible(timeout=5_000)
        expect(nav.get_by_role("link", name="app", exact=True)).to_have_count(0)
