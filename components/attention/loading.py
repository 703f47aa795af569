"""Model loading and the forward pass for the attention page.

The page's state (widget values kept across pages), the eager model shared by every
session (components.resources: the configured model's starts loading with the server,
others in a bounded cache; the model field goes through the same picker and resolver
as the generation page's), and the capture of one forward pass from
planner.textgen.attention, kept in this session for the current model and text. torch
loads in the model's loading thread only.
"""

from __future__ import annotations

import streamlit as st

from components.generation.backend import SOURCES, model_picker
from components.generation.session import message
from components.resources import attention_holder, textgen_config
from components.state import Ctx
from components.ui import md
from planner.domain import LANGS
from planner.formatting import md_params
from planner.i18n import t
from planner.textgen.attention import MAX_TOKENS, Capture, EagerModelHolder
from planner.textgen.config import EMBEDDED, TextgenConfig, resolve_model
from planner.textgen.errors import TextgenError

CAPTURE = "attn_capture"  # {"spec", "text", "capture"} of the last forward pass
BACKEND_SEEN = "attn_backend_seen"  # the generate page's backend choice, remembered
# Widget values that survive a visit to another page: Streamlit drops the state of
# widgets a run did not draw, so a plain copy (SAVED) puts them back on return.
SAVED = "attn_saved"
KEPT = ("attn_model", "attn_text", "attn_layer", "attn_head", "attn_merge", "attn_sink")


def config(ctx: Ctx) -> TextgenConfig | None:
    """The text-generation configuration (the same as the generation page's)."""
    try:
        return textgen_config()
    except ValueError as exc:
        st.error(ctx.t("gen_err_config", detail=str(exc)[:300]))
        return None


def init_state(ctx: Ctx, cfg: TextgenConfig) -> None:
    state = st.session_state
    saved = state.setdefault(SAVED, {})
    for key in KEPT:
        if key not in state and key in saved:
            state[key] = saved[key]
    # The language's own default sentence, also after a language switch.
    defaults = {t("attn_default_text", lang) for lang in LANGS}
    if state.get("attn_text") in defaults:
        state["attn_text"] = ctx.t("attn_default_text")
    gen_model = state.get("gen_model")
    state.setdefault("attn_model", gen_model if isinstance(gen_model, str) else cfg.model)
    # The built-in model is the empty field, named by its placeholder: never the raw id.
    if cfg.free_model_field and (state["attn_model"] or "").strip() == EMBEDDED:
        state["attn_model"] = ""
    state.setdefault("attn_text", ctx.t("attn_default_text"))
    state.setdefault("attn_layer", 0)
    state.setdefault("attn_head", 0)
    state.setdefault("attn_merge", True)
    state.setdefault("attn_sink", False)
    if "gen_backend" in state:
        state[BACKEND_SEEN] = state["gen_backend"]
    # Each run starts with the latest widget values (a change reruns this page).
    state[SAVED] = {key: state[key] for key in KEPT}


def remote_selected(cfg: TextgenConfig) -> bool:
    """True when the text-generation page uses the remote server (no weights here)."""
    return cfg.remote_configured and st.session_state.get(BACKEND_SEEN) == "remote"


def _show_loading(ctx: Ctx, holder: EagerModelHolder) -> bool:
    """Start or watch the shared load, one status line per step; True once ready."""
    holder.start()
    if holder.ready:
        return True
    if not holder.failed:
        with st.status(ctx.t("attn_loading", model=md(holder.spec)), expanded=True) as status:
            shown = 0
            left = st.empty()
            while True:
                finished = holder.wait(0.25)
                for key, params in holder.lines[shown:]:
                    status.write(_line(ctx, key, params))
                shown = len(holder.lines)
                if finished:
                    left.empty()
                    break
                if (eta := holder.eta_s()) is not None:
                    key = "gen_load_eta" if eta[1] else "gen_load_eta_typical"
                    left.caption(ctx.t(key, seconds=f"{max(1, round(eta[0]))}"))
            if holder.error is None:
                lm = holder.model.lm
                status.update(
                    label=ctx.t(
                        "attn_loaded",
                        model=md(lm.name),
                        source=ctx.t(SOURCES.get(lm.source, "gen_source_cache")),
                        seconds=f"{lm.load_s:.1f}",
                    ),
                    state="complete",
                    expanded=False,
                )
                return True
            status.update(label=ctx.t("attn_load_failed", model=md(holder.spec)), state="error")
    st.error(message(ctx, holder.error))
    return False


def _line(ctx: Ctx, key: str, params: dict) -> str:
    try:
        return ctx.t(key, **md_params(params))
    except (KeyError, IndexError):  # a loader step this page has no words for
        return key


def model_holder(ctx: Ctx, cfg: TextgenConfig) -> EagerModelHolder | None:
    """The eager model of the chosen spec, loaded (with progress) or None with a message."""
    model_picker(ctx, cfg, "attn_model")
    try:
        spec = resolve_model(st.session_state.get("attn_model") or "", cfg)
    except TextgenError as exc:
        st.error(message(ctx, exc))
        return None
    holder = attention_holder(spec, cfg)
    was_ready = holder.ready
    if not _show_loading(ctx, holder):
        return None
    if was_ready:
        lm = holder.model.lm
        st.caption(
            ctx.t(
                "attn_loaded",
                model=md(lm.name),
                source=ctx.t(SOURCES.get(lm.source, "gen_source_cache")),
                seconds=f"{lm.load_s:.1f}",
            )
        )
    return holder


def captured(ctx: Ctx, holder: EagerModelHolder) -> Capture | None:
    """The forward pass for the current text (run again only when model or text change)."""
    from planner.textgen.attention import capture

    st.text_input(
        ctx.t("attn_text_label"),
        key="attn_text",
        max_chars=2000,
        help=ctx.t("attn_text_help", limit=MAX_TOKENS),
    )
    text = st.session_state["attn_text"]
    kept = st.session_state.get(CAPTURE)
    if kept and kept["spec"] == holder.spec and kept["text"] == text:
        return kept["capture"]
    try:
        cap = capture(holder.model, text)
    except TextgenError as exc:
        st.session_state.pop(CAPTURE, None)
        st.error(message(ctx, exc))
        return None
    st.session_state[CAPTURE] = {"spec": holder.spec, "text": text, "capture": cap}
    return cap
