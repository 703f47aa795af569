"""Fixtures of the text-generation suites.

``embedded_model`` (session) loads the built-in SmolLM2-135M-Instruct once, through
the real loader and its disk cache (the first run on a machine converts the GGUF,
about 15 s; later runs load the cache). ``llama_server`` (session) starts
``python -m llama_cpp.server`` with the same GGUF on a free loopback port; when it
cannot start, the tests that need it are skipped with the reason, never faked.

The fixtures are registered through ``pytest_plugins`` in tests/conftest.py.
"""

from __future__ import annotations

import dataclasses
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


def pytest_configure(config: pytest.Config) -> None:
    """Convert the embedded GGUF into the disk cache once, before any worker starts.

    The server starts its models at its first script run, from this cache; on a fresh
    clone (a cold cache) whichever test ran first would convert it instead, and a test
    that checks "loaded from the cache, not converted again" would depend on test
    order. The controller does it (workers have `workerinput`); a run that deselects
    the model tests skips it.
    """
    if hasattr(config, "workerinput") or "not model" in (config.option.markexpr or ""):
        return
    from planner.textgen.loader import embedded_gguf, gguf_folder

    folder, source, _meta = gguf_folder(embedded_gguf(), load_config())
    if source != "cache":
        print(f"converted the embedded model into the disk cache: {folder}")


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
    """The embedded model on the default engine (ONNX Runtime GenAI, int8), from the cache."""
    from planner.textgen.ortgenai import load_onnx

    return load_onnx("embedded", textgen_config)


def onnx_engine(lm: object, slots: int = 1) -> Engine:
    from planner.textgen.ortgenai import OnnxBackend

    return Engine(OnnxBackend(lm), SlotPool(slots), max_new_tokens_cap=512)


def local_engine(lm: LoadedModel, slots: int = 1) -> Engine:
    from planner.textgen.local import LocalBackend

    return Engine(LocalBackend(lm), SlotPool(slots), max_new_tokens_cap=512)


# ---- what a test needs, derived from the engine's own output on this machine ----
# Quantised kernels differ by CPU (AVX2, AVX-512, VNNI, AMX): which tokens a model picks
# is this machine's, so tests of the engine's mechanics never assume a text.

LONG_PROMPTS = (
    "Write a long essay on hiring engineers for an AI startup.",
    "Explain, step by step and in detail, how a language model is trained.",
    "Describe a week in the life of a machine learning engineer.",
    "List twenty skills a data engineer needs, each with a sentence.",
    "Tell a long story about two founders who build a robot.",
)


def greedy(prompt: str, tokens: int, **settings) -> GenRequest:
    """A greedy request without repetition penalty: one text per machine and prompt."""
    return request(prompt, temperature=0, repetition_penalty=1.0, max_new_tokens=tokens, **settings)


def long_greedy(engine: Engine, tokens: int) -> tuple[GenRequest, str]:
    """(request, its text): the first long prompt whose greedy answer fills `tokens`.

    The model on this CPU may end a given answer early; one of several prompts writes at
    length, and being greedy it writes the same text again, so a later run of the same
    request is known not to end before `tokens`."""
    seen = []
    for prompt in LONG_PROMPTS:
        req = greedy(prompt, tokens)
        run = engine.generate(req, timeout=180)
        assert run.error is None, run.error
        if run.metrics.finish_reason == "length" and run.metrics.tokens == tokens:
            return req, run.text
        seen.append((prompt, run.metrics.finish_reason, run.metrics.tokens))
    raise AssertionError(f"no prompt filled {tokens} tokens: {seen}")


def stop_from(text: str, length: int = 4) -> tuple[str, int]:
    """(stop sequence, where it first occurs): a piece of text from its second half
    whose first occurrence is after the start, so a run cut there keeps some text."""
    for start in range(len(text) // 2, len(text) - length + 1):
        piece = text[start : start + length]
        first = text.find(piece)
        if piece.strip() and first > 0:
            return piece, first
    raise AssertionError(f"no stop sequence in {text!r}")


def distinct_seeds(engine: Engine, req: GenRequest, seed: int, others: int = 4) -> None:
    """The same seed gives the same text, also at the same time; other seeds are not all
    that text (one other seed may draw the same tokens from a peaked distribution)."""
    same = [engine.submit(replace_settings(req, seed=seed)) for _ in range(2)]
    texts = [r.result(180) for r in same]
    assert texts[0] == texts[1]
    other = [
        engine.generate(replace_settings(req, seed=seed + i + 1), 180).text for i in range(others)
    ]
    assert any(text != texts[0] for text in other), (texts[0], other)


def replace_settings(req: GenRequest, **changes) -> GenRequest:
    return dataclasses.replace(req, settings=dataclasses.replace(req.settings, **changes))


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
                    self.gate.wait(30)
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
