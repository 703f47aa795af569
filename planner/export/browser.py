"""The export browser: one headless Chromium under kaleido, found, started, reused,
closed when idle, and driven by one thread at a time.

Starting the browser costs about two seconds, so one is started on first use and
reused by every later image export (a long-lived `kaleido.Kaleido` on an event loop
of its own thread). That browser is not safe to drive from several threads at once,
and Streamlit serves every session from its own thread: `_LOCK` serialises every
render.

The browser only ever renders a local page (kaleido's index.html with plotly.js
inline), so it is started with Chromium's background services off and with no
host name resolving: exporting makes no outside requests (`CHROMIUM_FLAGS`).

Tests that simulate a missing browser patch `find_browser` here, in this module:
the re-export in `planner.export` is not what the renderer calls.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import functools
import threading
import time

from planner.i18n import t

RENDER_TIMEOUT = 90  # s, one figure
START_TIMEOUT = 60  # s, the browser
# An idle server gives the browser's memory back; the next export starts it again.
IDLE_CLOSE_S = 900
INSTALL_HINT = (
    "PNG, SVG and PDF export need a Chromium browser: "
    "apt-get install chromium fonts-noto-cjk (Debian/Ubuntu), "
    "or run kaleido_get_chrome (any OS)."
)

# Added after choreographer's own switches (which already include
# --disable-component-update, --disable-sync, --no-first-run and
# --metrics-recording-only; they are repeated so that this list alone states the
# policy). Chromium uses the last value of a repeated switch, so ours win.
# Measured with Chromium 156 on Debian, every request logged at a local proxy:
# without these flags the browser contacted update.googleapis.com,
# clients2.google.com (network time), optimizationguide-pa.googleapis.com,
# accounts.google.com and start.duckduckgo.com within 30 s of starting.
CHROMIUM_FLAGS: tuple[str, ...] = (
    # Extension, Safe Browsing, variations and other background fetchers.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # No field-trial (variations) configuration: no experiments that fetch.
    "--disable-field-trial-config",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--no-pings",
    "--metrics-recording-only",
    "--no-first-run",
    "--no-default-browser-check",
    # The startup tab opens the default search engine's page (start.duckduckgo.com
    # on Debian); kaleido opens its own window, so no startup window is needed.
    "--no-startup-window",
    # NetworkTimeServiceQuerying: the clients2.google.com/time requests.
    "--disable-features=OptimizationHints,MediaRouter,Translate,NetworkTimeServiceQuerying",
    # Two services have no switch in Chromium 156: the on-device model manifest
    # check (update.googleapis.com) and the account list (accounts.google.com).
    # No host name resolves, so neither they nor any later service can reach out;
    # kaleido's page is a local file and needs no network.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost",
)

# The switches a Playwright-driven Chromium starts with when it opens the app's own
# pages (the browser tests, scripts/screenshots.py): headless as root, no GPU, and no
# background fetches on a machine whose network is closed.
PAGE_DRIVER_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


class BrowserMissing(RuntimeError):
    """No Chromium for kaleido: images cannot be made (HTML and data still can)."""

    def __init__(self) -> None:
        super().__init__(INSTALL_HINT)

    def message(self, lang: str) -> str:
        return t("export_no_browser", lang)


class ExportError(RuntimeError):
    """Rendering failed (browser crashed or timed out)."""


def find_browser() -> str | None:
    """The Chromium kaleido would use (BROWSER_PATH, PATH, kaleido's download), or None."""
    try:
        from choreographer.browsers.chromium import Chromium
    except ImportError:  # kaleido not installed
        return None
    try:
        return Chromium.find_browser(skip_local=False)
    except Exception:  # a broken local download is the same as none
        return None


def browser_available() -> bool:
    return find_browser() is not None


@functools.cache
def _quiet_chromium() -> type:
    """choreographer's Chromium with CHROMIUM_FLAGS appended to its command line.

    choreographer.Browser takes the browser class as `browser_cls` (kaleido passes
    its keyword arguments through); Chromium itself accepts no extra switches.
    Imported lazily: without kaleido, HTML and data exports still work.
    """
    from choreographer.browsers.chromium import Chromium

    class QuietChromium(Chromium):
        def get_cli(self):
            # Read at start-up, not at import, so a test can add its own switch.
            return [*super().get_cli(), *CHROMIUM_FLAGS]

    return QuietChromium


def _kaleido_options(path: str) -> dict:
    """Keyword arguments of every `kaleido.Kaleido` this module starts."""
    return {
        # The default fetches MathJax from a CDN, which offline machines wait for;
        # our charts use no LaTeX.
        "mathjax": False,
        "path": path,
        "browser_cls": _quiet_chromium(),
        "enable_extensions": False,  # kaleido needs none; extensions update online
    }


class _Renderer:
    """One kaleido browser kept open on an event loop in a daemon thread."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None

    @property
    def running(self) -> bool:
        return self._kaleido is not None

    def start(self) -> None:
        import kaleido

        path = find_browser()
        if path is None:
            raise BrowserMissing()
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="kaleido-renderer", daemon=True)
        thread.start()

        async def _open():
            k = kaleido.Kaleido(n=1, timeout=RENDER_TIMEOUT, **_kaleido_options(path))
            await k.open()
            return k

        try:
            self._kaleido = asyncio.run_coroutine_threadsafe(_open(), loop).result(START_TIMEOUT)
        except Exception as exc:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(5)
            raise ExportError(f"could not start the browser: {exc}") from exc
        self._loop, self._thread = loop, thread

    def render(self, fig: dict, opts: dict) -> bytes:
        assert self._kaleido is not None and self._loop is not None
        future = asyncio.run_coroutine_threadsafe(self._kaleido.calc_fig(fig, opts), self._loop)
        return future.result(RENDER_TIMEOUT + 10)

    def stop(self) -> None:
        if self._kaleido is None or self._loop is None:
            return
        k, loop, thread = self._kaleido, self._loop, self._thread
        self._kaleido = self._loop = self._thread = None
        with contextlib.suppress(Exception):  # a dead browser needs no closing
            asyncio.run_coroutine_threadsafe(k.close(), loop).result(15)
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(5)


_RENDERER = _Renderer()
# The kaleido browser is not thread-safe; Streamlit sessions run in threads.
_LOCK = threading.Lock()
atexit.register(lambda: shutdown())


def shutdown() -> None:
    """Close the shared browser (it starts again on the next export)."""
    with _LOCK:
        _RENDERER.stop()


_last_used = 0.0
_idle_timer: threading.Timer | None = None


def _close_if_idle() -> None:
    with _LOCK:
        if time.monotonic() - _last_used >= IDLE_CLOSE_S - 1:
            _RENDERER.stop()


def _touch() -> None:
    """Called under _LOCK after each render: (re)arm the idle timer."""
    global _last_used, _idle_timer
    _last_used = time.monotonic()
    if _idle_timer is not None:
        _idle_timer.cancel()
    _idle_timer = threading.Timer(IDLE_CLOSE_S, _close_if_idle)
    _idle_timer.daemon = True
    _idle_timer.start()


def _one_shot(fig: dict, opts: dict) -> bytes:
    """A render in a browser started and closed for this one image (the slow way)."""
    import kaleido

    path = find_browser()
    if path is None:
        raise BrowserMissing()
    result: dict = {}

    def run() -> None:
        try:
            result["ok"] = asyncio.run(kaleido.calc_fig(fig, opts, kopts=_kaleido_options(path)))
        except BaseException as exc:
            result["err"] = exc

    worker = threading.Thread(target=run)  # its own event loop, whatever the caller has
    worker.start()
    worker.join()
    if "err" in result:
        raise ExportError(str(result["err"])) from result["err"]
    return result["ok"]


def render(spec: dict, opts: dict, *, reuse: bool = True) -> bytes:
    """Image bytes of a Plotly figure dict, as kaleido renders it with `opts`
    (format, width, height, scale): in the shared browser, or with `reuse=False`
    in a browser started for this image alone."""
    if not reuse:
        return _one_shot(spec, opts)
    with _LOCK:
        if not _RENDERER.running:
            _RENDERER.start()
        try:
            return _RENDERER.render(spec, opts)
        except Exception as exc:
            # A crashed or stuck browser is replaced on the next export.
            _RENDERER.stop()
            raise ExportError(f"rendering failed: {exc}") from exc
        finally:
            _touch()
