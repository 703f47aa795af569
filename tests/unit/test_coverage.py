"""The scoring model: exact hand-computed values and the properties of the design."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.coverage import analyze, contribution, fit_by_model
from planner.domain import BusinessModel, Member, Team

SKILLS = [
    "research.alignment",
    "research.evaluation",
    "data.quality",
    "product.mlops",
    "market.sales",
]


def model(requirements: dict[str, tuple[int, float]], weights: dict[str, float] | None = None):
    return BusinessModel(
        id="test",
        label={"en": "Test", "zh": "测试"},
        weights=weights or {"research": 1, "data": 1, "product": 1, "market": 1},
        requirements={s: {"level": lvl, "depth": d} for s, (lvl, d) in requirements.items()},
    )


def member(name: str, fte: float = 1.0, **levels: int) -> Member:
    return Member(name=name, fte=fte, skills={k.replace("__", "."): v for k, v in levels.items()})


@pytest.mark.parametrize(
    ("level", "target", "fte", "expected"),
    [
        (5, 5, 1.0, 1.0),
        (4, 5, 1.0, 0.64),
        (3, 5, 1.0, 0.36),
        (1, 5, 1.0, 0.04),
        (0, 5, 1.0, 0.0),
        (5, 3, 1.0, 1.0),  # above target counts as the target, no more
        (2, 4, 0.5, 0.125),  # 0.5 * (2/4)^2
        (3, 3, 0.4, 0.4),
    ],
)
def test_contribution_falls_off_quadratically_below_target(level, target, fte, expected):
    m = Member(name="x", fte=fte, skills={"research.alignment": level})
    assert contribution(m, "research.alignment", target) == pytest.approx(expected)


def test_hand_computed_report():
    # research.alignment: T=4, D=2; data.quality: T=3, D=1; weights research 3, data 1.
    bm = model(
        {"research.alignment": (4, 2), "data.quality": (3, 1)},
        {"research": 3, "data": 1, "product": 2, "market": 0},
    )
    team = Team(
        members=(
            member("A", research__alignment=4, data__quality=1),
            member("B", fte=0.5, research__alignment=2),
        )
    )
    report = analyze(team, bm)
    align = report.skills["research.alignment"]
    # supply = 1*1 + 0.5*(2/4)^2 = 1.125; coverage = 1.125/2; gap = 0.875
    assert align.supply == pytest.approx(1.125)
    assert align.coverage == pytest.approx(0.5625)
    assert align.gap == pytest.approx(0.875)
    assert align.experts == 1 and align.single_point_of_failure
    quality = report.skills["data.quality"]
    assert quality.supply == pytest.approx(1 / 9)
    assert quality.experts == 0 and quality.uncovered
    assert report.areas["research"].coverage == pytest.approx(0.5625)
    assert report.areas["data"].coverage == pytest.approx(1 / 9)
    # product has a weight but no requirement: not applicable, and not in the fit.
    assert report.areas["product"].coverage is None
    assert report.fit == pytest.approx((3 * 0.5625 + 1 * (1 / 9)) / 4)
    assert [g.skill_id for g in report.gaps()] == ["data.quality", "research.alignment"]


def test_area_coverage_is_depth_weighted():
    bm = model({"research.alignment": (1, 3), "research.evaluation": (1, 1)})
    team = Team(members=(member("A", research__evaluation=1),))
    # alignment 0/3 covered, evaluation 1/1: (3*0 + 1*1) / 4
    assert analyze(team, bm).areas["research"].coverage == pytest.approx(0.25)


def test_empty_team_has_fit_zero(catalog):
    for bm in catalog.business_models.values():
        report = analyze(Team(), bm)
        assert report.fit == 0
        assert all(s.gap == pytest.approx(s.depth) for s in report.skills.values())


def test_full_experts_give_fit_one(catalog):
    for bm in catalog.business_models.values():
        needed = max(math.ceil(r.depth) for r in bm.requirements.values())
        team = Team(
            members=tuple(
                Member(name=f"e{i}", skills={s: 5 for s in bm.requirements}) for i in range(needed)
            )
        )
        assert analyze(team, bm).fit == pytest.approx(1.0)


def test_fit_by_model_scores_every_model(catalog, sample_team):
    fits = fit_by_model(sample_team, catalog.business_models)
    assert list(fits) == ["service", "product", "platform"]
    assert all(0 < f < 1 for f in fits.values())


# ---------------------------------------------------------------- properties

levels = st.integers(min_value=0, max_value=5)
ftes = st.sampled_from([0.1, 0.25, 0.4, 0.5, 0.75, 1.0])
members = st.builds(
    lambda i, fte, lv: Member(name=f"m{i}", fte=fte, skills=dict(zip(SKILLS, lv, strict=True))),
    st.integers(0, 10_000),
    ftes,
    st.lists(levels, min_size=len(SKILLS), max_size=len(SKILLS)),
)
teams = st.lists(members, max_size=8, unique_by=lambda m: m.name).map(
    lambda ms: Team(members=tuple(ms))
)
models = st.builds(
    lambda reqs, weights: model(reqs, weights),
    st.dictionaries(
        st.sampled_from(SKILLS),
        st.tuples(st.integers(1, 5), st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.0])),
        min_size=1,
    ),
    st.fixed_dictionaries(
        {a: st.sampled_from([1, 2, 3]) for a in ("research", "data", "product", "market")}
    ),
)


def _values(report):
    yield report.fit
    yield from (a.coverage for a in report.areas.values() if a.coverage is not None)
    yield from (s.coverage for s in report.skills.values())


@settings(max_examples=150, deadline=None)
@given(teams, models)
def test_every_value_lies_in_unit_interval(team, bm):
    report = analyze(team, bm)
    assert all(0.0 <= v <= 1.0 for v in _values(report))
    assert all(0.0 <= s.gap <= s.depth for s in report.skills.values())


@settings(max_examples=150, deadline=None)
@given(teams, models, members)
def test_adding_a_member_never_lowers_anything(team, bm, newcomer):
    if newcomer.name in team.names():
        return
    before, after = analyze(team, bm), analyze(team.with_member(newcomer), bm)
    assert after.fit >= before.fit - 1e-12
    for sid, s in before.skills.items():
        assert after.skills[sid].coverage >= s.coverage - 1e-12
        assert after.skills[sid].experts >= s.experts
    for aid, a in before.areas.items():
        if a.coverage is not None:
            assert after.areas[aid].coverage >= a.coverage - 1e-12


@settings(max_examples=150, deadline=None)
@given(teams.filter(len), models, st.data())
def test_raising_a_level_never_lowers_anything(team, bm, data):
    who = data.draw(st.sampled_from(team.members))
    skill = data.draw(st.sampled_from(SKILLS))
    if who.level(skill) == 5:
        return
    raised = Member(name=who.name, fte=who.fte, skills={**who.skills, skill: who.level(skill) + 1})
    changed = Team(members=tuple(raised if m is who else m for m in team.members))
    before, after = analyze(team, bm), analyze(changed, bm)
    assert after.fit >= before.fit - 1e-12
    assert all(
        after.skills[s].coverage >= before.skills[s].coverage - 1e-12 for s in bm.requirements
    )


@settings(max_examples=100, deadline=None)
@given(teams, models, st.randoms())
def test_member_order_does_not_matter(team, bm, rnd):
    shuffled = list(team.members)
    rnd.shuffle(shuffled)
    a, b = analyze(team, bm), analyze(Team(members=tuple(shuffled)), bm)
    assert a.fit == pytest.approx(b.fit)
    assert {s: v.coverage for s, v in a.skills.items()} == pytest.approx(
        {s: v.coverage for s, v in b.skills.items()}
    )
