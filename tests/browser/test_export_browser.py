"""Export in the running app: real downloads through Streamlit's deferred buttons,
two users exporting at once, and an exported HTML chart opening offline."""

from __future__ import annotations

import html
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from playwright.sync_api import expect

from planner.i18n import t
from tests.support.browser import AppPage

pytestmark = pytest.mark.browser
SVG_NS = "{http://www.w3.org/2000/svg}"


def load_sample(app: AppPage) -> None:
    app.nav("team", app.key("team_sample"))
    app.key("team_sample").get_by_role("button").click()
    expect(app.grid_cells("team_editor", "Gus Okafor")).to_have_count(1)
    app.wait_idle()


def set_lang(app: AppPage, label: str, ready: str) -> None:
    """Plans (and their language) are shared by the users of a server without
    sign-in, so each test sets the language it checks."""
    app.switch_lang(label)
    app.wait_idle()
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
    with app.page.expect_download() as info:
        app.key("coverage_gaps_download").get_by_role("button").click()
    download = info.value
    assert download.suggested_filename.endswith(".png")
    assert "coverage_gaps" in download.suggested_filename
    image = Image.open(io.BytesIO(Path(download.path()).read_bytes()))
    assert image.size[0] == 2000

    pick(app, "coverage_radar", "svg")
    with app.page.expect_download() as info:
        app.key("coverage_radar_download").get_by_role("button").click()
    texts = svg_titles(Path(info.value.path()).read_bytes())
    assert any(text.startswith("Area coverage: team vs. requirement") for text in texts)

    with app.page.expect_download() as info:
        app.key("coverage_csv").get_by_role("button").click()
    assert info.value.suggested_filename.endswith(".csv")
    assert "product.mlops" in Path(info.value.path()).read_text(encoding="utf-8-sig")

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
        a.page.expect_download(timeout=90_000) as got_a,
        b.page.expect_download(timeout=90_000) as got_b,
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
    with app.page.expect_download() as info:
        app.key("pipeline_diagram_download").get_by_role("button").click()
    path = tmp_path / "pipeline.html"
    info.value.save_as(path)
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
    with app.page.expect_download(timeout=90_000) as info:
        app.key("export_report").get_by_role("button").click()
    assert info.value.suggested_filename.endswith(".html")
    assert "-report-" in info.value.suggested_filename
    doc = Path(info.value.path()).read_text(encoding="utf-8")
    assert html.escape("Gus Okafor") in doc
    assert doc.count("Plotly.newPlot") >= 6
