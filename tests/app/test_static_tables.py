"""The read-only tables that wrap their cells (st.table, so that no column is cut at
480, 800 or 1400 px) read Markdown in their cells: a name a user typed shows as
typed there, never as markup or a link."""

from __future__ import annotations

from planner.domain import Finances, Funding, Plan, Scenario, Team
from planner.files import read_team
from planner.formatting import md
from tests.conftest import ROOT
from tests.support.apptest import no_exception, open_page

HOSTILE = "**Gus** [site](http://evil.example) <b>x</b>"
SAMPLE = read_team(ROOT / "data" / "sample_team.csv")


def hostile_plan() -> Plan:
    """The sample team with Gus Okafor, the one privacy expert (a single point of
    failure), renamed; and a scenario with the same name."""
    members = tuple(
        m.model_copy(update={"name": HOSTILE}) if m.name == "Gus Okafor" else m
        for m in SAMPLE.members
    )
    finances = Finances(
        market="us",
        funding=Funding(cash=3e6, monthly_burn=20_000),
        scenarios=(Scenario(name=HOSTILE),),
    )
    return Plan(team=Team(members=members), business_model="product", finances=finances)


def cells(at, key: str) -> list[str]:
    table = at.get_by_key(key).table[0].value
    return [str(v) for v in table.to_numpy().ravel()]


def test_the_pipeline_table_shows_names_as_typed():
    at = open_page("pipeline", state={"plan": hostile_plan()})
    no_exception(at)
    shown = cells(at, "pipeline_table")
    assert any(md(HOSTILE) in cell for cell in shown), shown
    assert not any("**Gus**" in cell for cell in shown)


def test_the_succession_table_shows_names_as_typed():
    at = open_page("coverage", state={"plan": hostile_plan()})
    no_exception(at)
    shown = cells(at, "succession_table")
    assert md(HOSTILE) in shown, shown
    assert HOSTILE not in shown


def test_the_scenario_table_shows_names_as_typed():
    at = open_page("budget", state={"plan": hostile_plan()})
    no_exception(at)
    shown = cells(at, "scenario_table")
    assert md(HOSTILE) in shown, shown
    assert HOSTILE not in shown
