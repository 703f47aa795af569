"""Objects shared by every session of the process, made once (st.cache_resource).

They are never changed for one user: per-user state lives in st.session_state.
Nothing heavy is imported here; a model loads in its holder's background thread.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from components.settings import secret
from planner.textgen.attention import EagerModelHolder
from planner.textgen.config import TextgenConfig, load_config, resolve_model
from planner.textgen.errors import TextgenError
from planner.textgen.holder import ModelHolder
from planner.textgen.run import Engine, SlotPool


def textgen_config() -> TextgenConfig:
    """Env vars over the `[textgen]` secrets table; ValueError names a bad setting."""
    table = secret("textgen")
    return load_config(secrets=dict(table) if isinstance(table, Mapping) else {})


@st.cache_resource(show_spinner=False)
def slot_pool(size: int, max_queue: int) -> SlotPool:
    """One pool for every session and backend: at most `size` generations at once."""
    return SlotPool(size, max_queue)


# Models a process keeps besides the configured ones (each 0.3-0.9 GB): a visitor who
# tries other allowed models evicts the least recently used, whose memory goes back.
MAX_OTHER_MODELS = 2


def model_holder(spec: str, config: TextgenConfig, engine: str) -> ModelHolder:
    """The shared model for a resolved spec (resolve_model) on a local engine.

    The configured model's holder is the one the server started; others live in a
    bounded cache, keyed by the resolved spec, so a path typed two ways is one model."""
    started = start_model_load()
    if started is not None:
        default = started[0]
        if (spec, config, engine) == (default.spec, default.config, default.engine_name):
            return default
    return _other_model_holder(spec, config, engine)


@st.cache_resource(show_spinner=False, max_entries=MAX_OTHER_MODELS)
def _other_model_holder(spec: str, config: TextgenConfig, engine: str) -> ModelHolder:
    return ModelHolder(spec, config, slot_pool(config.max_concurrent, config.max_queue), engine)


def attention_holder(spec: str, config: TextgenConfig) -> EagerModelHolder:
    """The attention page's eager copy of a resolved spec: the configured model's is the
    one the server started; others live in a bounded cache like the generation models."""
    started = start_model_load()
    if started is not None:
        default = started[1]
        if (spec, config) == (default.spec, default.config):
            return default
    return _other_attention_holder(spec, config)


@st.cache_resource(show_spinner=False, max_entries=MAX_OTHER_MODELS)
def _other_attention_holder(spec: str, config: TextgenConfig) -> EagerModelHolder:
    return EagerModelHolder(spec, config)


@st.cache_resource(show_spinner=False)
def start_model_load() -> tuple[ModelHolder, EagerModelHolder] | None:
    """Start loading the configured model, once per server process (app.py calls this):
    for generation on the configured engine, and the attention page's eager copy, both
    in background threads from the disk cache.

    The first script run of the process starts them, whichever page it shows, so both
    are ready before anyone opens their pages. A bad configuration is left for those
    pages to explain.
    """
    try:
        config = textgen_config()
        spec = resolve_model(config.model, config)
    except (ValueError, TextgenError):
        return None
    if config.remote_only:  # generation runs on the model server: no local model here
        return None
    pool = slot_pool(config.max_concurrent, config.max_queue)
    holders = ModelHolder(spec, config, pool, config.engine), EagerModelHolder(spec, config)
    for holder in holders:
        holder.start()
    return holders


@st.cache_resource(show_spinner=False)
def remote_engine(config: TextgenConfig) -> Engine:
    """The engine of the OpenAI-compatible server in config (raises TextgenError if unusable)."""
    from planner.textgen.remote import RemoteBackend  # httpx, only when a server is set

    backend = RemoteBackend(
        config.remote_url,
        config.remote_model,
        config.remote_api_key,
        config.remote_timeout_s,
        config.remote_connect_timeout_s,
    )
    pool = slot_pool(config.max_concurrent, config.max_queue)
    return Engine(backend, pool, config.max_new_tokens_cap)


# A probe per process at most every second: a page that opens says within that time
# whether the model server is down, without every rerun knocking on it.
@st.cache_data(ttl=1, max_entries=8, show_spinner=False)
def model_server_down(url: str, api_key: str) -> str | None:
    """Why the model server at url cannot be reached, or None (see remote.unreachable)."""
    from planner.textgen.remote import unreachable  # httpx, only when a server is set

    return unreachable(url, api_key)
