"""Page tests run what ships: app.py (state, plan store, sidebar, router), then a page."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
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


app_test.PagesManager = _pages_manager_after_navigation  # type: ignore[assignment]


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
