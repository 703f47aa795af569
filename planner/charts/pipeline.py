"""The article's startup pipeline as boxes and arrows, each box in its status colour."""

from __future__ import annotations

import textwrap

import plotly.graph_objects as go

from planner.charts.style import STATUS_FILL, STATUS_LINE, layout, plain
from planner.i18n import t
from planner.scoring import Pipeline, Stage, stage_scores

# Pipeline layout: (x, y) per stage; the four areas stand in one column.
_POSITIONS = {
    "market_research": (0.0, 0.55),
    "team_building": (1.05, 0.55),
    "research": (2.2, 1.18),
    "data": (2.2, 0.76),
    "product": (2.2, 0.34),
    "market": (2.2, -0.08),
    "innovation": (3.35, 0.55),
}
_BOX_W, _BOX_H = 0.5, 0.19


def box_name(name: str, limit: int = 16) -> str:
    """A name that fits a stage box; the table beside the diagram has it whole."""
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _stage_label(stage: Stage, lang: str) -> str:
    """Bold stage name (wrapped), coverage and resilience on a line each, up to two
    covering people a line each, blocking mark: short lines, so the text stays inside
    its box on a phone-width chart too."""
    lines = ["<b>" + plain(part) + "</b>" for part in textwrap.wrap(stage.label, 14)]
    if stage.coverage is not None:
        # "76% covered · resilience 37%": one line in Mermaid, two in a narrow box.
        lines += [plain(part) for part in stage_scores(stage, lang).split(" · ")]
    if stage.id != "team_building" and stage.people:
        lines += [plain(box_name(name)) for name in stage.people[:2]]
        if len(stage.people) > 2:
            lines[-1] += f" +{len(stage.people) - 2}"
    if stage.blocking:
        lines.append("<b>" + plain(t("stage_blocking", lang)) + "</b>")
    return "<br>".join(lines)


def pipeline_diagram(pipeline: Pipeline, lang: str) -> go.Figure:
    """The article's flow as boxes and arrows, each area box in its traffic-light colour."""
    fig = go.Figure()
    for src, dst in pipeline.edges:
        (x0, y0), (x1, y1) = _POSITIONS[src], _POSITIONS[dst]
        fig.add_annotation(
            x=x1 - _BOX_W,
            y=y1,
            ax=x0 + _BOX_W,
            ay=y0,
            xref="x",
            yref="y",
            axref="x",
            ayref="y",
            showarrow=True,
            arrowhead=3,
            arrowsize=1.2,
            arrowwidth=1.5,
            arrowcolor="#78909c",
            text="",
        )
    for stage in pipeline.stages.values():
        x, y = _POSITIONS[stage.id]
        fig.add_shape(
            type="rect",
            x0=x - _BOX_W,
            x1=x + _BOX_W,
            y0=y - _BOX_H,
            y1=y + _BOX_H,
            fillcolor=STATUS_FILL[stage.status],
            line={"color": STATUS_LINE[stage.status], "width": 5 if stage.blocking else 1.5},
            layer="below",
        )
        fig.add_annotation(
            x=x,
            y=y,
            text=_stage_label(stage, lang),
            showarrow=False,
            font={"size": 10, "color": "#263238"},
            xref="x",
            yref="y",
        )
    fig.update_xaxes(visible=False, range=[-0.52, 3.87], fixedrange=True)
    fig.update_yaxes(visible=False, range=[-0.3, 1.4], fixedrange=True)
    title = t("chart_pipeline_title", lang)
    if pipeline.blocker:
        title += " — " + t("pipeline_blocked_by", lang, stage=pipeline.blocker.label)
    return layout(fig, title, height=600)
