"""Small Streamlit building blocks shared by the pages."""

from __future__ import annotations

import re

import plotly.graph_objects as go
import streamlit as st

from components.export import chart_export_controls
from components.state import Ctx


def show_chart(fig: go.Figure, key: str, ctx: Ctx) -> None:
    """A chart with its widget key (the browser tests' handle) and export controls."""
    st.plotly_chart(fig, key=key, config={"displaylogo": False})
    chart_export_controls(fig, key, ctx)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def md(text: object) -> str:
    """User text made inert inside Streamlit markdown (labels, captions, alerts)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"
