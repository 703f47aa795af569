"""The scoring model, version 3: exact hand-computed values and the design's properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain import BusinessModel, Member, Team
from planner.numbers import percent
from planner.scoring import (
    analyze,
    fit_by_model,
    scores_by_model,
    seat_members,
    seat_quality,
    skill_status,
)

SKILLS = [
    "research.alignment",
    "research.evaluation",
    "data.quality",
    "product.mlops",
    "market.sales",
]
AREAS = ("research", "data", "product", "market")


def model(requirements: dict[str, tuple[int, float]], weights: dict[str, float] | None = None):
    return BusinessModel(
        id="test",
        label={"en": "Test", "zh": "测试"},
        weights=weights or {a: 1 for a in AREAS},
        requirements={s: {"level": lvl, "depth": d} for s, (lvl, d) in requirements.items()},
    )


def member(name: str, fte: float = 1.0, **levels: int) -> Member:
    return Member(name=name, fte=fte, skills={k.replace("__", "."): v for k, v in levels.items()})


def team_of(*people: tuple[float, int]) -> Team:
    """Members (fte, level of research.alignment), named m0, m1, ..."""
    return Team(
        members=tuple(
            Member(name=f"m{i}", fte=fte, skills={"research.alignment": level})
            for i, (fte, level) in enumerate(people)
        )
    )


@pytest.mark.parametrize(
    ("level", "target", "expected"),
    [
        (5, 5, 1.0),
        (4, 5, 0.64),
        (3, 5, 0.36),
        (1, 5, 0.04),
        (0, 5, 0.0),
        (5, 3, 1.0),  # above target counts as the target, no more
        (3, 4, 0.5625),
        (2, 4, 0.25),
    ],
)
def test_seat_quality_falls_off_quadratically_below_target(level, target, expected):
    m = Member(name="x", fte=0.5, skills={"research.alignment": level})
    # q does not depend on the FTE: the FTE is how much of a seat someone takes.
    assert seat_quality(m, "research.alignment", target) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("people", "depth", "seated"),
    [
        # Best first: the expert takes a full seat, one level-3 the second, the rest wait.
        ([(1, 3), (1, 4), (1, 3), (1, 3)], 2, {"m1": 1.0, "m0": 0.5625}),
        # Part-timers share seats: 0.4 + 0.4 of an expert, then 0.2 of a level-2 member.
        ([(0.4, 4), (1, 2), (0.4, 4)], 1, {"m0": 0.4, "m2": 0.4, "m1": 0.2 * 0.25}),
        # Equal quality: the larger FTE sits first (member order cannot show).
        ([(0.5, 4), (1, 4)], 1, {"m1": 1.0}),
        # Nobody with any level takes a seat.
        ([(1, 0), (1, 4)], 2, {"m1": 1.0}),
        ([], 1, {}),
    ],
)
def test_best_people_take_the_seats(people, depth, seated):
    got = seat_members(team_of(*people), "research.alignment", 4, depth)
    assert got == pytest.approx(seated)
    assert list(got) == list(seated)  # in seating order


# One skill (research.alignment), worked by hand (scoring model version 3):
# q = min(1, L/T)², the best people take the D seats with their FTE, filled = Σ taken·q,
# coverage = filled / D, gap = D(1 − coverage), experts = head count at L ≥ T,
# resilience = min(1, experts / (ceil(D) + 1)).
@pytest.mark.parametrize(
    ("people", "target", "depth", "coverage", "gap", "experts", "resilience"),
    [
        # Two members at level 3 of a level-4 skill: capped by the best, 0.5625, not 100 %.
        ([(1, 3), (1, 3)], 4, 1, 0.5625, 0.4375, 0, 0.0),
        # Four at level 2: one seat, taken by one of them at 0.25; the rest never stack: 25 %.
        ([(1, 2)] * 4, 4, 1, 0.25, 0.75, 0, 0.0),
        # One expert covers depth 1, but is a single point of failure: resilience 1/2.
        ([(1, 4)], 4, 1, 1.0, 0.0, 1, 0.5),
        # Two experts for depth 1: n+1 met.
        ([(1, 4), (1, 5)], 4, 1, 1.0, 0.0, 2, 1.0),
        # One expert for depth 2: half the capacity; one of the three experts needed.
        ([(1, 5)], 4, 2, 0.5, 1.0, 1, 1 / 3),
        # A part-time expert (0.4) and a level-2 full-timer, T 3: the expert's 0.4 of the
        # seat, then 0.6 of it at 4/9 (version 2 said 0.4 + 4/9: the junior's full FTE).
        ([(0.4, 5), (1, 2)], 3, 1, 0.4 + 0.6 * 4 / 9, 0.6 * 5 / 9, 1, 0.5),
        # The "Backend 97 %": one expert of two, juniors below the target.
        # Version 2: min(1, (1 + 0.5625 + 0.25 + 0.0625) / 2, 1) = 93.75 %; version 3:
        # the second seat goes to the best junior only, (1 + 0.5625) / 2.
        ([(1, 4), (1, 3), (1, 2), (1, 1)], 4, 2, 0.78125, 0.4375, 1, 1 / 3),
        # One expert and three at level 3 of a depth-2, level-4 skill (design.md): 78 %.
        ([(1, 4), (1, 3), (1, 3), (1, 3)], 4, 2, 0.78125, 0.4375, 1, 1 / 3),
        # Two half-time experts fill one seat exactly: 100 %, and two heads for n+1.
        ([(0.5, 4), (0.5, 5)], 4, 1, 1.0, 0.0, 2, 1.0),
        # Depth 0.5: one full-time expert covers it; ceil(0.5) + 1 = 2 experts for n+1.
        ([(1, 4)], 4, 0.5, 1.0, 0.0, 1, 0.5),
        # Depth 0.5 and a quarter-time expert: 0.25 / 0.5.
        ([(0.25, 4)], 4, 0.5, 0.5, 0.25, 1, 0.5),
        # Depth 1.5: ceil 2, so three experts for n+1; two give 2/3.
        ([(1, 4), (1, 4)], 4, 1.5, 1.0, 0.0, 2, 2 / 3),
        ([(1, 4), (1, 4), (1, 5)], 4, 1.5, 1.0, 0.0, 3, 1.0),
        # More experts than needed: resilience stops at 1.
        ([(1, 5)] * 5, 3, 1, 1.0, 0.0, 5, 1.0),
        # Empty team.
        ([], 4, 2, 0.0, 2.0, 0, 0.0),
        # Level 0 everywhere: nothing.
        ([(1, 0), (1, 0)], 4, 1, 0.0, 1.0, 0, 0.0),
    ],
)
def test_one_skill_by_hand(people, target, depth, coverage, gap, experts, resilience):
    bm = model({"research.alignment": (target, depth)})
    skill = analyze(team_of(*people), bm).skills["research.alignment"]
    assert skill.coverage == pytest.approx(coverage)
    assert skill.gap == pytest.approx(gap)
    assert skill.experts == experts
    assert skill.resilience == pytest.approx(resilience)
    # With one required skill, everything above it says the same.
    report = analyze(team_of(*people), bm)
    assert report.fit == pytest.approx(coverage)
    assert report.resilience == pytest.approx(resilience)
    assert report.areas["research"].coverage == pytest.approx(coverage)
    assert report.areas["research"].resilience == pytest.approx(resilience)


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
    # seats: A 1 · 1, B 0.5 · (2/4)²: filled 1.125; coverage = 1.125 / 2; gap = 2 · 0.4375
    assert align.filled == pytest.approx(1.125)
    assert align.best == 1
    assert align.coverage == pytest.approx(0.5625)
    assert align.gap == pytest.approx(0.875)
    assert align.experts == 1 and align.single_point_of_failure
    assert align.resilience == pytest.approx(1 / 3)  # 1 expert of ceil(2) + 1 = 3
    quality = report.skills["data.quality"]
    # filled = best = (1/3)² = 1/9: nobody near the target.
    assert quality.filled == pytest.approx(1 / 9)
    assert quality.coverage == pytest.approx(1 / 9)
    assert quality.experts == 0 and quality.uncovered and quality.resilience == 0
    assert report.areas["research"].coverage == pytest.approx(0.5625)
    assert report.areas["data"].coverage == pytest.approx(1 / 9)
    # product has a weight but no requirement: not applicable, and not in the fit.
    assert report.areas["product"].coverage is None
    assert report.areas["product"].resilience is None
    assert report.fit == pytest.approx((3 * 0.5625 + 1 * (1 / 9)) / 4)
    assert report.resilience == pytest.approx((3 * (1 / 3) + 1 * 0) / 4)
    # Largest gap first: 1 − 1/9 = 0.889 before 0.875.
    assert [g.skill_id for g in report.gaps()] == ["data.quality", "research.alignment"]


def test_area_values_are_depth_weighted():
    bm = model({"research.alignment": (1, 3), "research.evaluation": (1, 1)})
    team = Team(members=(member("A", research__evaluation=1), member("B", research__evaluation=1)))
    area = analyze(team, bm).areas["research"]
    # alignment 0 of depth 3, evaluation fully covered (and 2 of 2 experts): (3·0 + 1·1) / 4
    assert area.coverage == pytest.approx(0.25)
    assert area.resilience == pytest.approx(0.25)


def test_sample_team_platform_worked_example(catalog, sample_team):
    """The numbers of docs/scoring.md's worked example (scoring model version 3)."""
    report = analyze(sample_team, catalog.business_models["platform"])
    mlops = report.skills["product.mlops"]
    # Seats of T 4, D 2: Bo (level 4) 1, Carla (level 2) (2/4)²; nobody else sits.
    assert mlops.contributions == pytest.approx({"Bo Wang 王博": 1.0, "Carla Diaz": 0.25})
    assert mlops.filled == pytest.approx(1.25)
    assert mlops.coverage == pytest.approx(0.625)
    assert mlops.gap == pytest.approx(0.75)
    assert (mlops.experts, mlops.experts_needed) == (1, 3)
    assert mlops.resilience == pytest.approx(1 / 3)
    backend = report.skills["product.backend"]
    assert backend.coverage == pytest.approx((1 + 0.5625) / 2)  # version 2: 96.9 %
    governance = report.skills["data.governance"]
    # Gus (level 5, 0.4 FTE) and 0.6 of Deepak (level 2 of 3): version 2 said 100 %.
    assert governance.coverage == pytest.approx(0.4 + 0.6 * 4 / 9)
    devrel = report.skills["market.devrel"]
    # Four members at level 1 of a level-4 skill: one seat, the best of them, 1/16.
    assert devrel.filled == pytest.approx(0.0625)
    assert devrel.coverage == pytest.approx(0.0625)
    assert devrel.gap == pytest.approx(0.9375)
    product = (2 * 0.78125 + 2 * 0.625 + 1) / 5
    data = (1 + 0.4 + 0.6 * 4 / 9) / 2
    market = (0.0625 + 4 / 9) / 2
    assert report.areas["product"].coverage == pytest.approx(product)
    assert report.areas["data"].coverage == pytest.approx(data)
    assert report.areas["market"].coverage == pytest.approx(market)
    assert report.fit == pytest.approx((3 + 2 * data + 4 * product + 2 * market) / 11)
    assert f"{report.fit:.1%}" == "74.8%"
    assert f"{report.resilience:.1%}" == "40.6%"


