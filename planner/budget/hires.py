"""Hiring within a monthly budget: the hiring plan's steps that fit, as planned
hires with start months, and whether the plan's hires still match it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from planner.budget.payroll import CostBasis, cost_basis
from planner.catalog import Catalog, Role
from planner.domain import (
    BusinessModel,
    Plan,
    PlannedHire,
    Team,
)
from planner.scoring import (
    PART_TIME_GAP,
    HireStep,
    plan_hires,
)

# ---------------------------------------------------------------- hiring within a budget


@dataclass(frozen=True)
class BudgetedHire:
    role_id: str
    monthly_cost: float
    fit_after: float
    resilience_after: float
    fte: float = 1.0  # a part-time step of the plan: its share of a full-time person


def role_costs(roles: Mapping[str, Role], basis: CostBasis, band: str = "mid") -> dict[str, float]:
    """Each role's loaded monthly cost at a band."""
    return {rid: basis.loaded_monthly(basis.annual(rid, band)) for rid in roles}


def recommend_within_budget(
    team: Team,
    model: BusinessModel,
    roles: Mapping[str, Role],
    basis: CostBasis,
    monthly_budget: float | None,
    band: str = "mid",
    max_hires: int = 5,
) -> list[BudgetedHire]:
    """The hiring plan's best hires whose loaded monthly cost fits in the budget
    (no budget: the plan as it is). The greedy choice is planner.hiring's."""
    costs = role_costs(roles, basis, band)
    steps = plan_hires(team, model, dict(roles), max_hires, budget=monthly_budget, costs=costs)
    return [
        BudgetedHire(
            s.role_id,
            costs[s.role_id] * step_fte(s),
            s.fit_after,
            s.resilience_after,
            step_fte(s),
        )
        for s in steps
    ]


def step_fte(step: HireStep) -> float:
    """What a step of the hiring plan is costed as: a full-time person, or for a
    "part-time or training" step (under a quarter of a person of work) a quarter-time
    one, which does all that step does (its share exceeds the work it fills, and a
    part-timer at the level still counts as an expert for resilience)."""
    return PART_TIME_GAP if step.part_time else 1.0


def hires_from(
    recommended: Sequence[BudgetedHire], roles: Mapping[str, Role], band: str
) -> tuple[PlannedHire, ...]:
    """Recommended hires on the timeline: each starts once recruiting allows."""
    return tuple(
        PlannedHire(
            role=r.role_id, band=band, weeks_to_hire=roles[r.role_id].weeks_to_hire, fte=r.fte
        )
        for r in recommended
    )


def planned_hires(
    plan: Plan, catalog: Catalog, model: BusinessModel, market: str
) -> tuple[PlannedHire, ...]:
    """The hiring plan as it is now, on the timeline: what "Recommend hires" would
    put there (at the band of the hires there, mid when none)."""
    fin = plan.finances
    band = fin.hires[0].band if fin.hires else "mid"
    basis = cost_basis(fin, catalog.roles, market)
    picks = recommend_within_budget(
        plan.team, model, catalog.roles, basis, fin.monthly_budget, band
    )
    return hires_from(picks, catalog.roles, band)


@dataclass(frozen=True)
class HiresChange:
    """How the hiring plan now differs from the hires on the budget's timeline:
    (role id, FTE share) pairs, each once per hire."""

    added: tuple[tuple[str, float], ...]
    removed: tuple[tuple[str, float], ...]

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)


def hires_change(timeline: Sequence[PlannedHire], wanted: Sequence[PlannedHire]) -> HiresChange:
    """What the plan adds and drops compared with the timeline (order aside)."""
    have = Counter((h.role, h.fte) for h in timeline)
    want = Counter((h.role, h.fte) for h in wanted)
    return HiresChange(
        added=tuple(sorted((want - have).elements())),
        removed=tuple(sorted((have - want).elements())),
    )


def stale_plan_hires(
    plan: Plan, catalog: Catalog, model: BusinessModel, market: str
) -> tuple[HiresChange, tuple[PlannedHire, ...]]:
    """For hires that follow the hiring plan: what changed since, and the plan now.
    Hand-picked hires are the founder's: nothing to report."""
    if not plan.finances.hires_follow_plan:
        return HiresChange((), ()), plan.finances.hires
    wanted = planned_hires(plan, catalog, model, market)
    return hires_change(plan.finances.hires, wanted), wanted


def plan_with_current_hires(plan: Plan, catalog: Catalog, model: BusinessModel, lang: str) -> Plan:
    """The plan whose hires follow the hiring plan as it is now, so a report costs
    the hires its hiring section recommends, never an older set beside them."""
    change, wanted = stale_plan_hires(plan, catalog, model, plan.finances.market_for(lang))
    if not change:
        return plan
    return plan.model_copy(update={"finances": plan.finances.model_copy(update={"hires": wanted})})
