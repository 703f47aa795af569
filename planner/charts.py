"""Plotly figure builders: core results in, `go.Figure` out.

The same figure is shown in the app, exported to PNG/SVG/PDF/HTML and put in
reports, so builders take the language and never touch Streamlit. Every text that
comes from a user (member names, roles, custom model labels) goes through
`plain()`: Plotly reads a subset of HTML in its texts, and a name must show as
itself, never as markup.
"""

from __future__ import annotations

import html
import math
import re
import textwrap
from collections.abc import Collection

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from planner.catalog import Catalog, Role
from planner.domain import BusinessModel, Team, area_of
from planner.i18n import t
from planner.numbers import people, percent
from planner.scoring import (
    AREAS,
    PART_TIME_GAP,
    CoverageReport,
    HireStep,
    Pipeline,
    Stage,
    stage_scores,
)

FONT = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, Arial, sans-serif"
STATUS_FILL = {"green": "#c8e6c9", "amber": "#ffe0b2", "red": "#ffcdd2", "neutral": "#eceff1"}
STATUS_LINE = {"green": "#2e7d32", "amber": "#ef6c00", "red": "#c62828", "neutral": "#607d8b"}
AREA_COLOURS = {"research": "#5c6bc0", "data": "#26a69a", "product": "#ffa726", "market": "#ec407a"}
TEAM_COLOUR, TARGET_COLOUR = "#1e88e5", "#9e9e9e"
# Resilience stands beside fit in every chart, always in this green.
RESILIENCE_COLOUR, RESILIENCE_LIGHT = "#2e7d32", "#a5d6a7"

CHART_IDS = (
    "model_fit_chart",
    "coverage_radar",
    "coverage_heatmap",
    "coverage_gaps",
    "bus_factor",
    "hiring_plan",
    "pipeline_diagram",
)


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


def _layout(fig: go.Figure, title: str, height: int = 420) -> go.Figure:
    fig.update_layout(
        title={"text": plain(title), "x": 0.01, "xanchor": "left"},
        font={"family": FONT, "size": 13},
        height=height,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        template="plotly_white",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
    )
    return fig


