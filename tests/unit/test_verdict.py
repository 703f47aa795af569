"""The overview's verdict is the hiring plan's first step, in both languages."""

from __future__ import annotations

import pytest

from planner.catalog import Catalog
from planner.domain import Member, Team
from planner.scoring import next_hire_verdict, plan_hires


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
