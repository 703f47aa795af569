"""Succession: for every skill that rests on one person, who could take over and how
long their training would take (the steps' months from data/training.yaml)."""

from __future__ import annotations

from dataclasses import dataclass

from planner.domain import BusinessModel, Team
from planner.roadmap.settings import TrainingSettings
from planner.scoring import (
    analyze,
)

# Readiness buckets, by the months of training the successor needs.
READY_NOW, WITHIN_6, WITHIN_12, OVER_12, NOBODY = "now", "within_6", "6_12", "over_12", "hire"


@dataclass(frozen=True)
class Successor:
    skill: str
    expert: str  # the one person the skill rests on today
    target: int
    member: str | None  # None: nobody can learn it (everyone else is at level 0)
    level: int
    months: int | None  # training months to reach the target

    @property
    def readiness(self) -> str:
        if self.months is None:
            return NOBODY
        if self.months == 0:
            return READY_NOW
        if self.months <= 6:
            return WITHIN_6
        return WITHIN_12 if self.months <= 12 else OVER_12


def succession(team: Team, model: BusinessModel, training: TrainingSettings) -> list[Successor]:
    """One successor per single point of failure, in the model's order of skills: the
    member closest to the target level (ties: the higher FTE, then the name)."""
    report = analyze(team, model)
    found = []
    for skill in report.single_points_of_failure():
        expert = skill.expert_names[0]
        others = [m for m in team.members if m.name != expert and m.level(skill.skill_id) > 0]
        best = min(others, key=lambda m: (-m.level(skill.skill_id), -m.fte, m.name), default=None)
        if best is None:
            found.append(Successor(skill.skill_id, expert, skill.target, None, 0, None))
            continue
        level = best.level(skill.skill_id)
        months = training.months_between(level, skill.target) if level < skill.target else 0
        found.append(Successor(skill.skill_id, expert, skill.target, best.name, level, months))
    return found
