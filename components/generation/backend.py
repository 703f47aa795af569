"""The generation page's first section: configuration, backend and engine, model loading.

Nothing here waits for the model: the section shows the shared load's progress in a
fragment that refreshes itself, and the rest of the page (prompt, presets, settings)
renders at once. When the model is ready the fragment reruns the page, and Run is
enabled.
"""

from __future__ import annotations

import streamlit as st

from components.generation.session import english_only_model, message, quality_line
from components.resources import model_holder, model_server_down, remote_engine, textgen_config
from components.state import Ctx
from planner.textgen.config import (
    EMBEDDED,
    ENGINES,
    TextgenConfig,
    allowed_models,
    resolve_model,
)
from planner.textgen.errors import TextgenError
from planner.textgen.holder import ModelHolder
from planner.textgen.run import Engine

__all__ = ["backend_section", "model_picker", "textgen_config"]

PROGRESS_REFRESH_S = 0.5
SOURCES = {
    "gguf": "gen_source_gguf",
    "cache": "gen_source_cache",
    "folder": "gen_source_folder",
    "hub": "gen_source_hub",
    "onnx": "gen_source_onnx",
}
ENGINE_LABELS = {"onnx": "gen_engine_onnx", "transformers": "gen_engine_transformers"}


def _loaded_line(ctx: Ctx, holder: ModelHolder) -> str:
    lm = holder.loaded
    return ctx.t(
        "gen_loaded",
        model=lm.name,
        source=ctx.t(SOURCES.get(lm.source, "gen_source_cache")),
        seconds=f"{lm.load_s:.1f}",
    )


@st.fragment(run_every=PROGRESS_REFRESH_S)
def _progress(ctx: Ctx, holder: ModelHolder) -> None:
    """The shared load's steps and the time left; reruns the page once it is over."""
    if holder.ready or holder.failed:
        st.rerun()
    with st.status(ctx.t("gen_loading", model=holder.spec), expanded=True):
        for key, params in list(holder.lines):
            st.write(ctx.t(key, **params))
        eta = holder.eta_s()
        if eta is not None:
            left, measured = eta
            key = "gen_load_eta" if measured else "gen_load_eta_typical"
            st.caption(ctx.t(key, seconds=f"{max(1, round(left))}"))


def _watch(ctx: Ctx, holder: ModelHolder) -> bool:
    """Start or watch the shared load without waiting; True once the model is ready."""
    holder.start()
    if holder.ready:
        st.caption(_loaded_line(ctx, holder))
        backend = holder.engine.backend
        if line := quality_line(ctx, backend.engine, getattr(backend, "precision", None)):
            st.caption(line)
        return True
    if not holder.failed:
        _progress(ctx, holder)
    return False


def _local_holder(ctx: Ctx, config: TextgenConfig, engine: str) -> tuple[ModelHolder, bool]:
    """The holder of the chosen model (or of the embedded one when that fails), and
    whether it was ready when the section was drawn: a load that ends during this run
    is picked up by the progress fragment's rerun, so the page never shows both the
    loading box and an enabled Run."""
    try:
        spec = resolve_model(st.session_state.get("gen_model") or "", config)
    except TextgenError as exc:  # not on the operator's list: the embedded model instead
        st.error(message(ctx, exc))
        spec = EMBEDDED
    holder = model_holder(spec, config, engine)
    ready = _watch(ctx, holder)
    if ready or not holder.failed:
        return holder, ready
    st.error(message(ctx, holder.error))
    if spec == EMBEDDED:
        return holder, False
    st.info(ctx.t("gen_fallback_embedded"))
    fallback = model_holder(EMBEDDED, config, engine)
    return fallback, _watch(ctx, fallback)


