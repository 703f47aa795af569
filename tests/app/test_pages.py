"""AppTest page tests: every planner page, driven by widget keys, in both languages."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from components.provenance import today
from planner.domain import Member, Plan, RatingMeta, Team
from planner.files import team_to_bytes
from tests.support.apptest import chart_spec, no_exception, open_page


def page(name: str, lang: str = "en", **query: str) -> AppTest:
    return open_page(name, lang=lang, query_params=query)


def with_sample(name: str, lang: str = "en", model: str | None = None) -> AppTest:
    """A page opened after loading the sample team (and picking a model) the way a
    founder does: each step autosaves, and the new page (a new session on the
    workspace's ?ws= link) loads the saved plan."""
    at = page("team", lang)
    at.button(key="team_sample").click().run()
    ws = at.query_params["ws"]  # the first change made the workspace
    if model:
        at = page("model", lang, ws=ws)
        at.radio(key="business_model").set_value(model).run()
    return page(name, lang, ws=ws)


def chart_title(at: AppTest, key: str) -> str:
    return chart_spec(at, key)["layout"]["title"]["text"]


@pytest.mark.parametrize("name", ["overview", "team", "model", "coverage", "pipeline"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_page_runs_empty_and_with_the_sample(name, lang):
    empty = page(name, lang)
    no_exception(empty)
    full = with_sample(name, lang)
    no_exception(full)
    assert full.title[0].value  # each page has a title in the chosen language


def test_empty_pages_point_to_the_team_page():
    for name in ("coverage", "pipeline"):
        at = page(name)
        assert "Team page" in at.info[0].value


def test_language_from_the_url():
    at = page("overview", "zh")
    assert at.title[0].value == "AI 创业人才规划"


def test_a_bad_language_in_the_url_is_reported():
    bad = page("overview", "fr")
    assert "fr" in bad.warning[0].value and "?lang=zh" in bad.warning[0].value
    assert bad.title[0].value == "AI Startup Talent Planner"


def test_language_switch_changes_titles_and_charts():
    at = with_sample("coverage", "en")
    assert chart_title(at, "coverage_gaps") == "Gaps to fill"
    plan_before = at.session_state["plan"]
    version_before = at.session_state["_plans_version"]
    at.segmented_control(key="lang").set_value("zh").run()
    no_exception(at)
    assert at.title[0].value == "覆盖度"
    assert chart_title(at, "coverage_gaps") == "待填补的缺口"
    # The language is the person's: switching it is not a change of the plan.
    assert at.session_state["plan"] == plan_before
    assert at.session_state["_plans_version"] == version_before
    assert at.query_params["lang"] == "zh"


def test_sample_team_fills_the_editor():
    at = page("team")
    at.button(key="team_sample").click().run()
    no_exception(at)
    editor = at.data_editor(key="team_editor")
    assert list(editor.value["name"])[:2] == ["Alice Chen", "Bo Wang 王博"]
    assert len(at.session_state["plan"].team) == 7


def test_upload_replaces_the_team_and_a_bad_file_keeps_it(catalog):
    at = page("team")
    at.button(key="team_sample").click().run()
    new_team = Team(members=(Member(name="Solo", skills={"product.backend": 5}),))
    at.file_uploader(key="team_upload").set_value(
        ("solo.csv", team_to_bytes(new_team, "csv", catalog), "text/csv")
    ).run()
    no_exception(at)
    assert at.session_state["plan"].team == new_team
    # Markdown source: the file name is escaped so it can never format text.
    assert "Loaded 1 member from solo\\.csv" in at.success[0].value

    at.file_uploader(key="team_upload").set_value(
        ("broken.csv", b"name,fte,research.alignment\nAnn,1,7\n", "text/csv")
    ).run()
    no_exception(at)
    assert 'level "7"' in at.error[0].value
    assert at.session_state["plan"].team == new_team  # nothing lost


def test_upload_error_is_in_chinese():
    at = page("team", "zh")
    at.file_uploader(key="team_upload").set_value(("x.csv", b"", "text/csv")).run()
    assert "文件为空" in at.error[0].value


def test_editing_a_level_moves_the_plan_and_a_bad_edit_is_explained():
    at = page("team")
    at.button(key="team_sample").click().run()
    before = at.session_state["plan"].team.members[5]  # Fang Li, marketing 3
    at.session_state["team_editor"] = {
        "edited_rows": {5: {"market.marketing": 5}},
        "added_rows": [{"name": "New Hire", "fte": 0.5, "market.sales": 4}],
        "deleted_rows": [],
    }
    at.run()
    no_exception(at)
    team = at.session_state["plan"].team
    assert team.members[5].level("market.marketing") == 5 > before.level("market.marketing")
    # A level typed in the table is the founder's, confirmed today.
    typed = {"market.sales": RatingMeta(source="founder", confirmed=today())}
    assert team.members[-1] == Member(
        name="New Hire", fte=0.5, skills={"market.sales": 4}, ratings_meta=typed
    )

    at.session_state["team_editor"] = {
        "edited_rows": {0: {"name": "Bo Wang 王博"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert "already appears" in at.error[0].value
    assert at.session_state["plan"].team == team  # the last valid team stays


def test_download_offers_the_team_in_the_chosen_format():
    at = with_sample("team")
    at.selectbox(key="team_download_format").set_value("json").run()
    button = at.get_by_key("team_download")
    assert "JSON" in button.label


def test_switching_business_model_changes_the_fit_chart():
    at = with_sample("model")
    no_exception(at)
    assert at.radio(key="business_model").value == "product"
    before = chart_spec(at, "model_fit_chart")["data"][0]["marker"]
    at.radio(key="business_model").set_value("platform").run()
    no_exception(at)
    assert at.session_state["plan"].business_model == "platform"
    after = chart_spec(at, "model_fit_chart")["data"][0]["marker"]
    assert before != after  # the highlighted bar moved to the chosen model
    assert "What Platform requires" in at.subheader[0].value


def test_custom_business_model_is_scored_like_the_builtins():
    at = with_sample("model")
    at.text_input(key="custom_model_id").input("agent_studio")
    at.text_input(key="custom_model_label").input("Agent studio")
    at.session_state["custom_model_requirements"] = {
        "edited_rows": {},
        "added_rows": [
            {"skill": "Developer relations", "level": 4, "depth": 1.0},
            {"skill": "Backend", "level": 3, "depth": 2.0},
        ],
        "deleted_rows": [],
    }
    at.button(key="custom_model_save").click().run()
    no_exception(at)
    plan = at.session_state["plan"]
    assert plan.business_model == "agent_studio"
    assert set(plan.custom_models["agent_studio"].requirements) == {
        "market.devrel",
        "product.backend",
    }
    fit_bars = chart_spec(at, "model_fit_chart")["data"][0]["y"]
    assert "Agent studio" in fit_bars and len(fit_bars) == 4


def test_custom_model_with_a_builtin_id_is_refused():
    at = with_sample("model")
    at.text_input(key="custom_model_id").input("platform")
    at.session_state["custom_model_requirements"] = {
        "edited_rows": {},
        "added_rows": [{"skill": "Backend", "level": 3, "depth": 1.0}],
        "deleted_rows": [],
    }
    at.button(key="custom_model_save").click().run()
    assert "built-in" in at.error[0].value
    assert at.session_state["plan"].custom_models == {}


def test_coverage_page_shows_every_chart_and_the_hiring_plan():
    at = with_sample("coverage", model="platform")
    no_exception(at)
    for key in ("coverage_radar", "coverage_heatmap", "coverage_gaps", "bus_factor", "hiring_plan"):
        assert at.get_by_key(key) is not None, key
    fit = next(m for m in at.metric if m.label == "Fit")
    # Scoring model 3: the best people take the seats (docs/scoring.md).
    assert fit.value == "75%"
    resilience = at.get_by_key("resilience")
    assert resilience is not None
    assert next(m for m in at.metric if m.label == "Resilience").value == "41%"
    plan = at.get_by_key("hiring_table").table[0].value
    assert plan.iloc[0]["Role"] == "1. Developer advocate"
    assert "covers Developer relations" in plan.iloc[0]["Why"]
    # The chart's points carry the table's numbers, in the same format.
    spec = chart_spec(at, "hiring_plan")
    fit_trace, resilience_trace = spec["data"]
    assert fit_trace["text"][1:] == list(plan["Fit after"])
    assert resilience_trace["text"][1:] == list(plan["Resilience after"])
    assert fit_trace["x"][1:] == list(plan["Role"])
    # The axis is zoomed to the fit's own range: 81 % -> 100 % is not flattened.
    low, high = spec["layout"]["yaxis"]["range"]
    assert low > 0.6 and high - low < 0.4
    # Risks cite the skills that fall short, with the reason in numbers.
    captions = " ".join(c.value for c in at.caption)
    assert "Developer relations 6%: nobody at level 4" in captions
    assert "Privacy & compliance 67%: only Gus Okafor, part-time" in captions


def test_overview_and_model_show_resilience_beside_fit():
    at = with_sample("overview")
    no_exception(at)
    labels = [m.label for m in at.metric]
    assert labels.index("Resilience") == labels.index("Fit") + 1
    at = with_sample("model")
    spec = chart_spec(at, "model_fit_chart")
    names = [trace["name"] for trace in spec["data"]]
    assert names == ["Fit", "Resilience"]
    # Scoring model 3 (docs/scoring.md has the sample team's v2 -> v3 figures).
    assert at.markdown[0].value == "Your team suits **Product** best (fit 87%, resilience 53%)."
    fit, resilience = spec["data"]
    assert fit["text"] == ["87%", "80%", "75%"] and resilience["text"] == ["53%", "51%", "41%"]


def test_what_if_someone_leaves():
    at = with_sample("coverage", model="platform")
    at.multiselect(key="whatif_leave").set_value(["Bo Wang 王博"]).run()
    no_exception(at)
    fits = [m for m in at.metric if m.label == "Fit"]
    assert len(fits) == 2
    assert float(fits[1].value.rstrip("%")) < float(fits[0].value.rstrip("%"))
    assert fits[1].delta.startswith("-")
    # Bo Wang is the only one at distributed training, MLOps and backend: resilience falls.
    resilience = [m for m in at.metric if m.label == "Resilience"]
    assert len(resilience) == 2 and resilience[1].delta.startswith("-")
    at.multiselect(key="whatif_leave").set_value([]).run()
    at.multiselect(key="whatif_hire").set_value(["developer_advocate"]).run()
    fits = [m for m in at.metric if m.label == "Fit"]
    assert fits[1].delta.startswith("+")


def test_what_if_a_hire_that_only_adds_a_spare():
    at = with_sample("coverage", model="platform")
    # Research is covered already: a research scientist adds a second pre-training
    # expert. Fit does not move (no arrow, no colour); resilience rises.
    at.multiselect(key="whatif_hire").set_value(["research_scientist"]).run()
    no_exception(at)
    fit = [m for m in at.metric if m.label == "Fit"][1]
    resilience = [m for m in at.metric if m.label == "Resilience"][1]
    assert fit.value == "75%" and not fit.delta
    assert resilience.delta.startswith("+")


def test_pipeline_names_the_blocker_and_offers_mermaid():
    at = with_sample("pipeline", "zh", model="platform")
    no_exception(at)
    assert "市场推广" in at.error[0].value
    assert at.code[0].value.startswith("graph TD")
    assert at.get_by_key("pipeline_mermaid") is not None
    assert "阻塞于市场推广" in chart_title(at, "pipeline_diagram")


def test_hostile_names_are_never_markup():
    evil = Team(members=(Member(name="<img src=x onerror=alert(1)>", skills={"data.quality": 4}),))
    at = open_page("coverage", state={"plan": Plan(team=evil)})
    no_exception(at)
    spec = chart_spec(at, "coverage_heatmap")
    assert "&lt;img src=x onerror=alert(1)&gt;" in spec["data"][0]["y"]
    assert "<img" not in json.dumps(spec["data"][0]["y"])
