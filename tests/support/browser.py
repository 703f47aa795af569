"""Browser tests: the running app in headless Chromium, driven by Playwright.

``app_server`` (module scope) runs ``streamlit run app.py`` on a free loopback port
with a temporary ``PLANNER_DATA_DIR``, waits for ``/_stcore/health`` and stops the
server at the end. A failing test gets the tail of the server's log as a report
section ("streamlit server log") and a screenshot of every page it had open.

``browser`` (session scope) is Debian's Chromium, launched headless by path;
Playwright's own browser download is never used.

``open_app`` is a factory: each call is a new browser context (a new user: its own
cookies, websocket and Streamlit session) that records every JavaScript dialog and
page error, and saves screenshots under ``test-artifacts/<journey>/``.

The fixtures are registered for every test through ``pytest_plugins`` in
tests/conftest.py; a test names them as arguments.

Locators use widget keys (``.st-key-<key>``), roles and visible text; waits are on
conditions (``expect``), never on sleeps.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from planner.export.browser import PAGE_DRIVER_ARGS
from planner.i18n import t

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
STARTUP_TIMEOUT_S = 60
LOG_TAIL_LINES = 150
# How long a wait for a state may take before the test fails. Every wait is for a
# condition (a rerun finished, a chart drawn with the new data), never for a time; the
# bound only has to cover a rerun on 2 cores shared with other CPU-heavy processes
# (20 s was too short there: three journeys timed out in two busy runs).
WAIT_MS = 60_000
expect.set_options(timeout=WAIT_MS)
LANG_LABELS = {"English": "en", "中文": "zh"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class AppServer:
    url: str
    log_path: Path
    process: subprocess.Popen
    data_dir: Path

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            return f"(no server log: {exc})"
        return "\n".join(text.splitlines()[-lines:])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    # The server runs in its own process group (start_new_session): stop all of it.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


class _FailureReporter:
    """A plugin registered while a server runs: failed reports get its log."""

    def __init__(self) -> None:
        self.servers: list[AppServer] = []

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        outcome = yield
        report = outcome.get_result()
        item.stash.setdefault(_REPORTS, {})[report.when] = report
        if report.failed and self.servers and "app_server" in item.fixturenames:
            for server in self.servers:
                report.sections.append((f"streamlit server log ({server.url})", server.log_tail()))


_REPORTS = pytest.StashKey[dict]()
_REPORTER = _FailureReporter()


def _failed(node: pytest.Item) -> bool:
    reports = node.stash.get(_REPORTS, {})
    return any(r.failed for r in reports.values())


@pytest.fixture(scope="module")
def app_server(tmp_path_factory: pytest.TempPathFactory, request) -> Iterator[AppServer]:
    """`streamlit run app.py` on a free port with an empty data folder, per module."""
    yield from serve_app(tmp_path_factory, request)


def serve_app(
    tmp_path_factory: pytest.TempPathFactory, request, *, as_shipped: dict[str, str] | None = None
) -> Iterator[AppServer]:
    """Start the app server, yield it once healthy (no session opened yet), stop it.

    `as_shipped`: started as `make run` starts it (its config file only, no address,
    no offline switches), with these variables added to the environment."""
    data_dir = tmp_path_factory.mktemp("browser-data")
    log_path = data_dir / "server.log"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PLANNER_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}
    env.pop("PLANNER_DATABASE_URL", None)
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    if as_shipped is None:
        env |= {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
        cmd += ["--server.address", "127.0.0.1", "--server.headless", "true"]
        cmd += ["--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]
    else:
        for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "ORT_DISABLE_TELEMETRY"):
            env.pop(name, None)
        env |= as_shipped
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = AppServer(url=url, log_path=log_path, process=process, data_dir=data_dir)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _healthy(url):
            if process.poll() is not None:
                pytest.fail(f"streamlit exited with {process.returncode}:\n{server.log_tail()}")
            if time.monotonic() > deadline:
                pytest.fail(
                    f"streamlit not healthy after {STARTUP_TIMEOUT_S}s:\n{server.log_tail()}"
                )
            # Polling the health endpoint: the condition itself, not a guessed delay.
            time.sleep(0.2)
        if not request.config.pluginmanager.is_registered(_REPORTER):
            request.config.pluginmanager.register(_REPORTER, "browser-server-log")
        _REPORTER.servers.append(server)
        yield server
    finally:
        if server in _REPORTER.servers:
            _REPORTER.servers.remove(server)
        _stop(process)


_SHARED: dict[str, object] = {}


def _close_browser() -> None:
    browser = _SHARED.pop("browser", None)
    playwright = _SHARED.pop("playwright", None)
    with contextlib.suppress(Exception):
        if browser is not None:
            browser.close()  # type: ignore[attr-defined]
    with contextlib.suppress(Exception):
        if playwright is not None:
            playwright.stop()  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def browser(request) -> Browser:
    """Debian's Chromium, headless (never Playwright's downloaded browser).

    Each test module binds this fixture in its own namespace, which makes pytest
    hold one fixture per module; Playwright's sync API allows one instance per
    thread, so all of them share the one started here, closed when pytest ends."""
    if "browser" not in _SHARED:
        path = shutil.which("chromium")
        if path is None:
            pytest.fail(
                "chromium is not installed: run `make system-deps` (apt-get install chromium)"
            )
        playwright = sync_playwright().start()
        _SHARED["playwright"] = playwright
        request.config.add_cleanup(_close_browser)
        _SHARED["browser"] = playwright.chromium.launch(
            executable_path=path, headless=True, args=list(PAGE_DRIVER_ARGS)
        )
    return _SHARED["browser"]  # type: ignore[return-value]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


@dataclass
class AppPage:
    """One user's tab on the running app, with what it recorded."""

    page: Page
    base_url: str
    journey: str
    dialogs: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    # -- locating -----------------------------------------------------------------

    def key(self, key: str) -> Locator:
        """The container Streamlit gives a widget or element with this key."""
        return self.page.locator(f".st-key-{key}")

    @property
    def main(self) -> Locator:
        return self.page.get_by_test_id("stMain")

    @property
    def exceptions(self) -> Locator:
        return self.page.locator('[data-testid="stException"]')

    def chart_title(self, key: str) -> Locator:
        return self.key(key).locator(".main-svg .gtitle")

    def expect_chart_title(self, key: str, text: str, *, contains: bool = False) -> None:
        """Wait until the keyed chart shows exactly one title, and it reads ``text``.

        A chart whose data changes is drawn anew; for a moment the old drawing and
        the new one are both in the page. A single-text assertion then fails at
        once on Playwright's strict mode, so compare the list of titles, which
        retries on count and text together."""
        wanted = re.compile(re.escape(text)) if contains else text
        expect(self.chart_title(key)).to_have_text([wanted])

    def grid_cells(self, key: str, text: str | None = None) -> Locator:
        """Cells of a data editor/frame, from the grid's accessible table.

        Glide data grid paints on a canvas; its cells also exist as
        ``td[role=gridcell]`` (hidden from Playwright's role engine, so CSS)."""
        cells = self.key(key).locator('table[role="grid"] td[role="gridcell"]')
        if text is None:
            return cells
        return cells.filter(has_text=re.compile(rf"^{re.escape(text)}$"))

    def grid_column(self, key: str, header: str) -> str:
        """The aria-colindex of a (currently scrolled-in) column, by its header text."""
        th = self.key(key).locator('table[role="grid"] th[role="columnheader"]')
        th = th.filter(has_text=re.compile(rf"^{re.escape(header)}$"))
        expect(th).to_have_count(1)
        return th.get_attribute("aria-colindex") or ""

    def select_cell(self, cell: Locator) -> None:
        """Make a grid cell the selected one by focusing its accessible twin.

        The grid rebuilds its accessible table after a rerun, which can swallow
        a focus: retry until the grid reports the cell selected. While a rerun
        replaces the grid, the cell can match in both: wait until it is one."""
        expect(cell).to_have_count(1)
        for _ in range(20):
            cell.focus()
            try:
                expect(cell).to_have_attribute("aria-selected", "true", timeout=1_000)
                return
            except AssertionError:
                continue
        expect(cell).to_have_attribute("aria-selected", "true")

    def type_in_cell(self, value: str) -> None:
        """Open the selected cell's editor (Enter), replace its text, commit (Enter)."""
        self.page.keyboard.press("Enter")
        editor = self.page.locator(".gdg-input, [data-testid='data-grid-overlay-editor'] input")
        expect(editor.first).to_be_focused()
        editor.first.fill(value)
        self.page.keyboard.press("Enter")

    def add_grid_row(self, key: str, name: str) -> None:
        """Add a row with the grid's own "Add row" control and type its first cell."""
        rows = self.key(key).locator('table[role="grid"] tbody tr')
        # The accessible table is built with its header: count rows once it is there.
        expect(self.key(key).locator('table[role="grid"] th').first).to_be_attached()
        before = rows.count()
        self.key(key).hover()  # the element toolbar shows on hover
        self.key(key).get_by_role("button", name="Add row").click()
        expect(rows).to_have_count(before + 1)
        self.wait_idle()
        name_col = self.grid_column(key, "Name")
        empty = self.key(key).locator(f'td[role="gridcell"][aria-colindex="{name_col}"]')
        empty = empty.filter(has_not_text=re.compile(r"\S"))
        expect(empty).to_have_count(1)
        self.select_cell(empty)
        self.type_in_cell(name)
        expect(self.grid_cells(key, name)).to_have_count(1)

    def edit_grid_cell(self, key: str, row_name: str, steps_right: int, header: str, value: str):
        """Set the cell `steps_right` columns right of the row's Name cell.

        Columns off screen are not in the accessible table, so the cell is reached
        with the keyboard (the grid scrolls it in); `header` checks the landing."""
        self.select_cell(self.grid_cells(key, row_name))
        for _ in range(steps_right):
            self.page.keyboard.press("ArrowRight")
        target_col = self.grid_column(key, header)
        selected = self.key(key).locator('td[role="gridcell"][aria-selected="true"]')
        expect(selected).to_have_attribute("aria-colindex", target_col)
        # Enter moves the selection down after the edit: follow the cell by its id.
        cell = self.key(key).locator(f"td#{selected.get_attribute('id')}")
        self.type_in_cell(value)
        expect(cell).to_have_text(value)

    def metric(self, label: str) -> Locator:
        """The value of the st.metric whose label is exactly `label`."""
        box = self.main.get_by_test_id("stMetric").filter(
            has=self.page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
        )
        return box.get_by_test_id("stMetricValue")

    # -- moving around ------------------------------------------------------------

    def open(self, path: str = "", query: str = "") -> None:
        """Load a URL: a new page load is a new Streamlit session."""
        url = f"{self.base_url}/{path.lstrip('/')}" + (f"?{query}" if query else "")
        self.page.goto(url)
        self.wait_idle()

    def wait_idle(self, timeout_ms: float | None = None) -> None:
        """The script run the page is showing has finished (connected, not running)."""
        app = self.page.get_by_test_id("stApp")
        expect(app).to_have_attribute("data-test-connection-state", "CONNECTED")
        expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=timeout_ms)

    def nav(self, path: str, ready: Locator, timeout_ms: float | None = None) -> None:
        """Follow the sidebar link to a page (same session) until `ready` shows.

        `timeout_ms` for a page whose first run is long (the model's first load)."""
        href = f"{self.base_url}/{path.strip('/')}"
        self.page.locator(f'[data-testid="stSidebarNav"] a[href="{href}"]').click()
        expect(self.page).to_have_url(re.compile(re.escape(href) + r"(\?.*)?$"))
        expect(ready).to_be_visible(timeout=timeout_ms)
        self.wait_idle(timeout_ms)

    def choose(self, key: str, option: str) -> None:
        """Pick an option of the selectbox `key`. A click that lands while the page
        still lays out can miss the opener: retry until the list is open."""
        box = self.key(key).get_by_role("combobox")
        for _ in range(10):
            box.scroll_into_view_if_needed()
            box.click()
            try:
                expect(box).to_have_attribute("aria-expanded", "true", timeout=2_000)
                break
            except AssertionError:
                continue
        self.page.get_by_role("option", name=option, exact=True).click()
        expect(box).to_have_value(option)
        self.wait_idle()

    def switch_lang(self, label: str) -> None:
        """Click "English" or "中文" in the sidebar's language control and wait for the
        rerun in that language: the sidebar's page links are in it, the run is over."""
        lang = LANG_LABELS[label]
        self.key("lang").get_by_role("radio", name=label, exact=True).click()
        nav = self.page.get_by_test_id("stSidebarNav")
        expect(nav.get_by_role("link", name=t("nav_overview", lang), exact=True)).to_be_visible()
        self.wait_idle()

    # -- checking -----------------------------------------------------------------

    def expect_no_exception(self) -> None:
        expect(self.exceptions).to_have_count(0)

    def problems(self, check: str, timeout_ms: float = 15_000) -> list:
        """What the layout check `check` (JS: () => a list of problems) finds once the
        page has settled: a chart resizing or a sidebar closing can still be moving
        when a run ends. Waits for the list to be empty; if it stays not, returns it."""
        with contextlib.suppress(PlaywrightTimeout):
            self.page.wait_for_function(f"() => ({check})().length === 0", timeout=timeout_ms)
        return self.page.evaluate(check)

    def artifact(self, filename: str) -> Path:
        """A path for a file this journey keeps (a download), beside its screenshots."""
        path = ARTIFACTS / self.journey / filename
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def shot(self, name: str, settle: bool = True) -> Path:
        """A full-page screenshot under test-artifacts/<journey>/<name>.png.

        `settle=False` takes it while a script still runs (a stream coming in)."""
        path = self.artifact(f"{_slug(name)}.png")
        # Streamlit scrolls inside its main section, not the document, so a
        # full-page shot would stop at the viewport: grow the viewport instead.
        size = self.page.viewport_size or {"width": 1400, "height": 1000}
        height = self.page.evaluate(
            """() => Math.max(...[...document.querySelectorAll(
                '[data-testid="stMain"], [data-testid="stSidebarContent"]')]
                .map(e => e.scrollHeight), document.documentElement.clientHeight)"""
        )
        self.page.set_viewport_size({"width": size["width"], "height": min(int(height), 8000)})
        try:
            if settle:
                self.wait_idle()
            self.page.screenshot(path=str(path), full_page=True, animations="disabled")
        finally:
            self.page.set_viewport_size(size)
        return path


