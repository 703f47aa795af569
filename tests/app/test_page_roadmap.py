"""The roadmap page through app.py: every control, in both languages; the succession
table on the coverage page and the ready month in the overview's verdict."""

from __future__ import annotations

import pytest

from planner.domain import Finances, Funding, Plan, Roadmap, RoadmapAction
from planner.files import read_team
from tests.conftest import ROOT
from tests.support.apptest import chart_spec, no_exception, open_page

TEAM = read_team(ROOT / "data" / "sample_team.csv")
FUNDED = Finances(market="us", funding=Funding(cash=10e6, monthly_burn=40_000))


def plan(**changes) -> Plan:
    return Plan(team=TEAM, business_model="product", finances=FUNDED, **changes)


def roadmap_page(lang: str = "en", **changes):
    at = open_page("roadmap", lang=lang, state={"plan": plan(**changes)})
    no_exception(at)
    return at


def fit_line(at) -> list[float]:
    return chart_spec(at, "roadmap_chart")["data"][0]["y"]


@pytest.mark.parametrize(
    ("lang", "title", "compare"), [("en", "Roadmap", "Mixed"), ("zh", "路线图", "混合")]
)
def test_the_page_shows_chart_actions_and_the_three_modes(lang, title, compare):
    at = roadmap_page(lang)
    assert at.title[0].value.startswith(title)
    assert len(fit_line(at)) == 25  # months 0..24
    assert len(at.data_editor(key="roadmap_actions").value) > 0
    modes = at.get_by_key("roadmap_compare").table[0].value
    assert len(modes) == 3 and compare in set(modes.iloc[:, 0])
    note = at.get_by_key("roadmap_compare").caption[0].value
    assert ("Mixed against hire-only" if lang == "en" else "混合对比只招聘") in note
    assert at.session_state["plan"].roadmap == Roadmap()  # looking changes nothing


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_mode_switch_replans_and_is_kept(lang):
    at = roadmap_page(lang)
    mixed = fit_line(at)
    at.segmented_control(key="roadmap_mode").set_value("train").run()
    no_exception(at)
    assert at.session_state["plan"].roadmap.mode == "train"
    assert fit_line(at) != mixed
    kinds = {a.kind for a in at.session_state["plan"].roadmap.actions or ()}
    assert kinds == set()  # still the planner's suggestion, not pinned
    shown = at.data_editor(key="roadmap_actions").value
    assert len(shown) > 0 and "—" not in set(shown.iloc[:, 2])  # a hire has no skill column


@pytest.mark.parametrize(
    ("lang", "words"), [("en", "must be 1 to 36 months"), ("zh", "必须为 1 到 36 个月")]
)
@pytest.mark.parametrize("months", [0, 1000])
def test_a_bad_horizon_is_explained_and_the_last_one_kept(lang, words, months):
    at = roadmap_page(lang)
    at.number_input(key="roadmap_months").set_value(months).run()
    no_exception(at)
    assert words in at.error[0].value
    assert at.session_state["plan"].roadmap.months == 24
    assert len(fit_line(at)) == 25  # the projection still shows


def test_horizon_and_reserve_are_saved_with_the_plan():
    at = roadmap_page()
    at.number_input(key="roadmap_months").set_value(12).run()
    at.number_input(key="roadmap_reserve").set_value(6.0).run()
    no_exception(at)
    assert at.session_state["plan"].roadmap.months == 12
    assert at.session_state["plan"].roadmap.reserve_months == 6.0
    assert len(fit_line(at)) == 13


@pytest.mark.parametrize(
    ("key", "field"), [("roadmap_months", "months"), ("roadmap_reserve", "reserve_months")]
)
def test_an_empty_number_box_keeps_the_roadmap(key, field):
    """An empty submission is not Streamlit's default (0) saved into the plan."""
    at = roadmap_page(roadmap=Roadmap(months=18, reserve_months=3.0))
    shown = at.number_input(key=key).value
    kept = getattr(at.session_state["plan"].roadmap, field)
    at.number_input(key=key).set_value(None).run()
    no_exception(at)
    assert getattr(at.session_state["plan"].roadmap, field) == kept
    assert at.number_input(key=key).value == shown
    assert not at.error


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_moving_and_removing_actions_makes_them_the_founders(lang):
    at = roadmap_page(lang)
    suggested = at.data_editor(key="roadmap_actions").value
    before = fit_line(at)
    at.session_state["roadmap_actions"] = {
        "edited_rows": {0: {"month": 9}},
        "deleted_rows": [1],
        "added_rows": [],
    }
    at.run()
    no_exception(at)
    kept = at.session_state["plan"].roadmap.actions
    assert kept is not None and len(kept) == len(suggested) - 1
    assert kept[0].month == 9
    assert fit_line(at) != before  # the first action now starts later
    assert at.data_editor(key="roadmap_actions").value.iloc[0]["month"] == 9
    # Back to the planner's suggestion.
    at.button(key="roadmap_reset").click().run()
    assert at.session_state["plan"].roadmap.actions is None


