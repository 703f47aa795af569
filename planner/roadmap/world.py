"""What a roadmap is computed from: today's team and business model, the roles and
training settings, and the money (the budget page's arithmetic: payroll, compute,
funding and the market's currency), over a horizon of months 0..N."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from planner import budget
from planner.catalog import Catalog, Role
from planner.domain import (
    ROADMAP_MAX_MONTHS,
    BusinessModel,
    Funding,
    Plan,
    PlannedHire,
    Team,
)
from planner.roadmap.settings import TrainingSettings, load_training


class HorizonError(ValueError):
    """A horizon outside 1..ROADMAP_MAX_MONTHS; `key` is its message in data/strings."""

    key = "roadmap_err_horizon"

    def __init__(self, months: object) -> None:
        super().__init__(f"horizon {months!r} is outside 1-{ROADMAP_MAX_MONTHS} months")
        self.params = {"months": months, "limit": ROADMAP_MAX_MONTHS}


def check_horizon(months: object) -> int:
    if isinstance(months, bool) or not isinstance(months, int):
        raise HorizonError(months)
    if not 1 <= months <= ROADMAP_MAX_MONTHS:
        raise HorizonError(months)
    return months


@dataclass(frozen=True)
class World:
    team: Team
    model: BusinessModel
    roles: Mapping[str, Role]
    skill_ids: frozenset[str]
    training: TrainingSettings
    market: str
    start: date
    months: int  # the horizon N: months 0..N are projected
    funding: Funding
    base_payroll: float  # today's team a month, all in
    compute: tuple[float, ...]  # compute cost in each month 0..N
    hire_costs: Mapping[str, float]  # role id -> loaded monthly cost (mid band)
    reserve_months: float

    @property
    def span(self) -> int:
        """How many months are projected: 0..N."""
        return self.months + 1

    @property
    def cash_limited(self) -> bool:
        """Cash 0 means the founder has not entered it (the budget page): no reserve to keep."""
        return self.funding.cash > 0


def world_for(
    plan: Plan,
    catalog: Catalog,
    model: BusinessModel,
    lang: str,
    months: int | None = None,
    today: date | None = None,
    training: TrainingSettings | None = None,
) -> World:
    """The plan's roadmap inputs, priced in the plan's market (or the language's)."""
    horizon = check_horizon(plan.roadmap.months if months is None else months)
    fin = plan.finances
    market = fin.market_for(lang)
    basis = budget.cost_basis(fin, catalog.roles, market)
    compute = budget.chosen_compute(fin.compute, horizon + 1)
    return World(
        team=plan.team,
        model=model,
        roles=catalog.roles,
        skill_ids=frozenset(catalog.skill_ids),
        training=training or load_training(),
        market=market,
        start=fin.start(today),
        months=horizon,
        funding=fin.funding,
        base_payroll=budget.team_payroll(plan.team, basis),
        compute=compute.monthly,
        hire_costs={
            rid: basis.hire_monthly(PlannedHire(role=rid, weeks_to_hire=role.weeks_to_hire))
            for rid, role in catalog.roles.items()
        },
        reserve_months=plan.roadmap.reserve_months,
    )
