"""Plans that never get mixed up: two plans that start with one name stay two plans,
each keeps its own team, and switching the language on every page changes neither the
plan shown nor its version."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from planner.i18n import t
from tests.support.browser import AppPage

pytestmark = pytest.mark.browser

PAGES = [
    ("team", "team_sample"),
    ("model", "business_model"),
    ("coverage", "coverage_radar"),
    ("budget", "budget_cash"),
    ("pipeline", "pipeline_diagram"),
    ("share", "share_create"),
    ("", "next_hire"),
]


def expect_plan(app: AppPage, name: str) -> None:
    expect(app.key("plan_select").get_by_role("combobox")).to_have_value(name)


def saved_caption(app: AppPage, lang: str) -> str:
    pattern = re.escape(t("store_saved", lang, version="N")).replace("N", r"\d+")
    return app.page.get_by_test_id("stSidebar").get_by_text(re.compile(pattern)).inner_text()


def new_plan(app: AppPage) -> None:
    app.key("plan_new").get_by_role("button").click()
    app.wait_idle()


def test_two_plans_with_one_name_stay_apart_and_language_is_the_persons(
    open_app, tmp_path: Path
) -> None:
    app = open_app("team")
    # Two new plans: the second gets "New plan 2", never a twin.
    new_plan(app)
    expect_plan(app, "New plan")
    new_plan(app)
    expect_plan(app, "New plan 2")

    # Renaming it onto the first one's name is refused, with the reason.
    app.page.get_by_test_id("stSidebar").get_by_text("Rename", exact=True).click()
    app.key("plan_rename_name").locator("input").fill("New plan")
    app.key("plan_rename").get_by_role("button").click()
    app.wait_idle()
    refusal = t("store_name_taken", "en", name="New plan")
    expect(app.page.get_by_test_id("stSidebar").get_by_text(refusal)).to_be_visible()
    expect_plan(app, "New plan 2")

    # Each plan gets its own team.
    app.key("team_sample").get_by_role("button").click()
    expect(app.grid_cells("team_editor", "Gus Okafor")).to_have_count(1)
    app.wait_idle()
    app.choose("plan_select", "New plan")
    # Upload only once the switch has run: its empty team and version 1 are on screen
    # (a file dropped while the switch is still pending can be lost).
    expect(
        app.page.get_by_test_id("stSidebar").get_by_text(
            t("store_saved", "en", version=1), exact=True
        )
    ).to_be_visible()
    expect(app.grid_cells("team_editor", "Gus Okafor")).to_have_count(0)
    app.wait_idle()
    solo = tmp_path / "solo.csv"
    solo.write_text("name,role,fte,product.backend\nSolo Founder,CEO,1,4\n", encoding="utf-8")
    app.key("team_upload").locator('input[type="file"]').set_input_files(str(solo))
    expect(app.grid_cells("team_editor", "Solo Founder")).to_have_count(1)
    app.wait_idle()

    # Choosing either opens that one, with its own team (and not the other's upload news).
    app.choose("plan_select", "New plan 2")
    expect(app.grid_cells("team_editor", "Gus Okafor")).to_have_count(1)
    expect(app.main.get_by_text("Loaded 1 member from solo.csv.")).to_have_count(0)
    expect(app.grid_cells("team_editor", "Solo Founder")).to_have_count(0)
    app.choose("plan_select", "New plan")
    expect(app.grid_cells("team_editor", "Solo Founder")).to_have_count(1)
    expect(app.grid_cells("team_editor", "Gus Okafor")).to_have_count(0)
    app.choose("plan_select", "New plan 2")
    app.shot("01-two-plans")

    # The language switch on every page: same plan, same version, other words.
    version = saved_caption(app, "en")
    for path, ready in PAGES:
        app.nav(path, app.key(ready), timeout_ms=60_000)
        for label, lang in (("中文", "zh"), ("English", "en")):
            app.switch_lang(label)
            app.wait_idle()
            expect(app.key(ready)).to_be_visible()
            expect_plan(app, "New plan 2")
            assert saved_caption(app, lang).endswith(version.rsplit(" ", 1)[-1]), path
            if lang == "zh":
                expect(app.page.get_by_test_id("stSidebarNav")).to_contain_text("团队")
        app.expect_no_exception()
    app.shot("02-after-switching")
    assert app.page_errors == [], app.page_errors
