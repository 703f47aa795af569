"""A generation run: the handle a session holds, the slot pool, and the engine.

The script thread of a Streamlit session only reads a run; a worker thread drives
the backend. A rerun ends the script thread, not the worker: the session stops a
run by setting its event (`GenerationRun.stop`), which the backend checks after
every token. A run nobody reads for a while (the session went away) stops itself
and frees its slot.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Protocol

from planner.textgen.errors import TextgenError
from planner.textgen.settings import GenRequest

FINISH_REASONS = ("length", "eos", "stop_sequence", "stopped", "abandoned", "timeout", "error")


@dataclass(frozen=True)
class RunMetrics:
    backend: str
    model: str
    revision: str
    prompt_tokens: int | None  # None: the server did not say
    tokens: int
    queued_s: float
    ttft_s: float | None  # from the start of generation (slot taken) to the first text
    total_s: float  # generation time: slot taken to last token
    tokens_per_s: float  # tokens / total_s
    finish_reason: str

    def as_dict(self) -> dict:
        return asdict(self)


class Backend(Protocol):
    name: str
    model_name: str
    revision: str

    def generate(self, run: GenerationRun) -> str:
        """Stream the run's text with run.emit; return a finish reason."""
        ...


class StopFilter:
    """Cuts text at the first stop sequence; holds back what may start one."""

    def __init__(self, stops: tuple[str, ...]) -> None:
        self.stops = tuple(s for s in stops if s)
        self._hold = max((len(s) for s in self.stops), default=1) - 1
        self._pending = ""
        self.hit = False

    def feed(self, text: str) -> str:
        """The part of text safe to show now ('' after a hit)."""
        if self.hit:
            return ""
        self._pending += text
        cut = min((i for s in self.stops if (i := self._pending.find(s)) >= 0), default=-1)
        if cut >= 0:
            self.hit = True
            out, self._pending = self._pending[:cut], ""
            return out
        if self._hold == 0:
            out, self._pending = self._pending, ""
            return out
        keep = len(self._pending) - self._hold
        if keep <= 0:
            return ""
        out, self._pending = self._pending[:keep], self._pending[keep:]
        return out

    def flush(self) -> str:
        out, self._pending = ("" if self.hit else self._pending), ""
        return out


