"""The roadmap planner: hire, train or both, chosen greedily month by month.

Each round adds the action that raises the area under `fit + λ · resilience` over
months 0..N most (so an action that takes effect sooner counts more), placed in the
earliest month the cash allows: the balance at the end of every month stays at or
above the reserve (reserve months × today's net monthly burn; a month already below
it without any action only may not fall further). A plan without cash (0 on the
budget page) has no balance to keep: there, as in the coverage page's hiring plan,
at most five hires are added. It stops when no action raises the
objective by the hiring plan's minimum gain, averaged over the months.

Candidates: in `hire` mode every role; in `train` mode, for every required skill, the
three members closest to its target (ties: higher FTE, then name) one step up; in
`mixed` mode both. The search is incremental: an action changes only the skills its
person has, so only those skills are rescored (`analyze` on a model restricted to
them, over the members who have any of them), and only in the months where the
action or an earlier one touching those skills changes phase. Rounds after the
first rescore lazily: a candidate's gain from an earlier round bounds its gain now
(gains shrink as the team grows and the cash is spent), so only candidates that
could still win are rescored. `incremental=False` scores every month of every
candidate with `analyze` of the whole team (for tests and the benchmark).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from planner.domain import BusinessModel, RoadmapAction, RoadmapMode
from planner.roadmap.actions import Resolved, resolve
from planner.roadmap.timeline import (
    TRAINING,
    action_spend,
    as_team,
    cash_flows,
    phases,
    project_months,
    score,
    team_at,
)
from planner.roadmap.world import World
from planner.scoring import (
    DEFAULT_LAMBDA,
    DEFAULT_MAX_HIRES,
    MIN_GAIN,
    analyze,
)

MODES: tuple[RoadmapMode, ...] = ("hire", "train", "mixed")
TRAINEES_PER_SKILL = 3
MAX_ACTIONS = 24


def skill_weights(model: BusinessModel) -> dict[str, float]:
    """w_s with fit = Σ_s w_s · coverage_s (and resilience alike): an area averages its
    skills by depth and the fit averages the areas by weight, so each skill's share is
    W_area · D_s / (Σ depths in its area · Σ weights of areas with a requirement).
    Checked against `analyze` in tests/unit/test_roadmap.py."""
    depth_by_area: dict[str, float] = {}
    for skill_id, req in model.requirements.items():
        area = skill_id.split(".", 1)[0]
        depth_by_area[area] = depth_by_area.get(area, 0.0) + req.depth
    total = math.fsum(model.weights.get(a, 0.0) for a in depth_by_area)
    if total <= 0:
        return dict.fromkeys(model.requirements, 0.0)
    return {
        s: model.weights.get(s.split(".", 1)[0], 0.0)
        * req.depth
        / (depth_by_area[s.split(".", 1)[0]] * total)
        for s, req in model.requirements.items()
    }


@dataclass(frozen=True, order=True)
class Candidate:
    kind: str  # "hire" or "train"
    role: str = ""
    member: str = ""
    skill: str = ""

    def action(self, month: int) -> RoadmapAction:
        if self.kind == "hire":
            return RoadmapAction(kind="hire", month=month, role=self.role)
        return RoadmapAction(kind="train", month=month, member=self.member, skill=self.skill)


def resolve_in(world: World, actions: Sequence[RoadmapAction]) -> Resolved:
    return resolve(
        world.team,
        actions,
        world.roles,
        world.skill_ids,
        world.training,
        world.hire_costs,
        world.market,
        world.months,
    )


def reserve_amount(world: World) -> float:
    """The cash to keep: reserve months × today's net burn (nothing when profitable)."""
    _, burn, revenue = cash_flows(world, resolve_in(world, ()))
    return world.reserve_months * max(0.0, burn[0] - revenue[0])


def cash_floor(world: World) -> list[float]:
    """The lowest end-of-month balance allowed: the reserve, or where the balance
    already is without any action when that is lower; no floor when cash is not set."""
    if not world.cash_limited:
        return [-math.inf] * world.span
    cash, burn, revenue = cash_flows(world, resolve_in(world, ()))
    reserve = reserve_amount(world)
    return [min(reserve, cash[k] - burn[k] + revenue[k]) for k in range(world.span)]


def end_balances(world: World, resolved: Resolved) -> list[float]:
    cash, burn, revenue = cash_flows(world, resolved)
    return [cash[k] - burn[k] + revenue[k] for k in range(world.span)]