def fit_comparison(
    fits: dict[str, float],
    models: dict[str, BusinessModel],
    current: str,
    lang: str,
    resilience: dict[str, float] | None = None,
) -> go.Figure:
    """Fit (and, when given, resilience) of the team for every business model, best
    fit first; the chosen model's bars stand out."""
    order = sorted(fits, key=lambda m: (-fits[m], m))
    labels = [plain(models[m].label(lang)) for m in order]
    colours = [TEAM_COLOUR if m == current else "#90caf9" for m in order]
    fig = go.Figure(
        go.Bar(
            x=[fits[m] for m in order],
            y=labels,
            orientation="h",
            name=t("axis_fit", lang),
            marker_color=colours,
            text=[percent(fits[m]) for m in order],
            textposition="auto",
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    if resilience is not None:
        fig.add_trace(
            go.Bar(
                x=[resilience[m] for m in order],
                y=labels,
                orientation="h",
                name=t("label_resilience", lang),
                marker_color=[
                    RESILIENCE_COLOUR if m == current else RESILIENCE_LIGHT for m in order
                ],
                text=[percent(resilience[m]) for m in order],
                textposition="auto",
                hovertemplate="%{y}: %{text}<extra></extra>",
            )
        )
        fig.update_layout(barmode="group")
    fig.update_xaxes(
        range=[0, 1.02],
        tickvals=[0, 0.2, 0.4, 0.6, 0.8, 1.0],
        tickformat=".0%",
        title=t("axis_fit", lang) if resilience is None else t("axis_fit_resilience", lang),
    )
    fig.update_yaxes(autorange="reversed")
    per_model = 50 if resilience is None else 70
    return _layout(fig, t("chart_fit_title", lang), height=120 + per_model * len(order))


def coverage_radar(report: CoverageReport, catalog: Catalog, lang: str) -> go.Figure:
    """Area coverage of the team against the requirement (100%) per applicable area,
    with the area's resilience beside it."""
    areas = [a for a in AREAS if report.areas.get(a) and report.areas[a].coverage is not None]
    # Two-word English names on two lines: the circle keeps its size in a half column.
    theta = [plain(catalog.area_label(a, lang)).replace(" ", "<br>", 1) for a in areas]
    values = [report.areas[a].coverage for a in areas]
    resilience = [report.areas[a].resilience for a in areas]
    closed = theta + theta[:1]
    fig = go.Figure()
    fig.add_trace(
        go.Scatterpolar(
            r=[1.0] * (len(areas) + 1),
            theta=closed,
            name=t("radar_required", lang),
            line={"color": TARGET_COLOUR, "dash": "dash"},
            hovertemplate="%{theta}: " + t("radar_required", lang) + "<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatterpolar(
            r=[*values, *values[:1]],
            theta=closed,
            name=t("radar_team", lang),
            fill="toself",
            line={"color": TEAM_COLOUR},
            customdata=[percent(v) for v in [*values, *values[:1]]],
            hovertemplate="%{theta}: %{customdata}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatterpolar(
            r=[*resilience, *resilience[:1]],
            theta=closed,
            name=t("label_resilience", lang),
            line={"color": RESILIENCE_COLOUR, "dash": "dot"},
            customdata=[percent(v) for v in [*resilience, *resilience[:1]]],
            hovertemplate="%{theta}: %{customdata}<extra></extra>",
        )
    )
    # Ticks along the diagonal, where no area name stands (areas sit at 0/90/180/270°).
    fig.update_layout(
        polar={
            "radialaxis": {
                "range": [0, 1],
                "tickformat": ".0%",
                "angle": 45,
                "tickangle": 45,
                "tickfont": {"size": 10},
            }
        }
    )
    title = t("chart_radar_title", lang, fit=percent(report.fit))
    _layout(fig, title, height=480)
    # Room for the area names around the circle; the legend goes below it.
    fig.update_layout(
        margin={"l": 90, "r": 90, "t": 100, "b": 70},
        legend={"orientation": "h", "yanchor": "top", "y": -0.14, "xanchor": "center", "x": 0.5},
    )
    return fig


def coverage_heatmap(
    team: Team,
    model: BusinessModel,
    catalog: Catalog,
    lang: str,
    stale: Collection[tuple[str, str]] = (),
) -> go.Figure:
    """Member x skill levels; the first row is the required level, met cells are ticked,
    and cells in `stale` ((member name, skill id): a rating not confirmed lately) get ⌛."""
    skills = [s for s in catalog.skill_ids if s in model.requirements] + [
        s for s in catalog.skill_ids if s not in model.requirements
    ]
    columns = [
        ("★ " if s in model.requirements else "") + catalog.skill_label(s, lang) for s in skills
    ]
    required_row = t("heatmap_required_row", lang)
    rows = [required_row, *(plain(name) for name in team.names())]
    targets = [model.requirements[s].level if s in model.requirements else None for s in skills]
    z: list[list[float | None]] = [list(targets)]
    text: list[list[str]] = [[str(v) if v else "" for v in targets]]
    for member in team.members:
        levels = [member.level(s) for s in skills]
        z.append(list(levels))
        text.append(
            [
                (f"{lvl}✓" if tgt and lvl >= tgt else str(lvl))
                + ("⌛" if (member.name, s) in stale else "")
                for lvl, tgt, s in zip(levels, targets, skills, strict=True)
            ]
        )
    level_names = [catalog.levels[i](lang) for i in range(6)]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=columns,
            y=rows,
            text=text,
            texttemplate="%{text}",
            zmin=0,
            zmax=5,
            colorscale="Blues",
            xgap=2,
            ygap=2,
            colorbar={"title": t("axis_level", lang), "tickvals": list(range(6))},
            hovertemplate="%{y} · %{x}: %{z}<extra></extra>",
            customdata=level_names,
        )
    )
    fig.update_yaxes(autorange="reversed")
    # Upright: slanted skill names ran into one another at 800 px and below (Plotly's
    # automatic angle keeps a slant until the labels nearly touch).
    fig.update_xaxes(tickangle=-90, side="bottom")
    # Frame the required-level row so it reads as the yardstick, not a member.
    fig.add_shape(
        type="rect",
        xref="paper",
        yref="y",
        x0=0,
        x1=1,
        y0=-0.5,
        y1=0.5,
        line={"color": "#c62828", "width": 2},
    )
    # The upright skill names take about 180 px under the grid: room for them on top of
    # the rows, or on a phone the grid and its colour bar's numbers were squeezed together.
    height = max(360, 140 + 28 * len(rows)) + 180
    return _layout(fig, t("chart_heatmap_title", lang, model=plain(model.label(lang))), height)


