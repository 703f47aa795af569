"""Small Streamlit building blocks shared by the pages.

`md` (user text made inert in Markdown) is planner.formatting's, named here too
so that pages find their display helpers in one place.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from components.export import chart_export_controls
from components.state import Ctx
from planner.formatting import md

__all__ = ["md", "show_chart"]


def show_chart(fig: go.Figure, key: str, ctx: Ctx) -> None:
    """A chart with its widget key (the browser tests' handle) and export controls."""
    st.plotly_chart(fig, key=key, config={"displaylogo": False})
    chart_export_controls(fig, key, ctx)
