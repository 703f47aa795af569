"""From gaps to hires: a greedy plan over the candidate roles of data/roles.yaml.

At each step the full-time role whose addition raises `fit + λ · resilience` most
is added (λ = 0.25 by default; 0 hires for capacity only); ties go to the smaller
role id; the plan stops at max_hires, when the budget allows no further role, or
when the best gain is under MIN_GAIN. A step that fills less than a quarter of a
person of gap is shown as "part-time or training", not as a full-time hire.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from planner.catalog import Catalog, Role
from planner.domain import BusinessModel, Member, Team
from planner.i18n import t
from planner.scoring.coverage import EPS, CoverageReport, analyze, percent

DEFAULT_LAMBDA = 0.25
# A hire must move fit + λ·resilience by half a point: smaller gains are not worth a salary.
MIN_GAIN = 0.005
# Less than a quarter of a person is a part-time or training need, not a full-time hire.
PART_TIME_GAP = 0.25
DEFAULT_MAX_HIRES = 5


def objective(report: CoverageReport, lam: float = DEFAULT_LAMBDA) -> float:
    """What the plan maximises: capacity first, redundancy weighted by λ."""
    return report.fit + lam * report.resilience


@dataclass(frozen=True)
class HireStep:
    role_id: str
    member_name: str
    fit_before: float
    fit_after: float
    resilience_before: float
    resilience_after: float
    gain: float  # rise of fit + λ·resilience: never under MIN_GAIN
    closes: tuple[str, ...]  # skills whose gap this hire brings to zero
    improves: tuple[str, ...]  # skills whose coverage this hire raises
    covers: tuple[str, ...]  # skills nobody was at the target level for; now the hire is
    spofs_removed: tuple[str, ...]  # skills that rested on one person; now on two
    spof_people: tuple[str, ...]  # who each of spofs_removed rested on, in the same order
    filled: float  # person-equivalents of gap this hire fills
    cost: float | None = None  # the role's cost when the plan had a budget

    @property
    def fit_gain(self) -> float:
        return self.fit_after - self.fit_before

    @property
    def part_time(self) -> bool:
        """The gap it fills is under a quarter of a person: part-time help or training."""
        return self.filled < PART_TIME_GAP


def hire_member(role: Role, number: int) -> Member:
    """The hypothetical full-time member a role stands for."""
    return Member(name=f"#{number} {role.id}", role=role.id, fte=1.0, skills=dict(role.skills))


_PLANNED = re.compile(r"^#(\d+) ([a-z][a-z0-9_]*)$")


def _step(
    before: CoverageReport,
    after: CoverageReport,
    role: Role,
    name: str,
    lam: float,
    cost: float | None,
) -> HireStep:
    pairs = [(sid, before.skills[sid], s) for sid, s in after.skills.items()]
    spofs = [(sid, b, a) for sid, b, a in pairs if b.experts == 1 < a.experts]
    return HireStep(
        role_id=role.id,
        member_name=name,
        fit_before=before.fit,
        fit_after=after.fit,
        resilience_before=before.resilience,
        resilience_after=after.resilience,
        gain=objective(after, lam) - objective(before, lam),
        closes=tuple(sid for sid, b, a in pairs if a.coverage == 1 > b.coverage),
        improves=tuple(sid for sid, b, a in pairs if a.coverage > b.coverage + EPS),
        covers=tuple(sid for sid, b, a in pairs if b.experts == 0 < a.experts),
        spofs_removed=tuple(sid for sid, b, a in spofs),
        spof_people=tuple(b.expert_names[0] for _, b, _ in spofs),
        filled=max(0.0, sum(b.gap - a.gap for _, b, a in pairs)),
        cost=cost,
    )


def plan_hires(
    team: Team,
    business_model: BusinessModel,
    roles: dict[str, Role],
    max_hires: int = DEFAULT_MAX_HIRES,
    *,
    lam: float = DEFAULT_LAMBDA,
    budget: float | None = None,
    costs: Mapping[str, float] | None = None,
) -> list[HireStep]:
    """Greedy hiring plan: the best next hire, until max_hires, the budget, or no gain.

    With a budget, `costs` gives each role's cost; a role without one is not
    considered, and a role is a candidate only while it fits in what is left.
    """
    if budget is not None and costs is None:
        raise ValueError("a budget needs the roles' costs")
    steps: list[HireStep] = []
    current = team
    report = analyze(current, business_model)
    left = budget
    for number in range(1, max_hires + 1):
        now = objective(report, lam)
        best: tuple[float, str, Team, CoverageReport] | None = None
        for role_id in sorted(roles):
            if left is not None and (costs is None or costs.get(role_id, left + 1) > left):
                continue
            candidate = current.with_member(hire_member(roles[role_id], number))
            trial = analyze(candidate, business_model)
            gain = objective(trial, lam) - now
            # Strictly greater (beyond noise) keeps the smallest role id on a tie.
            if best is None or gain > best[0] + EPS:
                best = (gain, role_id, candidate, trial)
        if best is None or best[0] < MIN_GAIN:
            break
        _, role_id, current, trial = best
        cost = costs.get(role_id) if costs is not None else None
        steps.append(_step(report, trial, roles[role_id], current.members[-1].name, lam, cost))
        if left is not None and cost is not None:
            left -= cost
        report = trial
    return steps


def team_after(team: Team, steps: list[HireStep], roles: dict[str, Role]) -> Team:
    """The team with every hire of the plan added."""
    for number, step in enumerate(steps, start=1):
        team = team.with_member(hire_member(roles[step.role_id], number))
    return team


def small_gaps(report: CoverageReport) -> list[str]:
    """Skills still short by less than a quarter of a person: part-time or training."""
    return [s.skill_id for s in report.gaps() if s.gap < PART_TIME_GAP]


# ---------------------------------------------------------------- founder words


def _skills(ids: tuple[str, ...] | list[str], catalog: Catalog, lang: str) -> str:
    return t("list_sep", lang).join(catalog.skill_label(s, lang) for s in ids)


def _person(name: str, catalog: Catalog, lang: str) -> str:
    """A member's name, or for a hire planned in an earlier step, that step's role."""
    if (planned := _PLANNED.match(name)) and planned.group(2) in catalog.roles:
        role = catalog.roles[planned.group(2)].label(lang)
        return t("hire_planned_person", lang, number=planned.group(1), role=role)
    return name


def _pct(value: float) -> str:
    # One decimal, as the plan's chart and table.
    return percent(value, 1)


def is_backup(step: HireStep) -> bool:
    """It fills no work at all: only a spare for resilience."""
    return step.filled < 0.005


def explain_step(step: HireStep, catalog: Catalog, lang: str, *, with_kind: bool = True) -> str:
    """Why this hire, in a founder's words: what it covers, which single points of
    failure it removes, and fit and resilience after it. `with_kind=False` leaves out
    "a backup" / "part-time is enough" for a sentence that already says so."""
    sep = t("list_sep", lang)
    parts: list[str] = []
    if with_kind and is_backup(step):
        parts.append(t("hire_why_backup", lang))
    elif with_kind and step.part_time:
        parts.append(t("hire_why_part_time", lang, gap=f"{step.filled:.2f}"))
    if step.covers:
        parts.append(t("hire_why_covers", lang, skills=_skills(step.covers, catalog, lang)))
    others = tuple(s for s in step.improves if s not in step.covers)
    if others:
        parts.append(t("hire_why_improves", lang, skills=_skills(others, catalog, lang)))
    if step.spofs_removed:
        spofs = sep.join(
            t(
                "hire_why_spof_item",
                lang,
                skill=catalog.skill_label(s, lang),
                name=_person(name, catalog, lang),
            )
            for s, name in zip(step.spofs_removed, step.spof_people, strict=True)
        )
        parts.append(t("hire_why_spofs", lang, spofs=spofs))
    parts.append(
        t(
            "hire_why_after",
            lang,
            fit=_pct(step.fit_after),
            resilience=_pct(step.resilience_after),
        )
    )
    return t("hire_why_join", lang).join(parts)
