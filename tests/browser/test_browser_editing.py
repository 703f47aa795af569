"""Journey 2, editing: the table editor, a level raised, CSV upload, a broken file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from planner.catalog import Catalog
from planner.domain import Member, Team
from planner.files import team_rows
from planner.numbers import people, percent
from planner.scoring import (
    analyze,
)
from tests.support.browser import AppPage

pytestmark = pytest.mark.browser

UPLOADED = """name,role,fte,research.alignment,product.backend,market.marketing
Mina Park,Founder,1,4,3,2
Omar Haddad,Engineer,0.5,1,5,0
"""


def coverage_numbers(app: AppPage) -> tuple[str, str]:
    app.nav("coverage", app.key("coverage_radar"))
    return app.metric("Fit").inner_text(), app.metric("Gap (person-equivalents)").inner_text()


def expected_numbers(team: Team, catalog: Catalog) -> tuple[str, str]:
    report = analyze(team, catalog.business_models["product"])
    # The page's own formatters (one per kind of number).
    return percent(report.fit), people(sum(g.gap for g in report.gaps()))


def upload(app: AppPage, path: Path) -> None:
    app.key("team_upload").locator('input[type="file"]').set_input_files(str(path))


def test_editing(open_app, sample_team: Team, catalog: Catalog, tmp_path: Path) -> None:
    app = open_app()
    app.nav("team", app.key("team_sample"))
    app.key("team_sample").get_by_role("button").click()
    expect(app.grid_cells("team_editor", "Gus Okafor")).to_have_count(1)
    app.wait_idle()
    before = coverage_numbers(app)
    assert before == expected_numbers(sample_team, catalog)

    # Add a member with the grid's own control and the keyboard.
    app.nav("team", app.key("team_editor"))
    app.add_grid_row("team_editor", "Zoe Park")
    expect(app.page.get_by_test_id("stToast").filter(has_text="Team updated")).to_be_visible()
    app.wait_idle()

    # Raise Eva's backend level from 3 to 5 (Backend is off screen: arrow keys reach it).
    header, _ = team_rows(sample_team, catalog)
    steps = header.index("product.backend") - header.index("name")
    app.edit_grid_cell("team_editor", "Eva Müller", steps, "Product development · Backend", "5")
    app.wait_idle()
    expect(app.page.get_by_role("alert").filter(has_text="not applied")).to_have_count(0)
    app.shot("01-team-edited")

    eva = next(m for m in sample_team.members if m.name == "Eva Müller")
    edited = Team(
        members=(
            *(m for m in sample_team.members if m.name != "Eva Müller"),
            eva.model_copy(update={"skills": {**eva.skills, "product.backend": 5}}),
            Member(name="Zoe Park"),
        )
    )
    after = coverage_numbers(app)
    assert after == expected_numbers(edited, catalog)
    assert after != before, "raising a required level must move the coverage numbers"
    app.shot("02-coverage-after-edit")
    app.nav("", app.metric("Members"))
    expect(app.metric("Members")).to_have_text("8")

    # Upload a CSV team: it replaces the table.
    app.nav("team", app.key("team_upload"))
    good = tmp_path / "new-team.csv"
    good.write_text(UPLOADED, encoding="utf-8")
    # As a founder does it: the uploader's button opens the file chooser.
    with app.page.expect_file_chooser() as chooser:
        app.key("team_upload").get_by_role("button", name="Upload", exact=True).click()
    chooser.value.set_files(str(good))
    expect(app.main.get_by_text("Loaded 2 members from new-team.csv.")).to_be_visible()
    expect(app.grid_cells("team_editor", "Omar Haddad")).to_have_count(1)
    expect(app.grid_cells("team_editor", "Alice Chen")).to_have_count(0)
    expect(app.grid_cells("team_editor", "Zoe Park")).to_have_count(0)
    app.wait_idle()
    app.shot("03-team-uploaded")

    # A broken file: a clear message, and the uploaded team stays.
    broken = tmp_path / "broken.csv"
    broken.write_text("who,what\nsomeone,something\n", encoding="utf-8")
    upload(app, broken)
    error = app.main.get_by_test_id("stAlertContentError")
    expect(error).to_contain_text('The file has no "name" column')
    expect(app.main.get_by_text(re.compile("^Loaded 2 members"))).to_have_count(0)
    expect(app.grid_cells("team_editor", "Mina Park")).to_have_count(1)
    expect(app.grid_cells("team_editor", "Omar Haddad")).to_have_count(1)
    app.wait_idle()
    app.shot("04-team-broken-upload")
    app.nav("", app.metric("Members"))
    expect(app.metric("Members")).to_have_text("2")
    app.expect_no_exception()
    assert app.dialogs == []
