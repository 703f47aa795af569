"""planner/roadmap/: hand-computed ramp-up and training chains, bad stored actions,
succession, and the projection's and planner's invariants (hypothesis)."""

from __future__ import annotations

import dataclasses
import itertools
import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.catalog import Catalog, CatalogError, Role
from planner.domain import (
    BusinessModel,
    Finances,
    Funding,
    Label,
    Member,
    Plan,
    Requirement,
    Roadmap,
    RoadmapAction,
    Team,
    plan_to_json,
)
from planner.roadmap.actions import hire_name
from planner.roadmap.planner import (
    candidate_gains,
    cash_floor,
    from_scratch_objective,
    plan_roadmap,
    resolve_in,
    skill_weights,
)
from planner.roadmap.result import roadmap
from planner.roadmap.settings import load_training
from planner.roadmap.succession import succession
from planner.roadmap.timeline import as_team, project_months, team_at
from planner.roadmap.world import HorizonError, check_horizon, world_for
from planner.scoring import (
    analyze,
)
from planner.store import describe_changes

MLOPS = "product.mlops"
TINY = BusinessModel(
    id="tiny",
    label=Label(en="Tiny", zh="小"),
    weights={"product": 1},
    requirements={MLOPS: Requirement(level=4, depth=1)},
)
OPS = Role("ops", Label(en="Ops", zh="运维"), {MLOPS: 4}, weeks_to_hire=8)  # 2 months


def tiny_world(catalog: Catalog, team: Team, months: int = 12, **funding):
    plan = Plan(
        team=team,
        finances=Finances(market="us", start_month="2026-01", funding=Funding(**funding)),
    )
    world = world_for(plan, catalog, TINY, "en", months=months)
    return dataclasses.replace(
        world,
        roles={"ops": OPS},
        hire_costs={"ops": 10_000.0},
        compute=(0.0,) * world.span,
        base_payroll=0.0,
    )


# ---------------------------------------------------------------- hand-computed tables


def test_a_hire_ramps_up_25_50_75_100_and_counts_as_expert_once_ramped(catalog):
    """Search from month 1; 8 weeks to hire = 2 months, so joins in month 3; FTE counts
    25 %, 50 %, 75 % in months 3-5; fully ramped, an expert, from month 6. Coverage of a
    level-4, depth-1 skill is the hire's FTE share (q = 1); resilience 1/(1+1)."""
    world = tiny_world(catalog, Team(), months=8, cash=1e6)
    result = roadmap(world, "hire", [RoadmapAction(kind="hire", month=1, role="ops")])
    hire = result.resolved.hires[0]
    assert (hire.join, hire.ready) == (3, 6)
    expected_fit = [0, 0, 0, 0.25, 0.5, 0.75, 1, 1, 1]
    expected_res = [0, 0, 0, 0, 0, 0, 0.5, 0.5, 0.5]
    assert [m.fit for m in result.months] == pytest.approx(expected_fit)
    assert [m.resilience for m in result.months] == pytest.approx(expected_res)
    assert [m.headcount for m in result.months] == [0, 0, 0, 1, 1, 1, 1, 1, 1]
    # Payroll from the month they join: 10,000 a month from month 3.
    assert [m.burn for m in result.months] == [0, 0, 0, *[10_000] * 6]
    assert result.closes == {MLOPS: 6} and result.resilient == {MLOPS: None}


def test_a_two_step_training_chain(catalog):
    """Carla at level 2, FTE 1, target 4 (q = (L/4)²). Step 1 (→3, 3 months) asked for
    month 0; step 2 (→4, 6 months) asked for month 1 waits until step 1 ends (month 3)
    and is ready in month 9. While learning her FTE counts 80 %: coverage 0.8 · 0.25 = 0.2
    in months 0-2, 0.8 · 0.5625 = 0.45 in months 3-8, then 1 (and she is the expert)."""
    team = Team(members=(Member(name="Carla", skills={MLOPS: 2}),))
    world = tiny_world(catalog, team, months=10, cash=1e6)
    actions = [
        RoadmapAction(kind="train", month=0, member="Carla", skill=MLOPS),
        RoadmapAction(kind="train", month=1, member="Carla", skill=MLOPS),
    ]
    result = roadmap(world, "train", actions)
    first, second = result.resolved.steps
    assert (first.from_level, first.to_level, first.start, first.ready) == (2, 3, 0, 3)
    assert (second.from_level, second.to_level, second.start, second.ready) == (3, 4, 3, 9)
    assert [m.fit for m in result.months] == pytest.approx([0.2] * 3 + [0.45] * 6 + [1.0] * 2)
    assert [m.resilience for m in result.months] == pytest.approx([0] * 9 + [0.5] * 2)
    # Course budgets (US) paid when each step starts: 1,500 to level 3, 4,000 to level 4.
    assert [m.burn for m in result.months] == [1_500, 0, 0, 4_000, *[0] * 7]
    assert [m.cash for m in result.months][:5] == [1e6, 998_500, 998_500, 998_500, 994_500]


