"""Each roadmap action in a founder's words: what it changes once everything is done,
when, and what it costs in money and in the learner's time."""

from __future__ import annotations

from planner.budget import format_money
from planner.catalog import Catalog
from planner.i18n import t
from planner.roadmap.actions import Hire, Step
from planner.roadmap.planner import resolve_in
from planner.roadmap.result import RoadmapResult
from planner.roadmap.timeline import as_team, team_at
from planner.scoring import (
    CoverageReport,
    analyze,
)

_END = 10**6  # a month after every action has taken effect


def report_after(result: RoadmapResult, count: int) -> CoverageReport:
    """`analyze` of the team once the first `count` actions of the list have taken effect."""
    world = result.world
    resolved = resolve_in(world, result.actions[:count])
    working, _ = team_at(world.team, resolved.hires, resolved.steps, _END, world.training)
    return analyze(as_team(working), world.model)


def _labels(ids: list[str], catalog: Catalog, lang: str) -> str:
    return t("list_sep", lang).join(catalog.skill_label(s, lang) for s in ids)


def person(name: str, result: RoadmapResult, catalog: Catalog, lang: str) -> str:
    """A member's name, or for a planned hire, their role."""
    hire = next((h for h in result.resolved.hires if h.member.name == name), None)
    return name if hire is None else who(hire, catalog, lang)


def why(result: RoadmapResult, action: Hire | Step, catalog: Catalog, lang: str) -> str:
    """What the action adds to the actions listed before it, once all have taken
    effect (as the hiring plan explains each step), then when it takes effect."""
    before = report_after(result, action.index)
    after = report_after(result, action.index + 1)
    pairs = [(s, before.skills[s], after.skills[s]) for s in after.skills]
    covers = [s for s, b, a in pairs if b.experts == 0 < a.experts]
    closes = [s for s, b, a in pairs if b.coverage < 1 <= a.coverage and s not in covers]
    raises = [s for s, b, a in pairs if a.coverage > b.coverage + 1e-9 and s not in covers + closes]
    spofs = [(s, b.expert_names[0]) for s, b, a in pairs if b.experts == 1 < a.experts]
    spares = [
        s
        for s, b, a in pairs
        if a.resilience > b.resilience + 1e-9 and s not in [*covers, *dict(spofs)]
    ]
    parts = []
    if covers:
        parts.append(t("hire_why_covers", lang, skills=_labels(covers, catalog, lang)))
    if closes:
        parts.append(t("roadmap_why_closes", lang, skills=_labels(closes, catalog, lang)))
    if raises:
        parts.append(t("hire_why_improves", lang, skills=_labels(raises, catalog, lang)))
    if spofs:
        items = t("list_sep", lang).join(
            t(
                "hire_why_spof_item",
                lang,
                skill=catalog.skill_label(s, lang),
                name=person(name, result, catalog, lang),
            )
            for s, name in spofs
        )
        parts.append(t("hire_why_spofs", lang, spofs=items))
    if spares:
        parts.append(t("roadmap_why_spare", lang, skills=_labels(spares, catalog, lang)))
    if not parts:
        parts.append(t("roadmap_why_none", lang))
    parts.append(when(action, catalog, lang))
    return t("hire_why_join", lang).join(parts)


def when(action: Hire | Step, catalog: Catalog, lang: str) -> str:
    if isinstance(action, Hire):
        return t(
            "roadmap_when_hire", lang, month=action.month, join=action.join, ready=action.ready
        )
    return t(
        "roadmap_when_train",
        lang,
        skill=catalog.skill_label(action.skill, lang),
        level_from=action.from_level,
        level_to=action.to_level,
        start=action.start,
        ready=action.ready,
    )


def cost(result: RoadmapResult, action: Hire | Step, lang: str) -> str:
    """Money, and for training the learner's time."""
    market = result.world.market
    if isinstance(action, Hire):
        return t(
            "roadmap_cost_hire",
            lang,
            money=format_money(action.monthly_cost, market),
            join=action.join,
        )
    share = result.world.training.time_share
    return t(
        "roadmap_cost_train",
        lang,
        money=format_money(action.cost, market),
        share=f"{share:.0%}",
        months=action.ready - action.start,
    )


def who(action: Hire | Step, catalog: Catalog, lang: str) -> str:
    """The role of a hire, the member of a training step."""
    if isinstance(action, Hire):
        role = catalog.roles.get(action.role_id)
        return t("roadmap_who_hire", lang, role=role.label(lang) if role else action.role_id)
    return action.member
