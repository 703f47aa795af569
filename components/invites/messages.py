"""Messages a widget callback leaves for the next run of the invites section."""

from __future__ import annotations

import streamlit as st

from planner.formatting import md_params
from planner.i18n import t

MESSAGES = "_invites_messages"  # (level, key, params) shown by the next run


def say(level: str, key: str, **params: object) -> None:
    st.session_state.setdefault(MESSAGES, []).append((level, key, md_params(params)))


def show_messages(lang: str) -> None:
    for level, key, params in st.session_state.pop(MESSAGES, []):
        getattr(st, level)(t(key, lang, **params))
