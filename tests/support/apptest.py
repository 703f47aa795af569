"""Page tests run what ships: app.py (state, plan store, sidebar, router), then a page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import script_runner
from streamlit.testing.v1 import AppTest, app_test

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 60


def _pages_manager_after_navigation(*args: object, **kwargs: object) -> PagesManager:
    """A server leaves Streamlit's pages-directory mode for good at the first
    st.navigation call; AppTest re-enters it on every run() because pages/ exists,
    which would send every page run through the deep-link guard (and its rerun would
    drop button clicks). Tests see the server's steady state; the guard itself is
    covered by tests/browser/test_browser_deeplink.py on a real server."""
    manager = PagesManager(*args, **kwargs)
    PagesManager.uses_pages_directory = False
    return manager


class PagesDirectoryMode(AssertionError):
    """A script run went through Streamlit's pages-directory mode: the patch below
    no longer takes effect (a Streamlit release builds PagesManager elsewhere)."""


@contextmanager
def server_steady_state() -> Iterator[list[str]]:
    """AppTest runs as a server does after its first st.navigation: `AppTest.run`
    builds its PagesManager through the factory above, and the class flag it sets is
    put back afterwards. Yields the scripts that ran in pages-directory mode (each
    run of Streamlit's `_mpa_v1`); any at all raises PagesDirectoryMode on exit."""
    factory, flag = app_test.PagesManager, PagesManager.uses_pages_directory
    run_as_pages_directory = script_runner._mpa_v1
    seen: list[str] = []

    def _spy(main_script_path: str) -> None:
        seen.append(main_script_path)
        run_as_pages_directory(main_script_path)

    app_test.PagesManager = _pages_manager_after_navigation  # type: ignore[assignment]
    script_runner._mpa_v1 = _spy
    try:
        yield seen
    finally:
        app_test.PagesManager = factory
        script_runner._mpa_v1 = run_as_pages_directory
        PagesManager.uses_pages_directory = flag
    if seen:
        raise PagesDirectoryMode(
            f"{len(seen)} script run(s) went through Streamlit's pages-directory mode: "
            "tests/support/apptest.py's PagesManager patch did not take effect"
        )


def app(*, lang: str | None = "en", timeout: float = TIMEOUT, **attrs: object) -> AppTest:
    """The app, not yet run; attrs set AppTest fields (secrets, context, query_params)."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in attrs.items():
        setattr(at, key, value)
    if lang is not None:
        at.query_params["lang"] = lang
    return at


def open_page(
    name: str, *, lang: str | None = "en", state: dict | None = None, **attrs: object
) -> AppTest:
    """Run the app once (overview), then the page `pages/<name>.py`.

    `state` goes into session state before the first run (e.g. a plan to start from).
    """
    at = app(lang=lang, **attrs)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    if name != "overview":
        at.switch_page(f"pages/{name}.py").run()
    return at


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def chart_spec(at: AppTest, key: str) -> dict:
    """The Plotly figure a chart element carries, as the browser receives it."""
    return json.loads(at.get_by_key(key).proto.spec)
