"""Journey 6, two users at once: each browser has its own workspace, its own team,
and sees only its own edits."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.support.browser import AppPage

pytestmark = pytest.mark.browser

B_TEAM = """name,role,fte,research.alignment,product.backend,market.marketing
Mina Park,Founder,1,4,3,2
Omar Haddad,Engineer,0.5,1,5,0
"""


def workspace(app: AppPage) -> str:
    """The ?ws= link of the browser's private workspace, from the address bar."""
    expect(app.page).to_have_url(re.compile(r"[?&]ws=[A-Za-z0-9_-]{43}(&|$)"))
    return parse_qs(urlsplit(app.page.url).query)["ws"][0]


def members(app: AppPage) -> str:
    app.nav("", app.metric("Members"))
    return app.metric("Members").inner_text()


def test_two_users(open_app, tmp_path: Path) -> None:
    # User A: the sample team.
    a = open_app()
    a.nav("team", a.key("team_sample"))
    a.key("team_sample").get_by_role("button").click()
    expect(a.grid_cells("team_editor", "Gus Okafor")).to_have_count(1)
    a.wait_idle()

    # User B, in another browser at the same time, is in a workspace of its own:
    # a fresh first plan, not A's (without sign-in, each browser is private).
    b = open_app()
    expect(b.key("plan_select").get_by_role("combobox")).to_have_value("My plan")
    assert "ws=" not in b.page.url  # a visit alone stores nothing
    b.nav("team", b.key("team_upload"))
    expect(b.grid_cells("team_editor", "Gus Okafor")).to_have_count(0)
    csv = tmp_path / "b-team.csv"
    csv.write_text(B_TEAM, encoding="utf-8")
    b.key("team_upload").locator('input[type="file"]').set_input_files(str(csv))
    expect(b.main.get_by_text("Loaded 2 members from b-team.csv.")).to_be_visible()
    expect(b.grid_cells("team_editor", "Alice Chen")).to_have_count(0)
    b.wait_idle()
    assert workspace(a) != workspace(b)  # the upload made B's own workspace

    # A edits while B's session is open.
    a.add_grid_row("team_editor", "Zoe Park")
    expect(a.page.get_by_test_id("stToast").filter(has_text="Team updated")).to_be_visible()
    a.wait_idle()
    # B edits too.
    b.add_grid_row("team_editor", "Bea Lin")
    expect(b.page.get_by_test_id("stToast").filter(has_text="Team updated")).to_be_visible()
    b.wait_idle()

    # Each sees exactly its own team, on every rerun.
    assert members(a) == "8"
    assert members(b) == "3"
    a.nav("team", a.key("team_editor"))
    b.nav("team", b.key("team_editor"))
    for name in ("Alice Chen", "Zoe Park"):
        expect(a.grid_cells("team_editor", name)).to_have_count(1)
        expect(b.grid_cells("team_editor", name)).to_have_count(0)
    for name in ("Mina Park", "Bea Lin"):
        expect(b.grid_cells("team_editor", name)).to_have_count(1)
        expect(a.grid_cells("team_editor", name)).to_have_count(0)
    for app in (a, b):  # one plan each: its own
        expect(app.key("plan_select").get_by_role("combobox")).to_have_value("My plan")
    a.shot("user-a-team")
    b.shot("user-b-team")

    # Coverage follows each user's own team.
    a.nav("coverage", a.key("coverage_radar"))
    b.nav("coverage", b.key("coverage_radar"))
    assert a.metric("Fit").inner_text() != b.metric("Fit").inner_text()
    for app in (a, b):
        app.expect_no_exception()
        assert app.dialogs == []
