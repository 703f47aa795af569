"""Issue 20, items 3 and 9, on a phone (480 px) and a split laptop screen (800 px), in
both languages, with the sample team, cash entered and the hiring plan's hires:

- nothing widens the page (no sideways scroll of the whole page);
- no label ends in "…" because its box is too narrow;
- every text of every chart stays inside the chart, and no two texts overlap
  (hiring-plan labels ran together, slanted skill names overlapped, "cash runs out"
  and chart titles were cut at the chart's edge);
- the workspace link and a new share link are shown whole;
- the Mermaid block and the "who covers it" table stay inside their own frame
  (scrolling there if they must), never widening the page.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from planner.i18n import t
from tests.support.browser import AppPage

pytestmark = pytest.mark.browser

CASH = {"en": ("3M", "3,000,000"), "zh": ("1000万", "10,000,000")}
# The attention page runs the model: loaded from the disk cache in seconds, converted
# from its GGUF file on a fresh machine (tens of seconds, more on a busy box).
MODEL_TIMEOUT_MS = 180_000
# (url path, the key whose chart or element shows the page is drawn)
PAGES = (
    ("", "next_hire"),
    ("team", "team_editor"),
    ("model", "model_fit_chart"),
    ("coverage", "hiring_plan"),
    ("budget", "scenario_compare"),
    ("roadmap", "roadmap_chart"),
    ("pipeline", "pipeline_diagram"),
    ("attention", "attn_formula"),
)

# Every chart drawn and every visible table painted: the state the checks read.
DRAWN = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const shown = selector => [...main.querySelectorAll(selector)]
    .filter(e => e.getClientRects().length > 0 && !e.closest('details:not([open])'));
  return !shown('[data-testid="stSkeleton"]').length
    && shown('[data-testid="stPlotlyChart"]').every(c => c.querySelector('.main-svg'))
    && shown('[data-testid="stDataFrame"]').every(f => f.querySelector('canvas'))
    && document.fonts.status === 'loaded';
}"""

# The whole page is as wide as the window; Streamlit's main section too.
WIDENED = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const found = [];
  if (document.documentElement.scrollWidth > window.innerWidth) {
    found.push(`document ${document.documentElement.scrollWidth} > ${window.innerWidth}`);
  }
  if (main.scrollWidth > main.clientWidth + 1) {
    found.push(`main ${main.scrollWidth} > ${main.clientWidth}`);
  }
  return found;
}"""

# A text cut short with "…" by its box (a select's chosen option is left out: the
# open list shows it whole).
ELLIPSIS = """() => [...document.querySelectorAll('[data-testid="stMain"] *')]
  .filter(e => getComputedStyle(e).textOverflow === 'ellipsis'
               && e.scrollWidth > e.clientWidth + 1 && e.innerText.trim()
               && !e.closest('[data-baseweb="select"]'))
  .map(e => e.innerText.trim().slice(0, 60))"""

# Texts of each chart: inside the chart's box, and no two overlapping. Slanted tick
# labels are left out of the overlap check (their boxes overlap where their letters
# do not); upright and level ones are in it.
CHART_TEXTS = """() => {
  const found = [];
  const charts = document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot');
  for (const chart of charts) {
    const key = [...chart.closest('[class*="st-key-"]').classList]
      .find(c => c.startsWith('st-key-'));
    const frame = chart.getBoundingClientRect();
    const boxes = [];
    for (const text of chart.querySelectorAll('.main-svg text')) {
      const r = text.getBoundingClientRect();
      const label = text.textContent.trim();
      if (!label || r.width === 0 || getComputedStyle(text).display === 'none') continue;
      if (r.left < frame.left - 1 || r.right > frame.right + 1
          || r.top < frame.top - 1 || r.bottom > frame.bottom + 1) {
        found.push(`${key}: "${label.slice(0, 40)}" past the chart's edge`);
      }
      const turn = (text.getAttribute('transform') || '').match(/rotate\\((-?[\\d.]+)/);
      const angle = turn ? Math.abs(parseFloat(turn[1])) % 180 : 0;
      if (angle === 0 || angle === 90) boxes.push({label, r});
    }
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i].r, b = boxes[j].r;
        const dx = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const dy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (dx > 2 && dy > 2) {
          const [x, y] = [boxes[i].label.slice(0, 30), boxes[j].label.slice(0, 30)];
          found.push(`${key}: "${x}" over "${y}"`);
        }
      }
    }
  }
  return found;
}"""

# How an element holds content wider than itself: the first scroller inside it.
FRAME = """(root) => {
  const page = window.innerWidth;
  const box = root.getBoundingClientRect();
  const wide = [root, ...root.querySelectorAll('*')]
    .filter(e => e.scrollWidth > e.clientWidth + 1);
  return {
    inside_window: box.left >= 0 && box.right <= page + 1,
    overflows: wide.length > 0,
    scrolls: wide.some(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX)),
  };
}"""

# A link shown whole: its text is the URL and the box that shows it cuts nothing.
CLIPPED = """(code) => [code, ...code.querySelectorAll('*')]
  .filter(e => e.scrollWidth > e.clientWidth + 1).length"""


def enter(app: AppPage, key: str, text: str, shows: str) -> None:
    box = app.key(key).locator("input")
    box.fill(text)
    box.press("Enter")
    expect(box).to_have_value(shows)
    app.wait_idle()


def plan_with_hires(app: AppPage, lang: str) -> str:
    """The sample team, cash entered and the hiring plan's hires; the workspace token."""
    app.key("start_sample").get_by_role("button").click()
    expect(app.key("next_hire")).to_be_visible()
    app.wait_idle()
    ws = re.search(r"[?&]ws=([^&]+)", app.page.url)
    assert ws, app.page.url
    app.open("budget", f"ws={ws[1]}&lang={lang}")
    enter(app, "budget_cash", *CASH[lang])
    expect(app.key("runway_chart").locator(".main-svg").first).to_be_visible()
    app.key("budget_recommend").get_by_role("button").click()
    expect(app.key("budget_timeline")).to_be_visible()
    app.wait_idle()
    for name in ("A", "B"):  # two scenarios: the comparison chart
        app.key("scenario_name").locator("input").fill(name)
        app.key("scenario_save").get_by_role("button").click()
        saved = t("budget_scenario_saved", lang, name=name)
        expect(app.main.get_by_role("status").filter(has_text=saved)).to_be_visible()
        app.wait_idle()
    return ws[1]


