"""This browser remembers its workspace (issue 20, item 3), in Chromium: a new tab,
a typed address and a reload open the same plans; rotation kills the remembered
link too; two browsers never share a workspace; the link shows whole at 800 px; a
share viewer keeps ``?share=`` on every page and across a reload."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.test_browser_workspaces import plan_options, rename_plan, ws_in_url
from tests.support.browser import AppPage

pytestmark = pytest.mark.browser

GONE = "The workspace link this browser remembered was replaced"


def new_tab(app: AppPage, path: str = "", query: str = "") -> AppPage:
    """Another tab of the same browser (same cookies), at a typed address."""
    tab = AppPage(page=app.page.context.new_page(), base_url=app.base_url, journey=app.journey)
    tab.page.on("pageerror", lambda err: tab.page_errors.append(str(err)))
    tab.open(path, query)
    return tab


def remembered(app: AppPage, token: str) -> dict:
    """The workspace cookie, once the browser holds token in it."""
    app.page.wait_for_function(
        "token => document.cookie.split('; ').some(c => c.startsWith('planner_ws') "
        "&& c.endsWith('=' + token))",
        arg=token,
    )
    [cookie] = [c for c in app.page.context.cookies() if c["name"].startswith("planner_ws")]
    return cookie


def open_workspace_panel(app: AppPage) -> None:
    panel = app.page.get_by_test_id("stSidebar").get_by_text("Your private workspace")
    if not app.key("ws_rotate").is_visible():
        panel.click()
    expect(app.key("ws_rotate")).to_be_visible()


def test_a_new_tab_a_typed_address_and_a_reload_open_the_same_plans(open_app) -> None:
    a = open_app()
    rename_plan(a, "Alpha remembered")  # the first change makes the workspace
    ws = ws_in_url(a)
    cookie = remembered(a, ws)
    assert cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert cookie["value"] == ws  # the capability, nothing of the plan
    assert "Alpha" not in str(a.page.context.cookies())
    a.shot("01-first-visit")

    for path in ("", "coverage"):  # a new tab at /, and /coverage typed without ?ws=
        tab = new_tab(a, path)
        assert ws_in_url(tab) == ws
        expect(tab.key("plan_select").get_by_role("combobox")).to_have_value("Alpha remembered")
        tab.expect_no_exception()
    tab.page.reload()
    tab.wait_idle()
    assert ws_in_url(tab) == ws
    expect(tab.key("plan_select").get_by_role("combobox")).to_have_value("Alpha remembered")
    tab.shot("02-typed-coverage-reloaded")

    # Another browser has its own workspace, remembered apart.
    b = open_app()
    rename_plan(b, "Bravo remembered")
    ws_b = ws_in_url(b)
    assert ws_b != ws and remembered(b, ws_b)["value"] == ws_b
    assert plan_options(b) == ["Bravo remembered"]
    b_tab = new_tab(b, "team")
    expect(b_tab.key("plan_select").get_by_role("combobox")).to_have_value("Bravo remembered")
    assert remembered(a, ws)["value"] == ws  # b's visit did not touch a's cookie
    for app in (a, b, tab):
        assert app.page_errors == []


def test_rotation_kills_the_remembered_link_in_every_browser(open_app) -> None:
    a = open_app()
    rename_plan(a, "Rotated plan")
    old = ws_in_url(a)
    remembered(a, old)
    # Someone else's browser that opened the (leaked) link remembers it too.
    other = open_app(query=f"ws={old}")
    remembered(other, old)

    open_workspace_panel(a)
    a.key("ws_rotate").get_by_role("button").click()
    expect(a.page).not_to_have_url(re.compile(rf"ws={re.escape(old)}"))
    new = ws_in_url(a)
    assert remembered(a, new)["value"] == new  # this browser follows the new link
    assert ws_in_url(new_tab(a)) == new

    # The other browser's typed address no longer opens the plans; it is told why.
    late = new_tab(other)
    expect(late.page.get_by_text(GONE)).to_be_visible()
    assert "ws=" not in late.page.url  # a fresh start, stored at its first change
    rename_plan(late, "Late plan")
    fresh = ws_in_url(late)
    assert fresh not in (old, new)
    assert plan_options(late) == ["Late plan"]
    assert remembered(late, fresh)["value"] == fresh
    late.expect_no_exception()
    late.shot("rotated-elsewhere")


def test_the_link_shows_whole_at_800_px(open_app) -> None:
    app = open_app()
    rename_plan(app, "Plan with a link")
    app.page.set_viewport_size({"width": 800, "height": 900})
    ws = ws_in_url(app)
    sidebar = app.page.get_by_test_id("stSidebar")
    if not sidebar.is_visible():
        app.page.get_by_test_id("stExpandSidebarButton").click()
    code = app.key("ws_link").locator("code")
    expect(code).to_be_visible()
    expect(code).to_contain_text(f"?ws={ws}")
    # Wrapped, not scrolled: the whole link lies inside the visible box.
    overflow = code.evaluate("e => e.scrollWidth - e.clientWidth")
    assert overflow <= 1, overflow
    app.shot("link-800px")


def test_a_share_viewer_keeps_the_share_on_every_page_and_reload(open_app) -> None:
    owner = open_app()
    rename_plan(owner, "Shared kept")
    owner.nav("share", owner.key("share_create"))
    owner.key("share_create").get_by_role("button").click()
    link = owner.key("share_link").locator("code")
    expect(link).to_contain_text("?share=")
    query = urlsplit(link.inner_text().strip()).query

    viewer = open_app(query=query)
    expect(viewer.page.get_by_text("shared read-only").first).to_be_visible()
    for path, ready in (("team", "team_editor"), ("share", "share_copy"), ("", "lang")):
        viewer.nav(path, viewer.key(ready))
        expect(viewer.page).to_have_url(re.compile(re.escape(query)))
        expect(viewer.page.get_by_text("shared read-only").first).to_be_visible()
    viewer.page.reload()
    viewer.wait_idle()
    expect(viewer.page).to_have_url(re.compile(re.escape(query)))
    expect(viewer.page.get_by_text("Shared kept").first).to_be_visible()
    expect(viewer.key("plan_new")).to_have_count(0)
    viewer.expect_no_exception()
    viewer.shot("viewer-reloaded")
