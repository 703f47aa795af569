"""Journey: the budget, in both languages. Enter cash and burn and see the runway,
estimate training compute, save two scenarios and compare them, and export the
runway chart as PNG. (The report's budget section joins when the report has it.)"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Locator, expect

from planner import budget
from planner.catalog import Catalog
from planner.domain import Finances, Funding, Plan, Team
from planner.i18n import t
from tests.support.browser import AppPage
from tests.support.export import pdf_pages_text

pytestmark = pytest.mark.browser

# A chart export runs Chromium (kaleido) on the server: allow for a cold start.
EXPORT_TIMEOUT_MS = 90_000
MARKET = {"en": "us", "zh": "cn"}  # the market follows the language until chosen
CASH = {"en": ("5M", "5,000,000"), "zh": ("2000万", "20,000,000")}
BURN = {"en": ("150k", 150_000), "zh": ("60万", 600_000)}


def load_sample(app: AppPage) -> None:
    app.nav("team", app.key("team_sample"))
    app.key("team_sample").get_by_role("button").click()
    expect(app.grid_cells("team_editor", "Gus Okafor")).to_have_count(1)
    app.wait_idle()


def enter(app: AppPage, key: str, text: str, shows: str | None = None) -> Locator:
    """Type into a text box and commit it (Enter), as a founder does; `shows` is
    what the box says once the plan took the value (a new value is written back
    grouped: 5M shows 5,000,000), which also tells the rerun has come back."""
    box = app.key(key).locator("input")
    box.fill(text)
    box.press("Enter")
    if shows is not None:
        expect(box).to_have_value(shows)
    app.wait_idle()
    return box


def expected_summary(team: Team, catalog: Catalog, lang: str, cash: float, burn: float):
    plan = Plan(
        team=team,
        business_model="product",
        finances=Finances(market=MARKET[lang], funding=Funding(cash=cash, monthly_burn=burn)),
    )
    return budget.summarize(plan, catalog, catalog.business_models["product"], lang)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_budget(open_app, sample_team: Team, catalog: Catalog, lang: str) -> None:
    app = open_app(query=f"lang={lang}")
    load_sample(app)
    app.nav("budget", app.key("budget_cash"))
    expect(app.main.get_by_role("heading", name=t("budget_title", lang))).to_be_visible()
    app.expect_no_exception()

    # Enter cash and burn: the runway appears, in KPIs and on the chart.
    cash_text, cash_shown = CASH[lang]
    burn_text, burn = BURN[lang]
    cash_box = enter(app, "budget_cash", cash_text, shows=cash_shown)
    enter(app, "budget_burn", burn_text, shows=f"{burn:,}")
    cash = float(cash_shown.replace(",", ""))
    summary = expected_summary(sample_team, catalog, lang, cash, burn)
    today = f"{summary.today.projection.runway:.1f}"
    plan = f"{summary.plan.projection.runway:.1f}"
    expect(app.metric(t("budget_kpi_runway_today", lang))).to_have_text(today)
    expect(app.metric(t("budget_kpi_runway_plan", lang))).to_have_text(plan)
    expect(app.metric(t("budget_kpi_burn", lang))).to_have_text(
        budget.format_money(summary.burn_today, MARKET[lang])
    )
    subtitle = t("budget_runway_subtitle", lang, today=today, plan=plan)
    app.expect_chart_title("runway_chart", t("budget_runway_title", lang))
    runway = app.key("runway_chart").locator(".main-svg text", has_text=subtitle)
    expect(runway).to_have_count(1)
    zero = budget.month_label(summary.start, summary.plan.projection.zero_month)
    marker = t("budget_zero_marker", lang, month=zero)
    expect(app.key("runway_chart").locator(".main-svg text", has_text=marker)).to_have_count(1)
    app.shot(f"01-runway-{lang}")

    # A bad value is refused in the user's language; the last valid value stays.
    enter(app, "budget_cash", "-5")
    refusal = t("budget_err_negative", lang, value="-5")
    expect(app.main.get_by_role("alert").filter(has_text=refusal)).to_be_visible()
    expect(cash_box).to_have_value(cash_shown)
    expect(app.metric(t("budget_kpi_runway_today", lang))).to_have_text(today)

    # Estimate training compute: 7B on 140B tokens, H100 at the default 40 % MFU.
    gpu = app.key("compute_gpu").get_by_role("combobox")
    expect(gpu).to_have_value("NVIDIA H100 SXM (989 TFLOP/s)")
    enter(app, "compute_params", "70B", shows="70,000,000,000")
    enter(app, "compute_params", "7B", shows="7,000,000,000")
    enter(app, "compute_tokens", "140B", shows="140,000,000,000")
    expect(app.grid_cells("compute_result", "5.88e+21")).to_have_count(1)
    expect(app.grid_cells("compute_result", "4,129")).to_have_count(1)
    days = t("budget_days", lang, days="21.5", gpus=8)
    expect(app.grid_cells("compute_result", days)).to_have_count(1)
    app.key("compute_result").scroll_into_view_if_needed()
    # Number boxes bound to the plan never send an empty value (required), and
    # Streamlit's English-only "(required)" marker is not shown.
    required = app.main.get_by_test_id("stWidgetLabelRequired")
    expect(required).not_to_have_count(0)
    for marker in required.all():
        expect(marker).to_be_hidden()
    app.shot(f"02-compute-{lang}")

    # Save two scenarios and compare them.
    names = {"en": ("Lean", "Aggressive"), "zh": ("精简", "激进")}[lang]
    for name, monthly in zip(names, (burn, burn * 3), strict=True):
        enter(app, "budget_burn", f"{monthly:,}", shows=f"{monthly:,}")
        app.key("scenario_name").locator("input").fill(name)
        app.key("scenario_save").get_by_role("button").click()
        app.wait_idle()
        saved = t("budget_scenario_saved", lang, name=name)
        expect(app.main.get_by_role("status").filter(has_text=saved)).to_be_visible()
    app.expect_chart_title("scenario_compare", t("budget_cmp_title", lang))
    for name in names:  # a static table (its cells wrap at every width)
        cell = app.key("scenario_table").get_by_role("cell", name=name, exact=True)
        expect(cell).to_have_count(1)
    app.key("scenario_compare").scroll_into_view_if_needed()
    app.shot(f"03-scenarios-{lang}")

    # Export the runway chart as PNG (the default format under each chart).
    button = app.key("runway_chart_download").get_by_role("button")
    with app.page.expect_download(timeout=EXPORT_TIMEOUT_MS) as info:
        button.click()
    png = info.value
    assert png.failure() is None, png.failure()
    assert png.suggested_filename.endswith(".png"), png.suggested_filename
    image = Image.open(io.BytesIO(Path(png.path()).read_bytes()))
    image.load()  # decodes the whole file: a truncated PNG raises here
    assert image.format == "PNG" and image.width >= 400 and image.height >= 300
    colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
    assert colours is None or len(colours) > 16, "the PNG is (nearly) one colour: blank"
    image.save(app.artifact(f"runway-{lang}.png"))

    # The PDF report (the default format on the share page) carries the budget.
    app.nav("share", app.key("export_report"))
    expect(app.key("export_report").get_by_role("button")).to_contain_text("PDF")
    app.wait_idle()
    with app.page.expect_download(timeout=EXPORT_TIMEOUT_MS) as info:
        app.key("export_report").get_by_role("button").click()
    assert info.value.suggested_filename.endswith(".pdf")
    pages = pdf_pages_text(Path(info.value.path()).read_bytes())
    budget_pages = [p for p in pages if t("budget_title", lang) in p]
    assert budget_pages, "no budget page in the PDF report"
    assert any(names[0] in p for p in budget_pages), "the scenarios are not in the report"
    app.expect_no_exception()
    assert app.dialogs == [] and app.page_errors == []