class GenerationRun:
    """One generation, readable from any thread while a worker produces it."""

    def __init__(
        self,
        request: GenRequest,
        backend: Backend,
        *,
        orphan_timeout_s: float | None = None,
        max_run_s: float | None = None,
    ) -> None:
        self.id = uuid.uuid4().hex[:12]
        self.request = request
        self.backend_name = backend.name
        self.model_name = backend.model_name
        self.revision = backend.revision
        self.model_spec = str(getattr(backend, "model_spec", backend.model_name))
        # The local engine ("onnx", "transformers"); a server's backend name otherwise.
        self.engine = str(getattr(backend, "engine", backend.name))
        # The weights it runs ("int8", "fp32"...), None for a server: what the run card
        # and the page name beside the engine, with its perplexity against fp32.
        self.precision: str | None = getattr(backend, "precision", None)
        self.stop_event = threading.Event()
        self.notices: list[tuple[str, dict]] = []
        self.error: TextgenError | None = None
        self.metrics: RunMetrics | None = None
        self.created = time.time()
        self._cond = threading.Condition()
        self._chunks: list[str] = []
        self._done = False
        self._pool: SlotPool | None = None
        self._t_submit = time.perf_counter()
        self._t_start: float | None = None
        self._t_first: float | None = None
        self._tokens = 0
        self._prompt_tokens: int | None = None
        self._stop_reason: str | None = None
        self._orphan_timeout_s = orphan_timeout_s
        self._max_run_s = max_run_s
        self._readers = 0
        self._last_read = time.monotonic()
        self._on_stop: list = []

    # ---- reading (any thread) ----
    @property
    def text(self) -> str:
        with self._cond:
            return "".join(self._chunks)

    @property
    def done(self) -> bool:
        return self._done

    @property
    def ending(self) -> bool:
        """Done, or asked to stop: nothing is left for a Stop button to do."""
        return self._done or self.stop_event.is_set()

    @property
    def followers(self) -> int:
        """How many readers follow the run now (a page streaming it, say)."""
        with self._cond:
            return self._readers

    @property
    def started(self) -> bool:
        return self._t_start is not None

    def queue_position(self) -> int:
        """1 for the next to start, 0 once running (or not queued)."""
        return self._pool.position(self) if self._pool and not self.started else 0

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the run is done; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: self._done, timeout)

    def follow(self, start: int = 0, poll_s: float = 0.25) -> Iterator[tuple[str, object]]:
        """Events from chunk `start` on: ("queued", position) while waiting, then ("text", chunk).

        While a reader follows, the run is not abandoned; a reader that goes away
        (generator closed) starts the orphan clock.
        """
        with self._cond:
            self._readers += 1
        index = start
        try:
            while True:
                with self._cond:
                    if index >= len(self._chunks) and not self._done:
                        self._cond.wait(poll_s)
                    chunks = self._chunks[index:]
                    index += len(chunks)
                    finished = self._done and index >= len(self._chunks)
                    self._last_read = time.monotonic()
                if not self.started and not finished:
                    yield ("queued", self.queue_position())
                for chunk in chunks:
                    yield ("text", chunk)
                if finished:
                    return
        finally:
            with self._cond:
                self._readers -= 1
                self._last_read = time.monotonic()

    def text_stream(self, start: int = 0) -> Iterator[str]:
        """Only the text chunks (what st.write_stream shows)."""
        for kind, value in self.follow(start):
            if kind == "text":
                yield str(value)

    def result(self, timeout: float | None = None) -> str:
        """Wait and return the text; raises the run's error, if any."""
        if not self.wait(timeout):
            raise TimeoutError(f"run {self.id} still going after {timeout} s")
        if self.error is not None:
            raise self.error
        return self.text

    # ---- control ----
    def stop(self) -> None:
        """Ask the worker to stop after the current token; what was produced stays."""
        self._stop("stopped")

    def _stop(self, reason: str) -> None:
        if self._stop_reason is None:
            self._stop_reason = reason
        self.stop_event.set()
        for callback in list(self._on_stop):
            # Closing a stream twice is not the user's problem.
            with contextlib.suppress(Exception):
                callback()

    def on_stop(self, callback) -> None:
        """Run callback when a stop is requested (e.g. close a network stream)."""
        self._on_stop.append(callback)
        if self.stop_event.is_set():
            callback()

    def should_stop(self) -> bool:
        """Checked by the worker after every token."""
        if self.stop_event.is_set():
            return True
        now = time.monotonic()
        if (
            self._orphan_timeout_s is not None
            and self._readers == 0
            and now - self._last_read > self._orphan_timeout_s
        ):
            self._stop("abandoned")
            return True
        if (
            self._max_run_s is not None
            and self._t_start is not None
            and time.perf_counter() - self._t_start > self._max_run_s
        ):
            self._stop("timeout")
            return True
        return False

    # ---- writing (worker thread) ----
    def note(self, key: str, /, **params: object) -> None:
        """A message for the user about how the run was done (e.g. prompt truncated)."""
        self.notices.append((key, params))

    def set_prompt_tokens(self, count: int) -> None:
        self._prompt_tokens = count

    def count_tokens(self, count: int = 1) -> None:
        self._tokens += count

    def emit(self, text: str) -> None:
        if not text:
            return
        with self._cond:
            if self._t_first is None:
                self._t_first = time.perf_counter()
            self._chunks.append(text)
            self._cond.notify_all()

    def _started(self) -> None:
        self._t_start = time.perf_counter()

    def _finish(self, reason: str, error: TextgenError | None = None) -> None:
        end = time.perf_counter()
        start = self._t_start if self._t_start is not None else end
        total = max(end - start, 1e-9)
        if self._stop_reason is not None and reason not in ("error",):
            reason = self._stop_reason
        self.metrics = RunMetrics(
            backend=self.backend_name,
            model=self.model_name,
            revision=self.revision,
            prompt_tokens=self._prompt_tokens,
            tokens=self._tokens,
            queued_s=round(start - self._t_submit, 4),
            ttft_s=None if self._t_first is None else round(self._t_first - start, 4),
            total_s=round(total, 4),
            tokens_per_s=round(self._tokens / total, 2) if self._tokens else 0.0,
            finish_reason=reason,
        )
        with self._cond:
            self.error = error
            self._done = True
            self._cond.notify_all()


