"""The hiring plan's chart: fit and resilience after each recommended hire."""

from __future__ import annotations

import math

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from planner.catalog import Catalog, Role
from planner.charts.style import RESILIENCE_COLOUR, TEAM_COLOUR, layout, plain, wrap_label
from planner.i18n import t
from planner.numbers import percent
from planner.scoring import HireStep


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
    return layout(fig, t("chart_hiring_title", lang), height=300 + 160 * len(panels))
