"""The first five minutes: every empty page offers the ways in, and the overview says
whom to hire next in one line."""

from __future__ import annotations

import pytest

from planner.files import team_to_bytes
from tests.support.apptest import no_exception, open_page

EMPTY_PAGES = ["overview", "model", "coverage", "pipeline"]


@pytest.mark.parametrize("name", EMPTY_PAGES)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_empty_page_offers_sample_upload_and_template(name, lang):
    at = open_page(name, lang=lang)
    no_exception(at)
    assert at.button(key="start_sample")
    assert at.get_by_key("start_upload")
    (template,) = [b for b in at.get("download_button") if b.key == "start_template"]
    assert not template.proto.disabled


@pytest.mark.parametrize("name", EMPTY_PAGES)
def test_the_start_sample_button_fills_the_team_and_stays_on_the_page(name):
    at = open_page(name)
    assert "_plans_id" not in at.session_state  # a visit alone stores nothing
    at.button(key="start_sample").click().run()
    no_exception(at)
    assert len(at.session_state["plan"].team) == 7
    plan_id = at.session_state["_plans_id"]  # the first change stored the plan
    at.run()
    assert at.session_state["_plans_id"] == plan_id
    with pytest.raises(KeyError):
        at.get_by_key("start_sample")


def test_an_upload_from_an_empty_state_loads_the_team(sample_team):
    at = open_page("coverage", lang="zh")
    data = team_to_bytes(sample_team, "csv")
    at.file_uploader(key="start_upload").upload("team.csv", data, "text/csv").run()
    no_exception(at)
    assert at.session_state["plan"].team.names() == sample_team.names()


def test_a_bad_upload_from_an_empty_state_is_explained_in_chinese():
    at = open_page("overview", lang="zh")
    at.file_uploader(key="start_upload").upload("team.csv", b"", "text/csv").run()
    no_exception(at)
    assert at.error and "文件" in at.error[0].value
    assert len(at.session_state["plan"].team) == 0


@pytest.mark.parametrize(("lang", "start"), [("en", "Hire a "), ("zh", "下一步招聘")])
def test_the_overview_says_whom_to_hire_next(lang, start):
    at = open_page("team", lang=lang)
    at.button(key="team_sample").click().run()
    at.switch_page("pages/overview.py").run()
    no_exception(at)
    verdict = at.get_by_key("next_hire").info[0].value
    assert verdict.startswith(start)
    assert ("Growth marketer" if lang == "en" else "增长营销") in verdict  # product model
