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


# Streamed: the output box took several lengths, and one of over 30 characters.
STREAMING = """() => {
    const seen = (window.__genLengths || []).filter(n => n > 0);
    return new Set(seen).size >= 3 && seen.some(n => n > 30);
}"""
STOPPED = "Stopped on request; the text so far is kept."
ENDED_ALONE = ("The model ended its answer.", "Stopped at the token limit.")


def stop_a_long_run(app: AppPage, tries: int = 3) -> bool:
    """Start a long run and click Stop while it streams. The sampled essay's length is
    the model's choice: a run that ended on its own before the click proves nothing
    about Stop, so it is tried again. True once a click stopped a run."""
    for _ in range(tries):
        run_prompt(app, "Write a long, detailed essay about hiring for a large-model startup.")
        # Fails if the text came in one paint: that would not be a stream.
        app.page.wait_for_function(STREAMING, timeout=RUN_TIMEOUT_MS)
        app.key("gen_stop").get_by_role("button").click()
        app.shot("03-stop-clicked", settle=False)
        outcome = app.main.get_by_text(STOPPED, exact=True)
        for text in ENDED_ALONE:
            outcome = outcome.or_(app.main.get_by_text(text, exact=True))
        expect(outcome).to_be_visible(timeout=RUN_TIMEOUT_MS)
        if app.main.get_by_text(STOPPED, exact=True).is_visible():
            return True
        app.wait_idle()
    return False


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
    assert stop_a_long_run(app), "in 3 tries the model always ended before Stop was clicked"
    expect(metrics).to_be_visible()
    app.wait_idle()
    value = int(tokens.get_by_test_id("stMetricValue").inner_text())
    assert 0 < value < 400, f"stopped run generated {value} tokens"
    assert output_text(app).strip(), "the stopped run lost its text"
    app.expect_no_exception()
    app.shot("04-stopped-run")
    assert app.dialogs == []
