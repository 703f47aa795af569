"""The challenges the article names (section 8.2), judged from a coverage report.

data privacy    <- data.governance
compute         <- research.distributed, product.mlops
talent shortage <- every required skill

Each skill is judged by planner.scoring.coverage.skill_status, the same rule that colours
the pipeline: a risk is high when one of its skills has nobody at the target
level or is under half covered, medium when one is under 80 % covered or rests on
one person or on part-timers only, low otherwise. A risk cites only the skills
that fall short, so it never names a skill that is fine.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.scoring.coverage import CoverageReport, SkillCoverage, skill_status

RISK_SKILLS = {
    "privacy": ("data.governance",),
    "compute": ("research.distributed", "product.mlops"),
}
LEVEL_OF_STATUS = {"red": "high", "amber": "medium", "green": "low"}
_RANK = {"green": 0, "amber": 1, "red": 2}


@dataclass(frozen=True)
class Risk:
    id: str
    level: str  # "high" | "medium" | "low"
    skills: tuple[str, ...]  # required skills behind it that fall short, worst first
    required: bool = True  # False: the model requires none of its skills


def shortfall(skill: SkillCoverage) -> str | None:
    """Why a skill falls short, in one word, or None when it does not:
    "uncovered" (nobody at the target level), "single" (one person),
    "part_time" (only part-timers at the level), "capacity" (under 80 % covered)."""
    status = skill_status(skill)
    if status == "green":
        return None
    if skill.uncovered:
        return "uncovered"
    if skill.single_point_of_failure:
        return "single"
    if skill.part_time_only:
        return "part_time"
    return "capacity"


def _judge(risk_id: str, skills: list[SkillCoverage]) -> Risk:
    statuses = {s.skill_id: skill_status(s) for s in skills}
    worst = max(statuses.values(), key=_RANK.__getitem__, default="green")
    short = sorted(
        (s for s in skills if statuses[s.skill_id] != "green"),
        key=lambda s: (-_RANK[statuses[s.skill_id]], s.coverage, s.resilience, s.skill_id),
    )
    return Risk(risk_id, LEVEL_OF_STATUS[worst], tuple(s.skill_id for s in short))


def assess_risks(report: CoverageReport) -> list[Risk]:
    risks = []
    for risk_id, skill_ids in RISK_SKILLS.items():
        present = [report.skills[s] for s in skill_ids if s in report.skills]
        if not present:
            # Not required by this model, but nobody owning it is still a risk to name.
            risks.append(Risk(risk_id, "medium", (), required=False))
            continue
        risks.append(_judge(risk_id, present))
    risks.append(_judge("talent", list(report.skills.values())))
    return risks
