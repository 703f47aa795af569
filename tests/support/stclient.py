"""A Streamlit client without a browser: one session over the app's websocket,
speaking Streamlit's own protocol (BackMsg / ForwardMsg protobufs).

It does what the browser's client does for a rerun: it sends a `rerun_script`
BackMsg with the page, the query string and the widget states, and reads
ForwardMsgs until `script_finished`. It paints nothing, so many sessions fit on
a machine whose cores are busy with the app itself: the load bench
(bench/load.py) and the kill -9 trials (tests/scale/) use it; the browser
journeys prove what it cannot (rendering, uploads, downloads).

Widgets are found by key, as in the browser tests: a keyed widget's id ends
with ``-<key>``. A widget's value is set as the browser would send it (a radio:
its option's label, a data editor: its edit JSON).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect

FINISHED = {
    ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY,
    ForwardMsg.ScriptFinishedStatus.FINISHED_WITH_COMPILE_ERROR,
}


@dataclass
class Run:
    """What one script run sent back."""

    seconds: float
    exceptions: list[str]
    elements: dict[str, object]  # widget/element id -> its proto (keyed ones)
    texts: list[str]  # markdown, alerts, captions: what a reader sees


@dataclass
class Session:
    """One browser-less session; `await Session.open(url, ...)` connects it."""

    base_url: str
    ws: ClientConnection
    query: dict[str, str] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)  # url path -> page script hash
    page_hash: str = ""
    widgets: dict[str, object] = field(default_factory=dict)  # id -> WidgetState
    served_by: str = ""  # what the proxy said in X-Planner-Upstream

    @classmethod
    async def open(cls, base_url: str, cookies: dict[str, str] | None = None) -> Session:
        parts = urlsplit(base_url)
        headers = {"Origin": f"{parts.scheme}://{parts.netloc}"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        ws_url = f"ws://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"
        ws = await connect(
            ws_url,
            subprotocols=["streamlit"],
            additional_headers=headers,
            max_size=None,
            open_timeout=30,
            ping_interval=None,
        )
        session = cls(base_url=base_url, ws=ws)
        session.served_by = ws.response.headers.get("X-Planner-Upstream", "")
        return session

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.ws.close()

    # -- runs ---------------------------------------------------------------------

    async def rerun(self, timeout_s: float = 120.0) -> Run:
        """Send a rerun with the page, query and widget states; wait for its end."""
        started = await self.send_rerun()
        return await asyncio.wait_for(self._until_finished(started), timeout_s)

    async def send_rerun(self) -> float:
        """Send the rerun without waiting for it (a click whose answer may never
        come: the fault tests kill the replica meanwhile). Returns when it was sent."""
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = urlencode(self.query)
        state.page_script_hash = self.page_hash
        state.widget_states.widgets.extend(self.widgets.values())
        state.context_info.timezone = "UTC"
        state.context_info.locale = "en-US"
        state.context_info.url = self.base_url
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        return started

    async def _until_finished(self, started: float) -> Run:
        run = Run(0.0, [], {}, [])
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await self.ws.recv())
            kind = fwd.WhichOneof("type")
            if kind == "new_session":
                self._learn_pages(fwd.new_session.app_pages)
            elif kind == "navigation":
                self._learn_pages(fwd.navigation.app_pages)
                self.page_hash = fwd.navigation.page_script_hash or self.page_hash
            elif kind == "page_info_changed":
                self.query = dict(parse_qsl(fwd.page_info_changed.query_string))
            elif kind == "delta":
                self._read_delta(fwd, run)
            elif kind == "script_finished" and fwd.script_finished in FINISHED:
                run.seconds = time.perf_counter() - started
                return run

    def _learn_pages(self, app_pages) -> None:
        for page in app_pages:
            self.pages[page.url_pathname or ""] = page.page_script_hash

    def _read_delta(self, fwd: ForwardMsg, run: Run) -> None:
        delta = fwd.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind is None:
            return
        proto = getattr(element, kind)
        if kind == "exception":
            run.exceptions.append(f"{proto.type}: {proto.message}")
        elif kind in ("markdown", "alert", "toast") or hasattr(proto, "body"):
            with contextlib.suppress(AttributeError):
                run.texts.append(proto.body)
        widget_id = getattr(proto, "id", "")
        if widget_id:
            run.elements[widget_id] = proto

    # -- acting like a visitor ----------------------------------------------------

    async def goto(self, path: str, **query: str) -> Run:
        """Open a page (a new page load: the query replaces the current one)."""
        self.page_hash = self.pages.get(path.strip("/"), "")
        self.query = {k: v for k, v in {**self.query, **query}.items() if v is not None}
        self.widgets.clear()
        return await self.rerun()

    @staticmethod
    def element(run: Run, key: str):
        """The element of this run whose key is `key` (KeyError when absent)."""
        for widget_id, proto in run.elements.items():
            if widget_id.endswith(f"-{key}"):
                return widget_id, proto
        raise KeyError(key)

    async def set_string(self, run: Run, key: str, value: str, wait: bool = True) -> Run | None:
        """Set a widget that carries a string (a radio's option label, an editor's
        edit JSON) and rerun, as a click or an edit in the browser does; with
        wait=False the rerun is sent and not waited for."""
        widget_id, _ = self.element(run, key)
        self.widgets[widget_id] = WidgetState(id=widget_id, string_value=value)
        if wait:
            return await self.rerun()
        await self.send_rerun()
        return None
