"""Self-assessment journey in two browsers: the founder makes an invite link; the
member opens it in a browser of their own, sees their name and the form and
nothing else of the app (no other member, no navigation), and sends their
ratings; the founder sees the difference in the calibration heatmap, accepts,
and sees coverage change; the link, revoked, is refused."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from planner.domain import Member, Plan, Team
from planner.store import (
    Store,
    create_invite,
    sqlite_url,
)
from tests.support.browser import AppPage

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.browser

REFUSED = "This self-assessment invite does not open a form."
NOTE = "Shipped our <b>inference API</b> [docs](http://evil.example)"


def sample_names() -> list[str]:
    with (ROOT / "data" / "sample_team.csv").open(encoding="utf-8") as f:
        return [row["name"] for row in csv.DictReader(f)]


def rate(app: AppPage, skill_id: str, level: int) -> None:
    """Move a skill's level slider with the keyboard: Home is "not rated", then one
    step right per level from 0."""
    thumb = app.key(f"selfassess_level_{skill_id.replace('.', '__')}").get_by_role("slider")
    thumb.scroll_into_view_if_needed()
    thumb.focus()
    app.page.keyboard.press("Home")
    for _ in range(level + 1):
        app.page.keyboard.press("ArrowRight")
    expect(thumb).to_have_attribute("aria-valuetext", re.compile(rf"^{level} · "))


def fit(app: AppPage) -> str:
    app.nav("coverage", app.key("coverage_heatmap"))
    value = app.metric("Fit")
    expect(value).to_have_text(re.compile(r"^\d+%$"))
    return value.inner_text()


def test_an_invite_as_the_servers_first_request_shows_only_the_form(app_server, open_app):
    """Before any st.navigation call Streamlit would list pages/ in a sidebar: the very
    first request of a fresh server, an invite link, must still show the form alone."""
    store = Store(sqlite_url(app_server.data_dir / "planner.db"))
    try:
        team = Team(members=(Member(name="Zoë Hart"), Member(name="Bob Secretname")))
        plan = store.create_plan(Plan(name="Project Nightjar", team=team), owner="ws:first")
        token, _ = create_invite(store, plan.id, "ws:first", "Zoë Hart")
    finally:
        store.close()
    member = open_app(query=f"invite={token}&lang=zh")
    expect(member.main.get_by_role("heading", name="为自己的技能打分")).to_be_visible()
    expect(member.key("selfassess_form").get_by_role("slider")).to_have_count(15)
    expect(member.page.get_by_test_id("stSidebarNav")).to_have_count(0)
    expect(member.page.get_by_test_id("stSidebar")).to_have_count(0)
    body = member.page.locator("body").inner_text()
    assert "Zoë Hart" in body and "Bob" not in body and "Nightjar" not in body
    member.expect_no_exception()
    member.shot("first-request-zh")


def test_selfassess(open_app) -> None:
    names = sample_names()
    founder = open_app()
    founder.nav("team", founder.key("team_sample"))
    founder.key("team_sample").get_by_role("button").click()
    expect(founder.grid_cells("team_editor", "Gus Okafor")).to_have_count(1)
    founder.wait_idle()
    fit_before = fit(founder)

    # 1. The founder makes a link for Alice Chen.
    founder.nav("team", founder.key("invite_create"))
    founder.choose("invite_member", "Alice Chen")
    founder.key("invite_title").locator("input").fill("Acme AI")
    founder.key("invite_title").locator("input").press("Enter")
    founder.wait_idle()
    founder.key("invite_create").get_by_role("button").click()
    link = founder.key("invite_link").locator("code")
    expect(link).to_contain_text("?invite=")
    url = link.inner_text().strip()
    expect(founder.key("invite_list")).to_contain_text("Not opened")
    founder.shot("01-founder-link")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == founder.base_url, url

    # 2. The member opens it in a browser of their own: the form, and nothing else.
    member = open_app(parts.path, parts.query)
    expect(member.main.get_by_role("heading", name="Rate your own skills")).to_be_visible()
    expect(member.main.get_by_text("Hello, Alice Chen.")).to_be_visible()
    expect(member.main.get_by_text("For: Acme AI")).to_be_visible()
    expect(member.key("selfassess_form")).to_be_visible()
    expect(member.key("selfassess_form").get_by_role("slider")).to_have_count(15)
    body = member.page.locator("body").inner_text()
    for other in names[1:]:
        assert other not in body, other
    assert "My plan" not in body and "Gus" not in body
    expect(member.page.get_by_test_id("stSidebarNav")).to_have_count(0)
    expect(member.page.get_by_test_id("stSidebar")).to_have_count(0)
    expect(member.page.locator("a[href*='/team'], a[href*='/coverage']")).to_have_count(0)
    for key in ("plan_select", "team_editor", "invite_create", "share_create"):
        expect(member.key(key)).to_have_count(0)
    member.shot("02-member-form")

    rate(member, "product.backend", 5)
    rate(member, "product.mlops", 4)
    member.key("selfassess_note_product__backend").locator("input").fill(NOTE)
    member.key("selfassess_submit").get_by_role("button").click()
    expect(member.main.get_by_text("your answers were sent for review")).to_be_visible()
    member.expect_no_exception()
    member.shot("03-member-sent")

    # 3. The founder sees the heatmap, accepts, and coverage changes.
    founder.nav("", founder.page.get_by_role("heading", name="AI Startup Talent Planner"))
    founder.nav("team", founder.key("calibration_heatmap"))
    expect(founder.key("invite_list")).to_contain_text("Submitted · waiting for your review")
    heat = founder.key("calibration_heatmap").locator(".main-svg").first
    expect(heat).to_be_visible()
    expect(founder.key("calibration_heatmap").locator(".ytick text")).to_have_text(["Alice Chen"])
    # +4 for backend (1 → 5) and +4 for MLOps (0 → 4), written on the cells.
    expect(founder.key("calibration_heatmap").locator("text", has_text="+4")).to_have_count(2)
    founder.shot("04-founder-calibration")
    founder.key("calibration_accept").get_by_role("button", name="Accept all").click()
    expect(founder.main.get_by_text("Alice Chen's self-assessment was accepted")).to_be_visible()
    expect(founder.main.get_by_text("No self-assessment is waiting for review.")).to_be_visible()
    founder.wait_idle()
    founder.expect_no_exception()
    founder.shot("05-founder-accepted")
    fit_after = fit(founder)
    assert int(fit_after.rstrip("%")) > int(fit_before.rstrip("%")), (fit_before, fit_after)
    founder.shot("06-founder-coverage")

    # 4. The founder revokes the link: opening it again is refused, plainly.
    founder.nav("team", founder.key("invite_list"))
    founder.key("invite_list").get_by_role("button", name="Revoke").click()
    expect(founder.main.get_by_text("The link was revoked")).to_be_visible()
    expect(founder.key("invite_list")).to_contain_text("Revoked")
    founder.wait_idle()
    late = open_app(parts.path, parts.query)
    expect(late.main.get_by_text(REFUSED)).to_be_visible()
    expect(late.main.get_by_text("Alice Chen")).to_have_count(0)
    expect(late.key("selfassess_form")).to_have_count(0)
    late.expect_no_exception()
    late.shot("07-link-refused")
    for app in (founder, member, late):
        assert app.dialogs == [] and app.page_errors == []
