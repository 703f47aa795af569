"""The challenges the article names (section 8.2), judged from a coverage report.

data privacy  <- data.governance
compute       <- research.distributed, product.mlops
talent shortage <- uncovered skills and single points of failure
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.coverage import CoverageReport

RISK_SKILLS = {
    "privacy": ("data.governance",),
    "compute": ("research.distributed", "product.mlops"),
}


@dataclass(frozen=True)
class Risk:
    id: str
    level: str  # "high" | "medium" | "low"
    skills: tuple[str, ...]  # required skills behind it (coverage shown beside)


def _level_from_coverage(coverage: float) -> str:
    return "high" if coverage < 0.5 else "medium" if coverage < 0.8 else "low"


def assess_risks(report: CoverageReport) -> list[Risk]:
    risks = []
    for risk_id, skill_ids in RISK_SKILLS.items():
        present = tuple(s for s in skill_ids if s in report.skills)
        if not present:
            # Not required by this model, but nobody owning it is still a risk to name.
            risks.append(Risk(risk_id, "medium", ()))
            continue
        worst = min(report.skills[s].coverage for s in present)
        risks.append(Risk(risk_id, _level_from_coverage(worst), present))
    uncovered = len(report.uncovered())
    spofs = len(report.single_points_of_failure())
    level = "high" if uncovered else "medium" if spofs else "low"
    talent = tuple(s.skill_id for s in report.skills.values() if s.experts <= 1)
    risks.append(Risk("talent", level, talent))
    return risks
