"""Journey 7, hostile names: markup and SQL in member names stay plain text everywhere."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from planner.charts import box_name
from planner.files import MAX_UPLOAD_BYTES
from planner.i18n import strings
from tests.support.browser import AppPage

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)>"
SQL = '"; DROP TABLE plans; --'
HEADER = ["name", "role", "fte", "research.alignment", "product.backend", "data.engineering"]
ROWS = [
    [XSS, "<b>bold</b> role", 1, 5, 5, 1],
    [SQL, "Robert'); --", 1, 1, 2, 5],
    ["Plain Person", "Engineer", 1, 3, 4, 3],
]


def hostile_csv(path: Path) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(HEADER)
    writer.writerows(ROWS)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def hostile_json(path: Path) -> Path:
    team = [
        {
            "name": r[0],
            "role": r[1],
            "fte": r[2],
            "skills": dict(zip(HEADER[3:], r[3:], strict=True)),
        }
        for r in ROWS
    ]
    path.write_text(json.dumps(team, ensure_ascii=False), encoding="utf-8")
    return path


def expect_plain_everywhere(app: AppPage) -> None:
    """No element was made from the names, and no script ran."""
    expect(app.page.locator('img[src="x"]')).to_have_count(0)
    expect(app.page.locator("[onerror]")).to_have_count(0)
    expect(app.page.locator("b", has_text="bold")).to_have_count(0)
    assert app.dialogs == [], app.dialogs
    assert app.page_errors == [], app.page_errors


def upload_and_check(open_app, upload: Path) -> None:
    app = open_app()
    app.nav("team", app.key("team_upload"))
    app.key("team_upload").locator('input[type="file"]').set_input_files(str(upload))
    loaded = app.main.get_by_text(f"Loaded 3 members from {upload.name}.")
    refused = app.main.get_by_test_id("stAlertContentError")
    expect(loaded.or_(refused).first).to_be_visible()
    app.wait_idle()  # the upload's run is over: what it said is final
    assert refused.count() == 0, refused.all_text_contents()
    expect(loaded).to_be_visible()
    expect(app.grid_cells("team_editor", XSS)).to_have_count(1)
    expect(app.grid_cells("team_editor", SQL)).to_have_count(1)
    expect(app.grid_cells("team_editor", "<b>bold</b> role")).to_have_count(1)
    app.wait_idle()
    expect_plain_everywhere(app)
    app.shot("01-team")

    app.nav("", app.metric("Members"))
    expect(app.metric("Members")).to_have_text("3")
    expect_plain_everywhere(app)

    # The heatmap's rows are the names, as text.
    app.nav("coverage", app.key("coverage_heatmap"))
    heatmap_rows = app.key("coverage_heatmap").locator(".main-svg .ytick text")
    # Plotly draws after the run: wait for the chart of this team (a row per member and
    # the requirement row) before reading its labels.
    expect(heatmap_rows).to_have_count(len(ROWS) + 1)
    expect(heatmap_rows.filter(has_text=XSS)).to_have_count(1)
    expect(heatmap_rows.filter(has_text=SQL)).to_have_count(1)
    assert XSS in heatmap_rows.all_text_contents()
    assert SQL in heatmap_rows.all_text_contents()
    bus = app.key("bus_factor").locator(".main-svg").first
    expect(bus).to_be_visible()
    app.expect_no_exception()
    expect_plain_everywhere(app)
    app.shot("02-coverage")

    # The pipeline diagram names who covers each stage, as text.
    app.nav("pipeline", app.key("pipeline_diagram"))
    # A box holds a name shortened to fit a phone-width chart (the team grid above
    # showed it whole), as plain text.
    boxes = app.key("pipeline_diagram").locator(".main-svg .annotation-text")
    expect(boxes.filter(has_text=box_name(XSS)).first).to_be_visible()
    expect(boxes.filter(has_text=box_name(SQL)).first).to_be_visible()
    assert any(box_name(XSS) in text for text in boxes.all_text_contents())
    expect(app.main.get_by_test_id("stCode")).to_be_visible()
    app.expect_no_exception()
    expect_plain_everywhere(app)
    app.shot("03-pipeline")

    # Stored and loaded back through the database: a new session on the same workspace
    # link (a bookmark, another browser) gets the same names.
    ws = parse_qs(urlsplit(app.page.url).query)["ws"][0]
    again = open_app("", f"ws={ws}")
    again.nav("team", again.key("team_editor"))
    expect(again.grid_cells("team_editor", XSS)).to_have_count(1)
    expect(again.grid_cells("team_editor", SQL)).to_have_count(1)
    again.nav("pipeline", again.key("pipeline_diagram"))
    expect(
        again.key("pipeline_diagram")
        .locator(".annotation-text")
        .filter(has_text=box_name(SQL))
        .first
    ).to_be_visible()
    again.expect_no_exception()
    expect_plain_everywhere(again)
    again.shot("04-reloaded-pipeline")


def test_hostile_names_csv(open_app, tmp_path: Path) -> None:
    """The journey as written: the names arrive in a CSV upload."""
    upload_and_check(open_app, hostile_csv(tmp_path / "hostile.csv"))


def test_hostile_names_json(open_app, tmp_path: Path) -> None:
    """The same names through a JSON upload, so display escaping is checked meanwhile."""
    upload_and_check(open_app, hostile_json(tmp_path / "hostile.json"))


WORST = [
    "dimension_bomb.xlsx",
    "zip_bomb.xlsx",
    "billion_laughs.xlsx",
    "deep.json",
    "wide_header.csv",
    "nul.csv",
]


# The uploader refuses a larger file in the browser: Streamlit's frontend counts the
# configured 5 MB as 5 * 10^6 bytes (5 * 2^20 on Windows only), below the app's own check.
UPLOADER_LIMIT = MAX_UPLOAD_BYTES // 2**20 * 10**6


def _outcome_shown(app: AppPage, name: str, outcome: str, size: int):
    """What the team page shows for this file: its "Loaded" line, or its refusal
    (the uploader's own, for a file over the upload limit: it never reaches the app)."""
    if size > UPLOADER_LIMIT:  # its chip is marked invalid ("File must be 5.0MB or smaller")
        chips = app.key("team_upload").locator('[data-testid="stFileChip"][aria-invalid="true"]')
        return chips.filter(has_text=name)
    if outcome.startswith("accepted"):
        return app.main.get_by_text(re.compile(rf"^Loaded \d+ members? from {re.escape(name)}"))
    lead = strings()[outcome.removeprefix("refused:")]["en"].split("{")[0]
    return app.main.get_by_test_id("stAlertContentError").filter(has_text=lead)


def test_the_fuzz_corpus_worst_files_never_show_an_exception(open_app, sample_team, tmp_path):
    """The importer audit's worst files, uploaded for real: each is loaded or refused
    with a message, the team is kept, and no exception box ever appears."""
    from planner.files import team_to_bytes
    from tests.support.hostile_files import HOSTILE

    valid = team_to_bytes(sample_team, "xlsx")
    app = open_app()
    app.nav("team", app.key("team_upload"))
    app.key("team_sample").get_by_role("button").click()
    expect(app.grid_cells("team_editor", "Gus Okafor")).to_have_count(1)
    app.wait_idle()
    for name in WORST:
        _, build, outcome = HOSTILE[name]
        path = tmp_path / name
        path.write_bytes(build(valid))
        app.key("team_upload").locator('input[type="file"]').set_input_files(str(path))
        # This file's own outcome (the one before it said something else), so the
        # checks below read the run this upload started, not the previous one.
        shown = _outcome_shown(app, name, outcome, path.stat().st_size)
        expect(shown).to_be_visible(timeout=60_000)
        app.wait_idle(timeout_ms=60_000)
        expect(app.page.get_by_test_id("stException")).to_have_count(0)
        if outcome.startswith("refused"):
            expect(app.main.get_by_test_id("stAlertContentError")).to_have_count(1)
            # The previous team is kept.
            expect(app.grid_cells("team_editor", "Gus Okafor")).to_have_count(1)
    app.shot("worst-files")
    assert app.page_errors == [], app.page_errors
