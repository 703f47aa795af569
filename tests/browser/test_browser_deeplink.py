"""A founder's first visit is often a link to one page (/team, a share link), not to /.

Streamlit 1.67 keeps a process in its old pages-directory mode (a `pages/` folder
sits beside app.py) until some script calls st.navigation, so the very first request
after start-up runs the page script alone. The shared page setup detects that and
routes the request through app.py. Each test here gets a server of its own, so that
its first request really is the first one the process sees.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from planner.domain import Member, Plan, Team
from planner.store import Store, sqlite_url
from tests.support.browser import AppServer, serve_app

pytestmark = pytest.mark.browser

TITLES_EN = ["Overview", "Team", "Business model", "Coverage", "Pipeline", "Text generation"]


@pytest.fixture
def app_server(tmp_path_factory: pytest.TempPathFactory, request) -> Iterator[AppServer]:
    """A fresh server per test (overrides the module-scoped one)."""
    yield from serve_app(tmp_path_factory, request)


def nav_titles(app) -> list[str]:
    return app.page.get_by_test_id("stSidebarNav").get_by_role("link").all_inner_texts()


def test_team_in_chinese_as_the_first_request(open_app) -> None:
    first = open_app("team", "lang=zh")
    # The router ran: Chinese navigation, the wide layout and the team editor.
    expect(first.key("team_sample")).to_be_visible()
    expect(first.page.get_by_role("heading", name="团队", exact=True)).to_be_visible()
    nav = first.page.get_by_test_id("stSidebarNav")
    for title in ("总览", "团队", "覆盖度"):
        expect(nav.get_by_role("link", name=title, exact=True)).to_be_visible()
    # Never the file names of the pages-directory mode.
    for stray in ("app", "team", "overview"):
        expect(nav.get_by_role("link", name=stray, exact=True)).to_have_count(0)
    # A later visitor on / gets the same routed app, in English.
    second = open_app()
    nav2 = second.page.get_by_test_id("stSidebarNav")
    for title in TITLES_EN:
        expect(nav2.get_by_role("link", name=title, exact=True)).to_be_visible()


def test_share_link_as_the_first_request(open_app, app_server: AppServer) -> None:
    store = Store(sqlite_url(app_server.data_dir / "planner.db"))
    try:
        team = Team(members=(Member(name="Ann Deeplink", skills={"product.backend": 4}),))
        loaded = store.create_plan(Plan(name="Linked plan", team=team))
        token = store.create_share(loaded.id)
    finally:
        store.close()
    viewer = open_app("share", f"share={token}")
    # Read-only view of the shared plan, through the router (navigation present).
    expect(viewer.key("plan_copy_shared")).to_be_visible()
    expect(viewer.page.get_by_text("Linked plan").first).to_be_visible()
    nav = viewer.page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_role("link", name="Share & export", exact=True)).to_be_visible()
    expect(viewer.key("share_create")).to_have_count(0)
