"""What people cost: loaded monthly cost from a role's band or a member's own
cost, today's team and the planned hires month by month."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from planner.catalog import Role
from planner.domain import (
    HORIZON_MONTHS,
    Finances,
    Member,
    PlannedHire,
    Team,
)

# ---------------------------------------------------------------- people cost


@dataclass(frozen=True)
class CostBasis:
    """What people cost in one market: roles' bands, the loaded multiplier, a default."""

    market: str
    multiplier: float
    roles: Mapping[str, Role]
    default_annual: float
    _by_name: dict[str, Role] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        # A member's role is free text: match a role id or its label in either language.
        names: dict[str, Role] = {}
        for role in self.roles.values():
            for text in (role.id, role.label.en, role.label.zh):
                names.setdefault(text.strip().casefold(), role)
        object.__setattr__(self, "_by_name", names)

    def role_for(self, text: str) -> Role | None:
        return self._by_name.get(text.strip().casefold())

    def annual(self, role_id: str, band: str = "mid") -> float:
        role = self.roles.get(role_id)
        bands = role.salary.get(self.market) if role else None
        return bands.amount(band) if bands else self.default_annual

    def loaded_monthly(self, annual: float) -> float:
        return annual * self.multiplier / 12.0

    def member_monthly(self, member: Member) -> float:
        if member.monthly_cost is not None:
            return member.monthly_cost
        role = self.role_for(member.role)
        annual = self.annual(role.id) if role else self.default_annual
        return self.loaded_monthly(annual) * member.fte

    def hire_monthly(self, hire: PlannedHire) -> float:
        annual = (
            hire.annual_salary
            if hire.annual_salary is not None
            else self.annual(hire.role, hire.band)
        )
        return self.loaded_monthly(annual) * hire.fte


def mean_mid_band(roles: Mapping[str, Role], market: str) -> float:
    mids = [r.salary[market].mid for r in roles.values() if market in r.salary]
    return sum(mids) / len(mids) if mids else 0.0


def cost_basis(finances: Finances, roles: Mapping[str, Role], market: str) -> CostBasis:
    default = finances.default_annual_salary
    if default is None:
        default = mean_mid_band(roles, market)
    return CostBasis(market, finances.loaded_multiplier, roles, default)


def team_payroll(team: Team, basis: CostBasis) -> float:
    """Today's team a month, all in."""
    return math.fsum(basis.member_monthly(m) for m in team.members)


def hires_payroll(
    hires: Sequence[PlannedHire], basis: CostBasis, months: int = HORIZON_MONTHS
) -> list[float]:
    """The planned hires' cost in each month, each from its start month on."""
    costs = [0.0] * months
    for hire in hires:
        monthly = basis.hire_monthly(hire)
        for m in range(hire.start, months):
            costs[m] += monthly
    return costs


def default_hire(role: Role) -> PlannedHire:
    """A hire of this role at the mid band, starting as soon as recruiting allows."""
    return PlannedHire(role=role.id, weeks_to_hire=role.weeks_to_hire)
