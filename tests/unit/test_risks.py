"""The article's risks (section 8.2), judged from the same skill numbers as every chart."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain import BusinessModel, Label, Member, Team
from planner.scoring import (
    RISK_SKILLS,
    analyze,
    assess_risks,
    shortfall,
    skill_status,
)

PRIVACY = BusinessModel(
    id="privacy",
    label=Label(en="P", zh="P"),
    weights={"data": 1},
    requirements={"data.governance": {"level": 4, "depth": 1}},
)


def _people(*spec: tuple[float, int]) -> Team:
    """Members (fte, data.governance level)."""
    return Team(
        members=tuple(
            Member(name=f"p{i}", fte=fte, skills={"data.governance": lvl})
            for i, (fte, lvl) in enumerate(spec)
        )
    )


@pytest.mark.parametrize(
    ("people", "level", "cited", "why"),
    [
        ([], "high", ("data.governance",), "uncovered"),
        # Capacity from three at level 3, but nobody can lead it: 56 %, high.
        ([(1, 3), (1, 3), (1, 3)], "high", ("data.governance",), "uncovered"),
        # 100 % covered by one full-timer: still one person, medium.
        ([(1, 5)], "medium", ("data.governance",), "single"),
        # The only expert is part-time: never low, whatever the coverage.
        ([(0.4, 5), (1, 3)], "medium", ("data.governance",), "single"),
        # Two experts, but both part-time: under one full-time person between them.
        ([(0.4, 5), (0.4, 4), (1, 3)], "medium", ("data.governance",), "part_time"),
        # Two full-time experts: low, and nothing to cite.
        ([(1, 4), (1, 5)], "low", (), None),
    ],
)
def test_privacy_risk_by_hand(people, level, cited, why):
    report = analyze(_people(*people), PRIVACY)
    privacy = next(r for r in assess_risks(report) if r.id == "privacy")
    assert privacy.level == level
    assert privacy.skills == cited
    assert shortfall(report.skills["data.governance"]) == why


def test_a_risk_of_skills_the_model_does_not_require(catalog):
    report = analyze(_people((1, 5), (1, 5)), PRIVACY)
    compute = next(r for r in assess_risks(report) if r.id == "compute")
    assert (compute.level, compute.skills, compute.required) == ("medium", (), False)


def test_sample_team_platform_risks(catalog, sample_team):
    risks = {
        r.id: r for r in assess_risks(analyze(sample_team, catalog.business_models["platform"]))
    }
    # Gus Okafor (0.4 FTE) is the only one at the governance level: covered, but fragile.
    assert risks["privacy"].level == "medium"
    assert risks["privacy"].skills == ("data.governance",)
    # Bo Wang alone at distributed training and MLOps; MLOps 69 % covered.
    assert risks["compute"].level == "medium"
    assert risks["compute"].skills == ("product.mlops", "research.distributed")
    # Nobody at level 4 for developer relations or level 3 for customer success.
    assert risks["talent"].level == "high"
    assert risks["talent"].skills[:2] == ("market.devrel", "market.success")
    assert "research.evaluation" not in risks["talent"].skills  # two experts: fine


SKILLS = ["data.governance", "research.distributed", "product.mlops", "market.sales"]
teams = st.lists(
    st.builds(
        lambda i, fte, lv: Member(name=f"m{i}", fte=fte, skills=dict(zip(SKILLS, lv, strict=True))),
        st.integers(0, 999),
        st.sampled_from([0.2, 0.5, 1.0]),
        st.lists(st.integers(0, 5), min_size=len(SKILLS), max_size=len(SKILLS)),
    ),
    max_size=6,
    unique_by=lambda m: m.name,
).map(lambda ms: Team(members=tuple(ms)))


@settings(max_examples=150, deadline=None)
@given(teams, st.sampled_from(["service", "product", "platform"]))
def test_a_risk_cites_only_skills_that_fall_short(catalog, team, model_id):
    report = analyze(team, catalog.business_models[model_id])
    for risk in assess_risks(report):
        for sid in risk.skills:
            assert skill_status(report.skills[sid]) != "green"
            assert shortfall(report.skills[sid]) is not None
        if risk.id == "talent":
            # Every skill that falls short is cited: none is hidden.
            short = {s for s, v in report.skills.items() if skill_status(v) != "green"}
            assert set(risk.skills) == short
        if risk.level == "low":
            assert risk.skills == ()
            behind = RISK_SKILLS.get(risk.id, tuple(report.skills))
            for skill in (report.skills[s] for s in behind if s in report.skills):
                # Low is impossible when the only expert is single or part-time.
                assert skill.experts >= 2 and not skill.part_time_only
                assert skill.coverage >= 0.8
        if risk.level == "high":
            assert any(
                report.skills[s].uncovered or report.skills[s].coverage < 0.5 for s in risk.skills
            )
