"""The greedy hiring plan."""

from __future__ import annotations

import pytest

from planner.catalog import Role
from planner.coverage import analyze
from planner.domain import BusinessModel, Label, Team
from planner.hiring import plan_hires


def _model():
    return BusinessModel(
        id="m",
        label=Label(en="M", zh="M"),
        weights={"research": 1, "market": 1},
        requirements={
            "research.alignment": {"level": 4, "depth": 1},
            "market.sales": {"level": 4, "depth": 1},
        },
    )


def _role(role_id, **skills):
    return Role(
        role_id, Label(en=role_id, zh=role_id), {k.replace("__", "."): v for k, v in skills.items()}
    )


def test_best_role_first_then_stop_when_nothing_helps():
    roles = {
        "a_researcher": _role("a_researcher", research__alignment=4),
        "b_seller": _role("b_seller", market__sales=4),
        "c_useless": _role("c_useless", data__quality=5),
    }
    steps = plan_hires(Team(), _model(), roles, max_hires=5)
    assert [s.role_id for s in steps] == ["a_researcher", "b_seller"]  # tie -> smaller id first
    assert steps[0].fit_before == 0 and steps[0].fit_after == pytest.approx(0.5)
    assert steps[0].closes == ("research.alignment",)
    assert steps[1].fit_after == pytest.approx(1.0)
    assert steps[1].closes == ("market.sales",)


def test_ties_go_to_the_smaller_role_id():
    roles = {
        "z_role": _role("z_role", research__alignment=4),
        "m_role": _role("m_role", research__alignment=4),
    }
    assert plan_hires(Team(), _model(), roles, max_hires=1)[0].role_id == "m_role"


def test_max_hires_is_respected(catalog, sample_team):
    for bm in catalog.business_models.values():
        assert len(plan_hires(sample_team, bm, catalog.roles, max_hires=1)) <= 1


def test_each_step_raises_the_fit_and_matches_a_direct_analysis(catalog, sample_team):
    bm = catalog.business_models["platform"]
    steps = plan_hires(sample_team, bm, catalog.roles, max_hires=4)
    assert steps, "the sample team has gaps for the platform model"
    previous = analyze(sample_team, bm).fit
    for step in steps:
        assert step.fit_before == pytest.approx(previous)
        assert step.fit_after > step.fit_before
        previous = step.fit_after


def test_a_complete_team_needs_no_hire(catalog):
    bm = _model()
    full = Team(members=({"name": "x", "skills": {"research.alignment": 5, "market.sales": 5}},))
    assert plan_hires(full, bm, catalog.roles) == []
