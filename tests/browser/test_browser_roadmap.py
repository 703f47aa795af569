"""Journey: the roadmap, in both languages. Load the sample team, open the roadmap,
switch the planner to training only and see the chart change, move an action to
another month (the plan keeps it as the founder's), and export the chart as PNG."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from planner.catalog import Catalog
from planner.domain import Plan, Roadmap, Team
from planner.i18n import t
from planner.roadmap.section import roadmap_section
from tests.support.browser import AppPage

pytestmark = pytest.mark.browser

EXPORT_TIMEOUT_MS = 90_000
PLANNER_TIMEOUT_MS = 120_000  # the first run plans all three modes


def load_sample(app: AppPage) -> None:
    app.nav("team", app.key("team_sample"))
    app.key("team_sample").get_by_role("button").click()
    expect(app.grid_cells("team_editor", "Gus Okafor")).to_have_count(1)
    app.wait_idle()


def expected(team: Team, catalog: Catalog, lang: str, **roadmap) -> tuple[str, list[dict]]:
    """The chart title and action rows the server should show for this roadmap."""
    plan = Plan(team=team, business_model="product", roadmap=Roadmap(**roadmap))
    section = roadmap_section(plan, catalog, catalog.business_models["product"], lang)
    return section.figure.layout.title.text, section.actions


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_roadmap(open_app, sample_team: Team, catalog: Catalog, lang: str) -> None:
    app = open_app(query=f"lang={lang}")
    load_sample(app)
    app.nav("roadmap", app.key("roadmap_chart"), timeout_ms=PLANNER_TIMEOUT_MS)
    expect(app.main.get_by_role("heading", name=t("roadmap_title", lang))).to_be_visible()
    app.expect_no_exception()
    mixed_title, _ = expected(sample_team, catalog, lang)
    app.expect_chart_title("roadmap_chart", mixed_title)
    app.shot(f"01-mixed-{lang}")

    # Training only: another plan, another chart.
    train = t("roadmap_mode_train", lang)
    app.key("roadmap_mode").get_by_role("radio", name=train, exact=True).click()
    app.wait_idle()
    train_title, rows = expected(sample_team, catalog, lang, mode="train")
    assert train_title != mixed_title
    app.expect_chart_title("roadmap_chart", train_title)
    app.shot(f"02-train-{lang}")

    # Move an action: the first row whose name is unique goes to month 9.
    who = t("roadmap_col_who", lang)
    names = Counter(str(r[who]) for r in rows)
    row = next(r for r in rows if names[str(r[who])] == 1)
    app.edit_grid_cell("roadmap_actions", str(row[who]), 2, t("roadmap_col_month", lang), "9")
    app.wait_idle()
    expect(app.main.get_by_text(t("roadmap_chosen", lang))).to_be_visible()
    mine = t("roadmap_yours", lang)
    # The new chart replaces the old one: wait until only the founder's is left.
    app.expect_chart_title("roadmap_chart", mine, contains=True)
    expect(app.grid_cells("roadmap_actions", "9")).not_to_have_count(0)
    app.expect_no_exception()
    app.shot(f"03-moved-{lang}")

    # Export the chart as PNG.
    button = app.key("roadmap_chart_download").get_by_role("button")
    with app.page.expect_download(timeout=EXPORT_TIMEOUT_MS) as info:
        button.click()
    png = info.value
    assert png.failure() is None, png.failure()
    assert png.suggested_filename.endswith(".png"), png.suggested_filename
    image = Image.open(io.BytesIO(Path(png.path()).read_bytes()))
    image.load()
    assert image.format == "PNG" and image.width >= 400 and image.height >= 300
    colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
    assert colours is None or len(colours) > 16, "the PNG is (nearly) one colour: blank"
    image.save(app.artifact(f"roadmap-{lang}.png"))
