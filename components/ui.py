"""Small Streamlit building blocks shared by the pages.

`md` (user text made inert in Markdown) is planner.formatting's, named here too
so that pages find their display helpers in one place.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import plotly.graph_objects as go
import streamlit as st

from components.export import chart_export_controls
from components.state import Ctx
from planner.formatting import md

__all__ = ["md", "show_chart", "static_table"]


def show_chart(fig: go.Figure, key: str, ctx: Ctx) -> None:
    """A chart with its widget key (the browser tests' handle) and export controls."""
    st.plotly_chart(fig, key=key, config={"displaylogo": False})
    chart_export_controls(fig, key, ctx)


def static_table(rows: Sequence[Mapping[str, object]], user_text: Collection[str] = ()) -> None:
    """Rows as a static table: its cells wrap, where a data frame cuts a long column
    off or scrolls it out of sight. st.table reads Markdown in its cells, so the
    columns named in `user_text` (names a user typed) are made inert with `md`."""
    st.table(
        [{k: md(v) if k in user_text else v for k, v in row.items()} for row in rows],
        hide_index=True,
    )
