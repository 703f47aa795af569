"""The OpenAI-compatible backend against a real llama.cpp server on loopback,
and against servers that are down, slow or answer garbage."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from planner.textgen.errors import BackendError
from planner.textgen.remote import RemoteBackend
from planner.textgen.run import Engine, SlotPool
from tests.support import textgen as tg


def engine(url: str, model: str = "", timeout_s: float = 30.0, slots: int = 1) -> Engine:
    return Engine(
        RemoteBackend(url, model, timeout_s=timeout_s, connect_timeout_s=2), SlotPool(slots)
    )


# ---- a real server ----


@pytest.mark.parametrize("mode", ["chat", "completion"])
def test_streams_from_a_real_openai_compatible_server(llama_server, mode):
    run = engine(llama_server.url, llama_server.model).submit(
        tg.request("Write one sentence about hiring.", mode=mode, max_new_tokens=12, seed=3)
    )
    chunks = list(run.text_stream())
    assert run.error is None, run.error
    assert len(chunks) >= 4 and "".join(chunks) == run.text
    m = run.metrics
    assert m.backend == "remote" and m.model == "smollm2"
    assert 1 <= m.tokens <= 12 and m.finish_reason in ("length", "eos")
    assert m.ttft_s is not None and m.tokens_per_s > 0


def test_same_seed_same_text_on_the_server(llama_server):
    # llama-cpp-python 0.3.36 honours the seed on /v1/completions; its chat handler
    # does not (seen: two chat runs with seed 42 differ), so the check uses completion.
    e = engine(llama_server.url, llama_server.model)
    req = tg.request(
        "My favourite programming language is", mode="completion", temperature=0.9, seed=42
    )
    assert e.generate(req, 60).text.strip()
    tg.distinct_seeds(e, req, seed=42)


def test_stop_cancels_the_server_stream(llama_server):
    run = engine(llama_server.url, llama_server.model).submit(
        tg.request("Tell a long story about a startup.", max_new_tokens=400, temperature=0.8)
    )
    stream = run.text_stream()
    next(stream)
    run.stop()
    assert run.wait(10)
    assert run.error is None
    assert run.metrics.finish_reason == "stopped"
    assert 1 <= run.metrics.tokens < 400 and run.text


def test_concurrent_remote_runs_stay_separate(llama_server):
    e = engine(llama_server.url, llama_server.model, slots=2)
    reqs = [
        tg.request(p, temperature=0, max_new_tokens=6) for p in ("Say red.", "Say blue.", "Say 7.")
    ]
    together = [r.result(120) for r in [e.submit(r) for r in reqs]]
    alone = [e.generate(r, 60).text for r in reqs]
    assert together == alone


def test_unknown_route_is_an_http_error(llama_server):
    run = engine(llama_server.url + "/nope", llama_server.model).generate(tg.request(), 30)
    assert isinstance(run.error, BackendError) and run.error.key == "gen_err_remote_http"
    assert run.error.params["status"] == 404


# ---- servers that misbehave ----


def test_a_server_that_is_down_is_named():
    port = tg.free_port()  # nothing listens there
    run = engine(f"http://127.0.0.1:{port}").generate(tg.request(), 30)
    assert run.error.key == "gen_err_remote_down"
    assert str(port) in run.error.params["url"]


class _Handler(BaseHTTPRequestHandler):
    body: bytes = b""
    content_type = "text/event-stream"
    delay_s = 0.0

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        time.sleep(self.delay_s)
        try:
            self.send_response(200)
            self.send_header("content-type", self.content_type)
            self.end_headers()
            self.wfile.write(self.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up first (the timeout test)

    def log_message(self, *args) -> None:
        pass


def _serve(**attrs) -> Iterator[str]:
    handler = type("Handler", (_Handler,), attrs)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("attrs", "detail"),
    [
        ({"content_type": "text/html", "body": b"<html>hello</html>"}, "<html>"),
        ({"body": b"data: {not json}\n\n"}, "{not json}"),
        ({"body": b'data: {"choices": "x"}\n\n'}, "choices"),
        ({"body": b"hello there\n\n"}, "hello there"),
    ],
    ids=["html", "bad-json", "bad-shape", "not-sse"],
)
def test_a_server_that_answers_garbage_is_reported(attrs, detail):
    for url in _serve(**attrs):
        run = engine(url).generate(tg.request(), 30)
        assert run.error.key == "gen_err_remote_garbage"
        assert detail in run.error.params["detail"]


def test_a_slow_server_times_out_with_a_message():
    for url in _serve(delay_s=30.0, body=b""):
        start = time.perf_counter()
        run = engine(url, timeout_s=0.5).generate(tg.request(), 60)
        assert run.error.key == "gen_err_remote_slow"
        assert time.perf_counter() - start < 10  # the server would answer after 30 s


def test_a_server_that_hangs_mid_stream_can_be_stopped():
    chunk = b'data: {"choices": [{"delta": {"content": "hi"}, "finish_reason": null}]}\n\n'
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def serve_one() -> None:
        conn, _ = listener.accept()
        conn.recv(65536)
        head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n"
        conn.sendall(head + chunk)
        time.sleep(60)  # then nothing: a stuck server
        conn.close()

    threading.Thread(target=serve_one, daemon=True).start()
    run = engine(f"http://127.0.0.1:{listener.getsockname()[1]}").submit(tg.request())
    assert next(run.text_stream()) == "hi"
    start = time.perf_counter()
    run.stop()
    assert run.wait(30)
    assert time.perf_counter() - start < 10  # the server would hang for 60 s
    assert run.text == "hi" and run.metrics.finish_reason == "stopped"
    listener.close()


def test_a_bad_url_is_refused_up_front():
    with pytest.raises(BackendError) as info:
        RemoteBackend("ftp://example.org")
    assert info.value.key == "gen_err_remote_url"
