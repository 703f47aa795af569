"""A plan scored once: what the pages, the report and the command line show of a
plan against one business model.

`analyse_plan` (or `PlanAnalysis(...)` with the model at hand) builds it; each part
is computed when first read and then kept, so a page that shows only the fit never
pays for the hiring plan, and no part is computed twice in a run. A what-if (a team
with people gone or hired) is `with_team`: the same analysis of another team.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property

from planner.catalog import Catalog
from planner.domain import BusinessModel, Plan, Team
from planner.scoring.coverage import CoverageReport, analyze, scores_by_model
from planner.scoring.hiring import DEFAULT_LAMBDA, HireStep, plan_hires, small_gaps, team_after
from planner.scoring.pipeline import Pipeline, build_pipeline
from planner.scoring.ratings import STALE_DAYS, FitReliance, fit_reliance
from planner.scoring.risks import Risk, assess_risks
from planner.scoring.verdict import hire_verdict


@dataclass(frozen=True)
class PlanAnalysis:
    """The plan's team against `model`: coverage, fit by model, the hiring plan (at
    λ = `lam`), the risks, the pipeline and the verdict, in `lang`."""

    plan: Plan
    model: BusinessModel
    catalog: Catalog
    lang: str
    lam: float = DEFAULT_LAMBDA

    @property
    def team(self) -> Team:
        return self.plan.team

    @cached_property
    def models(self) -> dict[str, BusinessModel]:
        """Built-in business models followed by the plan's own."""
        return {**self.catalog.business_models, **self.plan.custom_models}

    @cached_property
    def report(self) -> CoverageReport:
        return analyze(self.team, self.model)

    @cached_property
    def scores(self) -> dict[str, tuple[float, float]]:
        """(fit, resilience) of the team for every business model."""
        return scores_by_model(self.team, self.models)

    @property
    def fits(self) -> dict[str, float]:
        return {m: fit for m, (fit, _) in self.scores.items()}

    @property
    def resilience(self) -> dict[str, float]:
        """Resilience per business model, beside `fits`."""
        return {m: res for m, (_, res) in self.scores.items()}

    @property
    def best_model(self) -> str:
        """The best fit; on a tie the more resilient, then the chosen model."""
        return max(self.scores, key=lambda m: (*self.scores[m], m == self.model.id))

    @cached_property
    def steps(self) -> list[HireStep]:
        """The hiring plan (planner.scoring.hiring.plan_hires)."""
        return plan_hires(self.team, self.model, self.catalog.roles, lam=self.lam)

    @cached_property
    def left_over(self) -> list[str]:
        """Skills still short by under a quarter of a person once every hire is in."""
        after = team_after(self.team, self.steps, self.catalog.roles)
        return small_gaps(analyze(after, self.model))

    @cached_property
    def risks(self) -> list[Risk]:
        return assess_risks(self.report)

    @cached_property
    def pipeline(self) -> Pipeline:
        return build_pipeline(self.team, self.report, self.catalog, self.lang)

    @cached_property
    def verdict(self) -> str:
        """Whom to hire next and why: the hiring plan's first step, in words."""
        return hire_verdict(
            self.team, self.model, self.steps[:1], self.report, self.catalog, self.lang
        )

    def reliance(self, today: date, stale_days: int = STALE_DAYS) -> FitReliance:
        """How much of the fit rests on stale or unconfirmed ratings (as of `today`)."""
        return fit_reliance(self.team, self.model, today, stale_days, fit=self.report.fit)

    def with_team(self, team: Team) -> PlanAnalysis:
        """The same analysis of another team (a what-if), computed afresh."""
        return replace(self, plan=self.plan.model_copy(update={"team": team}))


def analyse_plan(
    plan: Plan,
    catalog: Catalog,
    lang: str,
    model_id: str | None = None,
    *,
    lam: float = DEFAULT_LAMBDA,
) -> PlanAnalysis:
    """The plan against its (or the given) business model; KeyError for an unknown id."""
    models = {**catalog.business_models, **plan.custom_models}
    model_id = model_id or plan.business_model
    if model_id not in models:
        raise KeyError(model_id)
    return PlanAnalysis(plan=plan, model=models[model_id], catalog=catalog, lang=lang, lam=lam)
