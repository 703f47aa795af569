"""Export journeys in the running app: a chart as PNG and HTML and the team as CSV
checked as files; real downloads through Streamlit's deferred buttons; two users
exporting at once; an exported HTML chart opening offline; the report."""

from __future__ import annotations

import html
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Download, Locator, expect

from planner.catalog import Catalog
from planner.domain import Team
from planner.files import parse_team
from planner.i18n import t
from planner.scoring import (
    analyze,
)
from tests.support.browser import AppPage

pytestmark = pytest.mark.browser
SVG_NS = "{http://www.w3.org/2000/svg}"

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


def load_sample(app: AppPage) -> None:
    app.nav("team", app.key("team_sample"))
    app.key("team_sample").get_by_role("button").click()
    expect(app.grid_cells("team_editor", "Gus Okafor")).to_have_count(1)
    app.wait_idle()


def set_lang(app: AppPage, label: str, ready: str) -> None:
    """Each test sets the language it checks (switch_lang waits for that rerun)."""
    app.switch_lang(label)
    expect(app.key(ready)).to_be_visible()


def pick(app: AppPage, key: str, fmt: str) -> None:
    app.key(f"{key}_export_fmt").get_by_role("radio", name=fmt.upper(), exact=True).click()
    # The button of the finished rerun (an older one's download is revoked).
    expect(app.key(f"{key}_download").get_by_role("button")).to_contain_text(fmt.upper())
    app.wait_idle()


def svg_titles(data: bytes) -> list[str]:
    root = ET.fromstring(data)
    return ["".join(el.itertext()) for el in root.iter(f"{SVG_NS}text")]


def test_chart_data_and_report_downloads(open_app, browser, tmp_path: Path) -> None:
    """One user: chart images and the coverage table from the coverage page, an
    HTML chart that opens offline, the report from the share page."""
    from PIL import Image

    app = open_app()
    load_sample(app)
    app.nav("coverage", app.key("coverage_radar"))
    set_lang(app, "English", "coverage_radar_download")
    app.expect_no_exception()
    app.shot("coverage-export-controls")

    # Default PNG: twice the layout size.
    gaps = download(app, app.key("coverage_gaps_download").get_by_role("button"))
    assert gaps.suggested_filename.endswith(".png")
    assert "coverage_gaps" in gaps.suggested_filename
    image = Image.open(io.BytesIO(Path(gaps.path()).read_bytes()))
    assert image.size[0] == 2000

    pick(app, "coverage_radar", "svg")
    svg = download(app, app.key("coverage_radar_download").get_by_role("button"))
    texts = svg_titles(Path(svg.path()).read_bytes())
    assert any(text.startswith("Area coverage: team vs. requirement") for text in texts)

    table = download(app, app.key("coverage_csv").get_by_role("button"))
    assert table.suggested_filename.endswith(".csv")
    assert "product.mlops" in Path(table.path()).read_text(encoding="utf-8-sig")

    html_chart_opens_offline(app, browser, tmp_path)
    report_download_on_the_share_page(app)


def test_two_users_export_different_charts_at_once(open_app) -> None:
    """Each Streamlit session is a server thread; the shared browser is locked."""
    users = [open_app(), open_app()]
    for app in users:
        load_sample(app)
    a, b = users
    a.nav("coverage", a.key("coverage_radar"))
    b.nav("coverage", b.key("bus_factor"))
    set_lang(a, "English", "coverage_radar_download")
    set_lang(b, "中文", "bus_factor_download")
    pick(a, "coverage_radar", "svg")
    pick(b, "bus_factor", "svg")
    with (
        a.page.expect_download(timeout=EXPORT_TIMEOUT_MS) as got_a,
        b.page.expect_download(timeout=EXPORT_TIMEOUT_MS) as got_b,
    ):
        a.key("coverage_radar_download").get_by_role("button").click()
        b.key("bus_factor_download").get_by_role("button").click()
    texts_a = svg_titles(Path(got_a.value.path()).read_bytes())
    texts_b = svg_titles(Path(got_b.value.path()).read_bytes())
    assert any(text.startswith("Area coverage") for text in texts_a)
    assert t("chart_bus_title", "zh") in texts_b
    assert t("chart_bus_title", "zh") not in texts_a
    assert not any(text.startswith("Area coverage") for text in texts_b)


def html_chart_opens_offline(app: AppPage, browser, tmp_path: Path) -> None:
    app.nav("pipeline", app.key("pipeline_diagram"))
    set_lang(app, "English", "pipeline_diagram_download")
    pick(app, "pipeline_diagram", "html")
    page_file = download(app, app.key("pipeline_diagram_download").get_by_role("button"))
    path = tmp_path / "pipeline.html"
    page_file.save_as(path)
    offline = browser.new_context(offline=True)
    try:
        requests: list[str] = []
        page = offline.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.goto(path.as_uri())
        expect(page.locator(".plotly-graph-div .main-svg").first).to_be_visible()
        expect(page.locator(".gtitle")).to_contain_text("Startup pipeline")
        assert all(url.startswith(("file:", "data:", "blob:")) for url in requests), requests
    finally:
        offline.close()


def report_download_on_the_share_page(app: AppPage) -> None:
    app.nav("share", app.key("export_report"))
    app.key("export_report_fmt").get_by_role("radio", name="HTML", exact=True).click()
    # The button of the finished rerun (an older one's download is revoked).
    expect(app.key("export_report").get_by_role("button")).to_contain_text("HTML")
    app.wait_idle()
    report = download(app, app.key("export_report").get_by_role("button"))
    assert report.suggested_filename.endswith(".html")
    assert "-report-" in report.suggested_filename
    doc = Path(report.path()).read_text(encoding="utf-8")
    assert html.escape("Gus Okafor") in doc
    assert doc.count("Plotly.newPlot") >= 6
