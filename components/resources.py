"""Objects shared by every session of the process, made once (st.cache_resource).

They are never changed for one user: per-user state lives in st.session_state.
Nothing heavy is imported here; a model loads in its holder's background thread.
"""

from __future__ import annotations

import streamlit as st

from planner.textgen.config import TextgenConfig
from planner.textgen.holder import ModelHolder
from planner.textgen.run import Engine, SlotPool


@st.cache_resource(show_spinner=False)
def slot_pool(size: int, max_queue: int) -> SlotPool:
    """One pool for every session and backend: at most `size` generations at once."""
    return SlotPool(size, max_queue)


@st.cache_resource(show_spinner=False)
def model_holder(spec: str, config: TextgenConfig) -> ModelHolder:
    """The shared model for spec; it loads in the background on first use."""
    return ModelHolder(spec, config, slot_pool(config.max_concurrent, config.max_queue))


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
