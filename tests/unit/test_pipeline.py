"""The pipeline graph, its colours, its blocker and its Mermaid text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain import BusinessModel, Label, Member, Team, area_of
from planner.scoring import (
    AREAS,
    EDGES,
    MERMAID_IDS,
    analyze,
    assess_risks,
    build_pipeline,
    mermaid_escape,
    parse_mermaid,
    skill_status,
    stage_status,
    to_mermaid,
)


def _one_skill(people: list[tuple[float, int]], level: int = 4, depth: float = 1.0):
    """research.alignment of a team of (fte, level) members, as the report scores it."""
    bm = BusinessModel(
        id="one",
        label=Label(en="One", zh="一"),
        weights={"research": 1},
        requirements={"research.alignment": {"level": level, "depth": depth}},
    )
    team = Team(
        members=tuple(
            Member(name=f"m{i}", fte=f, skills={"research.alignment": lv})
            for i, (f, lv) in enumerate(people)
        )
    )
    return analyze(team, bm).skills["research.alignment"]


@pytest.mark.parametrize(
    ("people", "depth", "status"),
    [
        ([], 1, "red"),  # nobody at the target level
        ([(1, 3)] * 4, 1, "red"),  # 56 %, but nobody at the target level
        ([(1, 4)], 3, "red"),  # an expert, but 33 % covered
        ([(1, 4), (1, 3)], 2, "amber"),  # 78 % covered
        ([(1, 4)], 1, "amber"),  # 100 %, but it rests on one person
        ([(1, 4), (1, 4), (1, 4), (1, 3)], 4, "green"),  # 89 %, three full-time experts
        ([(0.4, 4), (0.4, 4), (1, 3)], 1, "amber"),  # experts only part-time (0.8 together)
        ([(1, 4), (1, 4)], 1, "green"),
        ([(0.5, 4), (0.5, 4), (1, 4)], 2, "green"),
    ],
)
def test_a_stage_takes_the_worst_light_of_its_skills(people, depth, status):
    skill = _one_skill(people, depth=depth)
    assert skill_status(skill) == status
    assert stage_status([skill]) == status


def test_stage_status_is_the_worst_of_several_skills():
    green = _one_skill([(1, 4), (1, 4)])
    amber = _one_skill([(1, 4)])
    red = _one_skill([])
    assert stage_status([green, green]) == "green"
    assert stage_status([green, amber]) == "amber"
    assert stage_status([amber, red, green]) == "red"
    assert stage_status([]) == "neutral"


def test_a_90_percent_stage_resting_on_one_person_is_amber_as_the_legend_says(catalog):
    """Issue 20: "Product development 90 % covered" was amber while the legend said
    green above 80 %. The stage's light is its skills' rule, which the legend names."""
    bm = BusinessModel(
        id="p",
        label=Label(en="P", zh="P"),
        weights={"product": 1},
        requirements={
            "product.backend": {"level": 4, "depth": 1},
            "product.frontend": {"level": 4, "depth": 1},
        },
    )
    team = Team(
        members=(
            Member(name="a", skills={"product.backend": 4, "product.frontend": 4}),
            Member(name="b", skills={"product.backend": 4}),
        )
    )
    stage = build_pipeline(team, analyze(team, bm), catalog, "en").stages["product"]
    assert stage.coverage == 1.0 and stage.status == "amber"  # frontend rests on "a"


def test_sample_team_platform_is_blocked_at_market_promotion(catalog, sample_team):
    report = analyze(sample_team, catalog.business_models["platform"])
    pipeline = build_pipeline(sample_team, report, catalog, "en")
    assert pipeline.blocker is not None and pipeline.blocker.id == "market"
    assert pipeline.stages["market"].status == "red"
    # Research is covered, but pre-training rests on Alice Chen alone: amber.
    assert pipeline.stages["research"].status == "amber"
    # Who covers it, strongest contributor first.
    assert pipeline.stages["market"].people[0] == "Fang Li 李芳"
    assert pipeline.stages["innovation"].coverage == pytest.approx(report.fit)
    assert pipeline.stages["innovation"].resilience == pytest.approx(report.resilience)
    assert pipeline.stages["product"].resilience == pytest.approx(
        report.areas["product"].resilience
    )
    # Innovation takes the worst light of every skill: nobody runs developer relations.
    assert pipeline.stages["innovation"].status == "red"


def test_a_stage_is_never_green_while_a_skill_has_nobody_at_the_target(catalog):
    bm = BusinessModel(
        id="deep_sales",
        label=Label(en="S", zh="S"),
        weights={"research": 1, "market": 1},
        requirements={
            "research.alignment": {"level": 3, "depth": 1},
            "market.marketing": {"level": 4, "depth": 1},
            "market.sales": {"level": 3, "depth": 3},
        },
    )
    # Four people, all at the target except marketing: level 3 of 4.
    skills = {"research.alignment": 3, "market.marketing": 3, "market.sales": 3}
    team = Team(members=tuple(Member(name=f"p{i}", skills=skills) for i in range(4)))
    report = analyze(team, bm)
    # (1 · 0.5625 + 3 · 1) / 4 = 0.89: green by coverage alone.
    assert report.areas["market"].coverage == pytest.approx(0.890625)
    assert skill_status(report.skills["market.marketing"]) == "red"
    pipeline = build_pipeline(team, report, catalog, "en")
    # Nobody can do marketing at level 4: the stage is red, as its skill is.
    assert pipeline.stages["market"].status == "red"
    assert pipeline.stages["research"].status == "green"
    talent = next(r for r in assess_risks(report) if r.id == "talent")
    assert talent.level == "high" and talent.skills == ("market.marketing",)


def test_empty_team_blocks_at_team_building(catalog):
    pipeline = build_pipeline(
        Team(), analyze(Team(), catalog.business_models["product"]), catalog, "zh"
    )
    assert pipeline.blocker.id == "team_building"
    assert pipeline.blocker.label == "团队组建"


def test_the_earliest_weakest_red_stage_blocks(catalog):
    bm = catalog.business_models["service"]
    team = Team(
        members=(
            Member(
                name="solo",
                skills={s: 5 for s in bm.requirements if not s.startswith(("data", "market"))},
            ),
        )
    )
    pipeline = build_pipeline(team, analyze(team, bm), catalog, "en")
    red = [s for s in pipeline.stages.values() if s.status == "red"]
    assert {s.id for s in red} >= {"data", "market"}
    assert (
        pipeline.blocker.id
        == min((s for s in red if s.id in ("data", "market")), key=lambda s: (s.coverage, s.id)).id
    )
    assert sum(s.blocking for s in pipeline.stages.values()) == 1


def test_stage_labels_show_coverage_and_resilience(catalog, sample_team):
    report = analyze(sample_team, catalog.business_models["platform"])
    nodes, _ = parse_mermaid(to_mermaid(build_pipeline(sample_team, report, catalog, "en"), "en"))
    assert "76% covered · resilience 37%" in nodes["E"]
    assert "fit 75% · resilience 41%" in nodes["G"]
    nodes, _ = parse_mermaid(to_mermaid(build_pipeline(sample_team, report, catalog, "zh"), "zh"))
    assert "匹配度 75% · 韧性 41%" in nodes["G"]


def test_mermaid_parses_back_to_the_same_graph(catalog, sample_team):
    report = analyze(sample_team, catalog.business_models["product"])
    pipeline = build_pipeline(sample_team, report, catalog, "zh")
    nodes, edges = parse_mermaid(to_mermaid(pipeline, "zh"))
    assert set(nodes) == set(MERMAID_IDS.values())
    assert edges == [(MERMAID_IDS[a], MERMAID_IDS[b]) for a, b in EDGES]
    assert nodes["C"].splitlines()[0] == "算法研究"
    assert "Alice Chen" in nodes["C"]


def test_hostile_names_are_escaped_in_mermaid(catalog):
    bm = catalog.business_models["product"]
    evil = '<img src=x onerror=alert(1)>"]; click A call alert() %%'
    team = Team(members=(Member(name=evil, skills={"research.alignment": 5}),))
    text = to_mermaid(build_pipeline(team, analyze(team, bm), catalog, "en"), "en")
    assert "<img" not in text and '"]' not in text.replace('"]\n', "") and "%%" not in text
    nodes, _ = parse_mermaid(text)
    assert evil in nodes["C"]


@given(st.text(max_size=60))
def test_mermaid_escape_round_trips_and_is_inert(text):
    escaped = mermaid_escape(text)
    assert not set(escaped) & set('"<>[]{}|\n`')
    nodes, _ = parse_mermaid(f'    A["{escaped}"]\n')
    assert nodes["A"] == text


SKILL_POOL = [
    "research.alignment",
    "data.quality",
    "product.mlops",
    "market.sales",
    "market.devrel",
]
hp_teams = st.lists(
    st.builds(
        lambda i, fte, lv: Member(
            name=f"m{i}", fte=fte, skills=dict(zip(SKILL_POOL, lv, strict=True))
        ),
        st.integers(0, 999),
        st.sampled_from([0.4, 1.0]),
        st.lists(st.integers(0, 5), min_size=len(SKILL_POOL), max_size=len(SKILL_POOL)),
    ),
    max_size=6,
    unique_by=lambda m: m.name,
).map(lambda ms: Team(members=tuple(ms)))


@settings(max_examples=100, deadline=None)
@given(hp_teams, st.sampled_from(["service", "product", "platform"]))
def test_pipeline_colours_and_risks_agree(catalog, team, model_id):
    """Both judge the same skill numbers by one rule: a stage is the worst light of
    its skills, and a low risk stands on no stage that is not green."""
    bm = catalog.business_models[model_id]
    report = analyze(team, bm)
    pipeline = build_pipeline(team, report, catalog, "en")
    for area_id in AREAS:
        stage = pipeline.stages[area_id]
        skills = [s for s in report.skills.values() if area_of(s.skill_id) == area_id]
        lights = {skill_status(s) for s in skills}
        if stage.status == "green":
            assert lights == {"green"}
        if stage.status == "amber":
            assert "amber" in lights and "red" not in lights
        if stage.status == "red":
            assert "red" in lights
        if stage.coverage is not None and stage.coverage < 0.5:
            assert stage.status == "red"  # under half covered is always red
    risks = {r.id: r for r in assess_risks(report)}
    if risks["talent"].level == "low":
        assert all(
            p.status in ("green", "neutral") for p in pipeline.stages.values() if p.id in AREAS
        )
