"""`python -m planner compute` and `python -m planner budget`: the design's contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from planner.cli import main
from planner.domain import Finances, Funding, Plan, PlannedHire
from planner.files import read_team, team_to_bytes

ROOT = Path(__file__).resolve().parents[2]


def run_module(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "planner", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(ROOT)},
    )


def test_compute_prints_the_contract_json():
    done = run_module(
        "compute",
        *("--params", "7e9", "--tokens", "140e9", "--gpu", "h100", "--mfu", "0.4"),
        *("--price", "2.5", "--format", "json"),
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["training_flops"] == pytest.approx(5.88e21)
    assert out["gpu_hours"] == pytest.approx(5.88e21 / (989e12 * 0.4 * 3600))
    assert out["cost"] == pytest.approx(out["gpu_hours"] * 2.5)
    assert out["days"] == pytest.approx(out["gpu_hours"] / 8 / 24)  # 8 GPUs by default
    assert out["gpus"] == 8 and out["tokens_default"] is False


@pytest.mark.parametrize(
    ("args", "flops", "hours_at"),
    [
        (["--params", "7B"], 6 * 7e9 * 140e9, 989e12),  # D defaults to 20·N
        (["--params", "1e9", "--gpu", "a100", "--gpus", "64"], 6 * 1e9 * 20e9, 312e12),
    ],
)
def test_compute_defaults_and_suffixes(args, flops, hours_at, capsys):
    base = {"--gpu": "h100", "--mfu": "40%", "--price": "2"}
    for i in range(0, len(args), 2):
        base[args[i]] = args[i + 1]
    argv = ["compute", *[x for kv in base.items() for x in kv], "--format", "json"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["training_flops"] == pytest.approx(flops)
    assert out["gpu_hours"] == pytest.approx(flops / (hours_at * 0.4 * 3600))
    assert out["days"] == pytest.approx(out["gpu_hours"] / out["gpus"] / 24)


def test_compute_text_output(capsys):
    argv = ["compute", "--params", "7B", "--gpu", "h100", "--mfu", "0.4", "--price", "2.99"]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "5.88e+21" in text and "4,129" in text and "21.5 days on 8 GPUs" in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--params": "abc"}, "is not a number"),
        ({"--params": "nan"}, "is not a number"),
        ({"--params": "0"}, "more than 0"),
        ({"--params": "1e20"}, "looks like a typo"),
        ({"--tokens": "-5"}, "negative"),
        ({"--gpu": "v100"}, 'Unknown GPU "v100"; known: a100, h100'),
        ({"--mfu": "0.9"}, "outside 10%-60%"),
        ({"--mfu": "abc"}, "not a number"),
        ({"--price": "-2"}, "negative"),
    ],
)
def test_compute_bad_input_exits_1_with_a_message(change, message, capsys):
    args = {"--params": "7B", "--gpu": "h100", "--mfu": "0.4", "--price": "2"} | change
    argv = ["compute", *[f"{k}={v}" for k, v in args.items()], "--format", "json"]
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and message in captured.err


@pytest.mark.parametrize(
    "argv",
    [
        ["compute", "--gpu", "h100", "--mfu", "0.4", "--price", "2"],  # no --params
        ["compute", "--params", "7B", "--gpu", "h100", "--mfu", "0.4"],  # no --price
        [
            "compute",
            "--params",
            "7B",
            "--gpu",
            "h100",
            "--mfu",
            "0.4",
            "--price",
            "1",
            "--gpus",
            "0",
        ],
        [
            "compute",
            "--params",
            "7B",
            "--gpu",
            "h100",
            "--mfu",
            "0.4",
            "--price",
            "1",
            "--format",
            "xml",
        ],
        ["budget"],
    ],
)
def test_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2


@pytest.mark.parametrize("command", ["compute", "budget"])
def test_help(command, capsys):
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    assert "--format" in capsys.readouterr().out


def test_budget_prints_burn_and_runway_of_a_plan(tmp_path, catalog, capsys):
    team = read_team(ROOT / "data" / "sample_team.csv", catalog)
    plan = Plan(
        name="Demo",
        team=team,
        business_model="product",
        finances=Finances(
            market="us",
            start_month="2026-01",
            funding=Funding(cash=2_000_000, monthly_burn=30_000),
            hires=(PlannedHire(role="backend_engineer", weeks_to_hire=8),),
        ),
    )
    path = tmp_path / "plan.json"
    path.write_bytes(team_to_bytes(team, "json", catalog, plan))
    assert main(["budget", "--plan", str(path), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["currency"] == "USD" and out["start_month"] == "2026-01"
    burn = out["monthly_burn"]["today"]
    assert out["runway_months"]["today"] == pytest.approx(2_000_000 / burn, abs=0.01)
    assert out["runway_months"]["plan"] < out["runway_months"]["today"]
    assert out["zero_cash_month"]["plan"] >= "2026-01"
    assert out["fit"]["plan"] >= out["fit"]["today"] and out["hires"] == 1

    assert main(["budget", "--plan", str(path), "--lang", "zh"]) == 0
    text = capsys.readouterr().out
    assert "当前月消耗: $" in text and "当前跑道（月）" in text and "现金将在" in text


def test_budget_of_a_plan_without_finances_and_bad_files(tmp_path, capsys):
    assert main(["budget", "--plan", str(ROOT / "data" / "sample_team.csv")]) == 0
    assert "Runway today (months): 0.0" in capsys.readouterr().out  # no cash entered
    assert main(["budget", "--plan", str(tmp_path / "missing.json")]) == 1
    assert "missing.json" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": 1, "finances": {"funding": {"cash": -5}}, "team": [{"name": "A"}]}')
    assert main(["budget", "--plan", str(bad)]) == 1
    assert "cash" in capsys.readouterr().err
