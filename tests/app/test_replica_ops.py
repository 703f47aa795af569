"""What a replica of a multi-replica deployment needs from the app: the operator's
status view (?ops=) and generation that stays on the model server (backend remote).
The replicas themselves run in tests/scale/."""

from __future__ import annotations

import json
import time

import pytest

from planner.i18n import t
from planner.textgen.config import load_config
from planner.textgen.remote import unreachable
from tests.support.apptest import app, no_exception, open_page

TOKEN = "operator-token-for-the-test"
NOBODY = "http://127.0.0.1:1"  # nothing listens on port 1: a refused connection


def status_page(token: str, monkeypatch, configured: str | None = TOKEN):
    if configured is None:
        monkeypatch.delenv("PLANNER_OPERATOR_TOKEN", raising=False)
    else:
        monkeypatch.setenv("PLANNER_OPERATOR_TOKEN", configured)
    monkeypatch.setenv("PLANNER_REPLICA_NAME", "replica-7")
    at = app(query_params={"ops": token})
    return at.run()


def test_the_status_view_names_the_replica_its_sessions_memory_and_servers(monkeypatch):
    monkeypatch.setenv("PLANNER_TEXTGEN_REMOTE_URL", NOBODY)
    monkeypatch.setenv("PLANNER_TEXTGEN_BACKEND", "remote")
    at = status_page(TOKEN, monkeypatch)
    no_exception(at)
    status = json.loads(at.get("json")[0].proto.body)
    assert status["replica"] == "replica-7"
    assert status["rss_mb"] > 20
    assert status["database"].startswith("sqlite")
    assert status["textgen_backend"] == "remote"
    assert status["model_server"] == NOBODY and status["model_server_up"] is False
    assert t("ops_model_down", "en", url=NOBODY, backend="remote") in [m.value for m in at.markdown]
    assert "ws" not in at.query_params  # an operator's visit makes no workspace
    assert at.get_by_key("ops_status") is not None


@pytest.mark.parametrize(("given", "configured"), [("guess", TOKEN), (TOKEN, None), ("", "")])
def test_the_status_view_is_refused_without_the_operators_token(monkeypatch, given, configured):
    at = status_page(given, monkeypatch, configured)
    no_exception(at)
    assert [e.value for e in at.error] == [t("share_invalid", "en")]
    assert not at.get("json")
    assert "ws" not in at.query_params


def test_a_remote_only_replica_says_at_once_that_the_model_server_is_down(monkeypatch):
    monkeypatch.setenv("PLANNER_TEXTGEN_REMOTE_URL", NOBODY)
    monkeypatch.setenv("PLANNER_TEXTGEN_BACKEND", "remote")
    started = time.monotonic()
    at = open_page("generate")
    no_exception(at)
    assert time.monotonic() - started < 30  # the whole app and page, on a busy machine
    down = t("gen_err_remote_down", "en", url=NOBODY, detail="")[:40]
    assert any(e.value.startswith(down) for e in at.error)
    assert t("gen_remote_down_wait", "en") in [c.value for c in at.caption]
    # No local model is offered, picked or loaded on this replica.
    for key in ("gen_backend", "gen_model", "gen_engine"):
        with pytest.raises(KeyError):
            at.get_by_key(key)
    assert at.button(key="gen_run").disabled
    assert at.button(key="gen_stop").disabled  # nothing runs, nothing to stop
    # The introduction names the server, not a local model this replica does not offer.
    assert t("gen_intro_remote", "en") in [c.value for c in at.caption]
    assert not any("local model" in c.value for c in at.caption)
    at.switch_page("pages/coverage.py").run()  # the other pages are unaffected
    no_exception(at)
    assert not at.error


def test_where_the_operator_allows_it_the_local_engine_is_offered(monkeypatch):
    monkeypatch.setenv("PLANNER_TEXTGEN_REMOTE_URL", NOBODY)
    monkeypatch.setenv("PLANNER_TEXTGEN_BACKEND", "remote")
    monkeypatch.setenv("PLANNER_TEXTGEN_LOCAL_FALLBACK", "true")
    at = open_page("generate")
    no_exception(at)
    assert at.get_by_key("gen_backend").value == "remote"
    assert t("gen_remote_down_local", "en") in [i.value for i in at.info]


def test_the_probe_of_a_dead_server_answers_within_two_seconds():
    started = time.monotonic()
    assert unreachable(NOBODY) is not None
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"PLANNER_TEXTGEN_BACKEND": "remote"}, "REMOTE_URL"),
        ({"PLANNER_TEXTGEN_BACKEND": "cloud"}, "expected one of local, remote"),
    ],
)
def test_a_remote_backend_needs_a_server(env, problem):
    with pytest.raises(ValueError, match=problem):
        load_config(env=env)
