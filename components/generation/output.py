"""The generation page's output: the streamed text, its metrics and downloads, the history."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import streamlit as st

from components.generation.session import (
    HISTORY,
    HISTORY_SIZE,
    current_run,
    message,
    quality_line,
)
from components.state import Ctx
from planner.formatting import md, md_params
from planner.textgen.run import GenerationRun
from planner.textgen.runcard import card_json, run_card, run_markdown

# Literal keys, so every string the page shows can be checked (tests/unit/test_i18n.py).
FINISH_LABELS = {
    "length": "gen_finish_length",
    "eos": "gen_finish_eos",
    "stop_sequence": "gen_finish_stop_sequence",
    "stopped": "gen_finish_stopped",
    "abandoned": "gen_finish_abandoned",
    "timeout": "gen_finish_timeout",
    "error": "gen_finish_error",
}


def _stream(run: GenerationRun, box, ctx: Ctx) -> Iterator[str]:
    """Text chunks for st.write_stream; the queue position goes to box meanwhile."""
    queued = False
    for kind, value in run.follow():
        if kind == "queued":
            box.info(ctx.t("gen_queued", position=value))
            queued = True
            continue
        if queued:
            box.empty()
            queued = False
        yield md(value)  # model text is shown as typed: no link, image or markup
    if queued:
        box.empty()


def _remember(run: GenerationRun) -> dict:
    """The run's card, added once to the session's newest-first history."""
    history: list[dict] = st.session_state[HISTORY]
    for card in history:
        if card["id"] == run.id:
            return card
    card = run_card(run)
    history.insert(0, card)
    del history[HISTORY_SIZE:]
    return card


def _metrics(ctx: Ctx, run: GenerationRun) -> None:
    m = run.metrics
    with st.container(key="gen_metrics"):
        st.markdown(f"**{ctx.t('gen_metrics_title')}**")
        cols = st.columns(5)
        cols[0].metric(ctx.t("gen_m_ttft"), "—" if m.ttft_s is None else f"{m.ttft_s:.2f} s")
        cols[1].metric(ctx.t("gen_m_tps"), f"{m.tokens_per_s:.1f}")
        cols[2].metric(ctx.t("gen_m_tokens"), m.tokens)
        cols[3].metric(
            ctx.t("gen_m_prompt_tokens"), "—" if m.prompt_tokens is None else m.prompt_tokens
        )
        cols[4].metric(ctx.t("gen_m_total"), f"{m.total_s:.2f} s")
        st.caption(
            ctx.t("gen_m_backend", backend=m.backend, model=m.model, queued=f"{m.queued_s:.2f}")
        )
        if line := quality_line(ctx, run.engine, run.precision):
            st.caption(line)


def _downloads(ctx: Ctx, run: GenerationRun, card: dict) -> None:
    left, right = st.columns(2)
    left.download_button(
        ctx.t("gen_download_md"),
        run_markdown(card),
        file_name=f"generation-{run.id}.md",
        mime="text/markdown",
        key="gen_download_md",
    )
    right.download_button(
        ctx.t("gen_download_card"),
        card_json(card),
        file_name=f"run-card-{run.id}.json",
        mime="application/json",
        key="gen_download_card",
    )


def _show_result(ctx: Ctx, run: GenerationRun) -> None:
    for key, params in run.notices:
        st.info(ctx.t(key, **md_params(params)))
    if run.error is not None:
        st.error(message(ctx, run.error))
    if run.metrics is None:
        return
    st.caption(ctx.t(FINISH_LABELS.get(run.metrics.finish_reason, "gen_finish_error")))
    _metrics(ctx, run)
    _downloads(ctx, run, _remember(run))


def output_section(ctx: Ctx) -> None:
    """The current run's text (streamed while it runs), then its result."""
    run = current_run()
    st.subheader(ctx.t("gen_output_title"))
    output = st.container(key="gen_output", border=True)
    # One slot for the whole result, placed before streaming starts: it replaces the
    # previous run's metrics at once instead of leaving them faded on screen.
    result = st.empty()
    with output:
        if run is None:
            st.caption(ctx.t("gen_output_empty"))
            return
        if run.done:
            # Shown as text: a model (or a remote server) can emit Markdown links and
            # images, which would make the reader's browser fetch from anywhere.
            st.markdown(md(run.text) if run.text else ctx.t("gen_output_empty"))
        else:
            st.write_stream(_stream(run, st.empty(), ctx))
            run.wait(10)
    if run.done:
        with result.container():
            _show_result(ctx, run)


def _history_row(ctx: Ctx, card: dict) -> dict:
    s = card["settings"]
    return {
        ctx.t("gen_h_time"): datetime.fromisoformat(card["created"]).strftime("%H:%M:%S"),
        ctx.t("gen_h_model"): card["model"],
        ctx.t("gen_h_settings"): (
            f"{card['mode']} · T={s['temperature']} p={s['top_p']} k={s['top_k']} "
            f"rep={s['repetition_penalty']} seed={s['seed']} max={s['max_new_tokens']}"
        ),
        ctx.t("gen_h_speed"): (card.get("speed") or {}).get("tokens_per_s"),
        ctx.t("gen_h_prompt"): card["prompt"][:80],
        ctx.t("gen_h_output"): card["output"][:120],
    }


def history_section(ctx: Ctx) -> None:
    history: list[dict] = st.session_state[HISTORY]
    with st.expander(ctx.t("gen_history_title")):
        if not history:
            st.caption(ctx.t("gen_history_empty"))
            return
        rows = [_history_row(ctx, card) for card in history]
        st.container(key="gen_history_table").dataframe(rows, hide_index=True)
