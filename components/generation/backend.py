"""The generation page's first section: configuration, backend choice and model loading."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from components.generation.session import message
from components.resources import model_holder, remote_engine
from components.settings import secret
from components.state import Ctx
from planner.formatting import md
from planner.textgen.config import EMBEDDED, TextgenConfig, load_config
from planner.textgen.errors import TextgenError
from planner.textgen.holder import ModelHolder
from planner.textgen.run import Engine


def textgen_config() -> TextgenConfig:
    """Env vars over the `[textgen]` secrets table; ValueError names a bad setting."""
    table = secret("textgen")
    return load_config(secrets=dict(table) if isinstance(table, Mapping) else {})


def _loaded_line(ctx: Ctx, holder: ModelHolder) -> str:
    lm = holder.loaded
    return ctx.t(
        "gen_loaded",
        model=md(lm.name),
        source=ctx.t(f"gen_source_{lm.source}"),
        seconds=f"{lm.load_s:.1f}",
    )


def _show_loading(ctx: Ctx, holder: ModelHolder) -> bool:
    """Start or watch the shared load; True once the model is ready."""
    holder.start()
    if holder.ready:
        return True
    if holder.failed:
        return False
    with st.status(ctx.t("gen_loading", model=holder.spec), expanded=True) as status:
        shown = 0
        while True:
            finished = holder.wait(0.25)
            for key, params in holder.lines[shown:]:
                status.write(ctx.t(key, **params))
            shown = len(holder.lines)
            if finished:
                break
        if holder.error is not None:
            status.update(label=ctx.t("gen_load_failed", model=holder.spec), state="error")
            return False
        status.update(label=_loaded_line(ctx, holder), state="complete", expanded=False)
    return True


def _local_holder(ctx: Ctx, config: TextgenConfig) -> ModelHolder | None:
    """The holder of the chosen model, or of the embedded one when that fails."""
    spec = (st.session_state["gen_model"] or "").strip() or EMBEDDED
    holder = model_holder(spec, config)
    # The status box of a load in this run already says "ready"; say it once.
    was_ready = holder.ready
    if _show_loading(ctx, holder):
        if was_ready:
            st.caption(_loaded_line(ctx, holder))
        return holder
    st.error(message(ctx, holder.error))
    if spec == EMBEDDED:
        return None
    st.info(ctx.t("gen_fallback_embedded"))
    fallback = model_holder(EMBEDDED, config)
    return fallback if _show_loading(ctx, fallback) else None


def backend_section(ctx: Ctx, config: TextgenConfig) -> tuple[Engine | None, ModelHolder | None]:
    """The engine runs go to (None: none usable), and the local model's holder if local."""
    st.subheader(ctx.t("gen_section_model"))
    backend = "local"
    if config.remote_configured:
        backend = (
            st.segmented_control(
                ctx.t("gen_backend_label"),
                ["local", "remote"],
                default="local",
                key="gen_backend",
                format_func=lambda b: (
                    ctx.t("gen_backend_local")
                    if b == "local"
                    else ctx.t("gen_backend_remote", url=config.remote_url)
                ),
            )
            or "local"
        )
    if backend == "local":
        st.text_input(ctx.t("gen_model_label"), key="gen_model", help=ctx.t("gen_model_help"))
        holder = _local_holder(ctx, config)
        return (holder.engine if holder else None), holder
    try:
        return remote_engine(config), None
    except TextgenError as exc:
        st.error(message(ctx, exc))
        return None, None