@pytest.mark.parametrize(
    ("model_id", "fit", "resilience"),
    # The sample team under version 3 (docs/scoring.md lists version 2 beside it:
    # service 82.8 %, product 90.4 %, platform 81.4 %; resilience unchanged).
    [("service", "80.1%", "51.2%"), ("product", "87.3%", "53.5%"), ("platform", "74.8%", "40.6%")],
)
def test_sample_team_v3_figures(catalog, sample_team, model_id, fit, resilience):
    report = analyze(sample_team, catalog.business_models[model_id])
    assert (f"{report.fit:.1%}", f"{report.resilience:.1%}") == (fit, resilience)


def test_empty_team_has_fit_zero(catalog):
    for bm in catalog.business_models.values():
        report = analyze(Team(), bm)
        assert report.fit == 0 and report.resilience == 0
        assert all(s.gap == pytest.approx(s.depth) for s in report.skills.values())


def test_fit_by_model_scores_every_model(catalog, sample_team):
    fits = fit_by_model(sample_team, catalog.business_models)
    assert list(fits) == ["service", "product", "platform"]
    assert all(0 < f < 1 for f in fits.values())
    scores = scores_by_model(sample_team, catalog.business_models)
    assert {m: fit for m, (fit, _) in scores.items()} == fits
    # The sample team rests on single people in places: no model is fully resilient.
    assert all(0 < res < fit for fit, res in scores.values())


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [
        (0.0, 0, "0%"),
        (1.0, 0, "100%"),
        (0.904, 0, "90%"),
        (0.996, 0, "99.6%"),  # never "100%" while something is missing
        (0.9956, 0, "99.6%"),  # rounded as percent(_, 1) rounds it: a chart and its table agree
        (0.0044, 0, "0.4%"),
        (0.9999, 0, "99.9%"),
        (0.001, 0, "0.1%"),  # never "0%" while someone contributes
        (0.9996, 1, "99.96%"),
        (0.814, 1, "81.4%"),
    ],
)
def test_percent_never_claims_100_or_0_it_does_not_mean(value, digits, text):
    assert percent(value, digits) == text


