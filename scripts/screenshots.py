"""Full-page screenshots of every page, at several widths and in each language.

For looking at the app as founders see it before calling a layout done: text cut
at a chart's edge, labels running together, a table or link that widens the page.
Against a running app (``make run``, or any ``streamlit run app.py``):

    .venv/bin/python scripts/screenshots.py --url http://127.0.0.1:8501 --out shots

Per language it opens the first visit, loads the sample team (the overview's
button), keeps the "product" business model, enters cash on the budget page and
applies "Recommend hires"; then at each width it visits every page of the
navigation, makes a share link (the share page shows it), opens the sidebar's
workspace link, and opens the share link in a browser of its own; each picture is
``<page>-<lang>-<width>.png``.
Each shot waits for the script run to finish and every chart and table to be
drawn, never for a fixed time. A page that widens the document (anything that
scrolls the whole page sideways) is listed at the end.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the planner's labels, run from anywhere

from planner.catalog import load_catalog  # noqa: E402
from planner.export.browser import PAGE_DRIVER_ARGS  # noqa: E402
from planner.i18n import t  # noqa: E402

# Bound of one wait for a state on 2 busy cores (a rerun, a chart drawn).
WAIT_MS = 90_000
# The model pages may still load the model in the background: shoot what shows by then.
MODEL_WAIT_MS = 20_000
MAX_SHOT_HEIGHT = 12_000
# Cash that runs out within the chart's 36 months, so its "cash runs out" marks show.
CASH = {"en": "3000000", "zh": "10000000"}
SCENARIOS = {"en": ("Today's team", "With the hiring plan"), "zh": ("现有团队", "按招聘计划")}
PAGES = ["", "team", "model", "coverage", "budget", "roadmap", "pipeline"]
MODEL_PAGES = ["generate", "attention"]

# Every chart drawn, every table painted, no skeleton left, fonts in. Only what
# shows counts: a closed expander never paints the table inside it.
DRAWN = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main) return false;
  const shown = selector => [...main.querySelectorAll(selector)]
    .filter(e => e.getClientRects().length > 0 && !e.closest('details:not([open])'));
  if (shown('[data-testid="stSkeleton"]').length) return false;
  if (shown('[data-testid="stPlotlyChart"]').some(c => !c.querySelector('.main-svg'))) {
    return false;
  }
  if (shown('[data-testid="stDataFrame"]').some(f => !f.querySelector('canvas'))) return false;
  return document.fonts.status === 'loaded';
}"""
# Anything wider than the window scrolls the whole page sideways.
WIDENED = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  return {
    document: document.documentElement.scrollWidth - window.innerWidth,
    main: main ? main.scrollWidth - main.clientWidth : 0,
  };
}"""
# The expander around an element has finished opening: open, and its height the same
# in three polls in a row (a poll every 100 ms, longer than a frame of its animation).
SETTLED = """(selector) => {
  const box = document.querySelector(selector).closest('details');
  if (!box || !box.open) return false;
  const height = box.getBoundingClientRect().height;
  window.__stable = window.__lastHeight === height ? (window.__stable || 0) + 1 : 0;
  window.__lastHeight = height;
  return window.__stable >= 3;
}"""
# Streamlit scrolls inside its main section, so a full-page shot would stop at the
# viewport: the viewport grows to the content instead (the sidebar's only when it is
# open: collapsed on a phone, it still lays out off screen, very tall and narrow).
CONTENT_HEIGHT = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  const content = document.querySelector('[data-testid="stSidebarContent"]');
  const open = sidebar && content && sidebar.getBoundingClientRect().right > 0;
  return Math.max(main ? main.scrollHeight : 0, open ? content.scrollHeight : 0,
                  document.documentElement.clientHeight);
}"""


@dataclass
class Shot:
    name: str
    path: Path
    widened: dict[str, int]
    errors: list[str]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8501", help="the running app")
    parser.add_argument("--out", type=Path, default=ROOT / "shots", help="folder for the PNGs")
    parser.add_argument(
        "--widths", default="480,800,1400", help="viewport widths in px, comma-separated"
    )
    parser.add_argument("--langs", default="en,zh", help="languages, comma-separated")
    parser.add_argument(
        "--pages",
        default="",
        help="only these (comma-separated): overview, team, …, sidebar, first-visit, share-view",
    )
    args = parser.parse_args(argv)
    args.url = args.url.rstrip("/")
    args.widths = [int(w) for w in args.widths.split(",") if w.strip()]
    args.langs = [lang.strip() for lang in args.langs.split(",") if lang.strip()]
    args.pages = {p.strip() for p in args.pages.split(",") if p.strip()}
    return args