class Search:
    """One planner run: the accepted actions so far and how to score one more."""

    def __init__(self, world: World, lam: float = DEFAULT_LAMBDA, incremental: bool = True):
        self.world = world
        self.lam = lam
        self.incremental = incremental
        self.weights = skill_weights(world.model)
        self.required = frozenset(s for s, w in self.weights.items() if w > 0)
        self.floor = cash_floor(world)
        # Without cash on the budget page nothing limits hiring: as many as the
        # coverage page's hiring plan proposes, no more.
        self.max_hires = MAX_ACTIONS if world.cash_limited else DEFAULT_MAX_HIRES
        self._member_skills = {m.name: frozenset(m.skills) for m in world.team.members}
        self._one_skill_models: dict[str, BusinessModel] = {}
        self._memo: dict[tuple, float] = {}
        self._base_values: dict[tuple, float] = {}
        self._members = {m.name: m for m in world.team.members}
        self.accepted: list[RoadmapAction] = []
        self._update()

    def _update(self) -> None:
        self.resolved = resolve_in(self.world, self.accepted)
        self.balances = end_balances(self.world, self.resolved)
        self.busy_until = {s.member: s.ready for s in self.resolved.steps}
        self.levels = {(s.member, s.skill): s.to_level for s in self.resolved.steps}
        self._base_cache: dict[int, tuple[list, list]] = {}
        if not self.incremental:
            self.base_objective = self._objective_by_month(self.resolved)

    def accept(self, action: RoadmapAction) -> None:
        self.accepted.append(action)
        self._update()

    # -- candidates ---------------------------------------------------------------

    def level(self, member: str, skill: str) -> int:
        found = self.levels.get((member, skill))
        if found is not None:
            return found
        return self._members[member].level(skill)

    def candidates(self, mode: RoadmapMode) -> list[Candidate]:
        found: list[Candidate] = []
        if mode in ("hire", "mixed") and len(self.resolved.hires) < self.max_hires:
            found += [Candidate("hire", role=r) for r in sorted(self.world.roles)]
        if mode in ("train", "mixed"):
            for skill in sorted(self.required):
                target = self.world.model.requirements[skill].level
                learners = [
                    (-lv, -m.fte, m.name)
                    for m in self.world.team.members
                    if 1 <= (lv := self.level(m.name, skill)) < target
                ]
                for _, _, name in sorted(learners)[:TRAINEES_PER_SKILL]:
                    found.append(Candidate("train", member=name, skill=skill))
        return found

    # -- cash -----------------------------------------------------------------------

    def _fits(self, action: RoadmapAction) -> bool:
        alone = resolve_in(self.world, [action])
        payroll, courses = action_spend(alone, self.world.span)
        spent = 0.0
        for k in range(self.world.span):
            spent += payroll[k] + courses[k]
            if spent > 0 and self.balances[k] - spent < self.floor[k] - 1e-6:
                return False
        if not self.world.cash_limited:
            return True
        # The quick sum above passed; spending is not always additive (an action
        # changes what others cost: a trainee's course, the revenue that follows fit),
        # so the plan with the action must itself stay above the floor every month.
        balances = end_balances(self.world, resolve_in(self.world, [*self.accepted, action]))
        return all(b >= f - 1e-6 for b, f in zip(balances, self.floor, strict=True))

    def earliest(self, candidate: Candidate) -> RoadmapAction | None:
        """The candidate in the first month it can start and the cash allows."""
        first = self.busy_until.get(candidate.member, 0) if candidate.kind == "train" else 0
        for month in range(first, self.world.months + 1):
            action = candidate.action(month)
            if self._fits(action):
                return action
        return None

    # -- scoring --------------------------------------------------------------------

    def _objective_by_month(self, resolved: Resolved) -> list[float]:
        return [m.fit + self.lam * m.resilience for m in project_months(self.world, resolved)]

    def gain(self, action: RoadmapAction) -> float:
        """How much the action raises the area under fit + λ·resilience over months 0..N."""
        trial = resolve_in(self.world, [*self.accepted, action])
        if len(trial.actions) == len(self.resolved.actions):
            return -math.inf  # not applicable (e.g. past level 5)
        if not self.incremental:
            return math.fsum(self._objective_by_month(trial)) - math.fsum(self.base_objective)
        return self._incremental_gain(trial)

    def _incremental_gain(self, trial: Resolved) -> float:
        """Σ over touched skills and months of w_s · (Δcoverage + λ · Δresilience).

        One skill's change in a month depends only on what the new action does to that
        skill then (its effect) and on where the earlier actions that touch the skill
        stand: equal keys, equal change, scored once per search."""
        ramp, span = self.world.training.ramp_months, self.world.span
        new = next(a for a in trial.actions if a.index == len(self.accepted))
        idle = phases([new], -1, ramp)
        trial_teams: dict[int, tuple] = {}
        total = []
        for skill in sorted(self._skills_of(new) & self.required):
            earlier = [a for a in self.resolved.actions if skill in self._skills_of(a)]
            for k in range(span):
                own = phases([new], k, ramp)
                effect = None if own == idle else _effect(new, skill, own[0])
                if effect is None:
                    continue
                before = phases(earlier, k, ramp)
                key = (skill, effect, before)
                if key not in self._memo:
                    if k not in trial_teams:
                        trial_teams[k] = self._teams(trial, k)
                    old = self._base_skill(skill, before, k)
                    self._memo[key] = self._skill_value(skill, trial_teams[k]) - old
                total.append(self.weights[skill] * self._memo[key])
        return math.fsum(total)

    def _skills_of(self, action) -> frozenset[str]:
        """The skills whose scores the action can change: the hire's, or every skill the
        learner has (their time is shared while they learn)."""
        if action.kind == "hire":
            return frozenset(action.member.skills)
        return self._member_skills[action.member] | {action.skill}

    def _teams(self, resolved: Resolved, month: int) -> tuple[list, list]:
        world = self.world
        return team_at(world.team, resolved.hires, resolved.steps, month, world.training)

    def _base_skill(self, skill: str, before: tuple[int, ...], month: int) -> float:
        """The skill's value without the new action, shared by every candidate."""
        key = (skill, before)
        if key not in self._base_values:
            if month not in self._base_cache:
                self._base_cache[month] = self._teams(self.resolved, month)
            self._base_values[key] = self._skill_value(skill, self._base_cache[month])
        return self._base_values[key]

    def _skill_value(self, skill: str, teams: tuple[list, list]) -> float:
        """coverage + λ · resilience of one skill: `analyze` on that skill alone, over the
        members who have it (nobody else changes its score)."""
        model = self._one_skill_models.setdefault(skill, restricted(self.world.model, {skill}))
        scored = score(*(only_with(ms, skill) for ms in teams), model)
        working, settled = scored.working.skills[skill], scored.settled.skills[skill]
        return working.coverage + self.lam * settled.resilience


