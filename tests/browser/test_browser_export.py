"""Journey 3, export: a chart as PNG and HTML, the team as CSV, all checked as files."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Download, Locator, expect

from planner.catalog import Catalog
from planner.coverage import analyze
from planner.domain import Team
from planner.io import parse_team
from tests.support.browser import AppPage

pytestmark = pytest.mark.browser

# A chart export runs Chromium (kaleido) on the server: allow for a cold start.
EXPORT_TIMEOUT_MS = 90_000


def download(app: AppPage, button: Locator) -> Download:
    with app.page.expect_download(timeout=EXPORT_TIMEOUT_MS) as info:
        button.click()
    dl = info.value
    assert dl.failure() is None, dl.failure()
    return dl


def test_export(open_app, sample_team: Team, catalog: Catalog, tmp_path: Path) -> None:
    app = open_app()
    app.nav("team", app.key("team_sample"))
    app.key("team_sample").get_by_role("button").click()
    expect(app.grid_cells("team_editor", "Gus Okafor")).to_have_count(1)
    app.wait_idle()

    # The team as CSV: it uploads back to the very same team.
    expect(app.key("team_download").get_by_role("button")).to_have_accessible_name(
        "Download the team (CSV)"
    )
    csv = download(app, app.key("team_download").get_by_role("button"))
    assert csv.suggested_filename.endswith(".csv"), csv.suggested_filename
    data = Path(csv.path()).read_bytes()
    assert parse_team(data, csv.suggested_filename, catalog).team == sample_team

    # A chart as PNG (the default format under each chart).
    app.nav("coverage", app.key("coverage_radar"))
    button = app.key("coverage_radar_download").get_by_role("button")
    expect(button).to_have_accessible_name("Download PNG")
    png = download(app, button)
    assert png.suggested_filename.endswith(".png"), png.suggested_filename
    image = Image.open(io.BytesIO(Path(png.path()).read_bytes()))
    image.load()  # decodes the whole file: a truncated PNG raises here
    assert image.format == "PNG"
    assert image.width >= 400 and image.height >= 300, image.size
    pixels = image.convert("RGB")
    colours = pixels.getcolors(maxcolors=1 << 16)
    assert colours is None or len(colours) > 16, "the PNG is (nearly) one colour: blank"
    extrema = pixels.getextrema()
    assert any(lo < 128 < hi for lo, hi in extrema), f"no contrast in the PNG: {extrema}"
    image.save(app.artifact("downloaded-coverage-radar.png"))

    # The same chart as HTML: a standalone page that draws the chart offline.
    app.key("coverage_radar_export_fmt").get_by_role("radio", name="HTML").click()
    expect(button).to_have_accessible_name("Download HTML")
    app.wait_idle()
    page_file = download(app, button)
    assert page_file.suggested_filename.endswith(".html"), page_file.suggested_filename
    html = Path(page_file.path()).read_text(encoding="utf-8")
    fit = f"{analyze(sample_team, catalog.business_models['product']).fit:.0%}"
    assert "<html" in html and "Plotly" in html
    assert f"Area coverage: team vs. requirement (fit {fit})" in html
    saved = tmp_path / "radar.html"
    saved.write_text(html, encoding="utf-8")
    viewer = app.page.context.new_page()
    viewer.route(re.compile(r"^(?!file:)"), lambda route: route.abort())  # offline: no CDN
    viewer.goto(saved.as_uri())
    expect(viewer.locator(".main-svg .gtitle")).to_have_text(
        f"Area coverage: team vs. requirement (fit {fit})"
    )
    # The radar writes two-word area names on two lines (two SVG tspans).
    expect(viewer.locator(".main-svg").first).to_contain_text(re.compile(r"Algorithm\s*research"))
    viewer.screenshot(path=str(app.artifact("downloaded-radar-html.png")))
    viewer.close()
    app.shot("coverage-after-downloads")
    app.expect_no_exception()
    assert app.dialogs == []
