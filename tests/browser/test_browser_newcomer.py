"""Journey 1, the newcomer: sample team, every page, business model, language."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from planner.catalog import Catalog
from planner.domain import Team
from planner.scoring import (
    analyze,
)
from tests.support.browser import AppPage

pytestmark = pytest.mark.browser

TEAM_COLOUR_RGB = "rgb(30, 136, 229)"  # planner.charts.TEAM_COLOUR, as the SVG writes it

# (url path, nav label en, what shows once the page has rendered)
PAGES = [
    ("team", "Team", "team_editor"),
    ("model", "Business model", "model_fit_chart"),
    ("coverage", "Coverage", "coverage_radar"),
    ("pipeline", "Pipeline", "pipeline_diagram"),
    ("generate", "Text generation", "gen_prompt"),
    ("share", "Share & export", "share_create"),
]


def load_sample(app: AppPage) -> None:
    app.nav("team", app.key("team_sample"))
    app.key("team_sample").get_by_role("button").click()
    expect(app.grid_cells("team_editor", "Gus Okafor")).to_have_count(1)
    app.wait_idle()


def fit_text(team: Team, catalog: Catalog, model_id: str) -> str:
    return f"{analyze(team, catalog.business_models[model_id]).fit:.0%}"


def test_newcomer(open_app, sample_team: Team, catalog: Catalog) -> None:
    app = open_app()
    expect(app.main.get_by_role("heading", name="AI Startup Talent Planner")).to_be_visible()
    app.expect_no_exception()
    app.shot("01-overview-first-visit")

    load_sample(app)
    app.shot("02-team-sample")

    app.nav("", app.metric("Members"))
    expect(app.metric("Members")).to_have_text(str(len(sample_team)))
    expect(app.metric("Fit")).to_have_text(fit_text(sample_team, catalog, "product"))
    app.expect_no_exception()
    app.shot("03-overview-sample")

    for path, label, ready in PAGES:
        link = app.page.get_by_test_id("stSidebarNav").get_by_role("link", name=label)
        expect(link).to_be_visible()
        app.nav(path, app.key(ready))
        app.expect_no_exception()
        app.shot(f"04-page-{path}")

    # The coverage page under the default model (product).
    app.nav("coverage", app.key("coverage_radar"))
    product_fit = fit_text(sample_team, catalog, "product")
    app.expect_chart_title("coverage_radar", f"(fit {product_fit})", contains=True)
    expect(app.metric("Fit")).to_have_text(product_fit)
    radar_before = app.key("coverage_radar").locator(".main-svg").first.inner_html()
    app.shot("coverage-en")
    app.nav("pipeline", app.key("pipeline_diagram"))
    app.expect_chart_title("pipeline_diagram", "Startup pipeline", contains=True)
    app.shot("pipeline-en")

    # Switch the business model: the fit chart highlights the new one, the radar follows.
    app.nav("model", app.key("model_fit_chart"))
    chosen_bar = app.key("model_fit_chart").locator(
        f'.point:has(path[style*="fill: {TEAM_COLOUR_RGB}"]) text'
    )
    expect(chosen_bar).to_have_text([fit_text(sample_team, catalog, "product")])
    fit_before = app.key("model_fit_chart").locator(".main-svg").first.inner_html()
    app.key("business_model").get_by_text(re.compile(r"^Service — ")).click()
    expect(app.key("business_model").get_by_role("radio", checked=True)).to_have_accessible_name(
        re.compile(r"^Service — ")
    )
    expect(app.main.get_by_role("heading", name=re.compile("Service"))).to_be_visible()
    app.wait_idle()
    expect(chosen_bar).to_have_text([fit_text(sample_team, catalog, "service")])
    assert app.key("model_fit_chart").locator(".main-svg").first.inner_html() != fit_before
    app.expect_no_exception()
    app.shot("05-model-service")

    app.nav("coverage", app.key("coverage_radar"))
    service_fit = fit_text(sample_team, catalog, "service")
    app.expect_chart_title("coverage_radar", f"(fit {service_fit})", contains=True)
    expect(app.metric("Fit")).to_have_text(service_fit)
    assert app.key("coverage_radar").locator(".main-svg").first.inner_html() != radar_before
    app.shot("06-coverage-service")

    # Back to product for the pictures, then Chinese.
    app.nav("model", app.key("model_fit_chart"))
    app.key("business_model").get_by_text(re.compile(r"^Product — ")).click()
    expect(chosen_bar).to_have_text([fit_text(sample_team, catalog, "product")])
    app.wait_idle()

    app.switch_lang("中文")
    nav = app.page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_role("link", name="覆盖度")).to_be_visible()
    expect(app.page).to_have_url(re.compile(r"[?&]lang=zh"))
    app.wait_idle()
    expect(app.key("business_model").get_by_text(re.compile(r"^服务模式 — "))).to_be_visible()
    app.expect_chart_title("model_fit_chart", "团队与各商业模式的匹配度")
    app.nav("coverage", app.key("coverage_radar"))
    expect(app.main.get_by_role("heading", name="覆盖度", exact=False).first).to_be_visible()
    app.expect_chart_title("coverage_radar", "领域覆盖度", contains=True)
    app.expect_chart_title("coverage_heatmap", "成员技能等级", contains=True)
    expect(app.key("coverage_radar").locator(".main-svg")).to_contain_text(["算法研究"])
    expect(app.metric("匹配度")).to_have_text(fit_text(sample_team, catalog, "product"))
    app.expect_no_exception()
    app.shot("coverage-zh")
    app.nav("pipeline", app.key("pipeline_diagram"))
    app.expect_chart_title("pipeline_diagram", "创业流程", contains=True)
    app.shot("pipeline-zh")
    assert app.dialogs == []
    assert app.page_errors == []


def test_lang_query_parameter(open_app) -> None:
    zh = open_app("", "lang=zh")
    nav = zh.page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_role("link", name="总览")).to_be_visible()
    expect(nav.get_by_role("link", name="覆盖度")).to_be_visible()
    expect(zh.key("lang").get_by_role("radio", name="中文")).to_be_checked()
    zh.expect_no_exception()
    zh.shot("overview-zh")

    en = open_app("coverage", "lang=en")
    expect(
        en.page.get_by_test_id("stSidebarNav").get_by_role("link", name="Coverage")
    ).to_be_visible()
    expect(en.main.get_by_role("heading", name="Coverage").first).to_be_visible()
    en.expect_no_exception()
