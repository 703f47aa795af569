"""Plotly figures of the next-token view (no streamlit)."""

from __future__ import annotations

import plotly.graph_objects as go


def visible_token(token: str) -> str:
    """Whitespace made visible so ' the' and 'the' differ on an axis."""
    shown = token.replace(" ", "␣").replace("\n", "↵").replace("\t", "⇥")
    return shown or "∅"


def next_token_figure(candidates: list[dict], title: str, x_title: str, y_title: str) -> go.Figure:
    """Horizontal bars: the likeliest token on top."""
    labels = [f"{i + 1}. {visible_token(c['token'])}" for i, c in enumerate(candidates)]
    probs = [c["prob"] for c in candidates]
    fig = go.Figure(
        go.Bar(
            x=probs[::-1],
            y=labels[::-1],
            orientation="h",
            text=[f"{p:.1%}" for p in probs[::-1]],
            textposition="auto",
            hovertemplate="%{y}: %{x:.2%}<extra></extra>",
            marker_color="#4C78A8",
        )
    )
    fig.update_layout(
        title=title,
        xaxis={"title": x_title, "tickformat": ".0%", "range": [0, max([*probs, 0.01]) * 1.1]},
        yaxis={"title": y_title},
        height=380,
        margin={"l": 10, "r": 10, "t": 50, "b": 40},
    )
    return fig
