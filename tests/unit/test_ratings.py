"""Where ratings come from: provenance on members (and in plan JSON), stale and
unconfirmed ratings, how much of the fit rests on them, what accepting a
self-assessment does, and the calibration heatmap."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from html import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import charts
from planner.domain import Member, Plan, RatingMeta, Team, plan_to_json
from planner.export.report import report_html
from planner.files import plan_from_data
from planner.invites.charts import calibration_heatmap
from planner.scoring import (
    carry_meta,
    fit_reliance,
    from_self_assessment,
    is_stale,
    member_ratings,
    stale_cells,
)
from planner.scoring.analysis import analyse_plan
from planner.store import (
    Proposal,
    SelfAssessment,
    apply_proposal,
    parse_plan_json,
    proposal_diff,
)

TODAY = date(2026, 11, 29)
FOUNDER = RatingMeta()
SELF_NOW = RatingMeta(source="self", confirmed=TODAY)


def meta(source: str = "founder", days_ago: int | None = None) -> RatingMeta:
    confirmed = None if days_ago is None else TODAY - timedelta(days=days_ago)
    return RatingMeta(source=source, confirmed=confirmed)


def member(name: str = "Ann", **levels_and_meta: tuple[int, RatingMeta]) -> Member:
    skills = {k.replace("__", "."): v[0] for k, v in levels_and_meta.items()}
    metas = {k.replace("__", "."): v[1] for k, v in levels_and_meta.items()}
    return Member(name=name, skills=skills, ratings_meta=metas)


# -- the domain type and its JSON ----------------------------------------------------


def test_default_provenance_and_unrated_skills_are_not_stored():
    m = Member(
        name="Ann",
        skills={"data.quality": 3, "data.engineering": 0},
        ratings_meta={
            "data.quality": FOUNDER,
            "data.engineering": SELF_NOW,  # level 0: nothing to say where it came from
            "market.sales": SELF_NOW,  # not rated at all
        },
    )
    assert m.ratings_meta is None
    assert m == Member(name="Ann", skills={"data.quality": 3})
    assert m.meta("data.quality") == FOUNDER and m.meta("market.sales") == FOUNDER


def test_plans_without_provenance_serialise_as_before(sample_team):
    """A plan made before provenance existed: the same JSON text, key for key."""
    plan = Plan(name="Old", team=sample_team)
    data = json.loads(plan_to_json(plan))
    assert all(set(m) <= {"name", "role", "fte", "skills", "monthly_cost"} for m in data["team"])
    assert Plan.model_validate(data) == plan


def test_provenance_round_trips_through_plan_json_and_import():
    ann = member(research__alignment=(4, SELF_NOW), data__quality=(2, meta("calibrated", 200)))
    plan = Plan(name="New", team=Team(members=(ann, Member(name="Bo", skills={"market.sales": 1}))))
    text = plan_to_json(plan)
    assert '"ratings_meta":{"data.quality":{"confirmed":"2026-05-13","source":"calibrated"}' in text
    for parsed in (
        Plan.model_validate_json(text),
        plan_from_data(json.loads(text)),
        parse_plan_json(text),
    ):
        assert parsed == plan and plan_to_json(parsed) == text


@pytest.mark.parametrize(
    "bad",
    [{"source": "boss"}, {"confirmed": "yesterday"}, {"source": "self", "extra": 1}],
)
def test_bad_provenance_is_refused(bad):
    with pytest.raises(ValueError):
        Member(name="Ann", skills={"data.quality": 1}, ratings_meta={"data.quality": bad})


# -- stale and unconfirmed ------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_ago", "stale"),
    [(None, False), (0, False), (180, False), (181, True), (1000, True), (-3, False)],
)
def test_a_rating_is_stale_after_the_threshold(days_ago, stale):
    assert is_stale(meta("founder", days_ago), TODAY, 180) is stale


def test_member_ratings_count_by_provenance():
    ann = member(
        research__alignment=(4, SELF_NOW),
        data__quality=(2, meta("calibrated", 400)),
        product__backend=(3, FOUNDER),
    )
    counts = member_ratings(ann, TODAY, 180)
    assert (counts.rated, counts.stale, counts.unconfirmed, counts.self_rated) == (3, 1, 1, 2)
    assert counts.last_confirmed == TODAY
    assert stale_cells(Team(members=(ann,)), TODAY, 180) == {("Ann", "data.quality")}


levels = st.integers(min_value=0, max_value=5)
ages = st.one_of(st.none(), st.integers(min_value=0, max_value=400))
members = st.lists(st.tuples(levels, ages, levels, ages, levels, ages), min_size=1, max_size=5).map(
    lambda rows: Team(
        members=tuple(
            member(
                f"m{i}",
                product__mlops=(a, meta("founder", aa)),
                research__distributed=(b, meta("self", ba)),
                product__backend=(c, meta("calibrated", ca)),
            )
            for i, (a, aa, b, ba, c, ca) in enumerate(rows)
        )
    )
)


@settings(max_examples=60, deadline=None)
@given(team=members)
def test_the_fit_resting_on_old_ratings_is_a_part_of_the_fit(team, catalog):
    model = catalog.business_models["platform"]
    reliance = fit_reliance(team, model, TODAY, 180)
    assert 0 <= reliance.fit_confirmed <= reliance.fit + 1e-12
    assert 0 <= reliance.resting <= reliance.fit + 1e-12
    assert 0 <= reliance.share <= 1
    if reliance.stale == reliance.unconfirmed == 0:
        assert reliance.resting == pytest.approx(0)


def test_reliance_is_all_or_nothing_at_the_ends(sample_team, catalog):
    model = catalog.business_models["product"]
    unknown = fit_reliance(sample_team, model, TODAY)
    assert unknown.fit > 0 and unknown.fit_confirmed == 0 and unknown.share == 1
    assert unknown.unconfirmed == unknown.ratings > 0
    fresh = Team(
        members=tuple(
            m.model_copy(update={"ratings_meta": {s: SELF_NOW for s in m.skills} or None})
            for m in sample_team.members
        )
    )
    confirmed = fit_reliance(fresh, model, TODAY)
    assert confirmed.share == 0 and confirmed.fit == unknown.fit


# -- the team editor keeps provenance ------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # level unchanged: provenance kept
        ([("Ann", 4, SELF_NOW)], [("Ann", 4)], [("Ann", SELF_NOW)]),
        # level changed by the founder: theirs, confirmed today
        ([("Ann", 4, SELF_NOW)], [("Ann", 3)], [("Ann", meta("founder", 0))]),
        # renamed in place (same row, old name gone): still the same person
        ([("Ann", 4, SELF_NOW)], [("Anna", 4)], [("Anna", SELF_NOW)]),
        # a new row: the founder's, today
        (
            [("Ann", 4, SELF_NOW)],
            [("Ann", 4), ("Bo", 2)],
            [("Ann", SELF_NOW), ("Bo", meta("founder", 0))],
        ),
        # rows reordered: matched by name
        (
            [("Ann", 4, SELF_NOW), ("Bo", 2, FOUNDER)],
            [("Bo", 2), ("Ann", 4)],
            [("Bo", FOUNDER), ("Ann", SELF_NOW)],
        ),
    ],
)
def test_editing_the_team_keeps_what_was_not_changed(old, new, expected):
    before = Team(members=tuple(member(n, data__quality=(lvl, m)) for n, lvl, m in old))
    after = Team(members=tuple(Member(name=n, skills={"data.quality": lvl}) for n, lvl in new))
    carried = carry_meta(before, after, TODAY)
    assert [(m.name, m.meta("data.quality")) for m in carried.members] == expected
    assert carry_meta(before, before, TODAY) == before  # no edit, no change


# -- accepting a proposal -------------------------------------------------------------


def proposal(name: str, member_name: str | None = None, **skills: int) -> Proposal:
    return Proposal(
        id="p",
        invite_id="i",
        plan_id="x",
        member=member_name,
        assessment=SelfAssessment(
            name=name,
            fte=0.6,
            skills={k.replace("__", "."): v for k, v in skills.items()},
            notes={"data.quality": "cleaned <b>10M</b> rows"} if "data__quality" in skills else {},
        ),
        created_at=datetime(2026, 11, 29),
        status="pending",
    )


def test_a_self_rating_of_zero_takes_the_level_away():
    plan = Plan(team=Team(members=(member(data__quality=(3, FOUNDER)),)))
    new, changes = apply_proposal(plan, proposal("Ann", "Ann", data__quality=0), None, TODAY)
    assert new.team.members[0].skills == {}
    assert changes[0] == {
        "kind": "self_assessment",
        "name": "Ann",
        "count": 1,
        "confirmed": 0,
        "skills": "data.quality",
    }


def test_the_diff_puts_today_beside_the_proposal(catalog):
    team = Team(members=(member(data__quality=(3, FOUNDER), market__sales=(2, SELF_NOW)),))
    diffs = {
        d.skill_id: d
        for d in proposal_diff(team, proposal("Ann", "Ann", data__quality=5), catalog.skill_ids)
    }
    assert (
        diffs["data.quality"].current,
        diffs["data.quality"].proposed,
        diffs["data.quality"].delta,
    ) == (3, 5, 2)
    assert diffs["data.quality"].note == "cleaned <b>10M</b> rows"
    # A skill the person left unrated keeps today's level: no difference shown.
    assert (diffs["market.sales"].current, diffs["market.sales"].proposed) == (2, 2)
    assert diffs["market.sales"].meta == SELF_NOW


# -- figures and the report ------------------------------------------------------------


def test_calibration_heatmap_signs_colours_and_escapes(catalog):
    hostile = '<img src=x onerror="alert(1)">'
    team = Team(members=(member(hostile, data__quality=(3, FOUNDER)),))
    props = [
        proposal(hostile, hostile, data__quality=5),
        proposal("<b>New</b>", None, data__quality=1),
        proposal("<b>New</b>", None, data__quality=2),
    ]
    fig = calibration_heatmap(team, props, catalog, "en")
    heat = fig.data[0]
    col = catalog.skill_ids.index("data.quality")
    assert [row[col] for row in heat.z] == [2, 1, 2]
    assert (heat.zmin, heat.zmid, heat.zmax) == (-5, 0, 5)
    low, high = heat.colorscale[0][1], heat.colorscale[-1][1]
    assert low != high  # under- and over-rating in two colours
    assert list(heat.y) == [
        '&lt;img src=x onerror="alert(1)"&gt;',
        "&lt;b&gt;New&lt;/b&gt; (new)",
        "&lt;b&gt;New&lt;/b&gt; (new) (2)",
    ]
    text = json.dumps(fig.to_plotly_json(), default=str)
    assert "<img" not in text and "<b>" not in text
    assert heat.customdata[0][col][2] == "cleaned &lt;b&gt;10M&lt;/b&gt; rows"
    zh = calibration_heatmap(team, props, catalog, "zh")
    assert zh.data[0].y[1].endswith("（新成员）")


def test_the_coverage_heatmap_marks_stale_cells(catalog):
    team = Team(members=(member(product__mlops=(4, meta("founder", 400))),))
    model = catalog.business_models["platform"]
    fig = charts.coverage_heatmap(team, model, catalog, "en", stale=stale_cells(team, TODAY))
    row = list(fig.data[0].text[1])
    assert sum("⌛" in cell for cell in row) == 1
    plain = charts.coverage_heatmap(team, model, catalog, "en")
    assert not any("⌛" in cell for cell in plain.data[0].text[1])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_report_lists_ratings_from_self_assessment_escaped(catalog, lang):
    hostile = "<script>alert('x')</script>"
    team = Team(
        members=(
            member(hostile, data__quality=(3, SELF_NOW), market__sales=(2, FOUNDER)),
            member("Bo", product__backend=(4, meta("calibrated", 10))),
        )
    )
    assert [(r.member, r.skill_id) for r in from_self_assessment(team)] == [
        (hostile, "data.quality"),
        ("Bo", "product.backend"),
    ]
    page = report_html(analyse_plan(Plan(team=team, lang=lang), catalog, lang)).decode()
    heading = {"en": "Ratings from self-assessments", "zh": "来自自评的评分"}[lang]
    section = page[page.index(heading) :]
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in section
    assert TODAY.isoformat() in section
    # The founder's own rating is not listed; the self-assessed one is.
    assert escape(catalog.skill_label("market.sales", lang)) not in section
    assert escape(catalog.skill_label("data.quality", lang)) in section


def test_a_report_without_self_assessments_has_no_such_section(sample_team, catalog):
    page = report_html(analyse_plan(Plan(team=sample_team), catalog, "en")).decode()
    assert "Ratings from self-assessments" not in page