def test_defaults_of_data_training_yaml():
    training = load_training()
    assert training.step_months == {2: 2, 3: 3, 4: 6, 5: 12}
    assert training.time_share == 0.2
    assert training.ramp_up == (0.25, 0.5, 0.75)
    assert training.months_between(2, 4) == 9
    assert all("estimate" in text for text in training.step_reasoning.values())
    assert all("estimate" in text for text in training.budget_source.values())


def test_a_broken_training_file_names_file_and_key(tmp_path):
    path = tmp_path / "training.yaml"
    path.write_text("steps: {2: {months: 2}}\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"training.yaml: steps"):
        load_training(path)


# ---------------------------------------------------------------- bad stored actions


@pytest.mark.parametrize(
    ("action", "key"),
    [
        (RoadmapAction(kind="hire", month=13, role="ops"), "roadmap_err_month"),
        (RoadmapAction(kind="hire", month=1, role="wizard"), "roadmap_err_role"),
        (RoadmapAction(kind="train", month=0, member="Gone", skill=MLOPS), "roadmap_err_member"),
        (RoadmapAction(kind="train", month=0, member="Carla", skill="x.y"), "roadmap_err_skill"),
        (
            RoadmapAction(kind="train", month=0, member="Carla", skill="product.backend"),
            "roadmap_err_level0",
        ),
        (
            RoadmapAction(kind="train", month=0, member="Carla", skill="market.sales"),
            "roadmap_err_level5",
        ),
    ],
)
def test_an_action_that_no_longer_applies_is_reported_and_the_rest_projected(catalog, action, key):
    team = Team(members=(Member(name="Carla", skills={MLOPS: 2, "market.sales": 5}),))
    world = tiny_world(catalog, team, months=12, cash=1e6)
    good = RoadmapAction(kind="hire", month=0, role="ops")
    result = roadmap(world, "mixed", [good, action])
    assert [p.key for p in result.resolved.problems] == [key]
    assert result.resolved.problems[0].index == 1
    assert len(result.resolved.hires) == 1  # the valid action still counts
    assert result.months[-1].fit == 1.0
    assert result.actions == (good, action)  # nothing the founder entered is dropped


def test_training_from_level_0_needs_the_founders_override(catalog):
    team = Team(members=(Member(name="Carla", skills={"market.sales": 1}),))
    world = tiny_world(catalog, team, cash=1e6)
    action = RoadmapAction(kind="train", month=0, member="Carla", skill=MLOPS, override=True)
    step = roadmap(world, "train", [action]).resolved.steps[0]
    assert (step.from_level, step.to_level, step.ready) == (0, 1, 2)


@pytest.mark.parametrize("months", [0, 37, 1000, -1, 2.5, True])
def test_a_horizon_outside_1_to_36_is_refused(months):
    with pytest.raises(HorizonError) as err:
        check_horizon(months)
    assert err.value.key == "roadmap_err_horizon"


# ---------------------------------------------------------------- succession


def test_successor_is_closest_to_target_ties_to_higher_fte(catalog):
    team = Team(
        members=(
            Member(name="Star", skills={MLOPS: 4}),
            Member(name="Half", fte=0.5, skills={MLOPS: 3}),
            Member(name="Full", fte=1.0, skills={MLOPS: 3}),
            Member(name="Junior", skills={MLOPS: 2}),
        )
    )
    (found,) = succession(team, TINY, load_training())
    assert (found.expert, found.member, found.level, found.months) == ("Star", "Full", 3, 6)
    assert found.readiness == "within_6"
    alone = Team(members=(Member(name="Star", skills={MLOPS: 4}), Member(name="New")))
    (nobody,) = succession(alone, TINY, load_training())
    assert nobody.member is None and nobody.readiness == "hire"
    slow = Team(
        members=(Member(name="Star", skills={MLOPS: 4}), Member(name="B", skills={MLOPS: 1}))
    )
    assert succession(slow, TINY, load_training())[0].months == 2 + 3 + 6  # 1→2→3→4


# ---------------------------------------------------------------- the plan keeps it


def test_a_plan_without_a_roadmap_is_written_as_before_and_one_with_it_round_trips():
    plain = Plan(name="p")
    assert "roadmap" not in json.loads(plan_to_json(plain))
    old_text = plan_to_json(plain)
    assert Plan.model_validate_json(old_text).roadmap == Roadmap()  # stored plans still load
    kept = plain.model_copy(
        update={
            "roadmap": Roadmap(
                mode="train",
                months=12,
                actions=(RoadmapAction(kind="train", month=2, member="A", skill=MLOPS),),
            )
        }
    )
    assert Plan.model_validate_json(plan_to_json(kept)) == kept
    assert {"kind": "roadmap"} in describe_changes(plain, kept)


# ---------------------------------------------------------------- properties

SKILLS = ["product.mlops", "product.backend", "research.distributed", "market.sales"]
levels = st.dictionaries(st.sampled_from(SKILLS), st.integers(0, 5), max_size=4)
members = st.builds(
    lambda i, fte, skills: Member(name=f"m{i}", fte=fte, skills=skills),
    st.integers(0, 3),
    st.sampled_from([0.5, 1.0]),
    levels,
)
teams = st.lists(members, max_size=4, unique_by=lambda m: m.name).map(
    lambda ms: Team(members=tuple(ms))
)
hires = st.builds(
    lambda m, r: RoadmapAction(kind="hire", month=m, role=r),
    st.integers(0, 8),
    st.sampled_from(["mlops_engineer", "backend_engineer", "training_engineer"]),
)


def trains(team: Team):
    names = team.names() or ["nobody"]
    return st.builds(
        lambda m, n, s: RoadmapAction(kind="train", month=m, member=n, skill=s),
        st.integers(0, 8),
        st.sampled_from(names),
        st.sampled_from(SKILLS),
    )


def world_of(catalog, team, months=24, cash=0.0, burn=0.0):
    plan = Plan(
        team=team,
        business_model="platform",
        finances=Finances(market="us", funding=Funding(cash=cash, monthly_burn=burn)),
    )
    return world_for(plan, catalog, catalog.business_models["platform"], "en", months=months)


PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(team=teams, months=st.integers(1, 36))
def test_no_actions_every_month_equals_today(catalog, team, months):
    world = world_of(catalog, team, months)
    today = analyze(team, world.model)
    result = roadmap(world, "mixed", [])
    assert len(result.months) == months + 1
    assert all(m.fit == today.fit and m.resilience == today.resilience for m in result.months)


@PROPERTY
@given(data=st.data(), team=teams)
def test_a_hire_never_lowers_fit_or_resilience_in_any_month(catalog, data, team):
    actions = data.draw(st.lists(st.one_of(hires, trains(team)), max_size=4))
    extra = data.draw(hires)
    world = world_of(catalog, team, 18)
    before = roadmap(world, "mixed", actions).months
    after = roadmap(world, "mixed", [*actions, extra]).months
    for b, a in zip(before, after, strict=True):
        assert a.fit >= b.fit - 1e-12 and a.resilience >= b.resilience - 1e-12


@PROPERTY
@given(data=st.data(), team=teams)
def test_the_last_month_equals_analyze_of_the_changed_team(catalog, data, team):
    actions = data.draw(st.lists(st.one_of(hires, trains(team)), max_size=4))
    world = world_of(catalog, team, 36)
    result = roadmap(world, "mixed", actions)
    if result.resolved.last_effect > world.months:
        return  # a chain that ends after the horizon has not fully taken effect
    changed = [m.model_copy(update={"skills": dict(m.skills)}) for m in team.members]
    for step in result.resolved.steps:
        i = next(i for i, m in enumerate(changed) if m.name == step.member)
        changed[i] = changed[i].model_copy(
            update={"skills": {**changed[i].skills, step.skill: step.to_level}}
        )
    changed += [h.member for h in result.resolved.hires]
    expected = analyze(Team(members=tuple(changed)), world.model)
    assert result.months[-1].fit == pytest.approx(expected.fit, abs=1e-12)
    assert result.months[-1].resilience == pytest.approx(expected.resilience, abs=1e-12)


@PROPERTY
@given(data=st.data(), team=teams)
def test_cash_obeys_the_balance_recurrence(catalog, data, team):
    actions = data.draw(st.lists(st.one_of(hires, trains(team)), max_size=4))
    world = world_of(catalog, team, 24, cash=data.draw(st.floats(0, 5e6)), burn=20_000)
    months = roadmap(world, "mixed", actions).months
    assert months[0].cash == world.funding.cash
    for now, after in itertools.pairwise(months):
        assert after.cash == pytest.approx(now.cash - now.burn + now.revenue, rel=1e-12, abs=1e-6)


PLANNER = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PLANNER
@given(team=teams, cash=st.sampled_from([0.0, 300_000.0, 3e6]))
def test_modes_keep_to_their_kind_and_the_cash_above_the_reserve(catalog, team, cash):
    world = world_of(catalog, team, 18, cash=cash, burn=30_000)
    floor = cash_floor(world)
    for mode in ("hire", "train", "mixed"):
        planned = plan_roadmap(world, mode)
        kinds = {a.kind for a in planned.actions}
        if mode == "train":
            assert kinds <= {"train"}  # never adds members
        if mode == "hire":
            assert kinds <= {"hire"}  # never changes existing levels
        result = roadmap(world, mode, planned.actions)
        assert len(result.months[-1].coverage) == len(world.model.requirements)
        assert not result.resolved.problems
        for month, lowest in zip(result.months, floor, strict=True):
            assert month.cash_end >= lowest - 1e-6


def test_the_mixed_plan_keeps_the_reserve_where_spending_is_not_additive(catalog):
    """Found by the property above (make check, 2026-12-03): each action fitted the
    cash alone, but together the mixed plan's last month fell 1,378 below the floor."""
    team = Team(
        members=(
            Member(name="m0", fte=1.0, skills={"product.mlops": 1}),
            Member(name="m1", fte=0.5),
            Member(name="m2", fte=1.0),
            Member(name="m3", fte=1.0),
        )
    )
    world = world_of(catalog, team, 18, cash=3e6, burn=30_000)
    result = roadmap(world, "mixed", plan_roadmap(world, "mixed").actions)
    for month, lowest in zip(result.months, cash_floor(world), strict=True):
        assert month.cash_end >= lowest - 1e-6


@PLANNER
@given(team=teams)
def test_the_incremental_search_scores_like_analyze_from_scratch(catalog, team):
    world = world_of(catalog, team, 12, cash=2e6, burn=10_000)
    fast = candidate_gains(world, "mixed")
    slow = candidate_gains(world, "mixed", incremental=False)
    assert fast.keys() == slow.keys()
    for candidate, gain in fast.items():
        assert gain == pytest.approx(slow[candidate], abs=1e-9), candidate


def test_from_scratch_objective_matches_the_projection(catalog, sample_team):
    world = world_of(catalog, sample_team, 12, cash=2e6, burn=10_000)
    planned = plan_roadmap(world, "mixed")
    resolved = resolve_in(world, planned.actions)
    months = project_months(world, resolved)
    area = math.fsum(m.fit + 0.25 * m.resilience for m in months)
    assert from_scratch_objective(world, resolved, 0.25) == pytest.approx(area, abs=1e-12)


@PROPERTY
@given(team=teams)
def test_skill_weights_reproduce_the_fit(catalog, team):
    model = catalog.business_models["platform"]
    report = analyze(team, model)
    weights = skill_weights(model)
    assert math.fsum(weights[s] * c.coverage for s, c in report.skills.items()) == pytest.approx(
        report.fit, abs=1e-12
    )


def test_planned_hires_never_share_a_name_with_the_team(catalog):
    team = Team(members=(Member(name="+1 mlops_engineer"), Member(name="#1 mlops_engineer")))
    world = world_of(catalog, team, 12)
    result = roadmap(world, "hire", [RoadmapAction(kind="hire", month=0, role="mlops_engineer")])
    working, _ = team_at(world.team, result.resolved.hires, [], 99, world.training)
    assert len({m.name for m in as_team(working).members}) == 3
    assert result.resolved.hires[0].member.name == hire_name(1, catalog.roles["mlops_engineer"])


def test_the_sample_team_gets_a_plan_in_every_mode(catalog, sample_team):
    world = world_of(catalog, sample_team, 24, cash=10e6, burn=40_000)
    for mode in ("hire", "train", "mixed"):
        planned = plan_roadmap(world, mode)
        assert planned.actions, mode
        assert all(g / world.span >= 0.005 for g in planned.gains)


def test_cash_below_the_reserve_without_actions_leaves_nothing_to_spend(catalog, sample_team):
    """3M with this burn falls under the 3-month reserve before month 24 on its own:
    the planner adds nothing that would lower those months further."""
    world = world_of(catalog, sample_team, 24, cash=3e6, burn=40_000)
    assert roadmap(world, "mixed", []).below_reserve()
    assert plan_roadmap(world, "mixed").actions == ()
