"""No outside request at run time (issue 23, item 3): the server started as `make
run` starts it, every proxy variable pointing at a proxy that refuses and records;
a server start, a generation, an attention view and a chart export, with the
browser's own requests recorded too. Before the fix: Streamlit asked
checkip.amazonaws.com at every headless start, and ONNX Runtime sent telemetry.

What the proxy cannot see: a library that ignores the proxy variables. The
machine has no route out, so such a request fails unseen; the variables are what
the libraries in question (requests, huggingface_hub, libcurl) honour.
"""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.test_browser_export import EXPORT_TIMEOUT_MS, download
from tests.browser.test_browser_generate import LOAD_TIMEOUT_MS, RUN_TIMEOUT_MS, run_prompt
from tests.support.browser import AppServer, serve_app

pytestmark = [pytest.mark.browser, pytest.mark.model]
ATTENTION_TIMEOUT_MS = 240_000


class RefusingProxy(socketserver.ThreadingTCPServer):
    """Answers every request (CONNECT or plain) 403 and keeps its first line."""

    daemon_threads = True

    def __init__(self) -> None:
        self.requests: list[str] = []
        super().__init__(("127.0.0.1", 0), _Refuse)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Refuse(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        line = self.rfile.readline(8192).decode("latin-1").strip()
        if line:
            self.server.requests.append(line)  # type: ignore[attr-defined]
        self.wfile.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")


@pytest.fixture(scope="module")
def proxy() -> Iterator[RefusingProxy]:
    server = RefusingProxy()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def app_server(tmp_path_factory, request, proxy: RefusingProxy) -> Iterator[AppServer]:
    """This module's server: as shipped, every outside request sent to the proxy."""
    names = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")
    env = {name: proxy.url for name in names} | {n.lower(): proxy.url for n in names}
    env |= {"NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
    yield from serve_app(tmp_path_factory, request, as_shipped=env)


def test_start_generation_attention_and_export_make_no_outside_request(
    open_app, proxy: RefusingProxy, app_server: AppServer
) -> None:
    assert proxy.requests == [], "the server's start asked outside"
    app = open_app()
    outside: list[str] = []
    app.page.on(
        "request",
        lambda r: (
            None if r.url.startswith((app_server.url, "data:", "blob:")) else outside.append(r.url)
        ),
    )

    app.nav("generate", app.key("gen_run"), timeout_ms=LOAD_TIMEOUT_MS)
    expect(app.key("gen_run").get_by_role("button")).to_be_enabled(timeout=LOAD_TIMEOUT_MS)
    run_prompt(app, "Name one skill an AI startup needs.")
    expect(app.key("gen_metrics")).to_be_visible(timeout=RUN_TIMEOUT_MS)
    app.wait_idle()
    app.shot("01-generated")
    assert proxy.requests == [], "a generation asked outside"

    app.nav("attention", app.key("attn_heatmap"), timeout_ms=ATTENTION_TIMEOUT_MS)
    expect(app.key("attn_heatmap").locator(".main-svg").first).to_be_visible()
    app.shot("02-attention")
    assert proxy.requests == [], "the attention view asked outside"

    app.nav("team", app.key("team_sample"))
    app.key("team_sample").get_by_role("button").click()
    expect(app.grid_cells("team_editor", "Gus Okafor")).to_have_count(1)
    app.wait_idle()
    app.nav("coverage", app.key("coverage_radar"))
    png = download(app, app.key("coverage_radar_download").get_by_role("button"))
    assert png.suggested_filename.endswith(".png")
    app.expect_no_exception()

    assert proxy.requests == []
    assert outside == []
    # The proxy is live and would have seen a request (the check can fail).
    import urllib.request

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": proxy.url}))
    with pytest.raises(OSError):
        opener.open("http://example.invalid/", timeout=EXPORT_TIMEOUT_MS / 1000)
    assert proxy.requests == ["GET http://example.invalid/ HTTP/1.1"]