def expect_drawn(app: AppPage, ready: str, timeout_ms: float | None = None) -> None:
    element = app.key(ready)
    expect(element.first).to_be_visible(timeout=timeout_ms)
    app.wait_idle(timeout_ms)
    app.page.wait_for_function(DRAWN, timeout=timeout_ms)


def expect_fits(app: AppPage, where: str) -> None:
    for check in (WIDENED, ELLIPSIS, CHART_TEXTS):
        problems = app.problems(check)
        assert problems == [], f"{where}: {problems}"
    app.expect_no_exception()


def expect_shown_whole(app: AppPage, key: str, url: str) -> None:
    code = app.key(key).locator("code")
    expect(code).to_have_text(url)
    assert code.evaluate(CLIPPED) == 0, f"{key} is cut: {url}"
    box = code.bounding_box()
    assert box is not None and box["x"] >= 0
    assert box["x"] + box["width"] <= app.page.viewport_size["width"] + 1


def open_workspace_link(app: AppPage, lang: str) -> None:
    """The sidebar (closed on a phone) and its workspace expander, opened."""
    sidebar = app.page.get_by_test_id("stSidebar")
    box = sidebar.bounding_box()
    if box is None or box["x"] + box["width"] <= 0:
        app.page.get_by_test_id("stExpandSidebarButton").click()
    link = app.key("ws_link").locator("code")
    if not link.is_visible():
        sidebar.get_by_text(t("ws_heading", lang), exact=True).click()
    expect(link).to_be_visible()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [480, 800])
def test_every_page_fits_the_width(open_app, width: int, lang: str) -> None:
    app = open_app("", f"lang={lang}")
    ws = plan_with_hires(app, lang)
    app.page.set_viewport_size({"width": width, "height": 1000})
    query = f"ws={ws}&lang={lang}"
    for path, ready in PAGES:
        app.open(path, query)
        expect_drawn(app, ready, MODEL_TIMEOUT_MS if path == "attention" else None)
        expect_fits(app, path or "overview")
        app.shot(f"{path or 'overview'}-{lang}-{width}")

    # The Mermaid block and the "who covers it" table keep inside their own frame.
    app.open("pipeline", query)
    expect_drawn(app, "pipeline_table")
    mermaid = app.main.get_by_test_id("stCode")
    expect(mermaid).to_contain_text("graph TD")
    frame = mermaid.evaluate(FRAME)
    assert frame["inside_window"], frame
    if width == 480:  # its long lines run past a phone's width: it scrolls, by itself
        assert frame["overflows"] and frame["scrolls"], frame
    table = app.key("pipeline_table").evaluate(FRAME)
    assert table["inside_window"] and (table["scrolls"] or not table["overflows"]), table
    assert app.page.evaluate(WIDENED) == []

    # A new share link and the workspace link, each whole and copyable.
    app.open("share", query)
    app.key("share_create").get_by_role("button").click()
    share = app.key("share_link").locator("code")
    expect(share).to_contain_text("?share=")
    app.wait_idle()
    expect_shown_whole(app, "share_link", share.inner_text().strip())
    open_workspace_link(app, lang)
    expect_shown_whole(app, "ws_link", f"{app.base_url}/?ws={ws}")
    assert app.page.evaluate(WIDENED) == []
    app.shot(f"links-{lang}-{width}")
