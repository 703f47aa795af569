"""The roadmap as the page and the report show it, computed in one place: the chart,
the actions with why and cost, what no longer applies, the three modes side by side
with a closing note, when each skill closes, and the succession table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import plotly.graph_objects as go

from planner.budget import format_money
from planner.catalog import Catalog
from planner.domain import BusinessModel, Plan
from planner.i18n import t
from planner.roadmap.charts import (
    action_rows,
    compare_rows,
    month_text,
    roadmap_chart,
    succession_rows,
)
from planner.roadmap.result import SPENT_BY, RoadmapResult, compare_modes, roadmap
from planner.roadmap.settings import TrainingSettings
from planner.roadmap.succession import succession
from planner.roadmap.world import world_for


@dataclass(frozen=True)
class RoadmapSection:
    title: str
    result: RoadmapResult  # the chosen plan: the founder's actions or the mode's suggestion
    modes: dict[str, RoadmapResult]  # the planner's suggestion in each mode
    figure: go.Figure
    actions: list[dict[str, object]]
    problems: list[str]  # stored actions that no longer apply, in the user's words
    compare: list[dict[str, str]]
    note: str  # what mixed saves against hire-only, and what it costs in months
    closes: list[dict[str, str]]  # per skill: coverage and resilience at 100 % from
    succession: list[dict[str, str]]
    ready: str  # "month 7 (2027-03)" or "not within 24 months"
    defaults: str  # the training and ramp-up estimates in use
    warnings: list[str]  # months below the cash reserve


def problem_texts(
    result: RoadmapResult, catalog: Catalog, lang: str, escape: Callable[[str], str] = str
) -> list[str]:
    """What is wrong with each action left out; names and ids pass through `escape`
    (the page's Markdown escaper; plain text elsewhere)."""
    texts = []
    for problem in result.resolved.problems:
        params = dict(problem.params)
        if "skill" in params:
            params["skill"] = catalog.skill_label(str(params["skill"]), lang)
        params = {k: escape(v) if isinstance(v, str) else v for k, v in params.items()}
        text = t(problem.key, lang, **params)
        texts.append(t("roadmap_problem", lang, number=problem.index + 1, problem=text))
    return texts


def compare_note(modes: dict[str, RoadmapResult], lang: str) -> str:
    """Mixed against hire-only: the money saved by month 12 and the months it costs."""
    hire, mixed = modes["hire"], modes["mixed"]
    saved = hire.spent_by() - mixed.spent_by()
    amount = format_money(abs(saved), hire.world.market)
    money_key = "roadmap_note_saves" if saved >= 0 else "roadmap_note_costs"
    money = t(money_key, lang, amount=amount, month=SPENT_BY)
    a, b = hire.ready_month, mixed.ready_month
    if a is None or b is None:
        months = t(
            "roadmap_note_ready_unknown",
            lang,
            hire=month_text(hire, a, lang),
            mixed=month_text(mixed, b, lang),
        )
    elif b > a:
        months = t("roadmap_note_later", lang, count=b - a, hire=a, mixed=b)
    elif b < a:
        months = t("roadmap_note_sooner", lang, count=a - b, hire=a, mixed=b)
    else:
        months = t("roadmap_note_same", lang, mixed=b)
    return t("roadmap_note", lang, money=money, months=months)


def defaults_text(training: TrainingSettings, lang: str) -> str:
    months = {f"m{level}": training.step_months[level] for level in training.step_months}
    ramp = " / ".join(f"{share:.0%}" for share in training.ramp_up)
    return t("roadmap_defaults", lang, share=f"{training.time_share:.0%}", ramp=ramp, **months)


def reserve_warnings(result: RoadmapResult, lang: str) -> list[str]:
    below = result.below_reserve()
    if not below:
        return []
    return [
        t(
            "roadmap_below_reserve",
            lang,
            reserve=format_money(result.reserve, result.world.market),
            count=len(below),
            month=month_text(result, below[0], lang),
        )
    ]


def closes_rows(result: RoadmapResult, catalog: Catalog, lang: str) -> list[dict[str, str]]:
    covered, resilient = result.closes, result.resilient
    return [
        {
            t("roadmap_col_skill", lang): catalog.skill_label(skill, lang),
            t("roadmap_col_covered", lang): month_text(result, covered[skill], lang),
            t("roadmap_col_resilient", lang): month_text(result, resilient[skill], lang),
        }
        for skill in result.skills
    ]


def roadmap_section(
    plan: Plan,
    catalog: Catalog,
    model: BusinessModel,
    lang: str,
    today: date | None = None,
    modes: dict[str, RoadmapResult] | None = None,
) -> RoadmapSection:
    """`modes`: the three planners' results when already computed (they depend on the
    team, the money and the horizon, not on the founder's actions or chosen mode)."""
    world = world_for(plan, catalog, model, lang, today=today)
    modes = modes if modes is not None else compare_modes(world)
    settings = plan.roadmap
    result = (
        modes[settings.mode]
        if settings.actions is None
        else roadmap(world, settings.mode, settings.actions)
    )
    return RoadmapSection(
        title=t("roadmap_title", lang),
        result=result,
        modes=modes,
        figure=roadmap_chart(result, catalog, lang),
        actions=action_rows(result, catalog, lang),
        problems=problem_texts(result, catalog, lang),
        compare=compare_rows(modes, lang),
        note=compare_note(modes, lang),
        closes=closes_rows(result, catalog, lang),
        succession=succession_rows(succession(plan.team, model, world.training), catalog, lang),
        ready=month_text(result, result.ready_month, lang),
        defaults=defaults_text(world.training, lang),
        warnings=reserve_warnings(result, lang),
    )
