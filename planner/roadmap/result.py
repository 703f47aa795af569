"""A roadmap as pages, the report and the command line show it: the actions (the
founder's or the planner's), every month's scores and cash, when each skill closes,
and the three modes side by side."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from planner import budget
from planner.domain import RoadmapAction, RoadmapMode
from planner.roadmap.actions import Hire, Resolved, Step
from planner.roadmap.planner import MODES, plan_roadmap, reserve_amount, resolve_in
from planner.roadmap.timeline import Month, action_spend, project_months
from planner.roadmap.world import World
from planner.scoring import (
    DEFAULT_LAMBDA,
)

COMPARE_MONTHS = (6, 12, 24)
SPENT_BY = 12
FULL = 1.0 - 1e-9  # coverage or resilience at 100 %


@dataclass(frozen=True)
class RoadmapResult:
    world: World
    mode: RoadmapMode
    actions: tuple[RoadmapAction, ...]  # as stored or planned, valid or not
    chosen: bool  # True: the founder's actions; False: the planner's suggestion
    resolved: Resolved
    months: tuple[Month, ...]
    reserve: float

    @property
    def skills(self) -> list[str]:
        return list(self.world.model.requirements)

    def first_month(self, values: str) -> dict[str, int | None]:
        """Per skill, the first month its coverage (or resilience) is 100 %."""
        found: dict[str, int | None] = dict.fromkeys(self.skills)
        for month in self.months:
            for skill, value in getattr(month, values).items():
                if found[skill] is None and value >= FULL:
                    found[skill] = month.month
        return found

    @property
    def closes(self) -> dict[str, int | None]:
        return self.first_month("coverage")

    @property
    def resilient(self) -> dict[str, int | None]:
        return self.first_month("skill_resilience")

    @property
    def ready_month(self) -> int | None:
        """The first month every required skill is covered at 100 % (all gaps closed)."""
        for month in self.months:
            if all(v >= FULL for v in month.coverage.values()):
                return month.month
        return None

    def spent_by(self, last: int = SPENT_BY) -> float:
        """Money the actions cost (hires' payroll, course budgets) in months 0..last."""
        payroll, courses = action_spend(self.resolved, self.world.span)
        return math.fsum(payroll[: last + 1]) + math.fsum(courses[: last + 1])

    @property
    def runway(self) -> float | None:
        """Months until the cash is gone (None: it lasts the horizon)."""
        outflow = [m.burn - m.revenue for m in self.months]
        return budget.runway(self.world.funding.cash, outflow)[0]

    def at(self, month: int) -> Month | None:
        return self.months[month] if 0 <= month < len(self.months) else None

    def below_reserve(self) -> list[int]:
        """Months whose closing balance is under the reserve (cash set only)."""
        if not self.world.cash_limited:
            return []
        return [m.month for m in self.months if m.cash_end < self.reserve - 1e-6]


def roadmap(
    world: World,
    mode: RoadmapMode,
    actions: Sequence[RoadmapAction] | None = None,
    *,
    lam: float = DEFAULT_LAMBDA,
) -> RoadmapResult:
    """The roadmap of the given actions, or (None) of the planner's suggestion for the mode."""
    chosen = actions is not None
    used = tuple(actions) if actions is not None else plan_roadmap(world, mode, lam=lam).actions
    resolved = resolve_in(world, used)
    return RoadmapResult(
        world=world,
        mode=mode,
        actions=used,
        chosen=chosen,
        resolved=resolved,
        months=tuple(project_months(world, resolved)),
        reserve=reserve_amount(world) if world.cash_limited else 0.0,
    )


def compare_modes(world: World, *, lam: float = DEFAULT_LAMBDA) -> dict[str, RoadmapResult]:
    """The planner's roadmap in each mode, side by side."""
    return {mode: roadmap(world, mode, lam=lam) for mode in MODES}


def action_of(result: RoadmapResult, index: int) -> Hire | Step | None:
    return next((a for a in result.resolved.actions if a.index == index), None)