def coverage_gaps(report: CoverageReport, catalog: Catalog, lang: str) -> go.Figure:
    """Missing person-equivalents per skill, largest first, coloured by area. Every
    skill the bus factor calls uncovered is here: nobody at the target level caps
    its coverage below 100 %."""
    gaps = report.gaps()
    ids = [g.skill_id for g in gaps]
    fig = go.Figure(
        go.Bar(
            x=[g.gap for g in gaps],
            y=[catalog.skill_label(s, lang) for s in ids],
            orientation="h",
            marker_color=[AREA_COLOURS.get(area_of(s), TEAM_COLOUR) for s in ids],
            text=[
                people(g.gap) + (" · " + t("gap_part_time", lang) if g.gap < PART_TIME_GAP else "")
                for g in gaps
            ],
            textposition="auto",
            customdata=[[people(g.gap), percent(g.coverage)] for g in gaps],
            hovertemplate="%{y}: %{customdata[0]} (%{customdata[1]})<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=t("axis_gap", lang), rangemode="tozero")
    if not gaps:
        fig.add_annotation(
            text=t("no_gaps", lang),
            showarrow=False,
            x=0.5,
            y=0.5,
            xref="paper",
            yref="paper",
            font={"size": 16},
        )
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
    return _layout(fig, t("chart_gaps_title", lang), height=max(300, 120 + 32 * len(gaps)))


def _names_short(names: tuple[str, ...], shown: int = 2) -> str:
    extra = f" +{len(names) - shown}" if len(names) > shown else ""
    return ", ".join(plain(n) for n in names[:shown]) + extra


def bus_factor(report: CoverageReport, catalog: Catalog, lang: str) -> go.Figure:
    """Experts per required skill: 0 uncovered (red), 1 single point of failure (amber),
    each with how many n+1 resilience needs (the depth in people plus a spare)."""
    skills = sorted(report.skills.values(), key=lambda s: (s.experts, s.skill_id))
    colours = [
        STATUS_LINE["red"]
        if s.experts == 0
        else STATUS_LINE["amber"]
        if s.experts == 1
        else STATUS_LINE["green"]
        for s in skills
    ]
    flags = [
        t("bus_uncovered", lang)
        if s.experts == 0
        else t("bus_spof", lang, name=plain(s.expert_names[0]))
        if s.experts == 1
        else _names_short(s.expert_names)
        for s in skills
    ]
    # "(1 of 3)": the n+1 resilience needs the depth in people plus a spare. On a
    # line of its own: "Bo Wang, Deepak Rao (2 of 2)" on one line ran past a phone's edge.
    flags = [
        flag + "<br>" + t("bus_of_needed", lang, experts=s.experts, needed=s.experts_needed)
        for flag, s in zip(flags, skills, strict=True)
    ]
    labels = [catalog.skill_label(s.skill_id, lang) for s in skills]
    fig = go.Figure(
        go.Bar(
            x=[s.experts for s in skills],
            y=labels,
            orientation="h",
            name=t("axis_experts", lang),
            marker_color=colours,
            text=flags,
            textposition="outside",
            cliponaxis=False,
            customdata=[
                [s.experts_needed, percent(s.resilience), percent(s.coverage)] for s in skills
            ],
            hovertemplate=t("bus_hover", lang) + "<extra></extra>",
        )
    )
    most = max((max(s.experts, s.experts_needed) for s in skills), default=1)
    # Room right of the longest bar for its "name, name (2 of 2)" label on narrow screens.
    fig.update_xaxes(title=t("axis_experts", lang), dtick=1, range=[0, most + 5.5])
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, t("chart_bus_title", lang), height=max(300, 120 + 40 * len(skills)))


def hire_label(step: HireStep, number: int, roles: dict[str, Role], lang: str) -> str:
    """A step's name, the same in the hiring chart and the table beside it."""
    role = roles[step.role_id].label(lang)
    if step.part_time:
        role = t("hiring_part_time_tag", lang, role=role)
    return f"{number}. {role}"


def _zoomed_range(values: list[float], min_span: float = 0.1) -> tuple[list[float], list[float]]:
    """An axis range around the values, and its ticks (never past 100 %): a change
    of a few points stays visible (94 % -> 100 % takes 40 % of the axis), with
    room above for the point labels."""
    lo, hi = min(values), max(values)
    if hi - lo < min_span:
        middle = (lo + hi) / 2
        lo, hi = middle - min_span / 2, middle + min_span / 2
        if lo < 0:
            lo, hi = 0.0, min_span
    pad = (hi - lo) * 0.2
    bottom, top = max(0.0, lo - pad), hi + pad * 1.5
    step = next(s for s in (0.02, 0.05, 0.1, 0.2, 0.25, 0.5) if (top - bottom) / s <= 6)
    first = math.ceil(bottom / step - 1e-9)
    ticks = [round(k * step, 4) for k in range(first, int(min(top, 1.0) / step + 1e-9) + 1)]
    return [bottom, top], ticks


def _changed_labels(values: list[float]) -> list[str]:
    """Point labels in the table's format, only where the value changes: equal
    neighbours would print "99.5%99.5%99.5%" into one another on a narrow screen
    (the hover and the table still give every value)."""
    return [
        percent(v, 1) if i == 0 or percent(v, 1) != percent(values[i - 1], 1) else ""
        for i, v in enumerate(values)
    ]


def hiring_plan(
    steps: list[HireStep], fit_now: float, roles: dict[str, Role], catalog: Catalog, lang: str
) -> go.Figure:
    """Fit (top) and resilience (bottom) after each recommended hire, from today's
    team. Each panel's axis is zoomed to its values, so a small step shows; the
    point labels are the table's numbers, formatted the same way."""
    labels = [t("hiring_today", lang)] + [
        hire_label(s, i, roles, lang) for i, s in enumerate(steps, start=1)
    ]
    fits = [fit_now] + [s.fit_after for s in steps]
    panels = [(t("axis_fit", lang), fits, TEAM_COLOUR)]
    if steps:
        resilience = [steps[0].resilience_before] + [s.resilience_after for s in steps]
        panels.append((t("label_resilience", lang), resilience, RESILIENCE_COLOUR))
    why = [""] + [
        ", ".join(catalog.skill_label(c, lang) for c in (s.improves or s.spofs_removed)) or "—"
        for s in steps
    ]
    fig = make_subplots(rows=len(panels), cols=1, shared_xaxes=True, vertical_spacing=0.12)
    for row, (name, values, colour) in enumerate(panels, start=1):
        fig.add_trace(
            go.Scatter(
                x=labels,
                y=values,
                name=name,
                mode="lines+markers+text",
                text=_changed_labels(values),
                textposition="top center",
                cliponaxis=False,
                line={"color": colour, "shape": "hv"},
                marker={"size": 10},
                customdata=[[percent(v, 1), w] for v, w in zip(values, why, strict=True)],
                hovertemplate=plain(name)
                + " · %{x}: %{customdata[0]}<br>%{customdata[1]}<extra></extra>",
            ),
            row=row,
            col=1,
        )
        axis_range, ticks = _zoomed_range(values)
        fig.update_yaxes(
            range=axis_range, tickvals=ticks, tickformat=".0%", title=name, row=row, col=1
        )
    # Names wrapped on a few short lines, upright if even those would touch: slanted
    # long names pushed the plot into a third of a phone's width and overlapped.
    fig.update_xaxes(
        automargin=True,
        tickmode="array",
        tickvals=labels,
        ticktext=[wrap_label(plain(label), 18) for label in labels],
        autotickangles=[0, -90],
    )
    return _layout(fig, t("chart_hiring_title", lang), height=300 + 160 * len(panels))


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
    return _layout(fig, title, height=600)
