"""What the plan costs: payroll month by month, runway, compute, scenarios.

Pure arithmetic over the validated types of planner/domain/; no Streamlit. The
formulas (docs/budget.md has them with a worked example):

- loaded monthly cost of a person = annual salary × loaded multiplier / 12
  (× FTE when it comes from a role's band; a member's own `monthly_cost` is used as is)
- net outflow in month m = payroll + other burn + compute − revenue·(1 + g)^m
- balance after month m = cash − Σ outflows up to m; the runway is the time at
  which the balance reaches zero, spending evenly within a month
- training FLOPs = 6·N·D (D = 20·N by default, Chinchilla);
  GPU-hours = FLOPs / (peak FLOP/s · MFU · 3600); cost = GPU-hours · price;
  days = GPU-hours / GPUs / 24
- inference FLOPs a month = 2·N · users · requests per user · tokens per request
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from planner.budget.compute import ComputeEstimate, chosen_compute
from planner.budget.payroll import CostBasis, cost_basis, hires_payroll, team_payroll
from planner.budget.projection import Projection, project
from planner.catalog import Catalog, Role
from planner.domain import (
    HORIZON_MONTHS,
    MARKETS,
    BusinessModel,
    ComputeInputs,
    Funding,
    Member,
    Plan,
    PlannedHire,
    Team,
)
from planner.scoring import (
    analyze,
)

# ---------------------------------------------------------------- the plan's budget


def hire_members(hires: Sequence[PlannedHire], roles: Mapping[str, Role]) -> tuple[Member, ...]:
    """The planned hires as members, for scoring; names cannot clash with real ones."""
    return tuple(
        Member(name=f"+{i} {h.role}", role=h.role, fte=h.fte, skills=dict(roles[h.role].skills))
        for i, h in enumerate(hires, start=1)
        if h.role in roles
    )


def team_with_hires(team: Team, hires: Sequence[PlannedHire], roles: Mapping[str, Role]) -> Team:
    return Team(members=(*team.members, *hire_members(hires, roles)))


@dataclass(frozen=True)
class Outlook:
    """One way the plan could go: its hires, compute, funding and their result."""

    name: str
    fit: float
    resilience: float
    gaps_left: float  # person-equivalents still missing after the hires
    hires_monthly: float  # the hires' cost a month once all have started
    projection: Projection
    compute: ComputeEstimate

    @property
    def burn_month_12(self) -> float:
        """Net outflow in the twelfth month (index 11)."""
        return self.projection.outflow[min(11, self.projection.months - 1)]

    @property
    def hiring_cost_year(self) -> float:
        """Cost to close the gaps: the hires' loaded cost for a year."""
        return 12 * self.hires_monthly


@dataclass(frozen=True)
class BudgetSummary:
    market: str
    currency: str
    start: date
    team_monthly: float  # today's team a month
    today: Outlook  # today's team, no hires, no compute
    plan: Outlook  # with the hires and the compute
    cash_entered: bool = True  # no runway until the founder says what is in the bank

    @property
    def burn_today(self) -> float:
        return self.today.projection.outflow[0]

    @property
    def burn_plan(self) -> float:
        return self.plan.projection.outflow[0]

    @property
    def fit_points(self) -> float:
        return (self.plan.fit - self.today.fit) * 100

    @property
    def resilience_points(self) -> float:
        return (self.plan.resilience - self.today.resilience) * 100

    def cost_per_fit_point(self) -> float | None:
        """The hires' yearly cost for each percentage point of fit they add."""
        return _per_point(self.plan.hiring_cost_year, self.fit_points)

    def cost_per_resilience_point(self) -> float | None:
        return _per_point(self.plan.hiring_cost_year, self.resilience_points)


def _per_point(cost: float, points: float) -> float | None:
    return cost / points if points > 1e-6 else None


def outlook(
    name: str,
    team: Team,
    model: BusinessModel,
    hires: Sequence[PlannedHire],
    compute: ComputeInputs | None,
    funding: Funding,
    basis: CostBasis,
    base_payroll: float,
    months: int = HORIZON_MONTHS,
) -> Outlook:
    report = analyze(team_with_hires(team, hires, basis.roles), model)
    planned = hires_payroll(hires, basis, months)
    payroll = [base_payroll + p for p in planned]
    estimate = chosen_compute(compute, months)
    return Outlook(
        name=name,
        fit=report.fit,
        resilience=report.resilience,
        gaps_left=math.fsum(s.gap for s in report.gaps()),
        hires_monthly=math.fsum(basis.hire_monthly(h) for h in hires),
        projection=project(funding, payroll, estimate.monthly, months),
        compute=estimate,
    )


def summarize(
    plan: Plan,
    catalog: Catalog,
    model: BusinessModel,
    lang: str,
    today: date | None = None,
    months: int = HORIZON_MONTHS,
) -> BudgetSummary:
    """Today's team against the plan (hires + compute), month by month."""
    fin = plan.finances
    market = fin.market_for(lang)
    basis = cost_basis(fin, catalog.roles, market)
    base = team_payroll(plan.team, basis)
    compute = fin.compute  # never a default the founder did not choose
    now = outlook("today", plan.team, model, (), None, fin.funding, basis, base, months)
    planned = outlook(
        "plan", plan.team, model, fin.hires, compute, fin.funding, basis, base, months
    )
    return BudgetSummary(
        market=market,
        currency=MARKETS[market],
        start=fin.start(today),
        team_monthly=base,
        today=now,
        plan=planned,
        cash_entered=fin.funding.cash > 0,
    )