def wait_idle(page: Page, timeout_ms: float = WAIT_MS) -> None:
    """The script run the page shows has finished."""
    app = page.get_by_test_id("stApp")
    expect(app).to_have_attribute("data-test-connection-state", "CONNECTED", timeout=WAIT_MS)
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=timeout_ms)


def wait_drawn(page: Page, timeout_ms: float = WAIT_MS) -> None:
    """The run is over and everything it sent is painted."""
    wait_idle(page, timeout_ms)
    page.wait_for_function(DRAWN, timeout=timeout_ms)


def shoot(page: Page, path: Path, timeout_ms: float = WAIT_MS) -> Shot:
    """A full-page screenshot at the current width, with how far the page widened and
    the error boxes it shows (a page that raised is a finding, not a picture)."""
    try:
        wait_drawn(page, timeout_ms)
    except AssertionError as exc:  # a model page still loading: its state is the picture
        print(f"  (still busy after {timeout_ms / 1000:.0f} s: {str(exc).splitlines()[0]})")
    widened = page.evaluate(WIDENED)
    errors = page.get_by_test_id("stException").all_inner_texts()
    size = page.viewport_size or {"width": 1400, "height": 1000}
    height = min(int(page.evaluate(CONTENT_HEIGHT)), MAX_SHOT_HEIGHT)
    page.set_viewport_size({"width": size["width"], "height": height})
    try:
        page.wait_for_function(DRAWN, timeout=WAIT_MS)  # charts redraw at the new size
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True, animations="disabled")
    finally:
        page.set_viewport_size(size)
    return Shot(path.stem, path, widened, [e.splitlines()[0] for e in errors if e.strip()])


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    wait_idle(page)


def load_sample(page: Page, base: str, lang: str) -> str:
    """The overview's sample button; returns the workspace token from the address."""
    open_page(page, f"{base}/?lang={lang}")
    page.locator(".st-key-start_sample button").click()
    expect(page.locator(".st-key-next_hire")).to_be_visible(timeout=WAIT_MS)
    wait_idle(page)
    found = re.search(r"[?&]ws=([^&]+)", page.url)
    if not found:
        sys.exit(f"no workspace in the address after loading the sample: {page.url}")
    return found[1]


def keep_product_model(page: Page, base: str, query: str, lang: str) -> None:
    """The plan's business model is "product" (the default; chosen if it is not)."""
    open_page(page, f"{base}/model?{query}")
    label = load_catalog().business_models["product"].label(lang)
    radio = page.locator(".st-key-business_model").get_by_role(
        "radio", name=re.compile("^" + re.escape(label) + " — ")
    )
    if not radio.is_checked():
        radio.locator("xpath=..").click()
        expect(radio).to_be_checked(timeout=WAIT_MS)
        wait_idle(page)


def fill_budget(page: Page, base: str, query: str, lang: str) -> None:
    """Cash, so that the runway chart shows; then the hiring plan's hires; a
    scenario before and after them, so that the comparison chart shows too."""
    open_page(page, f"{base}/budget?{query}")
    box = page.locator(".st-key-budget_cash input")
    box.fill(CASH[lang])
    box.press("Enter")
    expect(page.locator(".st-key-runway_chart .main-svg").first).to_be_visible(timeout=WAIT_MS)
    wait_idle(page)
    save_scenario(page, SCENARIOS[lang][0])
    page.locator(".st-key-budget_recommend button").click()
    expect(page.locator(".st-key-budget_timeline")).to_be_visible(timeout=WAIT_MS)
    wait_idle(page)
    save_scenario(page, SCENARIOS[lang][1])
    expect(page.locator(".st-key-scenario_compare .main-svg").first).to_be_visible(timeout=WAIT_MS)


def save_scenario(page: Page, name: str) -> None:
    """A named scenario: two of them fill the comparison chart."""
    page.locator(".st-key-scenario_name input").fill(name)
    page.locator(".st-key-scenario_save button").click()
    saved = page.get_by_test_id("stMain").get_by_role("status").filter(has_text=name)
    expect(saved).to_be_visible(timeout=WAIT_MS)
    wait_idle(page)


