"""An OpenAI-compatible server (vLLM, TGI, Ollama, llama.cpp server) as a backend.

Streams `/v1/chat/completions` or `/v1/completions` as server-sent events with
httpx. Every failure becomes a BackendError with a message for the user: server
down, too slow (connect or read timeout), HTTP error, or a reply that is not the
OpenAI streaming format.
"""

from __future__ import annotations

import contextlib
import json
import socket
from collections.abc import Iterator

import httpx

from planner.textgen.errors import BackendError
from planner.textgen.run import GenerationRun, StopFilter


def _abort(response: httpx.Response) -> None:
    """End a read that is blocked on a silent server, from another thread.

    Closing the response alone does not always wake a thread blocked in recv();
    shutting the socket down does, at once.
    """
    stream = response.extensions.get("network_stream")
    sock = stream.get_extra_info("socket") if stream is not None else None
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    response.close()


def _base(url: str) -> str:
    url = url.strip().rstrip("/")
    return url if url.endswith("/v1") else url + "/v1"


def unreachable(url: str, api_key: str = "", timeout_s: float = 1.5) -> str | None:
    """Why the server at url cannot be reached, or None when it answers or is busy.

    Only a refused or timed-out connection counts as down: a server that accepts
    the connection but is slow to reply (llama.cpp's server answers /models only
    between generations) is busy, and the run itself waits in its queue."""
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    try:
        with httpx.Client(timeout=timeout_s, headers=headers) as client:
            client.get(_base(url) + "/models")
    except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
        return str(exc)[:200] or type(exc).__name__
    except httpx.HTTPError:
        return None  # connected: busy or answering oddly; the run reports the details
    return None


class RemoteBackend:
    name = "remote"

    def __init__(
        self,
        url: str,
        model: str = "",
        api_key: str = "",
        timeout_s: float = 30.0,
        connect_timeout_s: float = 5.0,
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise BackendError("gen_err_remote_url", url=url[:200])
        self.base = _base(url)
        self.model_name = model or "default"
        self.revision = self.base
        self.model_spec = model
        self._model = model
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._timeout = httpx.Timeout(timeout_s, connect=connect_timeout_s)

    def _payload(self, run: GenerationRun) -> tuple[str, dict]:
        request, s = run.request, run.request.settings
        body: dict = {
            "stream": True,
            "max_tokens": s.max_new_tokens,
            "temperature": s.temperature,
            "top_p": s.top_p,
            "seed": s.seed,
        }
        if self._model:
            body["model"] = self._model
        if s.top_k:
            body["top_k"] = s.top_k  # vLLM, llama.cpp, Ollama accept it; others ignore it
        if s.repetition_penalty != 1.0:
            body["repetition_penalty"] = s.repetition_penalty  # vLLM, TGI
            body["repeat_penalty"] = s.repetition_penalty  # llama.cpp
        if s.stop:
            body["stop"] = list(s.stop)
        if request.mode == "chat":
            messages = []
            if request.system.strip():
                messages.append({"role": "system", "content": request.system})
            messages.append({"role": "user", "content": request.prompt})
            body["messages"] = messages
            body["stream_options"] = {"include_usage": True}
            return "/chat/completions", body
        body["prompt"] = request.prompt
        return "/completions", body

    def _events(self, response: httpx.Response) -> Iterator[dict]:
        for line in response.iter_lines():
            line = line.strip()
            if not line or line.startswith(":") or not line.startswith("data:"):
                if line and not line.startswith((":", "event:", "id:", "retry:")):
                    raise BackendError("gen_err_remote_garbage", detail=line[:200])
                continue
            data = line[5:].strip()
            if data == "[DONE]":
                return
            try:
                event = json.loads(data)
            except ValueError as exc:
                raise BackendError("gen_err_remote_garbage", detail=data[:200]) from exc
            if not isinstance(event, dict):
                raise BackendError("gen_err_remote_garbage", detail=data[:200])
            if "error" in event:
                raise BackendError("gen_err_remote_http", status="stream", detail=str(event)[:300])
            yield event

    @staticmethod
    def _piece(event: dict) -> tuple[str, str | None]:
        choices = event.get("choices")
        if not isinstance(choices, list):
            raise BackendError("gen_err_remote_garbage", detail=json.dumps(event)[:200])
        if not choices:  # the usage-only last event
            return "", None
        choice = choices[0]
        if not isinstance(choice, dict):
            raise BackendError("gen_err_remote_garbage", detail=json.dumps(event)[:200])
        text = choice.get("text")
        if text is None:
            text = (choice.get("delta") or {}).get("content") or ""
        return str(text), choice.get("finish_reason")

    def generate(self, run: GenerationRun) -> str:
        path, body = self._payload(run)
        stop_filter = StopFilter(run.request.settings.stop)
        finish: str | None = None
        try:
            with (
                httpx.Client(timeout=self._timeout, headers=self._headers) as client,
                client.stream("POST", self.base + path, json=body) as response,
            ):
                run.on_stop(lambda: _abort(response))
                if response.status_code != 200:
                    response.read()
                    raise BackendError(
                        "gen_err_remote_http",
                        status=response.status_code,
                        detail=response.text[:300],
                    )
                kind = response.headers.get("content-type", "")
                if "text/event-stream" not in kind:
                    response.read()
                    raise BackendError("gen_err_remote_garbage", detail=response.text[:200])
                for event in self._events(response):
                    if usage := event.get("usage"):
                        run.set_prompt_tokens(int(usage.get("prompt_tokens") or 0))
                    text, reason = self._piece(event)
                    if text:
                        run.count_tokens(1)
                        run.emit(stop_filter.feed(text))
                    finish = reason or finish
                    if stop_filter.hit or run.should_stop():
                        break
                run.emit(stop_filter.flush())
        except BackendError:
            raise
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise BackendError("gen_err_remote_down", url=self.base, detail=str(exc)[:200]) from exc
        except httpx.TimeoutException as exc:
            raise BackendError(
                "gen_err_remote_slow", url=self.base, seconds=self._timeout.read
            ) from exc
        except (httpx.StreamClosed, httpx.ReadError, httpx.RemoteProtocolError) as exc:
            if run.stop_event.is_set():
                return "stopped"
            raise BackendError("gen_err_remote_down", url=self.base, detail=str(exc)[:200]) from exc
        except httpx.HTTPError as exc:
            if run.stop_event.is_set():
                return "stopped"
            raise BackendError("gen_err_remote_down", url=self.base, detail=str(exc)[:200]) from exc
        if stop_filter.hit:
            return "stop_sequence"
        if run.stop_event.is_set():
            return "stopped"
        return {"stop": "eos", "length": "length"}.get(finish or "", finish or "eos")
