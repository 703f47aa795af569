"""The overview's verdict is the hiring plan's first step, in both languages."""

from __future__ import annotations

import pytest

from planner.catalog import Catalog
from planner.domain import Member, Team
from planner.scoring import (
    next_hire_verdict,
    plan_hires,
)


@pytest.mark.parametrize("model_id", ["service", "product", "platform"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_verdict_names_the_first_hire_of_the_plan(sample_team, catalog, model_id, lang):
    model = catalog.business_models[model_id]
    first = plan_hires(sample_team, model, catalog.roles, max_hires=1)[0]
    verdict = next_hire_verdict(sample_team, model, catalog, lang)
    assert catalog.roles[first.role_id].label(lang) in verdict
    assert verdict.startswith("Hire a " if lang == "en" else "下一步招聘")


def test_the_verdict_names_who_a_skill_still_rests_on(sample_team, catalog):
    verdict = next_hire_verdict(sample_team, catalog.business_models["platform"], catalog, "en")
    assert "Still resting on one person:" in verdict and "Bo Wang" in verdict


def test_a_team_no_hire_improves_says_so(catalog: Catalog):
    model = catalog.business_models["product"]
    # Depth + 1 level-5 experts for every required skill: fit and resilience are full.
    members = tuple(
        Member(name=f"P{i}", skills=dict.fromkeys(model.requirements, 5)) for i in range(4)
    )
    verdict = next_hire_verdict(Team(members=members), model, catalog, "en")
    assert verdict.startswith("No single hire") and "fit 100%" in verdict


def _covered_but_fragile(model, people: int) -> Team:
    """`people` full-time level-5 members in every required skill of the model."""
    return Team(
        members=tuple(
            Member(name=f"P{i}", skills=dict.fromkeys(model.requirements, 5)) for i in range(people)
        )
    )


@pytest.mark.parametrize(
    ("lang", "starts", "says"),
    [
        ("en", "Next, a backup rather than a new hire", "take a Backend engineer part-time"),
        ("zh", "下一步是备份而非新招聘", "兼职聘请后端工程师"),
    ],
)
def test_when_the_next_step_is_a_backup_the_headline_says_so(catalog: Catalog, lang, starts, says):
    model = catalog.business_models["product"]
    # Two experts everywhere: fit 100 %, but backend (depth 2) asks for a third.
    team = _covered_but_fragile(model, 2)
    step = plan_hires(team, model, catalog.roles, max_hires=1)[0]
    assert step.part_time and step.fit_gain == 0
    verdict = next_hire_verdict(team, model, catalog, lang)
    assert verdict.startswith(starts) and says in verdict
    # Never "Hire a ... next" beside "no work is left undone", and said once, not twice.
    assert "Hire a" not in verdict and "下一步招聘" not in verdict
    assert verdict.count("no work is left undone") <= 1 and verdict.count("已有人完成") <= 1


def test_when_the_next_step_is_part_time_the_headline_says_so(catalog: Catalog):
    model = catalog.business_models["product"]
    # Three experts in every skill but marketing, whose only expert works 0.8: a gap
    # of 0.2 of a person.
    others = {s: 5 for s in model.requirements if s != "market.marketing"}
    members = [Member(name=f"N{i}", skills=others) for i in range(3)]
    members.append(Member(name="M", fte=0.8, skills={"market.marketing": 5}))
    team = Team(members=tuple(members))
    step = plan_hires(team, model, catalog.roles, max_hires=1)[0]
    assert step.part_time and 0.005 < step.filled < 0.25
    verdict = next_hire_verdict(team, model, catalog, "en")
    assert verdict.startswith("Next, part-time help or training rather than a full-time hire")
    assert f"only {step.filled:.2f} of a person" in verdict
