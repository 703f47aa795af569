"""The team month by month under a set of actions, each month scored by `analyze`,
with the cash it leaves.

A month has two teams. The *working* team is who does the work that month: a hire
counts with the ramp-up share of their FTE, a learner with their FTE less the
training's time share. The *settled* team is who the work could rest on: only hires
who are fully ramped, everyone at their full FTE. Fit and coverage come from
`analyze` of the working team, resilience and the bus factor from `analyze` of the
settled team (an expert still ramping up is no spare yet). Once every action has
fully taken effect the two teams are the same, the changed team.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from planner import budget
from planner.domain import BusinessModel, Member, Team
from planner.roadmap.actions import Hire, Resolved, Step
from planner.roadmap.settings import TrainingSettings
from planner.roadmap.world import World
from planner.scoring import (
    CoverageReport,
    analyze,
)

NOT_YET, TRAINING, DONE = 0, 1, 2


def hire_phase(hire: Hire, month: int, ramp_months: int) -> int:
    """-1 before joining, then months since joining, capped at the ramp-up's length."""
    return -1 if month < hire.join else min(month - hire.join, ramp_months)


def step_phase(step: Step, month: int) -> int:
    if month < step.start:
        return NOT_YET
    return TRAINING if month < step.ready else DONE


def phases(actions: Iterable[Hire | Step], month: int, ramp_months: int) -> tuple[int, ...]:
    """Where each action stands in a month: equal phases, equal teams."""
    return tuple(
        hire_phase(a, month, ramp_months) if isinstance(a, Hire) else step_phase(a, month)
        for a in actions
    )


def team_at(
    team: Team, hires: Sequence[Hire], steps: Sequence[Step], month: int, training: TrainingSettings
) -> tuple[list[Member], list[Member]]:
    """(working members, settled members) in `month`."""
    levels: dict[str, dict[str, int]] = {}
    learning: set[str] = set()
    for step in steps:
        phase = step_phase(step, month)
        if phase == DONE:
            levels.setdefault(step.member, {})[step.skill] = step.to_level
        elif phase == TRAINING:
            learning.add(step.member)
    working: list[Member] = []
    settled: list[Member] = []
    for member in team.members:
        if member.name not in levels and member.name not in learning:
            working.append(member)
            settled.append(member)
            continue
        full = member
        if member.name in levels:
            full = member.model_copy(update={"skills": {**member.skills, **levels[member.name]}})
        settled.append(full)
        if member.name in learning:
            full = full.model_copy(update={"fte": member.fte * (1 - training.time_share)})
        working.append(full)
    for hire in hires:
        since = hire_phase(hire, month, training.ramp_months)
        if since < 0:
            continue
        if since >= training.ramp_months:
            working.append(hire.member)
            settled.append(hire.member)
        else:
            share = training.ramp_share(since)
            if share > 0:
                working.append(hire.member.model_copy(update={"fte": share}))
    return working, settled


def as_team(members: Sequence[Member]) -> Team:
    # The members are valid already and planned names cannot clash with real ones:
    # skip re-validating 200 members for every month.
    return Team.model_construct(members=tuple(members))


@dataclass(frozen=True)
class Scored:
    """One month's two reports: working (fit, coverage) and settled (resilience)."""

    working: CoverageReport
    settled: CoverageReport

    @property
    def fit(self) -> float:
        return self.working.fit

    @property
    def resilience(self) -> float:
        return self.settled.resilience


def score(working: Sequence[Member], settled: Sequence[Member], model: BusinessModel) -> Scored:
    report = analyze(as_team(working), model)
    if len(working) == len(settled) and all(a is b for a, b in zip(working, settled, strict=True)):
        return Scored(report, report)
    return Scored(report, analyze(as_team(settled), model))


@dataclass(frozen=True)
class Month:
    month: int
    fit: float
    resilience: float
    cash: float  # at the start of the month
    burn: float  # all that goes out in the month: payroll, other, compute, courses
    revenue: float
    headcount: int  # people on the payroll (hires from the month they join)
    coverage: dict[str, float]  # skill id -> coverage by the working team
    skill_resilience: dict[str, float]  # skill id -> resilience of the settled team
    experts: dict[str, int]  # skill id -> the settled team's bus factor

    @property
    def cash_end(self) -> float:
        return self.cash - self.burn + self.revenue


def action_spend(resolved: Resolved, span: int) -> tuple[list[float], list[float]]:
    """(hires' payroll, course budgets) in each month 0..span-1."""
    payroll = [0.0] * span
    courses = [0.0] * span
    for hire in resolved.hires:
        for m in range(hire.join, span):
            payroll[m] += hire.monthly_cost
    for step in resolved.steps:
        if step.start < span:
            courses[step.start] += step.cost
    return payroll, courses


def cash_flows(world: World, resolved: Resolved) -> tuple[list[float], list[float], list[float]]:
    """(cash at the start of each month, burn, revenue), from the budget's projection:
    cash[k+1] = cash[k] − burn[k] + revenue[k]."""
    span = world.span
    hires, courses = action_spend(resolved, span)
    payroll = [world.base_payroll + h for h in hires]
    spend = [world.compute[m] + courses[m] for m in range(span)]
    projection = budget.project(world.funding, payroll, spend, span)
    revenue = list(projection.revenue)
    burn = [projection.outflow[m] + revenue[m] for m in range(span)]
    cash = [world.funding.cash, *projection.balance[:-1]]
    return cash, burn, revenue


def project_months(world: World, resolved: Resolved) -> list[Month]:
    """Every month 0..N: fit, resilience, cash, burn, head count and per-skill values.
    Months whose actions all stand where they stood the month before reuse its scores."""
    actions = resolved.actions
    cash, burn, revenue = cash_flows(world, resolved)
    ramp = world.training.ramp_months
    seen: dict[tuple[int, ...], Scored] = {}
    months = []
    for k in range(world.span):
        key = phases(actions, k, ramp)
        if key not in seen:
            teams = team_at(world.team, resolved.hires, resolved.steps, k, world.training)
            seen[key] = score(*teams, world.model)
        scored = seen[key]
        months.append(
            Month(
                month=k,
                fit=scored.fit,
                resilience=scored.resilience,
                cash=cash[k],
                burn=burn[k],
                revenue=revenue[k],
                headcount=len(world.team) + sum(h.join <= k for h in resolved.hires),
                coverage={s: c.coverage for s, c in scored.working.skills.items()},
                skill_resilience={s: c.resilience for s, c in scored.settled.skills.items()},
                experts={s: c.experts for s, c in scored.settled.skills.items()},
            )
        )
    return months
