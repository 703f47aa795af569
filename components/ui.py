"""Small Streamlit building blocks shared by the pages."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from components.state import Ctx


def show_chart(fig: go.Figure, key: str, ctx: Ctx) -> None:
    """A chart with its widget key (the browser tests' handle) and export controls."""
    st.plotly_chart(fig, key=key, config={"displaylogo": False})
    for hook in CHART_HOOKS:
        hook(fig, key, ctx)


# Features add controls under every chart here (export): each takes (fig, key, ctx).
CHART_HOOKS: list = []


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"
