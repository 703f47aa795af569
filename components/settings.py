"""Operator settings: environment variables first, then `.streamlit/secrets.toml`.

The one place that reads st.secrets, so every feature treats a missing or
malformed secrets file alike: as "not set".
"""

from __future__ import annotations

import os

import streamlit as st


def secret(*path: str) -> object | None:
    """The value at a path of keys in st.secrets (`secret("auth")`,
    `secret("textgen")`), or None when it is not set or there is no secrets file."""
    try:
        value: object = st.secrets
        for part in path:
            value = value[part]  # type: ignore[index]
        return value
    # A missing or unparsable file raises StreamlitSecretNotFoundError, a
    # FileNotFoundError; TypeError is a path that runs through a plain value.
    except (KeyError, TypeError, FileNotFoundError):
        return None


def setting(name: str) -> str | None:
    """A top-level setting: the environment variable `name`, else the secret `name`."""
    value = os.environ.get(name) or secret(name)
    return str(value) if value else None
