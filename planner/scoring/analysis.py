"""What the exported charts and the report show: a plan scored once (`Analysis`),
its charts by id, and the coverage table as rows and CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

import plotly.graph_objects as go

from planner import charts
from planner.catalog import Catalog
from planner.domain import BusinessModel, Plan, area_of
from planner.files import csv_cell
from planner.scoring.coverage import CoverageReport, analyze, scores_by_model
from planner.scoring.hiring import HireStep, plan_hires
from planner.scoring.pipeline import Pipeline, build_pipeline


@dataclass(frozen=True)
class Analysis:
    """Everything the charts and the report show, computed once."""

    plan: Plan
    model: BusinessModel
    models: dict[str, BusinessModel]
    report: CoverageReport
    fits: dict[str, float]
    resilience: dict[str, float]  # per business model, beside fits
    steps: list[HireStep]
    pipeline: Pipeline
    catalog: Catalog
    lang: str


def analyse_plan(plan: Plan, catalog: Catalog, lang: str, model_id: str | None = None) -> Analysis:
    """Score the plan's team against its (or the given) business model."""
    models = {**catalog.business_models, **plan.custom_models}
    model_id = model_id or plan.business_model
    if model_id not in models:
        raise KeyError(model_id)
    model = models[model_id]
    report = analyze(plan.team, model)
    scores = scores_by_model(plan.team, models)
    return Analysis(
        plan=plan,
        model=model,
        models=models,
        report=report,
        fits={m: fit for m, (fit, _) in scores.items()},
        resilience={m: res for m, (_, res) in scores.items()},
        steps=plan_hires(plan.team, model, catalog.roles),
        pipeline=build_pipeline(plan.team, report, catalog, lang),
        catalog=catalog,
        lang=lang,
    )


def build_chart(a: Analysis, chart_id: str) -> go.Figure:
    """One of charts.CHART_IDS for the analysis, in its language."""
    builders: dict[str, Callable[[], go.Figure]] = {
        "model_fit_chart": lambda: charts.fit_comparison(
            a.fits, a.models, a.model.id, a.lang, a.resilience
        ),
        "coverage_radar": lambda: charts.coverage_radar(a.report, a.catalog, a.lang),
        "coverage_heatmap": lambda: charts.coverage_heatmap(
            a.plan.team, a.model, a.catalog, a.lang
        ),
        "coverage_gaps": lambda: charts.coverage_gaps(a.report, a.catalog, a.lang),
        "bus_factor": lambda: charts.bus_factor(a.report, a.catalog, a.lang),
        "hiring_plan": lambda: charts.hiring_plan(
            a.steps, a.report.fit, a.catalog.roles, a.catalog, a.lang
        ),
        "pipeline_diagram": lambda: charts.pipeline_diagram(a.pipeline, a.lang),
    }
    if chart_id not in builders:
        raise KeyError(chart_id)
    return builders[chart_id]()


def coverage_rows(report: CoverageReport, catalog: Catalog, lang: str) -> list[dict]:
    """The coverage table: one row per required skill."""
    return [
        {
            "skill_id": s.skill_id,
            "area": catalog.area_label(area_of(s.skill_id), lang),
            "skill": catalog.skill_label(s.skill_id, lang),
            "target_level": s.target,
            "depth": s.depth,
            "filled": round(s.filled, 3),
            "coverage": round(s.coverage, 3),
            "gap": round(s.gap, 3),
            "experts": s.experts,
            "experts_needed": s.experts_needed,
            "resilience": round(s.resilience, 3),
            "expert_names": "; ".join(s.expert_names),
        }
        for s in report.skills.values()
    ]


def coverage_csv(report: CoverageReport, catalog: Catalog, lang: str) -> bytes:
    """The coverage table as CSV (UTF-8 with BOM, so spreadsheets read Chinese right)."""
    rows = coverage_rows(report, catalog, lang)
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=list(rows[0]) if rows else ["skill_id"], lineterminator="\n"
    )
    writer.writeheader()
    # Skill labels and member names are user text: guarded against CSV injection.
    writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
    return buffer.getvalue().encode("utf-8-sig")
