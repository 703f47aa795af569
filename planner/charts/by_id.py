"""The charts an analysis offers for export and the report, by id (the widget key
of the chart on its page)."""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go

from planner.charts.coverage import (
    bus_factor,
    coverage_gaps,
    coverage_heatmap,
    coverage_radar,
    fit_comparison,
)
from planner.charts.hiring import hiring_plan
from planner.charts.pipeline import pipeline_diagram
from planner.scoring import PlanAnalysis

CHART_IDS = (
    "model_fit_chart",
    "coverage_radar",
    "coverage_heatmap",
    "coverage_gaps",
    "bus_factor",
    "hiring_plan",
    "pipeline_diagram",
)


def build_chart(a: PlanAnalysis, chart_id: str) -> go.Figure:
    """One of CHART_IDS for the analysis, in its language; KeyError for another id."""
    builders: dict[str, Callable[[], go.Figure]] = {
        "model_fit_chart": lambda: fit_comparison(
            a.fits, a.models, a.model.id, a.lang, a.resilience
        ),
        "coverage_radar": lambda: coverage_radar(a.report, a.catalog, a.lang),
        "coverage_heatmap": lambda: coverage_heatmap(a.team, a.model, a.catalog, a.lang),
        "coverage_gaps": lambda: coverage_gaps(a.report, a.catalog, a.lang),
        "bus_factor": lambda: bus_factor(a.report, a.catalog, a.lang),
        "hiring_plan": lambda: hiring_plan(
            a.steps, a.report.fit, a.catalog.roles, a.catalog, a.lang
        ),
        "pipeline_diagram": lambda: pipeline_diagram(a.pipeline, a.lang),
    }
    if chart_id not in builders:
        raise KeyError(chart_id)
    return builders[chart_id]()
