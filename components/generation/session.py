"""The generation page's session state: its keys, defaults, request and run cards.

Every sampling setting is one widget key mapped to one GenSettings field in
SETTINGS; defaults, a loaded run card and the request all go through that map.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import streamlit as st

from components.state import Ctx
from planner.formatting import md, md_params
from planner.textgen.config import EMBEDDED, ENGINES, TextgenConfig
from planner.textgen.errors import TextgenError
from planner.textgen.presets import PRESETS, preset
from planner.textgen.quality import measured_rise
from planner.textgen.run import GenerationRun
from planner.textgen.runcard import request_from_card
from planner.textgen.settings import RANGES, GenRequest, GenSettings, parse_stop, stop_text

CURRENT = "gen_current_run"
HISTORY = "gen_history"
HISTORY_SIZE = 10
NEXT = "gen_next_result"
ARGMAX = "gen_argmax_result"
NOTICE = "gen_notice"


@dataclass(frozen=True)
class Setting:
    """A GenSettings field and how its value crosses to and from the widget."""

    field: str
    to_widget: Callable[[object], object]
    from_widget: Callable[[object], object]


SETTINGS: dict[str, Setting] = {
    "gen_max_new_tokens": Setting("max_new_tokens", int, int),
    "gen_temperature": Setting("temperature", float, float),
    "gen_top_p": Setting("top_p", float, float),
    "gen_top_k": Setting("top_k", int, int),
    "gen_rep_penalty": Setting("repetition_penalty", float, float),
    "gen_seed": Setting("seed", int, int),
    "gen_stop_seqs": Setting("stop", stop_text, parse_stop),
}


def settings_to_state(settings: GenSettings) -> dict[str, object]:
    """Widget values (by key) that show settings."""
    return {key: s.to_widget(getattr(settings, s.field)) for key, s in SETTINGS.items()}


def settings_from_widgets(values: Mapping[str, object]) -> GenSettings:
    """The settings that widget values (by key, e.g. st.session_state) describe."""
    return GenSettings(**{s.field: s.from_widget(values[key]) for key, s in SETTINGS.items()})


def message(ctx: Ctx, error: TextgenError) -> str:
    """The error in the page's language; its own text when the key or a param is missing."""
    try:
        return ctx.t(error.key, **md_params(error.params))
    except (KeyError, IndexError):
        return md(str(error))


def init_state(ctx: Ctx, config: TextgenConfig) -> None:
    defaults = GenSettings(
        max_new_tokens=min(config.default_max_new_tokens, config.max_new_tokens_cap)
    )
    state = st.session_state
    state.setdefault("gen_model", config.model)
    state.setdefault("gen_engine", config.engine)
    state.setdefault("gen_mode", "chat")
    state.setdefault("gen_preset", PRESETS[0])
    state.setdefault(RANDOM_SEED, True)  # Generate twice gives two texts
    for key, value in settings_to_state(defaults).items():
        state.setdefault(key, value)
    state.setdefault("gen_argmax_text", ctx.t("gen_argmax_default"))
    state.setdefault(HISTORY, [])
    if "gen_prompt" not in state:
        state["gen_system"], state["gen_prompt"] = preset(
            PRESETS[0], ctx.plan, ctx.catalog, ctx.model, prompt_lang(ctx, config)
        )


def english_only_model(config: TextgenConfig) -> bool:
    """True when runs go to the embedded model, which was trained on English text only:
    asked in Chinese it writes unrelated English (seen: a letter to "Rajja" about a
    monthly report). A server's model, or an operator's folder, may read Chinese."""
    state = st.session_state
    backend = state.get("gen_backend") or ("remote" if config.remote_only else "local")
    return backend != "remote" and state.get("gen_model") in (None, "", EMBEDDED)


def prompt_lang(ctx: Ctx, config: TextgenConfig) -> str:
    """The language presets write in: English for the English-only embedded model (the
    page's note says why), else the page's language."""
    return "en" if english_only_model(config) else ctx.lang


def show_notices(ctx: Ctx) -> None:
    """Messages a callback left for this run (callbacks run before the page draws)."""
    for kind, key, params in st.session_state.pop(NOTICE, []):
        getattr(st, kind)(ctx.t(key, **md_params(params)))


def apply_preset(ctx: Ctx, config: TextgenConfig) -> None:
    system, prompt = preset(
        st.session_state["gen_preset"], ctx.plan, ctx.catalog, ctx.model, prompt_lang(ctx, config)
    )
    st.session_state.update(gen_system=system, gen_prompt=prompt, gen_mode="chat")


def load_card(config: TextgenConfig) -> None:
    """Fill the prompt and settings from an uploaded run card; a bad file says why."""
    upload = st.session_state.get("gen_card_upload")
    if upload is None:
        return
    try:
        card = json.loads(upload.getvalue().decode("utf-8"))
        request = request_from_card(card)
        settings = request.settings.validated(config.max_new_tokens_cap)
    except (ValueError, UnicodeDecodeError, TextgenError) as exc:
        st.session_state[NOTICE] = [("error", "gen_card_bad", {"detail": str(exc)[:200]})]
        return
    st.session_state.update(
        gen_prompt=request.prompt,
        gen_system=request.system,
        gen_mode=request.mode,
        **settings_to_state(settings),
    )
    st.session_state[RANDOM_SEED] = False  # the card's own seed, to repeat its run
    notices = [("success", "gen_card_loaded", {})]
    # Greedy text depends on the engine (int4 or fp32 weights): repeat the card's.
    if card.get("backend") == "local" and card.get("engine") in ENGINES:
        st.session_state["gen_engine"] = card["engine"]
    spec = str(card.get("model_spec") or card.get("model") or "")
    current = st.session_state.get("gen_model", "")
    if card.get("backend") == "local" and spec and spec != current:
        notices.append(("warning", "gen_card_model_differs", {"model": spec, "current": current}))
    st.session_state[NOTICE] = notices


RANDOM_SEED = "gen_seed_random"


def with_run_seed(request: GenRequest) -> GenRequest:
    """The request with a fresh seed when the seed is random (the run card keeps it)."""
    if not st.session_state.get(RANDOM_SEED, True):
        return request
    seed = secrets.randbelow(int(RANGES["seed"][1]) + 1)
    return replace(request, settings=replace(request.settings, seed=seed))


def current_request() -> GenRequest:
    """The request the widgets describe now."""
    s = st.session_state
    return GenRequest(
        prompt=s["gen_prompt"],
        mode=s["gen_mode"],
        system=s.get("gen_system", "") if s["gen_mode"] == "chat" else "",
        settings=settings_from_widgets(s),
    )


def current_run() -> GenerationRun | None:
    return st.session_state.get(CURRENT)


def stop_current() -> None:
    if (run := current_run()) is not None:
        run.stop()


ENGINE_NAMES = {"onnx": "ONNX Runtime GenAI", "transformers": "transformers"}


def quality_line(ctx: Ctx, engine: str, precision: str | None) -> str | None:
    """What quality the founder is looking at: the engine, its weights and their measured
    perplexity against fp32 (None for a server, whose weights are not ours to measure)."""
    if precision is None:
        return None
    name = ENGINE_NAMES.get(engine, engine)
    rise = measured_rise(engine, precision)
    if rise is None:
        return ctx.t("gen_quality_unmeasured", engine=name, precision=precision)
    if rise == 0:
        return ctx.t("gen_quality_reference", engine=name, precision=precision)
    return ctx.t("gen_quality", engine=name, precision=precision, rise=f"{rise * 100:+.1f} %")
