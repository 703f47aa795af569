"""`python -m planner roadmap`: the JSON contract of design.md, text, bad input."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys

import pytest

from planner.cli import main
from planner.domain import Finances, Funding, Plan, Roadmap, RoadmapAction, plan_to_json
from planner.numbers import percent
from tests.conftest import ROOT


@pytest.fixture
def plan_file(tmp_path, sample_team):
    plan = Plan(
        name="Sample",
        team=sample_team,
        business_model="product",
        finances=Finances(market="us", funding=Funding(cash=10e6, monthly_burn=40_000)),
    )
    path = tmp_path / "plan.json"
    path.write_text(plan_to_json(plan), encoding="utf-8")
    return path


def run_json(capsys, *args: str) -> dict:
    assert main(["roadmap", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("mode", ["hire", "train", "mixed"])
def test_json_has_months_actions_closes_and_succession(capsys, plan_file, mode):
    out = run_json(capsys, "--plan", str(plan_file), "--mode", mode, "--months", "12")
    assert [m["month"] for m in out["months"]] == list(range(13))
    assert all({"month", "fit", "resilience", "cash"} <= set(m) for m in out["months"])
    assert out["actions"], mode
    for action in out["actions"]:
        assert action["kind"] == ("train" if mode == "train" else action["kind"])
        assert {"kind", "month", "ready_month", "cost"} <= set(action)
        if action["kind"] == "hire":
            assert action["role"] and "member" not in action
            assert mode != "train"
        else:
            assert {"member", "skill", "to_level"} <= set(action)
            assert mode != "hire"
    assert set(out["closes"]) == {
        "research.alignment",
        "research.evaluation",
        "data.engineering",
        "data.quality",
        "data.governance",
        "product.backend",
        "product.frontend",
        "product.mlops",
        "product.management",
        "market.marketing",
        "market.sales",
    }
    assert all(v is None or 0 <= v <= 12 for v in out["closes"].values())
    for item in out["succession"].values():
        assert item is None or {"member", "readiness_months"} == set(item)
    assert out["succession"]["product.backend"]["member"] == "Eva Müller"


def test_cash_follows_the_balance_recurrence(capsys, plan_file):
    months = run_json(capsys, "--plan", str(plan_file), "--mode", "mixed")["months"]
    assert months[0]["cash"] == 10e6
    for now, after in itertools.pairwise(months):
        assert after["cash"] == pytest.approx(now["cash"] - now["burn"] + now["revenue"], abs=0.02)


def test_without_mode_the_plans_own_actions_are_used_and_bad_ones_reported(
    capsys, tmp_path, sample_team
):
    actions = (
        RoadmapAction(kind="hire", month=2, role="growth_marketer"),
        RoadmapAction(kind="train", month=0, member="Nobody", skill="product.mlops"),
    )
    plan = Plan(team=sample_team, business_model="product", roadmap=Roadmap(actions=actions))
    path = tmp_path / "mine.json"
    path.write_text(plan_to_json(plan), encoding="utf-8")
    out = run_json(capsys, "--plan", str(path), "--lang", "zh")
    assert out["chosen"] is True
    assert [(a["kind"], a["role"], a["month"]) for a in out["actions"]] == [
        ("hire", "growth_marketer", 2)
    ]
    assert out["actions"][0]["ready_month"] == 2 + 2 + 3  # 8 weeks to hire, 3 months' ramp-up
    assert (
        out["problems"] and "Nobody" in out["problems"][0] and "团队中已没有" in out["problems"][0]
    )


@pytest.mark.parametrize(
    ("months", "lang", "words"), [("0", "en", "1 to 36"), ("1000", "zh", "1 到 36")]
)
def test_a_bad_horizon_exits_1_with_a_message(capsys, plan_file, months, lang, words):
    code = main(["roadmap", "--plan", str(plan_file), "--months", months, "--lang", lang])
    assert code == 1
    assert words in capsys.readouterr().err


def test_a_missing_plan_exits_1(capsys, tmp_path):
    assert main(["roadmap", "--plan", str(tmp_path / "none.json")]) == 1
    assert capsys.readouterr().err.startswith("error:")


def test_the_text_table_says_each_months_scores_as_the_page_does(capsys, plan_file):
    """Percent as `percent` writes it: a fit of 0.9996 never reads 100.0 %."""
    args = ["--plan", str(plan_file), "--mode", "hire", "--months", "12"]
    months = run_json(capsys, *args)["months"]
    assert main(["roadmap", *args]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines() if "%" in line]
    assert [row[-3:-1] for row in rows] == [
        [percent(m["fit"], 1), percent(m["resilience"], 1)] for m in months
    ]


def test_text_format_and_help(capsys, plan_file):
    assert main(["roadmap", "--plan", str(plan_file), "--mode", "train", "--months", "6"]) == 0
    text = capsys.readouterr().out
    assert "Sample" in text and "Train" in text and "Succession:" in text
    assert len([line for line in text.splitlines() if "%" in line]) == 7  # months 0..6
    helped = subprocess.run(
        [sys.executable, "-m", "planner", "roadmap", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--mode {hire,train,mixed}" in helped.stdout and "--months N" in helped.stdout