def model_picker(ctx: Ctx, config: TextgenConfig, key: str = "gen_model") -> None:
    """Every model field (this page's, the attention page's): a free field where the
    operator is the user (make run); elsewhere a choice among the embedded model and the
    folders the operator allowed. What it holds goes through resolve_model."""
    if config.free_model_field:
        # Empty means the built-in model, named by the placeholder (never the raw id).
        st.text_input(
            ctx.t("gen_model_label"),
            key=key,
            help=ctx.t("gen_model_help"),
            placeholder=ctx.t("gen_model_embedded"),
        )
        return
    choices = allowed_models(config)
    if st.session_state.get(key) not in choices:
        st.session_state[key] = EMBEDDED
    st.selectbox(
        ctx.t("gen_model_label"),
        choices,
        key=key,
        format_func=lambda m: ctx.t("gen_model_embedded") if m == EMBEDDED else m,
        help=ctx.t("gen_model_help_hosted"),
    )


def _engine_picker(ctx: Ctx) -> str:
    engine = st.selectbox(
        ctx.t("gen_engine_label"),
        ENGINES,
        key="gen_engine",
        format_func=lambda name: ctx.t(ENGINE_LABELS[name]),
        help=ctx.t("gen_engine_help"),
    )
    return engine if engine in ENGINES else ENGINES[0]


def offered_backends(config: TextgenConfig) -> tuple[str, ...]:
    """The backends the operator set up for visitors: local, remote, or both."""
    if not config.remote_configured:
        return ("local",)
    if config.remote_only and not config.local_fallback:
        return ("remote",)
    return ("local", "remote")


def intro_key(config: TextgenConfig) -> str:
    """The page's introduction names the backends this app offers, and only those."""
    return {("local",): "gen_intro", ("remote",): "gen_intro_remote"}.get(
        offered_backends(config), "gen_intro_both"
    )


def _backend_choice(ctx: Ctx, config: TextgenConfig) -> str:
    """local or remote: what the operator set up, and the visitor's pick where both are."""
    offered = offered_backends(config)
    if offered == ("local",):
        return "local"
    if offered == ("remote",):
        st.caption(ctx.t("gen_backend_remote", url=config.remote_url))
        return "remote"
    choice = st.segmented_control(
        ctx.t("gen_backend_label"),
        ["local", "remote"],
        default="remote" if config.remote_only else "local",
        key="gen_backend",
        format_func=lambda b: (
            ctx.t("gen_backend_local")
            if b == "local"
            else ctx.t("gen_backend_remote", url=config.remote_url)
        ),
    )
    return choice or ("remote" if config.remote_only else "local")


SERVER_WATCH_S = 1.0


@st.fragment(run_every=SERVER_WATCH_S)
def _watch_server(config: TextgenConfig, shown_down: bool) -> None:
    """Reruns the page when the model server goes away or comes back while the page
    is open: what the page said at its last run may be up to a probe's age old."""
    down = model_server_down(config.remote_url, config.remote_api_key) is not None
    if down != shown_down:
        st.rerun()


def _server_down(ctx: Ctx, config: TextgenConfig) -> bool:
    """Say within SERVER_WATCH_S (one short probe, shared by the process for that
    long) when the model server does not answer, and again when it is back."""
    detail = model_server_down(config.remote_url, config.remote_api_key)
    _watch_server(config, detail is not None)
    if detail is None:
        return False
    st.error(ctx.t("gen_err_remote_down", url=config.remote_url, detail=detail))
    if config.remote_only and config.local_fallback:
        st.info(ctx.t("gen_remote_down_local"))
    elif config.remote_only:
        st.caption(ctx.t("gen_remote_down_wait"))
    return True


def backend_section(ctx: Ctx, config: TextgenConfig) -> tuple[Engine | None, ModelHolder | None]:
    """The engine runs go to (None: not ready or none usable), and the local model's holder."""
    st.subheader(ctx.t("gen_section_model"))
    backend = _backend_choice(ctx, config)
    if backend == "local":
        left, right = st.columns([3, 2])
        with left:
            model_picker(ctx, config)
        with right:
            engine = _engine_picker(ctx)
        if ctx.lang != "en" and english_only_model(config):
            st.caption(ctx.t("gen_zh_note"))
        holder, ready = _local_holder(ctx, config, engine)
        if ready and holder.engine_used != engine:
            st.info(ctx.t("gen_engine_fell_back", model=holder.spec))
        return (holder.engine if ready else None), holder
    if _server_down(ctx, config):
        return None, None
    try:
        return remote_engine(config), None
    except TextgenError as exc:
        st.error(message(ctx, exc))
        return None, None
