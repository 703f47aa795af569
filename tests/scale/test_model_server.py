"""Generation on the one model server (llama.cpp's OpenAI-compatible server) from
several replicas, and what the pages do when it stops. The replicas run with
deploy/replica.env: backend remote, no local model, no local fallback."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from planner.i18n import t
from tests.support.browser import AppPage
from tests.support.cluster import Cluster, served_by

pytestmark = pytest.mark.scale
RUN_TIMEOUT_MS = 120_000


def needs_model_server(cluster: Cluster) -> None:
    if cluster.model is None:
        pytest.skip("llama-cpp-python[server] is not built here (make install-test builds it)")


def start_run(app: AppPage, prompt: str, max_tokens: int | None = None) -> None:
    run = app.key("gen_run").get_by_role("button")
    expect(run).to_be_enabled()
    if max_tokens is not None:
        app.page.get_by_text("Sampling settings").click()
        field = app.key("gen_max_new_tokens").locator("input")
        field.fill(str(max_tokens))
        field.press("Enter")
        expect(field).to_have_value(str(max_tokens))
        app.wait_idle()
    app.key("gen_prompt").locator("textarea").fill(prompt)
    run.click()


def output(app: AppPage):
    return app.key("gen_output").get_by_test_id("stMarkdown").last


def test_two_replicas_stream_from_the_one_model_server_and_queue_per_replica(
    cluster: Cluster, open_on
) -> None:
    needs_model_server(cluster)
    first = open_on(0, "generate")
    queued = open_on(0, "generate")
    second = open_on(1, "generate")
    for app in (first, queued, second):
        expect(app.main.get_by_text(f"Server: {cluster.model.url}")).to_be_visible()
        for key in ("gen_model", "gen_engine"):  # nothing local on a replica
            expect(app.key(key)).to_have_count(0)

    # Replica 1 generates one run at a time (2 cores): the next one there waits,
    # first in its queue; replica 2's run goes to the model server at once. The
    # server is paused meanwhile, so the first run still holds the slot when the
    # next one comes, however short an answer the model would have chosen (a
    # 300-token "essay" that ended after 60 tokens let the next run go unqueued).
    with cluster.model.paused():
        start_run(first, "Write a long essay about hiring for an AI startup.", max_tokens=300)
        expect(first.key("gen_stop").get_by_role("button")).to_be_enabled()  # submitted
        start_run(queued, "Name one skill of a data engineer.")
        expect(queued.main.get_by_text(t("gen_queued", "en", position=1))).to_be_visible()
        queued.shot("02-replica1-queued", settle=False)
        start_run(second, "Name one skill of a product manager.")
        expect(second.key("gen_stop").get_by_role("button")).to_be_enabled()
    expect(output(first)).to_contain_text(re.compile(r"\w{3,}"), timeout=RUN_TIMEOUT_MS)
    first.shot("01-replica1-streaming", settle=False)
    for app in (second, queued, first):
        expect(app.key("gen_metrics")).to_be_visible(timeout=RUN_TIMEOUT_MS)
        expect(app.key("gen_metrics")).to_contain_text("remote")
        assert output(app).inner_text().strip()
        app.expect_no_exception()
    second.shot("03-replica2-done")
    assert (served_by(cluster, first), served_by(cluster, second)) == (0, 1)
    requests = cluster.model.log_path.read_text(errors="replace").count("/v1/chat/completions")
    assert requests >= 3, requests


def test_a_stopped_model_server_is_said_at_once_and_other_pages_work(
    cluster: Cluster, open_on
) -> None:
    needs_model_server(cluster)
    app = open_on(2, "generate")
    expect(app.key("gen_run").get_by_role("button")).to_be_enabled()
    # A new founder's coverage page (no team yet) shows its title, not charts.
    app.nav("coverage", app.main.get_by_role("heading").first)
    cluster.model.stop()
    try:
        down = app.main.get_by_text(re.compile(r"^The generation server at .* is not reachable"))
        started = time.monotonic()
        app.nav("generate", down)
        took = time.monotonic() - started
        print(f"\nthe generate page said the server is down {took:.2f} s after the click")
        expect(app.main.get_by_text(t("gen_remote_down_wait", "en"))).to_be_visible()
        expect(app.key("gen_run").get_by_role("button")).to_be_disabled()
        app.expect_no_exception()
        app.shot("01-model-server-down")
        app.nav("coverage", app.main.get_by_role("heading").first)  # other pages work
        expect(app.main.get_by_text("not reachable")).to_have_count(0)
        app.expect_no_exception()
        # The page run, click to message, on a machine whose two cores other tests
        # share: the probe itself is one refused connection (tests/app/ checks < 2 s).
        assert took < 10, took
    finally:
        cluster.model.start()
