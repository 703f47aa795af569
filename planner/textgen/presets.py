"""Prompts filled in from the founder's plan, in the current language."""

from __future__ import annotations

from planner.catalog import Catalog
from planner.domain import BusinessModel, Plan
from planner.i18n import t
from planner.numbers import percent
from planner.scoring import (
    CoverageReport,
    analyze,
    plan_hires,
)

PRESETS = ("job", "pitch", "risks")
_SEP = {"en": ", ", "zh": "、"}


def _description(model: BusinessModel, lang: str) -> str:
    return (model.description(lang) or model.label(lang)).rstrip(".。 ")


def _skill_cover(report: CoverageReport, skill_ids: tuple[str, ...], lang: str) -> str:
    values = [report.skills[s].coverage for s in skill_ids if s in report.skills]
    if not values:
        return t("gen_tpl_not_required", lang)
    return percent(sum(values) / len(values))


def strongest_areas(report: CoverageReport, catalog: Catalog, lang: str, n: int = 2) -> list[str]:
    """Labels of the n best-covered applicable areas with some coverage, best first."""
    ranked = sorted(
        (
            (-(a.coverage or 0.0), area_id)
            for area_id, a in report.areas.items()
            if a.coverage is not None and a.coverage > 0
        ),
    )
    return [catalog.area_label(area_id, lang) for _, area_id in ranked[:n]]


def preset(
    kind: str, plan: Plan, catalog: Catalog, model: BusinessModel, lang: str
) -> tuple[str, str]:
    """(system prompt, user prompt) for a preset kind in PRESETS."""
    report = analyze(plan.team, model)
    sep = _SEP.get(lang, ", ")
    params = {
        "model": model.label(lang),
        "description": _description(model, lang),
        "fit": percent(report.fit),
    }
    if kind == "job":
        steps = plan_hires(plan.team, model, catalog.roles, max_hires=1)
        if not steps:
            return t("gen_tpl_job_system", lang), t("gen_tpl_job_none", lang, **params)
        role = catalog.roles[steps[0].role_id]
        skills = sep.join(
            f"{catalog.skill_label(sid, lang)} ({level}/5)"
            for sid, level in sorted(role.skills.items(), key=lambda item: -item[1])
        )
        gaps = steps[0].closes or steps[0].improves
        closes = sep.join(catalog.skill_label(s, lang) for s in gaps) or t("gen_tpl_none", lang)
        prompt = t(
            "gen_tpl_job", lang, role=role.label(lang), skills=skills, closes=closes, **params
        )
        return t("gen_tpl_job_system", lang), prompt
    if kind == "pitch":
        strengths = sep.join(strongest_areas(report, catalog, lang)) or t("gen_tpl_none", lang)
        return t("gen_tpl_pitch_system", lang), t(
            "gen_tpl_pitch", lang, strengths=strengths, **params
        )
    if kind == "risks":
        privacy = _skill_cover(report, ("data.governance",), lang)
        compute = _skill_cover(report, ("research.distributed", "product.mlops"), lang)
        prompt = t(
            "gen_tpl_risks",
            lang,
            privacy=privacy,
            compute=compute,
            gaps=len(report.gaps()),
            spof=len(report.single_points_of_failure()),
            **params,
        )
        return t("gen_tpl_risks_system", lang), prompt
    raise ValueError(f"unknown preset {kind!r}")
