"""AppTest: this browser remembers its workspace (a cookie with the ``?ws=``
capability), and a share viewer keeps ``?share=`` on every page.

AppTest cannot send cookies, so `browser` stands in for the browser's cookie jar
(what ``st.context.cookies`` would carry); the cookie the app writes is read from
the script it sends. tests/browser/test_browser_workspace_memory.py runs the same
in Chromium: new tab, typed address, reload, rotation, two browsers.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from components.plans import database_url, remember
from planner.domain import Member
from planner.files import team_to_bytes
from planner.i18n import t
from planner.store import Store
from tests.app.test_workspaces import PAGES, refused
from tests.support.apptest import no_exception, open_page

COOKIE_WRITE = re.compile(
    r'document\.cookie = "planner_ws=([A-Za-z0-9_-]*); Path=/; Max-Age=(\d+); SameSite=Strict"'
)


@pytest.fixture
def store():
    opened = Store(database_url())
    yield opened
    opened.close()


@pytest.fixture
def browser(monkeypatch) -> dict[str, str]:
    """The cookies one browser sends when a session connects."""
    jar: dict[str, str] = {}
    monkeypatch.setattr(remember, "browser_cookies", lambda: jar)
    return jar


def visit(page: str = "team", **query: str) -> AppTest:
    return open_page(page, lang=None, query_params=query)


def add_member(at: AppTest, name: str) -> AppTest:
    team = at.session_state["plan"].team.with_member(Member(name=name))
    at.file_uploader(key="team_upload").upload("team.csv", team_to_bytes(team, "csv"), "text/csv")
    return at.run()


def cookie_written(at: AppTest) -> tuple[str, int] | None:
    """(value, max-age) of the cookie this run asks the browser to hold, if any."""
    bodies = [el.proto.body for el in at.get("html") if "document.cookie" in el.proto.body]
    assert len(bodies) <= 1, bodies
    if not bodies:
        return None
    match = COOKIE_WRITE.search(bodies[0])
    assert match, bodies[0]
    return match[1], int(match[2])


def keep(jar: dict[str, str], at: AppTest) -> None:
    """The browser stores what the session wrote (as Chromium does with the script)."""
    written = cookie_written(at)
    assert written is not None
    value, max_age = written
    if max_age:
        jar["planner_ws"] = value
    else:
        jar.pop("planner_ws", None)


def test_a_new_visit_is_remembered_and_a_typed_address_opens_the_same_plans(
    browser, store: Store
) -> None:
    first = visit()
    no_exception(first)
    assert cookie_written(first) is None  # a visit alone: nothing stored, nothing kept
    add_member(first, "Ann")  # the first change makes the workspace
    ws = first.query_params["ws"]
    assert cookie_written(first) == (ws, 400 * 24 * 3600)
    keep(browser, first)
    # A new tab at / (or /coverage typed without ?ws=): the same workspace and plan.
    for page in ("overview", "coverage"):
        again = visit(page)
        no_exception(again)
        assert again.query_params["ws"] == ws
        assert again.session_state["plan"].team.names() == ["Ann"]
        assert cookie_written(again) is None  # the browser holds it already
    assert len(store.list_plans(store.resolve_workspace(ws))) == 1


def test_two_browsers_never_share_a_workspace(monkeypatch, store: Store) -> None:
    jars: list[dict[str, str]] = [{}, {}]
    sessions = []
    for jar in jars:
        monkeypatch.setattr(remember, "browser_cookies", lambda jar=jar: jar)
        at = add_member(visit(), f"Person {len(sessions)}")
        keep(jar, at)
        sessions.append(at)
    assert jars[0]["planner_ws"] != jars[1]["planner_ws"]
    for i, jar in enumerate(jars):
        monkeypatch.setattr(remember, "browser_cookies", lambda jar=jar: jar)
        assert visit("overview").session_state["plan"].team.names() == [f"Person {i}"]


def test_rotation_kills_the_remembered_link_too(browser, store: Store) -> None:
    first = add_member(visit(), "Ann")
    keep(browser, first)
    old = first.query_params["ws"]
    elsewhere = dict(browser)  # another browser that remembered the same link
    first.button(key="ws_rotate").click().run()
    new = first.query_params["ws"]
    assert cookie_written(first) == (new, 400 * 24 * 3600)  # this browser follows
    keep(browser, first)
    assert visit("overview").session_state["plan"].team.names() == ["Ann"]
    # The other browser's remembered link opens nothing; it is told so, and forgets it.
    browser.clear()
    browser.update(elsewhere)
    late = visit("overview")
    no_exception(late)
    assert "ws" not in late.query_params
    assert late.session_state["plan"].team.names() == []
    assert cookie_written(late) == ("", 0)  # forgotten
    assert t("ws_remembered_gone", "en") in [m.value for m in late.sidebar.info]
    add_member(late.switch_page("pages/team.py").run(), "Someone Else")
    assert late.query_params["ws"] not in (old, new)
    assert cookie_written(late) == (late.query_params["ws"], 400 * 24 * 3600)


@pytest.mark.parametrize("junk", ["short", "' OR 1=1 --", "a" * 200, '"; alert(1); "'])
def test_a_cookie_that_is_no_token_is_ignored(browser, junk: str) -> None:
    browser["planner_ws"] = junk
    at = add_member(visit(), "Ann")
    no_exception(at)
    assert at.query_params["ws"] != junk and not at.error
    assert junk not in str(cookie_written(at))


def test_a_fresh_start_after_a_refused_link_does_not_reopen_the_remembered_one(
    browser, store: Store
) -> None:
    mine = add_member(visit(), "Ann")
    keep(browser, mine)
    at = visit("team", ws="a" * 43)
    refused(at)
    at.button(key="ws_invalid_exit").click().run()
    no_exception(at)
    assert at.session_state["plan"].team.names() == []
    add_member(at, "Bo")
    assert at.query_params["ws"] != mine.query_params["ws"]


def share_token(owner: AppTest) -> str:
    share = owner.switch_page("pages/share.py").run()
    share.button(key="share_create").click().run()
    code = share.get_by_key("share_link").code[0].value
    return re.search(r"share=([A-Za-z0-9_-]+)", code)[1]


def test_a_share_viewer_keeps_the_share_in_the_url_on_every_page(store: Store) -> None:
    owner = add_member(visit(), "Ann")
    token = share_token(owner)
    viewer = visit("overview", share=token)
    for page in PAGES:
        # A page link leads to the page's plain address: the browser drops the query.
        del viewer.query_params["share"]
        viewer.switch_page(f"pages/{page}.py").run()
        no_exception(viewer)
        assert viewer.query_params["share"] == token, page
        assert viewer.session_state["read_only"] is True
        assert viewer.session_state["plan"].team.names() == ["Ann"]
    # A reload is a new session on that address: still the shared plan, read-only.
    reloaded = visit(PAGES[-1], share=viewer.query_params["share"])
    assert reloaded.session_state["read_only"] is True
    assert reloaded.session_state["plan"].team.names() == ["Ann"]