# Where the rule acts; a score within float noise (1e-6) of 0 or 1 is not partial.
NEAR_THE_ENDS = st.floats(1e-6, 0.01) | st.floats(0.99, 1 - 1e-6)


@given(NEAR_THE_ENDS | st.floats(1e-6, 1 - 1e-6), st.integers(0, 2))
def test_percent_of_a_partial_score_is_never_0_or_100_and_agrees_with_the_finer(value, digits):
    """A chart (0 decimals) and a table (1 decimal) show one score alike: a value
    that needs the extra decimal reads as the finer call reads it, unless that one
    would itself claim 100 % or 0 % (then both are cut towards the middle)."""
    text, finer = percent(value, digits), percent(value, digits + 1)
    assert 0 < float(text.rstrip("%")) < 100
    took_a_decimal = text != f"{value:.{digits}%}"
    finer_as_rounded = finer == f"{value:.{digits + 1}%}"
    if took_a_decimal and finer_as_rounded:
        assert text == finer


@pytest.mark.parametrize(
    ("people", "status"),
    [
        ([], "red"),  # nobody at all
        ([(1, 3), (1, 3), (1, 3)], "red"),  # capacity, but nobody at the target level
        ([(1, 4)], "amber"),  # covered, but one person
        ([(0.4, 4), (0.4, 4)], "amber"),  # two at the level, together under one full-timer
        ([(1, 4), (1, 4)], "green"),
    ],
)
def test_skill_status(people, status):
    skill = analyze(team_of(*people), model({"research.alignment": (4, 1)})).skills
    assert skill_status(skill["research.alignment"]) == status


