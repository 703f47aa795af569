"""The pipeline graph, its colours, its blocker and its Mermaid text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.coverage import analyze
from planner.domain import Member, Team
from planner.pipeline import (
    EDGES,
    MERMAID_IDS,
    build_pipeline,
    mermaid_escape,
    parse_mermaid,
    status_of,
    to_mermaid,
)


@pytest.mark.parametrize(
    ("coverage", "status"),
    [
        (None, "neutral"),
        (0.0, "red"),
        (0.49, "red"),
        (0.5, "amber"),
        (0.79, "amber"),
        (0.8, "green"),
        (1.0, "green"),
    ],
)
def test_traffic_light_thresholds(coverage, status):
    assert status_of(coverage) == status


def test_sample_team_platform_is_blocked_at_market_promotion(catalog, sample_team):
    report = analyze(sample_team, catalog.business_models["platform"])
    pipeline = build_pipeline(sample_team, report, catalog, "en")
    assert pipeline.blocker is not None and pipeline.blocker.id == "market"
    assert pipeline.stages["market"].status == "red"
    assert pipeline.stages["research"].status == "green"
    # Who covers it, strongest contributor first.
    assert pipeline.stages["market"].people[0] == "Fang Li 李芳"
    assert pipeline.stages["innovation"].coverage == pytest.approx(report.fit)


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
