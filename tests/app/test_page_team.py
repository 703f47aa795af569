"""The team page's ways in: the sample (confirmed over an existing team), uploads, and a
blank template that downloads even for an empty team."""

from __future__ import annotations

import csv
import io
import json

import pytest

from planner.catalog import load_catalog
from planner.domain import Member, Plan, Team
from planner.files import parse_team, team_to_bytes
from tests.support.apptest import no_exception, open_page

SOLO = Plan(team=Team(members=(Member(name="Solo Founder", skills={"product.backend": 4}),)))


def test_the_sample_loads_at_once_into_an_empty_team():
    at = open_page("team")
    at.button(key="team_sample").click().run()
    no_exception(at)
    assert len(at.session_state["plan"].team) == 7


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_sample_over_a_team_asks_first_and_cancel_keeps_it(lang):
    at = open_page("team", lang=lang, state={"plan": SOLO})
    at.button(key="team_sample").click().run()
    no_exception(at)
    assert at.session_state["plan"].team.names() == ["Solo Founder"]
    assert "1" in at.warning[0].value
    at.button(key="team_sample_cancel").click().run()
    assert at.session_state["plan"].team.names() == ["Solo Founder"]
    with pytest.raises(KeyError):
        at.get_by_key("team_sample_replace")
    at.button(key="team_sample").click().run()
    at.button(key="team_sample_replace").click().run()
    no_exception(at)
    assert len(at.session_state["plan"].team) == 7


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_an_empty_team_downloads_a_blank_template(fmt):
    at = open_page("team")
    at.selectbox(key="team_download_format").set_value(fmt).run()
    (button,) = [el for el in at.get("download_button") if el.key == "team_download"]
    assert not button.proto.disabled
    assert button.proto.label == "Download a blank template"


def test_the_blank_template_names_every_skill_and_reads_back_as_no_member():
    from components.team_actions import blank_template

    catalog = load_catalog()
    data = blank_template(catalog)
    header = next(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert header[:3] == ["name", "role", "fte"]
    assert set(catalog.skill_ids) <= set(header)
    with pytest.raises(Exception) as info:
        parse_team(data, "team-template.csv")
    assert getattr(info.value, "key", "") == "err_no_members"


def test_skill_columns_name_their_area():
    at = open_page("team", lang="zh", state={"plan": SOLO})
    no_exception(at)
    (editor,) = at.dataframe
    columns = json.loads(editor.proto.columns)
    assert columns["product.backend"]["label"] == "产品开发 · 后端开发"
    assert columns["market.sales"]["label"].startswith("市场推广 · ")


def test_switching_plans_forgets_the_last_upload(sample_team):
    at = open_page("team")
    data = team_to_bytes(sample_team, "csv")
    at.file_uploader(key="team_upload").upload("team.csv", data, "text/csv").run()
    assert at.success, "the upload said what it loaded"
    at.button(key="plan_new").click().run()
    no_exception(at)
    assert not at.success
    assert len(at.session_state["plan"].team) == 0