class SlotPool:
    """At most `size` generations at once; the others wait in FIFO order."""

    def __init__(self, size: int, max_queue: int = 16) -> None:
        if size < 1:
            raise ValueError("size must be at least 1")
        self.size = size
        self.max_queue = max_queue
        self._cond = threading.Condition()
        self._waiting: deque[GenerationRun] = deque()
        self._active = 0

    @property
    def active(self) -> int:
        return self._active

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def enqueue(self, run: GenerationRun) -> None:
        with self._cond:
            if len(self._waiting) >= self.max_queue:
                raise TextgenError("gen_err_busy", waiting=len(self._waiting))
            self._waiting.append(run)
            run._pool = self

    def position(self, run: GenerationRun) -> int:
        with self._cond:
            try:
                return self._waiting.index(run) + 1
            except ValueError:
                return 0

    def acquire(self, run: GenerationRun, poll_s: float = 0.2) -> bool:
        """Block until run is first in line and a slot is free; False if it stopped."""
        with self._cond:
            while True:
                if run.should_stop():
                    self._waiting.remove(run)
                    self._cond.notify_all()
                    return False
                if self._active < self.size and self._waiting[0] is run:
                    self._waiting.popleft()
                    self._active += 1
                    self._cond.notify_all()
                    return True
                self._cond.wait(poll_s)

    def release(self) -> None:
        with self._cond:
            self._active -= 1
            self._cond.notify_all()


_thread_numbers = itertools.count(1)


class Engine:
    """Submits runs to one backend through a shared slot pool."""

    def __init__(self, backend: Backend, pool: SlotPool, max_new_tokens_cap: int = 512) -> None:
        self.backend = backend
        self.pool = pool
        self.max_new_tokens_cap = max_new_tokens_cap

    def submit(
        self,
        request: GenRequest,
        *,
        orphan_timeout_s: float | None = None,
        max_run_s: float | None = None,
    ) -> GenerationRun:
        """Validate, queue and start a run; TextgenError for bad input or a full queue."""
        request = request.validated(self.max_new_tokens_cap)
        run = GenerationRun(
            request, self.backend, orphan_timeout_s=orphan_timeout_s, max_run_s=max_run_s
        )
        self.pool.enqueue(run)
        worker = threading.Thread(
            target=self._work, args=(run,), name=f"textgen-{next(_thread_numbers)}", daemon=True
        )
        worker.start()
        return run

    def generate(self, request: GenRequest, timeout: float | None = None) -> GenerationRun:
        """Submit and wait (command line, tests)."""
        run = self.submit(request)
        run.wait(timeout)
        return run

    def _work(self, run: GenerationRun) -> None:
        try:
            if not self.pool.acquire(run):
                run._finish("stopped")
                return
        except Exception as exc:  # never leave a reader waiting forever
            run._finish("error", TextgenError("gen_err_internal", detail=str(exc)[:300]))
            return
        run._started()
        try:
            reason, error = self._generate(run)
        finally:
            self.pool.release()  # before the run reads as done: a done run holds no slot
        run._finish(reason, error)

    def _generate(self, run: GenerationRun) -> tuple[str, TextgenError | None]:
        """The backend's finish reason, or "error" and what the founder is told."""
        try:
            return self.backend.generate(run), None
        except TextgenError as exc:
            return "error", exc
        except Exception as exc:
            return "error", TextgenError("gen_err_internal", detail=str(exc)[:300])