# ---------------------------------------------------------------- properties

levels = st.integers(min_value=0, max_value=5)
ftes = st.sampled_from([0.1, 0.25, 0.4, 0.5, 0.75, 1.0])
depths = st.sampled_from([0.25, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0])
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
    st.dictionaries(st.sampled_from(SKILLS), st.tuples(st.integers(1, 5), depths), min_size=1),
    st.fixed_dictionaries({a: st.sampled_from([1, 2, 3]) for a in AREAS}),
)


def _numbers(report) -> dict[str, float]:
    """Every score of a report, by a name that says where it is."""
    values = {"fit": report.fit, "resilience": report.resilience}
    for aid, a in report.areas.items():
        if a.coverage is not None:
            values[f"{aid}.coverage"] = a.coverage
            values[f"{aid}.resilience"] = a.resilience
    for sid, s in report.skills.items():
        values[f"{sid}.coverage"] = s.coverage
        values[f"{sid}.resilience"] = s.resilience
    return values


def _never_lower(before, after) -> None:
    low = _numbers(before)
    high = _numbers(after)
    for name, value in low.items():
        assert high[name] >= value - 1e-12, name
    for sid, s in before.skills.items():
        assert after.skills[sid].experts >= s.experts
        assert after.skills[sid].gap <= s.gap + 1e-12


@settings(max_examples=200, deadline=None)
@given(teams, models)
def test_every_value_lies_in_unit_interval(team, bm):
    report = analyze(team, bm)
    assert all(0.0 <= v <= 1.0 for v in _numbers(report).values())
    for s in report.skills.values():
        assert 0.0 <= s.gap <= s.depth
        # The gap agrees with the coverage by construction.
        assert s.gap == pytest.approx(s.depth * (1 - s.coverage))
    for a in report.areas.values():
        assert (a.coverage is None) == (a.resilience is None)


@settings(max_examples=200, deadline=None)
@given(teams, models, members)
def test_adding_a_member_never_lowers_anything(team, bm, newcomer):
    if newcomer.name in team.names():
        return
    _never_lower(analyze(team, bm), analyze(team.with_member(newcomer), bm))


@settings(max_examples=200, deadline=None)
@given(teams.filter(len), models, st.data())
def test_raising_a_level_never_lowers_anything(team, bm, data):
    who = data.draw(st.sampled_from(team.members))
    skill = data.draw(st.sampled_from(SKILLS))
    if who.level(skill) == 5:
        return
    raised = Member(name=who.name, fte=who.fte, skills={**who.skills, skill: who.level(skill) + 1})
    changed = Team(members=tuple(raised if m is who else m for m in team.members))
    _never_lower(analyze(team, bm), analyze(changed, bm))


