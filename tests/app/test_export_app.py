"""Export controls in the app (AppTest): under every chart, the coverage CSV, the report."""

from __future__ import annotations

import csv
import io

import plotly.io as pio
import pytest
from streamlit.testing.v1 import AppTest

from components import export as export_ui
from planner import export
from planner.catalog import Catalog
from planner.domain import Plan
from planner.export import browser
from planner.i18n import t
from tests.support.apptest import open_page
from tests.support.export import SCRIPT_NAME, svg_texts

TIMEOUT = 60
PAGE_CHARTS = {
    "coverage": [
        "coverage_radar",
        "coverage_gaps",
        "coverage_heatmap",
        "bus_factor",
        "hiring_plan",
    ],
    "model": ["model_fit_chart"],
    "pipeline": ["pipeline_diagram"],
}


def run_page(name: str, plan: Plan, lang: str = "en") -> AppTest:
    return open_page(name, lang=lang, state={"plan": plan})


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def download_keys(at: AppTest) -> set[str]:
    return {el.key for el in at.get("download_button")}


def download(at: AppTest, key: str):
    (button,) = [el for el in at.get("download_button") if el.key == key]
    return button


@pytest.fixture()
def with_browser(monkeypatch) -> None:
    monkeypatch.setattr(browser, "find_browser", lambda: "/usr/bin/chromium")


@pytest.fixture()
def without_browser(monkeypatch) -> None:
    monkeypatch.setattr(browser, "find_browser", lambda: None)


@pytest.mark.parametrize("page", sorted(PAGE_CHARTS))
def test_every_chart_has_a_format_picker_and_a_download(
    page: str, tricky_plan: Plan, with_browser
) -> None:
    at = run_page(page, tricky_plan)
    no_exception(at)
    for key in PAGE_CHARTS[page]:
        picker = at.button_group(key=f"{key}_export_fmt")
        assert picker.value == "png"
        assert picker.options and list(picker.options) == [
            "PNG",
            "SVG",
            "PDF",
            "HTML",
        ]
        button = download(at, f"{key}_download")
        assert button.proto.label == "Download PNG"
        assert button.proto.deferred_file_id  # nothing rendered until clicked


def test_picking_a_format_changes_the_download(tricky_plan: Plan, with_browser) -> None:
    at = run_page("coverage", tricky_plan, "zh")
    at.button_group(key="coverage_radar_export_fmt").set_value("svg").run()
    no_exception(at)
    assert download(at, "coverage_radar_download").proto.label == t(
        "export_download", "zh", fmt="SVG"
    )
    assert download(at, "coverage_gaps_download").proto.label == t(
        "export_download", "zh", fmt="PNG"
    )


def test_without_a_browser_images_say_what_to_install(tricky_plan: Plan, without_browser) -> None:
    at = run_page("coverage", tricky_plan)
    no_exception(at)
    hint = t("export_no_browser", "en")
    assert "coverage_radar_download" not in download_keys(at)
    assert sum(1 for c in at.caption if c.value == hint) == len(PAGE_CHARTS["coverage"])
    # HTML and the coverage table still export.
    assert "coverage_csv" in download_keys(at)
    at.button_group(key="coverage_radar_export_fmt").set_value("html").run()
    assert download(at, "coverage_radar_download").proto.label == "Download HTML"


def test_coverage_page_offers_the_coverage_table(tricky_plan: Plan, with_browser) -> None:
    at = run_page("coverage", tricky_plan, "zh")
    button = download(at, "coverage_csv")
    assert button.proto.label == t("export_coverage_csv", "zh")


def test_chart_download_bytes_are_the_chart_in_the_language(export_browser, analyses) -> None:
    """What the deferred download returns (run here without a server)."""
    fig = export.build_chart(analyses["zh"], "coverage_gaps")
    svg = export_ui._chart_bytes(fig.to_json(), "svg", "zh")
    assert t("chart_gaps_title", "zh") in svg_texts(svg)
    page = export_ui._chart_bytes(fig.to_json(), "html", "zh")
    assert b"Plotly.newPlot" in page and b"<script src" not in page


def test_coverage_csv_matches_the_report(analyses, catalog: Catalog) -> None:
    a = analyses["en"]
    rows = list(
        csv.DictReader(
            io.StringIO(export.coverage_csv(a.report, catalog, "en").decode("utf-8-sig"))
        )
    )
    assert len(rows) == len(a.report.skills)
    assert any(SCRIPT_NAME in r["expert_names"] for r in rows)


# ---------------------------------------------------------------- report (share page)


def share(plan: Plan, lang: str = "en") -> AppTest:
    return run_page("share", plan, lang)


def test_share_page_offers_the_report(tricky_plan: Plan, with_browser) -> None:
    at = share(tricky_plan, "zh")
    no_exception(at)
    assert at.button_group(key="export_report_fmt").value == "pdf"
    button = download(at, "export_report")
    assert button.proto.label == t("export_report_download", "zh", fmt="PDF")
    at.button_group(key="export_report_fmt").set_value("html").run()
    assert download(at, "export_report").proto.label == t(
        "export_report_download", "zh", fmt="HTML"
    )


def test_report_without_a_browser_keeps_html(tricky_plan: Plan, without_browser) -> None:
    at = share(tricky_plan)
    no_exception(at)
    assert "export_report" not in download_keys(at)
    assert any(w.value == t("export_no_browser", "en") for w in at.warning)
    at.button_group(key="export_report_fmt").set_value("html").run()
    assert "export_report" in download_keys(at)


def test_report_needs_a_team(with_browser) -> None:
    at = share(Plan())
    no_exception(at)
    assert "export_report" not in download_keys(at)
    assert any(i.value == t("export_report_empty", "en") for i in at.info)


def test_report_download_bytes(tricky_plan: Plan) -> None:
    """What the deferred report download returns (the PDF itself: tests/test_export.py)."""
    plan_json = tricky_plan.model_dump_json(by_alias=True)
    doc = export_ui._report_bytes(plan_json, "service", "zh", "html", "2026-03-14").decode()
    assert t("export_report_title", "zh") in doc and "2026-03-14" in doc
    assert "服务模式 ★" in doc  # the model asked for, not the plan's own
    assert "<script>alert" not in doc


def test_chart_json_round_trip_keeps_the_figure(analyses) -> None:
    """The cache key is the figure JSON: it must rebuild the same figure."""
    fig = export.build_chart(analyses["en"], "bus_factor")
    assert pio.from_json(fig.to_json()).to_dict() == fig.to_dict()
