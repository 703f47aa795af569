"""The coverage charts: fit by business model, the area radar, the member x skill
heatmap, the gaps and the bus factor."""

from __future__ import annotations

from collections.abc import Collection

import plotly.graph_objects as go

from planner.catalog import Catalog
from planner.charts.style import (
    AREA_COLOURS,
    RESILIENCE_COLOUR,
    RESILIENCE_LIGHT,
    STATUS_LINE,
    TARGET_COLOUR,
    TEAM_COLOUR,
    layout,
    plain,
)
from planner.domain import BusinessModel, Team, area_of
from planner.i18n import t
from planner.numbers import people, percent
from planner.scoring import AREAS, PART_TIME_GAP, CoverageReport


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
    return layout(fig, t("chart_fit_title", lang), height=120 + per_model * len(order))


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
    layout(fig, title, height=480)
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
    return layout(fig, t("chart_heatmap_title", lang, model=plain(model.label(lang))), height)


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
    return layout(fig, t("chart_gaps_title", lang), height=max(300, 120 + 32 * len(gaps)))


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
    return layout(fig, t("chart_bus_title", lang), height=max(300, 120 + 40 * len(skills)))
