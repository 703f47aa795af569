"""Fixtures of the text-generation suites.

``embedded_model`` (session) loads the built-in SmolLM2-135M-Instruct once, through
the real loader and its disk cache (the first run on a machine converts the GGUF,
about 15 s; later runs load the cache). ``llama_server`` (session) starts
``python -m llama_cpp.server`` with the same GGUF on a free loopback port; when it
cannot start, the tests that need it are skipped with the reason, never faked.

The fixtures are registered through ``pytest_plugins`` in tests/conftest.py.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from planner.textgen.config import TextgenConfig, load_config
from planner.textgen.loader import LoadedModel, embedded_gguf, load_model
from planner.textgen.run import Engine, GenerationRun, SlotPool
from planner.textgen.settings import GenRequest, GenSettings

# Few tokens keep the suite quick on a 2-core machine.
FEW = 8


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(prompt: str = "Name one skill of a data engineer.", **settings) -> GenRequest:
    mode = settings.pop("mode", "chat")
    settings.setdefault("max_new_tokens", FEW)
    return GenRequest(prompt, mode=mode, settings=GenSettings(**settings))


@pytest.fixture(scope="session")
def textgen_config() -> TextgenConfig:
    # The developer's cache (var/textgen-cache) unless PLANNER_TEXTGEN_CACHE_DIR says
    # otherwise: a second `make test` then loads in seconds instead of converting.
    key = "PLANNER_TEXTGEN_CACHE_DIR"
    return load_config(env={key: os.environ[key]} if key in os.environ else {})


@pytest.fixture(scope="session")
def embedded_model(textgen_config: TextgenConfig) -> LoadedModel:
    return load_model("embedded", textgen_config)


@pytest.fixture(scope="session")
def onnx_model(textgen_config: TextgenConfig):
    """The embedded model on the default engine (ONNX Runtime GenAI, int4), from the cache."""
    from planner.textgen.ortgenai import load_onnx

    return load_onnx("embedded", textgen_config)


def onnx_engine(lm: object, slots: int = 1) -> Engine:
    from planner.textgen.ortgenai import OnnxBackend

    return Engine(OnnxBackend(lm), SlotPool(slots), max_new_tokens_cap=512)


def local_engine(lm: LoadedModel, slots: int = 1) -> Engine:
    from planner.textgen.local import LocalBackend

    return Engine(LocalBackend(lm), SlotPool(slots), max_new_tokens_cap=512)


@dataclass(frozen=True)
class Server:
    url: str
    model: str
    process: subprocess.Popen


def _server_log_tail(path: Path) -> str:
    try:
        return path.read_text(errors="replace")[-600:]
    except OSError:
        return ""


def start_llama_process(port: int, log: Path) -> subprocess.Popen:
    """`python -m llama_cpp.server` on the embedded GGUF, logging to `log` (appended)."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [
                sys.executable, "-m", "llama_cpp.server",
                "--model", str(embedded_gguf()),
                "--host", "127.0.0.1", "--port", str(port),
                "--model_alias", "smollm2",
                "--n_ctx", "2048",
                "--n_threads", "2",
                # By default a new request interrupts the one being served.
                "--interrupt_requests", "False",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip


@pytest.fixture(scope="session")
def llama_server() -> Iterator[Server]:
    try:
        import llama_cpp  # noqa: F401
    except Exception as exc:  # not installed or the native library fails to load
        reason = f"llama-cpp-python[server] is not usable here ({exc}); run `make install-test`"
        print(f"\nSKIP remote-backend tests: {reason}", file=sys.stderr)
        pytest.skip(reason)
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="llama-server-")) / "server.log"
    process = start_llama_process(port, log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    try:
        while True:
            if process.poll() is not None:
                reason = f"llama.cpp server exited with {process.returncode}: "
                reason += _server_log_tail(log)
                print(f"\nSKIP remote-backend tests: {reason}", file=sys.stderr)
                pytest.skip(reason)
            try:
                if httpx.get(url + "/v1/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                reason = "llama.cpp server did not answer within 90 s: " + _server_log_tail(log)
                print(f"\nSKIP remote-backend tests: {reason}", file=sys.stderr)
                pytest.skip(reason)
            time.sleep(0.3)
        yield Server(url=url, model="smollm2", process=process)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


class FakeBackend:
    """Emits one word per step until stopped; records the order runs started in."""

    name = "fake"
    model_name = "fake-model"
    revision = "r1"

    def __init__(self, words: int = 5, delay: float = 0.0, gate: threading.Event | None = None):
        self.words = words
        self.delay = delay
        self.gate = gate
        self.started: list[str] = []
        self.lock = threading.Lock()
        self.running = 0
        self.max_running = 0

    def generate(self, run: GenerationRun) -> str:
        with self.lock:
            self.started.append(run.request.prompt)
            self.running += 1
            self.max_running = max(self.max_running, self.running)
        try:
            run.set_prompt_tokens(len(run.request.prompt.split()))
            for i in range(self.words):
                if self.gate is not None:
                    self.gate.wait(5)
                if run.should_stop():
                    return "stopped"
                run.count_tokens(1)
                run.emit(f"{run.request.prompt}-{i} ")
                time.sleep(self.delay)
            return "length"
        finally:
            with self.lock:
                self.running -= 1


# ---- configuration ----
