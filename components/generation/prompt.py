"""The generation page's prompt section: preset, mode, prompt, settings, Run and Stop."""

from __future__ import annotations

import streamlit as st

from components.generation.session import (
    CURRENT,
    RANDOM_SEED,
    apply_preset,
    current_request,
    current_run,
    message,
    stop_current,
    with_run_seed,
)
from components.state import Ctx
from planner.textgen.config import TextgenConfig
from planner.textgen.errors import TextgenError
from planner.textgen.presets import PRESETS
from planner.textgen.run import Engine
from planner.textgen.settings import RANGES

# Literal keys, so every string the page shows can be checked (tests/unit/test_i18n.py).
PRESET_LABELS = {"job": "gen_preset_job", "pitch": "gen_preset_pitch", "risks": "gen_preset_risks"}
MODE_LABELS = {"chat": "gen_mode_chat", "completion": "gen_mode_completion"}


def prompt_section(ctx: Ctx, config: TextgenConfig) -> None:
    st.subheader(ctx.t("gen_section_prompt"))
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    left.selectbox(
        ctx.t("gen_preset_label"),
        PRESETS,
        key="gen_preset",
        format_func=lambda kind: ctx.t(PRESET_LABELS[kind]),
    )
    right.button(
        ctx.t("gen_preset_apply"), key="gen_preset_apply", on_click=apply_preset, args=(ctx, config)
    )
    st.radio(
        ctx.t("gen_mode_label"),
        ["chat", "completion"],
        key="gen_mode",
        horizontal=True,
        format_func=lambda mode: ctx.t(MODE_LABELS[mode]),
    )
    if st.session_state["gen_mode"] == "chat":
        st.text_input(ctx.t("gen_system_label"), key="gen_system")
    st.text_area(
        ctx.t("gen_prompt_label"),
        key="gen_prompt",
        height=140,
        placeholder=ctx.t("gen_prompt_placeholder"),
    )
    _settings_form(ctx, config)


def _settings_form(ctx: Ctx, config: TextgenConfig) -> None:
    with st.expander(ctx.t("gen_settings")):
        a, b, c = st.columns(3)
        a.number_input(
            ctx.t("gen_max_new_tokens"), 1, config.max_new_tokens_cap, key="gen_max_new_tokens"
        )
        b.slider(
            ctx.t("gen_temperature"), *RANGES["temperature"], step=0.05,
            key="gen_temperature", help=ctx.t("gen_temperature_help"),
        )  # fmt: skip
        c.slider(ctx.t("gen_top_p"), *RANGES["top_p"], step=0.01, key="gen_top_p")
        a.number_input(ctx.t("gen_top_k"), 0, int(RANGES["top_k"][1]), key="gen_top_k")
        b.slider(
            ctx.t("gen_rep_penalty"), *RANGES["repetition_penalty"], step=0.05,
            key="gen_rep_penalty",
        )  # fmt: skip
        random_seed = c.toggle(
            ctx.t("gen_seed_random"), key=RANDOM_SEED, help=ctx.t("gen_seed_random_help")
        )
        c.number_input(
            ctx.t("gen_seed"), 0, int(RANGES["seed"][1]), key="gen_seed", disabled=random_seed
        )
        st.text_area(ctx.t("gen_stop_label"), key="gen_stop_seqs", height=68)


def run_controls(ctx: Ctx, config: TextgenConfig, engine: Engine | None) -> None:
    """Run and Stop; a click on Run submits the widgets' request to engine."""
    run_col, stop_col, _ = st.columns([1, 1, 4])
    clicked = run_col.button(
        ctx.t("gen_run_label"), key="gen_run", type="primary", disabled=engine is None
    )
    refusal = None
    if clicked and engine is not None:
        stop_current()  # a new run replaces the one still going
        try:
            st.session_state[CURRENT] = engine.submit(
                with_run_seed(current_request()),
                orphan_timeout_s=config.orphan_timeout_s,
                max_run_s=config.max_run_s,
            )
        except TextgenError as exc:
            refusal = message(ctx, exc)
    # Drawn after the submission, so Stop is live for the run this click started.
    run = current_run()
    stop_col.button(
        ctx.t("gen_stop_button"),
        key="gen_stop",
        on_click=stop_current,
        disabled=run is None or run.ending,
    )
    if refusal:
        st.error(refusal)
