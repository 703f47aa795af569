"""One analysis per run: the pages, the risk panel, the what-if and the verdict all
read the plan's PlanAnalysis (Ctx.analysis), built once for the plan on screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.catalog import load_catalog
from planner.domain import Plan
from planner.files import read_team
from planner.scoring import PlanAnalysis
from planner.scoring import analysis as analysis_module
from planner.scoring import ratings as ratings_module
from tests.support.apptest import no_exception, open_page

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def counted(monkeypatch) -> dict[str, list]:
    """Every PlanAnalysis built, every team it scored (its report, what is left after
    the hiring plan, the fit beside the fit on confirmed ratings), and every team it
    planned hires for."""
    seen: dict[str, list] = {"built": [], "reports": [], "hiring_plans": []}
    build, analyze, plan_hires = (
        PlanAnalysis.__init__,
        analysis_module.analyze,
        analysis_module.plan_hires,
    )

    def counting_build(self, *args, **kwargs) -> None:
        build(self, *args, **kwargs)
        seen["built"].append(self)

    def counting_analyze(team, model):
        seen["reports"].append(team)
        return analyze(team, model)

    def counting_plan_hires(team, *args, **kwargs):
        seen["hiring_plans"].append(team)
        return plan_hires(team, *args, **kwargs)

    monkeypatch.setattr(PlanAnalysis, "__init__", counting_build)
    monkeypatch.setattr(analysis_module, "analyze", counting_analyze)
    monkeypatch.setattr(ratings_module, "analyze", counting_analyze)
    monkeypatch.setattr(analysis_module, "plan_hires", counting_plan_hires)
    return seen


def sample_plan() -> Plan:
    team = read_team(ROOT / "data" / "sample_team.csv", load_catalog())
    return Plan(name="Once", team=team, business_model="platform")


def test_the_plan_is_analysed_once_whatever_reads_it(counted):
    # The overview (verdict, KPIs, the fit's reliance on fresh ratings) runs first,
    # then the coverage page (KPIs, charts, hiring plan, risks, what-if): one
    # analysis serves both runs, and the plan's own team is scored once.
    at = open_page("coverage", state={"plan": sample_plan()})
    no_exception(at)
    assert at.get_by_key("hiring_plan") is not None  # the page drew what it reads
    plan = at.session_state["plan"]
    assert len(counted["built"]) == 1
    assert counted["reports"].count(plan.team) == 1
    assert counted["hiring_plans"] == [plan.team]

    at.run()  # a rerun that changes nothing scores nothing
    no_exception(at)
    assert len(counted["built"]) == 1


def test_a_changed_plan_is_analysed_once_more(counted):
    at = open_page("model", state={"plan": sample_plan()})
    at.radio(key="business_model").set_value("service").run()
    no_exception(at)
    assert at.session_state["plan"].business_model == "service"
    assert [a.model.id for a in counted["built"]] == ["platform", "service"]


def test_a_what_if_analyses_the_changed_team_through_the_same_analysis(counted):
    at = open_page("coverage", state={"plan": sample_plan()})
    leaving = at.session_state["plan"].team.names()[0]
    at.multiselect(key="whatif_leave").set_value([leaving]).run()
    no_exception(at)
    plan_analysis, what_if = counted["built"]
    assert leaving in plan_analysis.team.names()
    assert leaving not in what_if.team.names()
    assert what_if.model == plan_analysis.model
    assert len([m for m in at.metric if m.label == "Fit"]) == 2  # before and after
