"""A plan name with links and images stays text in the browser: no anchor to a
foreign host, no image fetched from one (Streamlit autolinks bare URLs)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import AppPage

pytestmark = pytest.mark.browser

HOST = "evil.example"
NAME = f"http://{HOST}/x ![i](http://{HOST}/y.png) www.{HOST} [a](http://{HOST}) <http://{HOST}>"


def foreign_elements(app: AppPage) -> int:
    anchors = app.page.locator(f'a[href*="{HOST}"]').count()
    images = app.page.locator(f'img[src*="{HOST}"]').count()
    return anchors + images


def test_a_linky_plan_name_stays_text_in_the_sidebar(open_app) -> None:
    app = open_app()
    requested: list[str] = []
    app.page.on("request", lambda r: requested.append(r.url) if HOST in r.url else None)
    sidebar = app.page.get_by_test_id("stSidebar")

    sidebar.get_by_text("Rename", exact=True).click()
    field = app.key("plan_rename_name").locator("input")
    field.fill(NAME)
    field.press("Enter")
    app.wait_idle()
    app.key("plan_rename").get_by_role("button").click()
    app.wait_idle()
    sidebar.get_by_text("History", exact=True).click()
    # The rename's summary in the history quotes the name.
    expect(sidebar.get_by_text(f"{HOST}/x", exact=False).first).to_be_visible()

    app.key("plan_delete").get_by_role("button").click()
    app.wait_idle()
    deleted = sidebar.get_by_test_id("stAlertContentInfo")
    expect(deleted).to_contain_text(f"{HOST}/y.png")
    expect(deleted).to_contain_text("![i](")  # shown as typed
    app.expect_no_exception()
    app.shot("01-deleted")

    assert foreign_elements(app) == 0
    assert requested == []
