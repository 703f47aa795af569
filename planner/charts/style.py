"""The house style every figure shares: the font (with CJK fallbacks), the colours of
status, area, team and resilience, the layout, and `plain` for user text."""

from __future__ import annotations

import html
import re

import plotly.graph_objects as go

FONT = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, Arial, sans-serif"
STATUS_FILL = {"green": "#c8e6c9", "amber": "#ffe0b2", "red": "#ffcdd2", "neutral": "#eceff1"}
STATUS_LINE = {"green": "#2e7d32", "amber": "#ef6c00", "red": "#c62828", "neutral": "#607d8b"}
AREA_COLOURS = {"research": "#5c6bc0", "data": "#26a69a", "product": "#ffa726", "market": "#ec407a"}
TEAM_COLOUR, TARGET_COLOUR = "#1e88e5", "#9e9e9e"
# Resilience stands beside fit in every chart, always in this green.
RESILIENCE_COLOUR, RESILIENCE_LIGHT = "#2e7d32", "#a5d6a7"


def plain(text: str) -> str:
    """User text as Plotly shows it literally (its pseudo-HTML is escaped)."""
    return html.escape(str(text), quote=False)


# A CJK character (and a full-width sign) takes about two columns of Latin text.
_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_LABEL_UNITS = re.compile(rf"[{_WIDE}]|[^\s{_WIDE}]+")
_NO_LINE_START = set("，。、：；！？）」』》,.:;!?)")


def wrap_label(text: str, width: int = 14) -> str:
    """A tick label on lines of about `width` columns joined by <br>: a category axis
    of long names stays horizontal and readable on a phone instead of slanting into
    the next label. Words stay whole; Chinese breaks between characters."""
    lines: list[str] = []
    line, used = "", 0
    for match in _LABEL_UNITS.finditer(text):
        unit = match.group()
        size = 2 * len(unit) if re.match(rf"[{_WIDE}]", unit) else len(unit)
        gap = 1 if line and text[match.start() - 1].isspace() else 0
        if line and used + gap + size > width and unit[0] not in _NO_LINE_START:
            lines.append(line)
            line, used, gap = "", 0, 0
        line += " " * gap + unit
        used += gap + size
    return "<br>".join([*lines, line]) if line else "<br>".join(lines)


def layout(fig: go.Figure, title: str, height: int = 420) -> go.Figure:
    fig.update_layout(
        title={"text": plain(title), "x": 0.01, "xanchor": "left"},
        font={"family": FONT, "size": 13},
        height=height,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        template="plotly_white",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
    )
    return fig
