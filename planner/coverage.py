"""The scoring model: how well a team covers what a business model requires.

For each required skill s with target level T and depth D:
    contribution of member m = fte_m * min(1, L_ms / T) ** 2
    supply   = sum of contributions
    coverage = min(1, supply / D)
    gap      = max(0, D - supply)          (person-equivalents still to find)
    experts  = members with L_ms >= T      (head count: the bus factor)
Area coverage is the depth-weighted mean of its skills' coverage; the fit is the
weight-weighted mean over areas that have at least one requirement.
See docs/scoring.md for a worked example.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.domain import BusinessModel, Member, Team, area_of


@dataclass(frozen=True)
class SkillCoverage:
    skill_id: str
    target: int
    depth: float
    supply: float
    coverage: float
    gap: float
    experts: int
    expert_names: tuple[str, ...]
    contributions: dict[str, float]  # member name -> person-equivalents (non-zero only)

    @property
    def uncovered(self) -> bool:
        return self.experts == 0

    @property
    def single_point_of_failure(self) -> bool:
        return self.experts == 1


@dataclass(frozen=True)
class AreaCoverage:
    area_id: str
    weight: float
    coverage: float | None  # None: no requirement in this area (not applicable)


@dataclass(frozen=True)
class CoverageReport:
    model_id: str
    fit: float
    areas: dict[str, AreaCoverage]
    skills: dict[str, SkillCoverage]

    def gaps(self) -> list[SkillCoverage]:
        """Skills still short of their depth, largest gap first (ties by id)."""
        short = [s for s in self.skills.values() if s.gap > 1e-9]
        return sorted(short, key=lambda s: (-s.gap, s.skill_id))

    def single_points_of_failure(self) -> list[SkillCoverage]:
        return [s for s in self.skills.values() if s.experts == 1]

    def uncovered(self) -> list[SkillCoverage]:
        return [s for s in self.skills.values() if s.experts == 0]


def contribution(member: Member, skill_id: str, target: int) -> float:
    """Person-equivalents a member brings to a skill: credit falls off fast below target."""
    level = member.level(skill_id)
    return member.fte * min(1.0, level / target) ** 2


def _skill_coverage(team: Team, skill_id: str, target: int, depth: float) -> SkillCoverage:
    contributions = {
        m.name: c for m in team.members if (c := contribution(m, skill_id, target)) > 0
    }
    supply = sum(contributions.values())
    experts = tuple(m.name for m in team.members if m.level(skill_id) >= target)
    return SkillCoverage(
        skill_id=skill_id,
        target=target,
        depth=depth,
        supply=supply,
        coverage=min(1.0, supply / depth),
        gap=max(0.0, depth - supply),
        experts=len(experts),
        expert_names=experts,
        contributions=contributions,
    )


def analyze(team: Team, business_model: BusinessModel) -> CoverageReport:
    """Score a team against a business model (see the module docstring)."""
    skills = {
        sid: _skill_coverage(team, sid, req.level, req.depth)
        for sid, req in business_model.requirements.items()
    }
    area_ids = list(dict.fromkeys([*business_model.weights, *business_model.areas()]))
    areas: dict[str, AreaCoverage] = {}
    for area_id in area_ids:
        in_area = [s for s in skills.values() if area_of(s.skill_id) == area_id]
        depth = sum(s.depth for s in in_area)
        cov = min(1.0, sum(s.depth * s.coverage for s in in_area) / depth) if in_area else None
        areas[area_id] = AreaCoverage(area_id, business_model.weights.get(area_id, 0.0), cov)
    weighted = [(a.weight, a.coverage) for a in areas.values() if a.coverage is not None]
    total_weight = sum(w for w, _ in weighted)
    fit = sum(w * c for w, c in weighted) / total_weight if total_weight > 0 else 0.0
    # Rounding noise must not push a value past 1 (the bounds are a contract).
    return CoverageReport(business_model.id, min(1.0, fit), areas, skills)


def fit_by_model(team: Team, models: dict[str, BusinessModel]) -> dict[str, float]:
    """The team's fit for every business model, in the order given."""
    return {model_id: analyze(team, model).fit for model_id, model in models.items()}
