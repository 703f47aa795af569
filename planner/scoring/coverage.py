"""The scoring model, version 3: can the team do the work, and can it lose someone?

For each required skill s with target level T and depth D (D seats), and each
member m with FTE share f and level L:
    q_ms       = min(1, L_ms / T) ** 2          how well m does the work at the target
    seats      the best people (by q, best first) take the D seats with their FTE
               until the seats are full, the last one partly: taken_m
    filled     = sum of taken_m * q_ms          person-equivalents at the target level
    coverage   = filled / D                     100 % exactly when experts' FTE reaches D
    gap        = D * (1 - coverage)             person-equivalents still to find
    experts    = members with L_ms >= T         head count: the bus factor
    resilience = min(1, experts / (ceil(D) + 1))   n+1: the depth in experts plus a spare
Nobody stacks beyond the seats, so juniors never add up to a senior (version 2
capped only by the best person: below-target people still filled a second seat).
Area coverage and resilience are depth-weighted means of their skills; the fit and
the overall resilience are weight-weighted means over the areas that have at
least one requirement. Every number a page shows comes from here, judged by the
one status rule below, so the pages never contradict each other.
See docs/scoring.md for a worked example and why the numbers agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from planner.domain import BusinessModel, Member, Team, area_of
from planner.numbers import percent  # noqa: F401  (re-exported: its old home)

# The article's four talent areas: always in a report, if only as not applicable.
ARTICLE_AREAS = ("research", "data", "product", "market")
# Traffic-light thresholds shared by the risks (article 8.2) and the pipeline colours.
RED, GREEN = 0.5, 0.8
# Differences below this are float noise, not a change a founder could see.
EPS = 1e-9


@dataclass(frozen=True)
class SkillCoverage:
    skill_id: str
    target: int
    depth: float
    filled: float  # person-equivalents at the target level in the D seats
    best: float  # the best member's q (0 for an empty team)
    coverage: float
    gap: float
    experts: int
    expert_names: tuple[str, ...]
    contributions: dict[str, float]  # member name -> person-equivalents seated (non-zero)
    resilience: float
    expert_fte: float  # the experts' FTE shares added up

    @property
    def uncovered(self) -> bool:
        return self.experts == 0

    @property
    def single_point_of_failure(self) -> bool:
        return self.experts == 1

    @property
    def experts_needed(self) -> int:
        """Experts for full resilience: the depth in people plus one spare."""
        return math.ceil(self.depth) + 1

    @property
    def part_time_only(self) -> bool:
        """Someone is at the target level, but together less than one full-time person."""
        return self.experts > 0 and self.expert_fte < 1 - EPS


@dataclass(frozen=True)
class AreaCoverage:
    area_id: str
    weight: float
    coverage: float | None  # None: no requirement in this area (not applicable)
    resilience: float | None = None  # None exactly when coverage is None


@dataclass(frozen=True)
class CoverageReport:
    model_id: str
    fit: float
    areas: dict[str, AreaCoverage]
    skills: dict[str, SkillCoverage]
    resilience: float = 0.0

    def gaps(self) -> list[SkillCoverage]:
        """Skills still short of full coverage, largest gap first (ties by id)."""
        short = [s for s in self.skills.values() if s.coverage < 1]
        return sorted(short, key=lambda s: (-s.gap, s.skill_id))

    def single_points_of_failure(self) -> list[SkillCoverage]:
        return [s for s in self.skills.values() if s.experts == 1]

    def uncovered(self) -> list[SkillCoverage]:
        return [s for s in self.skills.values() if s.experts == 0]


def closeness(member: Member, skill_id: str, target: int) -> float:
    """r = min(1, L / T): how close a member is to the target level."""
    return min(1.0, member.level(skill_id) / target)


def seat_quality(member: Member, skill_id: str, target: int) -> float:
    """q = min(1, L / T)²: the share of a seat's work a member does at the target level.

    Credit falls off fast below the target (T = 4: level 3 is 0.5625, level 2 0.25)."""
    return closeness(member, skill_id, target) ** 2


def seat_members(team: Team, skill_id: str, target: int, depth: float) -> dict[str, float]:
    """The best people take the D seats: member name -> person-equivalents seated.

    Best first by q; equal q by larger FTE, then name, so member order never shows.
    Each takes min(their FTE, the seats left); nobody fills beyond the seats."""
    ranked = sorted(
        ((seat_quality(m, skill_id, target), m) for m in team.members),
        key=lambda qm: (-qm[0], -qm[1].fte, qm[1].name),
    )
    seated: dict[str, float] = {}
    left = depth
    for q, m in ranked:
        if q <= 0 or left <= EPS:
            break
        taken = min(m.fte, left)
        seated[m.name] = taken * q
        left -= taken
    return seated


def skill_resilience(experts: int, depth: float) -> float:
    """n+1 redundancy: experts over (ceil(depth) + 1), at most 1."""
    return min(1.0, experts / (math.ceil(depth) + 1))


def _skill_coverage(team: Team, skill_id: str, target: int, depth: float) -> SkillCoverage:
    contributions = seat_members(team, skill_id, target, depth)
    # fsum is exactly rounded, so the total does not depend on member order.
    filled = math.fsum(contributions.values())
    best = max((seat_quality(m, skill_id, target) for m in team.members), default=0.0)
    coverage = min(1.0, filled / depth)
    if coverage > 1.0 - EPS:
        # Rounding noise (0.1 + 0.4 + 0.5 people) must not leave a gap nobody can see.
        coverage = 1.0
    experts = [m for m in team.members if m.level(skill_id) >= target]
    return SkillCoverage(
        skill_id=skill_id,
        target=target,
        depth=depth,
        filled=filled,
        best=best,
        coverage=coverage,
        gap=depth * (1.0 - coverage),
        experts=len(experts),
        expert_names=tuple(m.name for m in experts),
        contributions=contributions,
        resilience=skill_resilience(len(experts), depth),
        expert_fte=math.fsum(m.fte for m in experts),
    )


def _weighted(pairs: list[tuple[float, float]]) -> float | None:
    """Σ w·v / Σ w, clamped to [0, 1]; None when the weights add up to nothing."""
    total = math.fsum(w for w, _ in pairs)
    if total <= 0:
        return None
    # Rounding noise must not push a value past 1 (the bounds are a contract).
    return min(1.0, max(0.0, math.fsum(w * v for w, v in pairs) / total))


def analyze(team: Team, business_model: BusinessModel) -> CoverageReport:
    """Score a team against a business model (see the module docstring)."""
    skills = {
        sid: _skill_coverage(team, sid, req.level, req.depth)
        for sid, req in business_model.requirements.items()
    }
    area_ids = list(
        dict.fromkeys([*business_model.weights, *business_model.areas(), *ARTICLE_AREAS])
    )
    areas: dict[str, AreaCoverage] = {}
    for area_id in area_ids:
        in_area = [s for s in skills.values() if area_of(s.skill_id) == area_id]
        areas[area_id] = AreaCoverage(
            area_id,
            business_model.weights.get(area_id, 0.0),
            _weighted([(s.depth, s.coverage) for s in in_area]),
            _weighted([(s.depth, s.resilience) for s in in_area]),
        )
    scored = [a for a in areas.values() if a.coverage is not None]
    fit = _weighted([(a.weight, a.coverage) for a in scored]) or 0.0
    resilience = _weighted([(a.weight, a.resilience) for a in scored]) or 0.0
    return CoverageReport(business_model.id, fit, areas, skills, resilience)


def skill_status(skill: SkillCoverage) -> str:
    """One skill's traffic light, the single rule behind risks and pipeline colours.

    red: nobody at the target level, or under half covered;
    amber: under 80 % covered, or it rests on one person or on part-timers only;
    green: otherwise.
    """
    if skill.experts == 0 or skill.coverage < RED:
        return "red"
    if skill.coverage < GREEN or skill.experts == 1 or skill.part_time_only:
        return "amber"
    return "green"


def fit_by_model(team: Team, models: dict[str, BusinessModel]) -> dict[str, float]:
    """The team's fit for every business model, in the order given."""
    return {model_id: analyze(team, model).fit for model_id, model in models.items()}


def scores_by_model(team: Team, models: dict[str, BusinessModel]) -> dict[str, tuple[float, float]]:
    """(fit, resilience) of the team for every business model, in the order given."""
    scores = {}
    for model_id, model in models.items():
        report = analyze(team, model)
        scores[model_id] = (report.fit, report.resilience)
    return scores