def share_link(page: Page, base: str, query: str) -> str:
    """The share page with a new link on it (shown once, right after it is made)."""
    open_page(page, f"{base}/share?{query}")
    page.locator(".st-key-share_create button").click()
    code = page.locator(".st-key-share_link code")
    expect(code).to_contain_text("?share=", timeout=WAIT_MS)
    wait_idle(page)
    return code.inner_text().strip()


def open_workspace_link(page: Page, lang: str) -> None:
    """The sidebar open (a phone starts with it closed) and the workspace link shown."""
    sidebar = page.get_by_test_id("stSidebar")
    box = sidebar.bounding_box()
    if box is None or box["x"] + box["width"] <= 0:
        page.get_by_test_id("stExpandSidebarButton").click()
    heading = t("ws_heading", lang)
    link = page.locator(".st-key-ws_link code")
    if not link.is_visible():
        sidebar.get_by_text(heading, exact=True).click()
    expect(link).to_be_visible(timeout=WAIT_MS)
    page.wait_for_function(SETTLED, arg=".st-key-ws_link", polling=100, timeout=WAIT_MS)


def new_context(browser: Browser, lang: str) -> BrowserContext:
    locale = "zh-CN" if lang == "zh" else "en-US"
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale=locale)
    context.set_default_timeout(WAIT_MS)
    return context


def wanted(name: str, only: set[str]) -> bool:
    return not only or name in only


def shoot_lang(browser: Browser, args: argparse.Namespace, lang: str) -> list[Shot]:
    shots: list[Shot] = []
    base = args.url

    def take(page: Page, name: str, width: int, timeout_ms: float = WAIT_MS) -> None:
        page.set_viewport_size({"width": width, "height": 1000})
        path = args.out / f"{name}-{lang}-{width}.png"
        print(f"{path.name}")
        shots.append(shoot(page, path, timeout_ms))

    context = new_context(browser, lang)
    try:
        page = context.new_page()
        if wanted("first-visit", args.pages):
            open_page(page, f"{base}/?lang={lang}")
            expect(page.locator(".st-key-start_sample")).to_be_visible(timeout=WAIT_MS)
            for width in args.widths:
                take(page, "first-visit", width)
        ws = load_sample(page, base, lang)
        query = f"ws={ws}&lang={lang}"
        keep_product_model(page, base, query, lang)
        fill_budget(page, base, query, lang)
        share = ""
        for width in args.widths:
            page.set_viewport_size({"width": width, "height": 1000})
            for path in PAGES + MODEL_PAGES:
                name = path or "overview"
                if not wanted(name, args.pages):
                    continue
                open_page(page, f"{base}/{path}?{query}")
                timeout = MODEL_WAIT_MS if path in MODEL_PAGES else WAIT_MS
                take(page, name, width, timeout)
            # Both links in view: a new share link on the page, the workspace's in the sidebar.
            share = share_link(page, base, query)
            if wanted("share", args.pages):
                take(page, "share", width)
            if wanted("sidebar", args.pages):
                open_workspace_link(page, lang)
                take(page, "sidebar", width)
    finally:
        context.close()
    if wanted("share-view", args.pages):
        shots += shoot_share_view(browser, args, lang, share)
    return shots


def shoot_share_view(browser: Browser, args: argparse.Namespace, lang: str, link: str):
    """The share link in a browser of its own (no workspace): overview and coverage."""
    shots: list[Shot] = []
    context = new_context(browser, lang)
    try:
        page = context.new_page()
        for width in args.widths:
            page.set_viewport_size({"width": width, "height": 1000})
            for path in ("", "coverage"):
                target = link.replace("/?", f"/{path}?", 1) + f"&lang={lang}"
                open_page(page, target)
                name = f"share-view-{path or 'overview'}"
                file = args.out / f"{name}-{lang}-{width}.png"
                print(file.name)
                shots.append(shoot(page, file))
    finally:
        context.close()
    return shots


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("chromium is not installed: run `make system-deps`")
    shots: list[Shot] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=list(PAGE_DRIVER_ARGS)
        )
        try:
            for lang in args.langs:
                shots += shoot_lang(browser, args, lang)
        finally:
            browser.close()
    wide = [s for s in shots if s.widened["document"] > 0 or s.widened["main"] > 0]
    print(f"{len(shots)} screenshots in {args.out}")
    for s in wide:
        print(f"widens the page: {s.path.name} {s.widened}")
    for s in shots:
        for error in s.errors:
            print(f"error shown: {s.path.name}: {error}")


if __name__ == "__main__":
    main()
