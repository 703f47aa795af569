"""Stored roadmap actions resolved against today's team: when each hire joins and is
fully ramped, which level each training step reaches and when, and what is wrong with
an action that no longer applies (it is reported and left out, never dropped)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from planner.catalog import Role
from planner.domain import LEVEL_MAX, Member, RoadmapAction, Team, earliest_start
from planner.roadmap.settings import TrainingSettings


@dataclass(frozen=True)
class Hire:
    """A hire: the search starts in `month`, the person joins in `join` (payroll from
    then) and counts fully, as an expert, from `ready`."""

    index: int  # position in the stored list of actions
    role_id: str
    month: int
    join: int
    ready: int
    monthly_cost: float
    member: Member  # the person as they count once fully ramped

    kind = "hire"


@dataclass(frozen=True)
class Step:
    """One training step: `member` from `from_level` to `to_level` in `skill`; asked
    for `month`, it starts in `start` (after the member's earlier step) and the new
    level counts from `ready`. The course budget is paid in `start`."""

    index: int
    member: str
    skill: str
    from_level: int
    to_level: int
    month: int
    start: int
    ready: int
    cost: float

    kind = "train"


@dataclass(frozen=True)
class Problem:
    """An action that cannot be projected: its position, and the message key with its
    parameters (data/strings/roadmap.yaml)."""

    index: int
    key: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Resolved:
    hires: tuple[Hire, ...]
    steps: tuple[Step, ...]
    problems: tuple[Problem, ...]

    @property
    def actions(self) -> tuple[Hire | Step, ...]:
        return tuple(sorted((*self.hires, *self.steps), key=lambda a: a.index))

    @property
    def last_effect(self) -> int:
        """The month from which every action has fully taken effect (0 without any)."""
        return max((a.ready for a in (*self.hires, *self.steps)), default=0)


def join_month(month: int, role: Role) -> int:
    """The search starts in `month`; the role's weeks to hire, rounded up to months, later
    the person joins."""
    return month + earliest_start(role.weeks_to_hire)


def hire_name(number: int, role: Role) -> str:
    # A leading "＋" (full width) keeps planned people apart from the team's names.
    return f"＋{number} {role.id}"


def resolve(
    team: Team,
    actions: Sequence[RoadmapAction],
    roles: Mapping[str, Role],
    skill_ids: frozenset[str],
    training: TrainingSettings,
    hire_costs: Mapping[str, float],
    market: str,
    horizon: int,
) -> Resolved:
    """Each valid action with its timing and cost; each invalid one as a Problem.

    Training steps of one member run one after another in the order of their months
    (then their order in the list); each raises the level the previous one reached."""
    members = {m.name: m for m in team.members}
    hires: list[Hire] = []
    problems: list[Problem] = []
    pending: list[tuple[int, RoadmapAction]] = []
    for index, action in enumerate(actions):
        if action.month > horizon:
            problems.append(
                Problem(index, "roadmap_err_month", {"month": action.month, "months": horizon})
            )
        elif action.kind == "hire":
            role = roles.get(action.role or "")
            if role is None:
                problems.append(Problem(index, "roadmap_err_role", {"role": action.role}))
                continue
            join = join_month(action.month, role)
            hires.append(
                Hire(
                    index=index,
                    role_id=role.id,
                    month=action.month,
                    join=join,
                    ready=join + training.ramp_months,
                    monthly_cost=hire_costs[role.id],
                    member=Member.model_construct(
                        name=hire_name(len(hires) + 1, role),
                        role=role.id,
                        fte=1.0,
                        skills={s: lv for s, lv in role.skills.items() if lv > 0},
                        monthly_cost=None,
                        ratings_meta=None,
                    ),
                )
            )
        elif action.member not in members:
            problems.append(Problem(index, "roadmap_err_member", {"member": action.member}))
        elif action.skill not in skill_ids:
            problems.append(Problem(index, "roadmap_err_skill", {"skill": action.skill}))
        else:
            pending.append((index, action))
    steps, step_problems = _chain(pending, members, training, market)
    problems.extend(step_problems)
    return Resolved(tuple(hires), tuple(steps), tuple(sorted(problems, key=lambda p: p.index)))


def _chain(
    pending: list[tuple[int, RoadmapAction]],
    members: Mapping[str, Member],
    training: TrainingSettings,
    market: str,
) -> tuple[list[Step], list[Problem]]:
    steps: list[Step] = []
    problems: list[Problem] = []
    busy_until: dict[str, int] = {}
    reached: dict[tuple[str, str], int] = {}
    for index, action in sorted(pending, key=lambda p: (p[1].month, p[0])):
        name, skill = str(action.member), str(action.skill)
        level = reached.get((name, skill), members[name].level(skill))
        if level >= LEVEL_MAX:
            problems.append(Problem(index, "roadmap_err_level5", {"member": name, "skill": skill}))
            continue
        if level == 0 and not action.override:
            problems.append(Problem(index, "roadmap_err_level0", {"member": name, "skill": skill}))
            continue
        start = max(action.month, busy_until.get(name, 0))
        ready = start + training.months_to(level + 1)
        steps.append(
            Step(
                index=index,
                member=name,
                skill=skill,
                from_level=level,
                to_level=level + 1,
                month=action.month,
                start=start,
                ready=ready,
                cost=training.course_cost(market, level + 1),
            )
        )
        busy_until[name] = ready
        reached[(name, skill)] = level + 1
    return steps, problems
