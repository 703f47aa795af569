"""Objects shared by every session of the process, made once (st.cache_resource).

They are never changed for one user: per-user state lives in st.session_state.
Nothing heavy is imported here; a model loads in its holder's background thread.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from components.settings import secret
from planner.textgen.config import TextgenConfig, load_config
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


@st.cache_resource(show_spinner=False)
def model_holder(spec: str, config: TextgenConfig, engine: str) -> ModelHolder:
    """The shared model for spec on a local engine (one of ENGINES).

    It loads in the background once started (start_model_load or the page)."""
    return ModelHolder(spec, config, slot_pool(config.max_concurrent, config.max_queue), engine)


@st.cache_resource(show_spinner=False)
def start_model_load() -> ModelHolder | None:
    """Start loading the configured model, once per server process (app.py calls this).

    The first script run of the process starts it, whichever page it shows, so the
    model is ready (about a second from the warm cache) before anyone opens the
    generation page. A bad configuration is left for that page to explain.
    """
    try:
        config = textgen_config()
    except ValueError:
        return None
    if config.remote_only:  # generation runs on the model server: no local model here
        return None
    holder = model_holder(config.model, config, config.engine)
    holder.start()
    return holder


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


# A probe per process at most every 2 s: a page that opens says within that time
# whether the model server is down, without every rerun knocking on it.
@st.cache_data(ttl=2, max_entries=8, show_spinner=False)
def model_server_down(url: str, api_key: str) -> str | None:
    """Why the model server at url cannot be reached, or None (see remote.unreachable)."""
    from planner.textgen.remote import unreachable  # httpx, only when a server is set

    return unreachable(url, api_key)
