"""The overview's one-line verdict: whom to hire next, and why, in a founder's words.

It is the hiring plan's first step (the same numbers as the coverage page), or,
when no hire would help, what is left to watch.
"""

from __future__ import annotations

from planner.catalog import Catalog
from planner.domain import BusinessModel, Team
from planner.i18n import t
from planner.scoring.coverage import CoverageReport, analyze, percent
from planner.scoring.hiring import (
    DEFAULT_LAMBDA,
    HireStep,
    explain_step,
    is_backup,
    plan_hires,
    team_after,
)


def next_hire_verdict(
    team: Team, model: BusinessModel, catalog: Catalog, lang: str, lam: float = DEFAULT_LAMBDA
) -> str:
    """ "Hire a <role> next: <why>" (or a backup / part-time help when that is the
    step), or the state of a team no hire would improve."""
    steps = plan_hires(team, model, catalog.roles, max_hires=1, lam=lam)
    return hire_verdict(team, model, steps, analyze(team, model), catalog, lang)


def hire_verdict(
    team: Team,
    model: BusinessModel,
    steps: list[HireStep],
    report: CoverageReport,
    catalog: Catalog,
    lang: str,
) -> str:
    """The verdict from the hiring plan's first step (`steps[:1]`; the plan is greedy,
    so its first step is the best single hire) and the team's coverage `report`."""
    if steps:
        verdict = _first_step(steps[0], catalog, lang)
        left = analyze(team_after(team, steps[:1], catalog.roles), model)
        if still := _sole_experts(left, catalog, lang):
            verdict = t("verdict_still_single", lang, verdict=verdict, spofs=still)
        return verdict
    spofs = report.single_points_of_failure()
    if spofs:
        names = t("list_sep", lang).join(catalog.skill_label(s.skill_id, lang) for s in spofs)
        return t("verdict_no_hire_spofs", lang, count=len(spofs), skills=names)
    return t(
        "verdict_no_hire", lang, fit=percent(report.fit), resilience=percent(report.resilience)
    )


def _first_step(step: HireStep, catalog: Catalog, lang: str) -> str:
    """The headline says what kind of step it is: a hire, part-time help or a backup."""
    role = catalog.roles[step.role_id].label(lang)
    if not step.part_time:
        return t("verdict_hire", lang, role=role, why=explain_step(step, catalog, lang))
    why = explain_step(step, catalog, lang, with_kind=False)
    if is_backup(step):
        return t("verdict_backup", lang, role=role, why=why)
    return t("verdict_part_time", lang, role=role, gap=f"{step.filled:.2f}", why=why)


def _sole_experts(report, catalog: Catalog, lang: str, limit: int = 2) -> str:
    """Up to `limit` skills that still rest on one person, with that person's name."""
    spofs = report.single_points_of_failure()[:limit]
    return t("list_sep", lang).join(
        t(
            "hire_why_spof_item",
            lang,
            skill=catalog.skill_label(s.skill_id, lang),
            name=s.expert_names[0],
        )
        for s in spofs
    )
