"""From gaps to hires: a greedy plan over the candidate roles of data/roles.yaml.

At each step the full-time role whose addition raises the fit most is added;
ties go to the smaller role id; the plan stops at max_hires or when no role
raises the fit any more.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.catalog import Role
from planner.coverage import CoverageReport, analyze
from planner.domain import BusinessModel, Member, Team

# Fit gains below this are rounding noise, not a reason to hire.
MIN_GAIN = 1e-9


@dataclass(frozen=True)
class HireStep:
    role_id: str
    member_name: str
    fit_before: float
    fit_after: float
    closes: tuple[str, ...]  # skills whose gap this hire brings to zero
    improves: tuple[str, ...]  # skills whose coverage this hire raises

    @property
    def gain(self) -> float:
        return self.fit_after - self.fit_before


def hire_member(role: Role, number: int) -> Member:
    """The hypothetical full-time member a role stands for."""
    return Member(name=f"#{number} {role.id}", role=role.id, fte=1.0, skills=dict(role.skills))


def _step(before: CoverageReport, after: CoverageReport, role: Role, name: str) -> HireStep:
    closes = tuple(
        sid for sid, s in after.skills.items() if s.gap <= MIN_GAIN < before.skills[sid].gap
    )
    improves = tuple(
        sid
        for sid, s in after.skills.items()
        if s.coverage > before.skills[sid].coverage + MIN_GAIN
    )
    return HireStep(role.id, name, before.fit, after.fit, closes, improves)


def plan_hires(
    team: Team, business_model: BusinessModel, roles: dict[str, Role], max_hires: int = 5
) -> list[HireStep]:
    """Greedy hiring plan: best role first, until max_hires or no role helps."""
    steps: list[HireStep] = []
    current = team
    report = analyze(current, business_model)
    for number in range(1, max_hires + 1):
        best: tuple[float, str, Team, CoverageReport] | None = None
        for role_id in sorted(roles):
            candidate = current.with_member(hire_member(roles[role_id], number))
            trial = analyze(candidate, business_model)
            # Strictly greater keeps the first (smallest) role id on a tie.
            if trial.fit > report.fit + MIN_GAIN and (
                best is None or trial.fit > best[0] + MIN_GAIN
            ):
                best = (trial.fit, role_id, candidate, trial)
        if best is None:
            break
        _, role_id, current, trial = best
        steps.append(_step(report, trial, roles[role_id], current.members[-1].name))
        report = trial
    return steps