def _effect(action, skill: str, phase: int) -> tuple | None:
    """What the action does to one skill in a phase (None: nothing). A hire adds their
    level at the ramp-up share of the phase; a step changes the learner's level in its
    skill once done, and takes a share of their time for every skill while it runs."""
    if action.kind == "hire":
        return ("hire", action.role_id, phase)
    if skill == action.skill:
        return ("step", action.member, action.to_level, phase)
    return ("learning", action.member) if phase == TRAINING else None


def only_with(members, skill: str) -> list:
    """The members with a level in the skill: nobody else changes its scores."""
    return [m for m in members if skill in m.skills]


def restricted(model: BusinessModel, skills: set[str]) -> BusinessModel:
    """The model with only these requirements (a scoring aid, not a model to show)."""
    return BusinessModel.model_construct(
        id=model.id,
        label=model.label,
        description=model.description,
        weights=model.weights,
        requirements={s: r for s, r in model.requirements.items() if s in skills},
    )


@dataclass(frozen=True)
class Planned:
    actions: tuple[RoadmapAction, ...]
    gains: tuple[float, ...]  # each action's rise of the area, when it was chosen


def plan_roadmap(
    world: World,
    mode: RoadmapMode,
    *,
    lam: float = DEFAULT_LAMBDA,
    incremental: bool = True,
    max_actions: int = MAX_ACTIONS,
) -> Planned:
    """The greedy plan for a mode (see the module docstring)."""
    search = Search(world, lam, incremental)
    bounds: dict[Candidate, float] = {}
    gains: list[float] = []
    while len(search.accepted) < max_actions:
        fresh: dict[Candidate, tuple[float, RoadmapAction | None]] = {}
        pool = sorted(search.candidates(mode))
        best: Candidate | None = None
        while pool:
            # The highest gain known, fresh or an upper bound from an earlier round;
            # ties go to the first candidate in order (the smaller role id, name, skill).
            _, _, top = max(
                (fresh[c][0] if c in fresh else bounds.get(c, math.inf), -i, c)
                for i, c in enumerate(pool)
            )
            if top in fresh:
                best = top
                break
            action = search.earliest(top)
            fresh[top] = (-math.inf, None) if action is None else (search.gain(action), action)
            bounds[top] = fresh[top][0]
        if best is None:
            break
        gain, action = fresh[best]
        if action is None or gain / world.span < MIN_GAIN:
            break
        search.accept(action)
        gains.append(gain)
    return Planned(tuple(search.accepted), tuple(gains))


def candidate_gains(
    world: World, mode: RoadmapMode, *, lam: float = DEFAULT_LAMBDA, incremental: bool = True
) -> dict[Candidate, float]:
    """Every candidate's gain as the first action (the benchmark and the tests compare
    the incremental search with `analyze` from scratch on this)."""
    search = Search(world, lam, incremental)
    gains = {}
    for candidate in search.candidates(mode):
        action = search.earliest(candidate)
        if action is not None:
            gains[candidate] = search.gain(action)
    return gains


def from_scratch_objective(world: World, resolved: Resolved, lam: float) -> float:
    """The area under fit + λ·resilience with `analyze` of the whole team every month."""
    total = []
    for k in range(world.span):
        working, settled = team_at(world.team, resolved.hires, resolved.steps, k, world.training)
        total.append(
            analyze(as_team(working), world.model).fit
            + lam * analyze(as_team(settled), world.model).resilience
        )
    return math.fsum(total)