@settings(max_examples=200, deadline=None)
@given(teams.filter(len), models, st.data())
def test_raising_an_fte_never_lowers_anything(team, bm, data):
    who = data.draw(st.sampled_from([m for m in team.members if m.fte < 1] or [None]))
    if who is None:
        return
    higher = data.draw(st.sampled_from([f for f in (0.25, 0.4, 0.5, 0.75, 1.0) if f > who.fte]))
    raised = Member(name=who.name, fte=higher, skills=who.skills)
    changed = Team(members=tuple(raised if m is who else m for m in team.members))
    _never_lower(analyze(team, bm), analyze(changed, bm))


@settings(max_examples=300, deadline=None)
@given(teams, models)
def test_a_skill_is_fully_covered_exactly_when_its_experts_fte_reaches_its_depth(team, bm):
    for s in analyze(team, bm).skills.values():
        assert (s.coverage == 1) == (s.expert_fte >= s.depth - 1e-9), s.skill_id
        # Nobody stacks beyond the seats: the seated FTE never exceeds the depth.
        assert s.filled <= s.depth + 1e-12


@settings(max_examples=150, deadline=None)
@given(teams, models, st.randoms(use_true_random=False))
def test_member_order_does_not_matter(team, bm, rnd):
    shuffled = list(team.members)
    rnd.shuffle(shuffled)
    a, b = analyze(team, bm), analyze(Team(members=tuple(shuffled)), bm)
    # Exactly equal: sums are exactly rounded (math.fsum), so order cannot show.
    assert _numbers(a) == _numbers(b)
    assert {s: v.experts for s, v in a.skills.items()} == {
        s: v.experts for s, v in b.skills.items()
    }


@settings(max_examples=150, deadline=None)
@given(models)
def test_empty_team_scores_zero(bm):
    report = analyze(Team(), bm)
    assert report.fit == 0 and report.resilience == 0
    assert all(s.best == 0 and s.gap == s.depth for s in report.skills.values())


@settings(max_examples=150, deadline=None)
@given(models, st.integers(0, 1))
def test_ceil_depth_full_time_experts_give_fit_one_and_a_spare_resilience_one(bm, spare):
    needed = max(math.ceil(r.depth) for r in bm.requirements.values())
    # Per skill: exactly ceil(D) (+ spare) level-5 full-time members, no more.
    people = [
        Member(
            name=f"e{i}",
            skills={s: 5 for s, r in bm.requirements.items() if i < math.ceil(r.depth) + spare},
        )
        for i in range(needed + spare)
    ]
    report = analyze(Team(members=tuple(people)), bm)
    assert report.fit == 1.0
    if spare:
        assert report.resilience == 1.0
    else:
        # Nobody spare anywhere: every skill short of n+1.
        assert all(s.resilience < 1 for s in report.skills.values())
        assert report.resilience < 1


@settings(max_examples=200, deadline=None)
@given(teams, models, st.data())
def test_below_target_members_never_reach_100_percent(team, bm, data):
    """Hold every member below a skill's target: however many, never 100 %."""
    skill = data.draw(st.sampled_from(sorted(bm.requirements)))
    target = bm.requirements[skill].level
    capped = Team(
        members=tuple(
            Member(
                name=m.name,
                fte=m.fte,
                skills={**m.skills, skill: min(m.level(skill), target - 1)},
            )
            for m in team.members
        )
    )
    report = analyze(capped, bm)
    s = report.skills[skill]
    assert s.experts == 0 and s.resilience == 0
    assert s.coverage < 1 and s.gap > 0
    # Uncovered in the bus factor is always a gap in the gaps chart.
    assert skill in [g.skill_id for g in report.gaps()]
    assert report.fit < 1


@settings(max_examples=200, deadline=None)
@given(teams, models)
def test_the_numbers_agree(team, bm):
    """What one chart says, the others say too."""
    report = analyze(team, bm)
    gap_ids = {g.skill_id for g in report.gaps()}
    for sid, s in report.skills.items():
        assert (sid in gap_ids) == (s.coverage < 1)
        if s.uncovered:
            assert sid in gap_ids  # uncovered in the bus factor -> in the gaps chart
        if s.coverage == 1:
            assert s.experts >= 1  # full coverage needs somebody at the target level
        assert (s.resilience == 1) == (s.experts >= s.experts_needed)
    assert (report.fit == 1) == (not gap_ids)