def test_adding_a_hire_and_a_training_step():
    actions = (RoadmapAction(kind="hire", month=0, role="growth_marketer"),)
    at = roadmap_page(roadmap=Roadmap(actions=actions))
    at.selectbox(key="roadmap_add_role").set_value("solutions_sales")
    at.number_input(key="roadmap_add_month").set_value(4)
    at.button(key="roadmap_add").click().run()
    no_exception(at)
    added = at.session_state["plan"].roadmap.actions[-1]
    assert (added.kind, added.role, added.month) == ("hire", "solutions_sales", 4)
    at.segmented_control(key="roadmap_add_kind").set_value("train").run()
    at.selectbox(key="roadmap_add_member").set_value("Carla Diaz")
    at.selectbox(key="roadmap_add_skill").set_value("product.mlops")
    at.button(key="roadmap_add").click().run()
    no_exception(at)
    step = at.session_state["plan"].roadmap.actions[-1]
    assert (step.kind, step.member, step.skill) == ("train", "Carla Diaz", "product.mlops")
    assert len(at.data_editor(key="roadmap_actions").value) == 3


@pytest.mark.parametrize(("lang", "words"), [("en", "nobody called"), ("zh", "团队中已没有")])
def test_an_action_for_a_removed_member_is_explained_kept_and_removable(lang, words):
    gone = RoadmapAction(kind="train", month=0, member="**Gone**", skill="product.mlops")
    good = RoadmapAction(kind="hire", month=1, role="growth_marketer")
    at = roadmap_page(lang, roadmap=Roadmap(actions=(good, gone)))
    warning = at.warning[0].value
    assert words in warning and "\\*\\*Gone\\*\\*" in warning  # the name stays text
    assert len(at.data_editor(key="roadmap_actions").value) == 1  # the valid one counts
    assert at.session_state["plan"].roadmap.actions == (good, gone)  # nothing lost
    at.button(key="roadmap_drop_invalid").click().run()
    assert at.session_state["plan"].roadmap.actions == (good,)


def test_without_cash_the_page_says_what_limits_the_planner():
    at = open_page("roadmap", state={"plan": Plan(team=TEAM, business_model="product")})
    no_exception(at)
    assert any("No cash entered" in i.value for i in at.info)


@pytest.mark.parametrize(("lang", "title"), [("en", "Succession"), ("zh", "接班计划")])
def test_the_coverage_page_names_successors_beside_the_bus_factor(lang, title):
    at = open_page("coverage", lang=lang, state={"plan": plan()})
    no_exception(at)
    table = at.get_by_key("succession_table")
    assert title in table.markdown[0].value
    rows = table.table[0].value
    assert len(rows) > 0 and "Eva Müller" in set(rows.iloc[:, 2])


@pytest.mark.parametrize(("lang", "words"), [("en", "from month"), ("zh", "起可胜任全部工作")])
def test_the_overview_verdict_names_the_ready_month(lang, words):
    at = open_page("overview", lang=lang, state={"plan": plan()})
    no_exception(at)
    assert words in at.get_by_key("next_hire").info[0].value


def test_a_shared_plans_roadmap_is_read_only():
    from tests.app.test_page_share import add_member, create_link, editor, share_page, ws_of

    owner = editor()
    add_member(owner, "Ann")
    token = create_link(share_page(query_params=ws_of(owner)))
    viewer = open_page("roadmap", lang=None, query_params={"share": token})
    no_exception(viewer)
    assert viewer.session_state["read_only"] is True
    assert viewer.segmented_control(key="roadmap_mode").disabled
    assert viewer.number_input(key="roadmap_months").disabled
    for key in ("roadmap_add", "roadmap_reset", "roadmap_drop_invalid"):
        with pytest.raises(KeyError):
            viewer.get_by_key(key)
    viewer.session_state["roadmap_actions"] = {
        "edited_rows": {0: {"month": 7}},
        "deleted_rows": [],
        "added_rows": [],
    }
    viewer.run()
    no_exception(viewer)
    assert viewer.session_state["plan"].roadmap.actions is None  # nothing changed