@pytest.fixture
def open_app(browser: Browser, app_server: AppServer, request) -> Iterator[Callable[..., AppPage]]:
    """Factory: ``open_app(path="", query="", locale="en-US")`` -> a fresh user's tab."""
    journey = _slug(request.node.name.removeprefix("test_"))
    # The folder shows this run only (no FAILED shot left over from an older run).
    shutil.rmtree(ARTIFACTS / journey, ignore_errors=True)
    opened: list[AppPage] = []

    def _open(path: str = "", query: str = "", *, locale: str = "en-US", **ctx) -> AppPage:
        context = browser.new_context(
            viewport={"width": 1400, "height": 1000},
            locale=locale,
            accept_downloads=True,
            **ctx,
        )
        context.set_default_timeout(WAIT_MS)
        page = context.new_page()
        app = AppPage(page=page, base_url=app_server.url, journey=journey)
        page.on("dialog", lambda d: (app.dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))
        page.on("pageerror", lambda err: app.page_errors.append(str(err)))
        opened.append(app)
        app.open(path, query)
        return app

    yield _open
    failed = _failed(request.node)
    for i, app in enumerate(opened):
        if failed:
            with contextlib.suppress(Exception):
                app.shot(f"FAILED-user{i}")
        with contextlib.suppress(Exception):
            app.page.context.close()
