"""The budget's data: salary bands in data/roles.yaml, the monthly_cost column in
CSV, XLSX and JSON, and finances in the version history."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.catalog import CatalogError, load_catalog
from planner.domain import Finances, Funding, Member, Plan, Team
from planner.files import RowErrors, parse_team, team_to_bytes
from planner.store import describe_changes, summarize

ROOT = Path(__file__).resolve().parents[2]


def test_every_role_has_bands_for_both_markets_with_sources(catalog):
    for role in catalog.roles.values():
        assert set(role.salary) == {"cn", "us"}, role.id
        for market, band in role.salary.items():
            assert 0 < band.low <= band.mid <= band.high, (role.id, market)
            # Each figure names its survey and year, or says it is an estimate.
            assert "estimate" in band.source or "2023" in band.source, (role.id, band.source)
        assert 0 < role.weeks_to_hire <= 26 and "estimate" in role.weeks_source


@pytest.mark.parametrize(
    ("salary", "problem"),
    [
        ("{cn: {low: 3, mid: 2, high: 4, source: s}}", "low <= mid <= high"),
        ("{cn: {low: 1, mid: 2, high: 3}}", "needs low, mid, high and a source"),
        ("{eu: {low: 1, mid: 2, high: 3, source: s}}", "unknown market"),
        ("{cn: {low: -1, mid: 2, high: 3, source: s}}", "positive numbers"),
        ("{cn: {low: 1, mid: 2, high: .inf, source: s}}", "positive numbers"),
    ],
)
def test_bad_salary_bands_name_the_role_and_the_problem(tmp_path, salary, problem):
    for name in ("skills.yaml", "business_models.yaml"):
        (tmp_path / name).write_text((ROOT / "data" / name).read_text("utf-8"), "utf-8")
    (tmp_path / "roles.yaml").write_text(
        f"r:\n  label: {{en: R, zh: R}}\n  skills: {{research.alignment: 3}}\n  salary: {salary}\n",
        "utf-8",
    )
    with pytest.raises(CatalogError, match=problem) as info:
        load_catalog(tmp_path)
    assert "r: salary" in str(info.value)


def _team() -> Team:
    return Team(
        members=(
            Member(name="Ann", role="CTO", skills={"research.alignment": 3}, monthly_cost=42_000),
            Member(name="Bo", role="Backend engineer", fte=0.5),
        )
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_monthly_cost_round_trips_in_every_format(fmt, catalog):
    data = team_to_bytes(_team(), fmt, catalog)
    assert parse_team(data, f"team.{fmt}", catalog).team == _team()


def test_the_cost_column_comes_last_and_blank_means_the_band(catalog):
    text = team_to_bytes(_team(), "csv", catalog).decode()
    header, ann, bo = text.splitlines()
    assert header.startswith("name,role,fte,") and header.endswith(",monthly_cost")
    assert ann.endswith(",42000") and bo.endswith(",")
    typed = b'name,role,fte,monthly_cost\nAnn,CTO,1,"12,500"\nBo,,1,\n'
    team = parse_team(typed, "t.csv", catalog).team
    assert [m.monthly_cost for m in team.members] == [12_500, None]


@pytest.mark.parametrize("bad", ["-5", "abc", "nan", "1e20"])
def test_a_bad_monthly_cost_names_the_row(bad, catalog):
    data = f"name,role,fte,monthly_cost\nAnn,CTO,1,{bad}\n".encode()
    with pytest.raises(RowErrors) as info:
        parse_team(data, "t.csv", catalog)
    assert "Row 2: monthly_cost" in info.value.message("en")
    assert "第 2 行：monthly_cost" in info.value.message("zh")


def test_a_json_member_without_monthly_cost_is_written_as_before(catalog):
    data = team_to_bytes(Team(members=(Member(name="A"),)), "json", catalog).decode()
    assert "monthly_cost" not in data
    assert '"finances"' in data


def test_the_version_history_says_the_budget_changed():
    old = Plan()
    new = old.model_copy(update={"finances": Finances(funding=Funding(cash=1e6))})
    changes = describe_changes(old, new)
    assert changes == [{"kind": "finances"}]
    assert summarize(changes, "en") == "Budget changed"
    assert summarize(changes, "zh") == "预算已修改"
    cost = Plan(team=Team(members=(Member(name="A"),)))
    costed = Plan(team=Team(members=(Member(name="A", monthly_cost=1),)))
    assert describe_changes(cost, costed) == [{"kind": "edited", "names": ["A"]}]
