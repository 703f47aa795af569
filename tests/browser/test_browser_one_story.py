"""Issue 20 in a real browser: the first visit after a server start, Streamlit's
uploader texts in Chinese, and text that fits at 480, 800 and 1400 px."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from planner.files import MAX_UPLOAD_BYTES
from planner.i18n import t
from tests.support.browser import AppServer, serve_app

pytestmark = pytest.mark.browser

PAGE_FILES = {p.stem for p in (Path(__file__).resolve().parents[2] / "pages").glob("*.py")}
# Every sidebar link text the page ever shows, recorded from before the first byte.
RECORD_NAV = """
window.__navSeen = [];
new MutationObserver(() => {
  for (const a of document.querySelectorAll('[data-testid="stSidebarNav"] a')) {
    const lines = a.innerText.split('\\n').map(s => s.trim()).filter(Boolean);
    const title = lines[lines.length - 1];
    if (title && !window.__navSeen.includes(title)) window.__navSeen.push(title);
  }
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


@pytest.fixture
def fresh_server(tmp_path_factory: pytest.TempPathFactory, request) -> Iterator[AppServer]:
    """A server of its own: its first request is the first the process sees."""
    yield from serve_app(tmp_path_factory, request)


@pytest.mark.parametrize(
    ("path", "lang", "title"), [("", "en", "Coverage"), ("team", "zh", "覆盖度")]
)
def test_the_first_visit_after_a_server_start_never_shows_file_names(
    browser: Browser, fresh_server: AppServer, path: str, lang: str, title: str
) -> None:
    """Issue 20: the sidebar listed "app, attention, budget, …" for seconds while
    the first run imported the app (Streamlit's pages-directory mode)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        context.add_init_script(RECORD_NAV)
        page = context.new_page()
        page.goto(f"{fresh_server.url}/{path}?lang={lang}")
        nav = page.get_by_test_id("stSidebarNav")
        expect(nav.get_by_role("link", name=title, exact=True)).to_be_visible(timeout=60_000)
        seen = page.evaluate("window.__navSeen")
        assert title in seen
        assert not PAGE_FILES & set(seen), seen
        assert "app" not in seen
    finally:
        context.close()


UPLOADER_TEXTS = """() => [...document.querySelectorAll('[data-testid="stFileUploaderDropzone"]')]
  .map(zone => [
    getComputedStyle(zone.querySelector('button p'), '::after').content,
    getComputedStyle(
      zone.querySelector('[data-testid="stFileUploaderDropzoneInstructions"] span'), '::after'
    ).content,
  ])"""


def test_every_uploader_reads_chinese(open_app) -> None:
    """Issue 20: the uploaders read "u4e0au4f20" instead of 上传 (JSON escapes in CSS)."""
    app = open_app("team", "lang=zh")
    expect(app.key("team_upload")).to_be_visible()
    zones = app.page.locator('[data-testid="stFileUploaderDropzone"]')
    expect(zones.first).to_be_visible()
    # The style sheet is an element of the run like any other: wait until it applies.
    app.page.wait_for_function(
        f"() => ({UPLOADER_TEXTS})().every(([b, l]) => b !== 'none' && l !== 'none')"
    )
    texts = app.page.evaluate(UPLOADER_TEXTS)
    assert texts  # the team upload (and the sidebar plan import once drawn)
    limit = t("st_upload_limit", "zh", limit_mb=MAX_UPLOAD_BYTES // 2**20)
    for button, line in texts:
        assert button == f'"{t("st_upload_button", "zh")}"'
        assert line == f'"{limit}"'
    app.shot("uploaders-zh")


# Anything cut (its text wider than its box) or reaching past the right edge.
OVERFLOWS = """() => {
  const width = document.documentElement.clientWidth;
  const found = [];
  const boxes = document.querySelectorAll(
    '[data-testid="stMain"] button, [data-testid="stMetricValue"], [data-testid="stMetricLabel"],'
    + ' [data-testid="stMain"] h1, [data-testid="stMain"] h2, [data-testid="stMain"] h3,'
    + ' [data-testid="stMain"] [data-testid="stPageLink"] p');
  for (const el of boxes) {
    const box = el.getBoundingClientRect();
    if (box.width === 0) continue;
    if (el.scrollWidth > el.clientWidth + 1) found.push('cut: ' + el.innerText.slice(0, 50));
    if (box.right > width + 1) found.push('past the edge: ' + el.innerText.slice(0, 50));
  }
  return found;
}"""
# The pipeline's box labels: each text line inside its box.
PIPELINE_SPILL = """() => {
  const chart = document.querySelector('.st-key-pipeline_diagram');
  const boxes = [...chart.querySelectorAll('.shapelayer path')].map(p => p.getBoundingClientRect());
  const spills = [];
  for (const note of chart.querySelectorAll('.annotation-text-g text')) {
    const r = note.getBoundingClientRect();
    if (!r.width) continue;
    const home = boxes.find(b => r.top >= b.top - 2 && r.bottom <= b.bottom + 2
                                 && r.left < b.right && r.right > b.left);
    if (home && (r.left < home.left - 1 || r.right > home.right + 1)) {
      spills.push(note.textContent.slice(0, 40));
    }
  }
  return spills;
}"""


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [480, 800, 1400])
def test_text_fits_at_every_width(open_app, width: int, lang: str) -> None:
    """Issue 20: "Load the sam…" cut at 800 px, pipeline text past its boxes."""
    app = open_app("", f"lang={lang}")
    app.page.set_viewport_size({"width": width, "height": 1000})
    expect(app.key("start_sample")).to_be_visible()
    app.wait_idle()
    assert app.problems(OVERFLOWS) == []
    app.key("start_sample").get_by_role("button").click()
    expect(app.key("next_hire")).to_be_visible()
    app.wait_idle()
    assert app.problems(OVERFLOWS) == []
    app.shot(f"overview-{lang}-{width}")
    ws = re.search(r"ws=([^&]+)", app.page.url)
    assert ws, app.page.url
    for name, ready in (("pipeline", "pipeline_diagram"), ("coverage", "hiring_plan")):
        app.open(name, f"ws={ws[1]}&lang={lang}")
        expect(app.key(ready).locator(".main-svg").first).to_be_visible()
        app.wait_idle()
        assert app.problems(OVERFLOWS) == [], name
        if name == "pipeline":
            assert app.problems(PIPELINE_SPILL) == []
        app.shot(f"{name}-{lang}-{width}")
