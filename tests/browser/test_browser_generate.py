"""Journey 4, generation: a prompt streams text and metrics; Stop ends a long run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.browser import AppPage

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.browser

# The embedded model is converted on first use (GGUF -> safetensors -> ONNX int8):
# ~40 s alone, more on a busy CI box; the server starts loading it at its first run.
LOAD_TIMEOUT_MS = 180_000
RUN_TIMEOUT_MS = 120_000

# Records every length the output box's text takes once it differs from what it
# showed before the click, to tell a stream from one big paint (and from the last run).
WATCH_OUTPUT = """() => {
    const text = () => {
        const md = document.querySelectorAll('.st-key-gen_output [data-testid="stMarkdown"]');
        return md.length ? md[md.length - 1].innerText : '';
    };
    const before = text();
    window.__genLengths = [];
    const note = () => {
        const now = text();
        const seen = window.__genLengths;
        if (now !== before && seen[seen.length - 1] !== now.length) seen.push(now.length);
    };
    if (window.__genObserver) window.__genObserver.disconnect();  // the last run's
    window.__genObserver = new MutationObserver(note);
    window.__genObserver.observe(document.body,
        {subtree: true, childList: true, characterData: true});
}"""


def output_text(app: AppPage) -> str:
    """The generated text (st.write_stream / st.markdown), not notices in the box."""
    return app.key("gen_output").get_by_test_id("stMarkdown").last.inner_text()


def run_prompt(app: AppPage, prompt: str) -> None:
    app.key("gen_prompt").locator("textarea").fill(prompt)
    app.page.evaluate(WATCH_OUTPUT)
    app.key("gen_run").get_by_role("button").click()


def test_generate(open_app) -> None:
    app = open_app()
    # The prompt shows at once; Run is enabled when the model is ready, which on a
    # fresh machine is first converted from its GGUF file (tens of seconds).
    app.nav("generate", app.key("gen_run"), timeout_ms=LOAD_TIMEOUT_MS)
    run = app.key("gen_run").get_by_role("button")
    expect(run).to_be_enabled(timeout=LOAD_TIMEOUT_MS)
    app.wait_idle()
    app.expect_no_exception()
    app.shot("01-model-loaded")

    # A short run: the text streams in, then the metrics appear.
    run_prompt(app, "In one sentence, why does an AI startup need data engineers?")
    metrics = app.key("gen_metrics")
    expect(metrics).to_be_visible(timeout=RUN_TIMEOUT_MS)
    app.wait_idle()
    lengths = app.page.evaluate("window.__genLengths")
    growing = [n for n in lengths if n > 0]
    assert len(set(growing)) >= 3, f"output did not stream in (lengths seen: {lengths})"
    assert output_text(app).strip(), "the run produced no text"
    tokens = metrics.get_by_test_id("stMetric").filter(has_text="Tokens generated")
    expect(tokens.get_by_test_id("stMetricValue")).to_have_text(re.compile(r"^[1-9]\d*$"))
    app.shot("02-short-run")

    # A long run, stopped while it streams: it ends early and keeps its text.
    app.page.get_by_text("Sampling settings").click()
    max_tokens = app.key("gen_max_new_tokens").locator("input")
    expect(max_tokens).to_be_visible()
    max_tokens.fill("400")
    max_tokens.press("Enter")
    expect(max_tokens).to_have_value("400")
    app.wait_idle()
    run_prompt(app, "Write a long, detailed essay about hiring for a large-model startup.")
    app.page.wait_for_function(
        "() => (window.__genLengths || []).some(n => n > 30)", timeout=RUN_TIMEOUT_MS
    )
    app.shot("03-streaming", settle=False)
    app.key("gen_stop").get_by_role("button").click()
    expect(app.main.get_by_text("Stopped on request; the text so far is kept.")).to_be_visible(
        timeout=RUN_TIMEOUT_MS
    )
    expect(metrics).to_be_visible()
    app.wait_idle()
    value = int(tokens.get_by_test_id("stMetricValue").inner_text())
    assert 0 < value < 400, f"stopped run generated {value} tokens"
    assert output_text(app).strip(), "the stopped run lost its text"
    app.expect_no_exception()
    app.shot("04-stopped-run")
    assert app.dialogs == []
