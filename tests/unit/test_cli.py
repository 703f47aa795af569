"""`python -m planner`: analyze, chart and report, their help, and their errors."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from planner import charts, export
from planner.cli import main
from planner.domain import Plan
from planner.export import browser
from planner.files import team_to_bytes
from planner.i18n import t
from planner.scoring import (
    analyze,
)
from tests.support.export import pdf_pages_text, png_image, svg_texts

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample_team.csv"


def run_module(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "planner", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(cwd)},
    )


@pytest.mark.parametrize("command", [[], ["analyze"], ["chart"], ["report"]])
def test_every_command_has_help(command: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main([*command, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: python -m planner")
    if command:
        assert "--team" in out
    if command == ["chart"]:
        assert all(chart_id in out for chart_id in charts.CHART_IDS)


@pytest.mark.slow
def test_report_zh_pdf_from_a_fresh_process(export_browser, tmp_path: Path) -> None:
    """The issue's own command line, in a new process without the app."""
    out = tmp_path / "report.pdf"
    result = run_module(
        "report",
        *("--team", str(SAMPLE), "--model", "platform", "--lang", "zh"),
        *("--format", "pdf", "--out", str(out)),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert f"wrote {out}" in result.stdout
    pages = pdf_pages_text(out.read_bytes())
    assert len(pages) >= 10
    text = "".join(pages)
    for key in ("export_report_title", "chart_gaps_title", "chart_bus_title"):
        assert t(key, "zh") in text
    assert "平台模式" in text
    assert f"1 / {len(pages)}" in pages[0]


def test_chart_svg(export_browser, tmp_path: Path, capsys) -> None:
    out = tmp_path / "radar.svg"
    args = ["--team", str(SAMPLE), "--model", "product", "--format", "svg", "--out", str(out)]
    code = main(["chart", "coverage_radar", *args])
    assert code == 0
    texts = svg_texts(out.read_bytes())
    assert any(text.startswith("Area coverage: team vs. requirement") for text in texts)
    assert "wrote" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("out_name", "check"),
    [
        ("fit.png", lambda data: png_image(data).size[0] == 2 * export.EXPORT_WIDTH),
        ("fit.pdf", lambda data: "团队与各商业模式的匹配度" in pdf_pages_text(data)[0]),
        ("fit.html", lambda data: b"Plotly.newPlot" in data and b"<script src" not in data),
    ],
)
def test_chart_format_follows_the_out_suffix(
    export_browser, tmp_path: Path, out_name, check
) -> None:
    out = tmp_path / out_name
    args = ["--team", str(SAMPLE), "--lang", "zh", "--out", str(out)]
    assert main(["chart", "model_fit_chart", *args]) == 0
    assert check(out.read_bytes())


def test_chart_default_name_carries_plan_name_and_is_safe(
    export_browser, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    before = date.today().isoformat()
    code = main(
        [
            "chart",
            "bus_factor",
            "--team",
            str(SAMPLE),
            "--name",
            'A/B: "王" <x>',
            "--format",
            "html",
        ]
    )
    assert code == 0
    (written,) = list(tmp_path.iterdir())
    days = {before, date.today().isoformat()}  # the call may cross midnight
    assert any(written.name.endswith(f"-bus_factor-{day}.html") for day in days)
    assert written.name.startswith("A_B") and "王" in written.name
    assert not set('<>:"\\|?*') & set(written.name)


def test_report_html_from_a_json_plan_keeps_names_escaped(
    tmp_path: Path, tricky_plan: Plan, catalog
) -> None:
    plan_file = tmp_path / "plan.json"
    plan_file.write_bytes(team_to_bytes(tricky_plan.team, "json", catalog, tricky_plan))
    out = tmp_path / "report.html"
    assert main(["report", "--team", str(plan_file), "--format", "html", "--out", str(out)]) == 0
    doc = out.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in doc
    assert "<script>alert" not in doc
    assert '<html lang="en">' in doc


def test_analyze_prints_fit_gaps_and_hires(capsys) -> None:
    assert main(["analyze", "--team", str(SAMPLE), "--model", "platform"]) == 0
    out = capsys.readouterr().out
    # Scoring model 3: the best people take the seats (docs/scoring.md).
    assert "Fit: 74.8%" in out
    assert "Resilience: 40.6%" in out
    assert "Product development: 76% · Resilience 37%" in out
    assert "Gaps:" in out and "Developer relations: 0.94 (experts 0/2) !" in out
    assert "Hiring plan:" in out
    assert "1. Developer advocate — covers Developer relations" in out
    assert "removes the single point of failure on MLOps" in out


def test_analyze_json_matches_the_scoring(capsys, analyses, catalog, sample_team) -> None:
    assert main(["analyze", "--team", str(SAMPLE), "--model", "platform", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["business_model"] == "platform"
    assert set(payload["fit_by_model"]) == {"service", "product", "platform"}
    assert 0 <= payload["fit"] <= 1
    assert [s["skill_id"] for s in payload["skills"]] == list(analyses["en"].model.requirements)
    report = analyze(sample_team, catalog.business_models["platform"])
    assert payload["fit"] == round(report.fit, 4)
    assert payload["resilience"] == round(report.resilience, 4)
    assert set(payload["resilience_by_model"]) == set(payload["fit_by_model"])
    assert payload["area_resilience"]["product"] == report.areas["product"].resilience
    by_id = {s["skill_id"]: s for s in payload["skills"]}
    assert by_id["product.mlops"]["resilience"] == round(1 / 3, 3)
    assert by_id["product.mlops"]["experts_needed"] == 3
    plan = payload["hiring_plan"]
    assert plan[0]["role"] == "developer_advocate"
    assert all(step["gain"] >= 0.005 for step in plan)
    assert plan[1]["removes_single_points_of_failure"] == ["product.mlops"]
    assert "covers Developer relations" in plan[0]["why"]


def test_analyze_lambda_zero_hires_for_capacity_only(capsys) -> None:
    argv = ["analyze", "--team", str(SAMPLE), "--model", "platform", "--json"]
    assert main([*argv, "--lambda", "0"]) == 0
    capacity = json.loads(capsys.readouterr().out)["hiring_plan"]
    # Fit reaches 100 % in five hires, each filling a real gap; no backup follows.
    assert [s["role"] for s in capacity] == [
        "developer_advocate",
        "mlops_engineer",
        "customer_success_manager",
        "backend_engineer",
        "data_steward",
    ]
    assert capacity[-1]["fit_after"] == 1.0
    with pytest.raises(SystemExit) as info:
        main([*argv, "--lambda", "-1"])
    assert info.value.code == 2
    assert "--lambda" in capsys.readouterr().err


def test_analyze_in_chinese(capsys) -> None:
    assert main(["analyze", "--team", str(SAMPLE), "--model", "service", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "匹配度" in out and "服务模式" in out and "韧性" in out


# ---------------------------------------------------------------- bad input


def _fails(argv: list[str], capsys, status: int, *phrases: str) -> None:
    assert main(argv) == status
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    for phrase in phrases:
        assert phrase in err


def test_missing_team_file(capsys, tmp_path: Path) -> None:
    _fails(["report", "--team", str(tmp_path / "nope.csv")], capsys, 1, "No such file", "nope.csv")


def test_invalid_team_file_names_row_and_column(capsys, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("name,role,fte,research.alignment\nAna,CEO,1,9\n", encoding="utf-8")
    _fails(["analyze", "--team", str(bad)], capsys, 1, "research.alignment", "9")


def test_unknown_model(capsys) -> None:
    _fails(
        ["chart", "coverage_radar", "--team", str(SAMPLE), "--model", "saas"],
        capsys,
        1,
        "unknown business model 'saas'",
        "platform",
    )


def test_unknown_chart_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["chart", "pie", "--team", str(SAMPLE)])
    assert info.value.code == 2
    assert "invalid choice: 'pie'" in capsys.readouterr().err


@pytest.mark.parametrize("where", ["missing_folder", "a_folder", "under_a_file"])
def test_unwritable_output_fails_before_rendering(
    where: str, capsys, tmp_path: Path, monkeypatch
) -> None:
    def no_render(*args, **kwargs):
        raise AssertionError("rendered although the output cannot be written")

    monkeypatch.setattr(export, "figure_to_image", no_render)
    (tmp_path / "file.txt").write_text("x")
    out = {
        "missing_folder": tmp_path / "no" / "r.png",
        "a_folder": tmp_path,
        "under_a_file": tmp_path / "file.txt" / "r.png",
    }[where]
    _fails(
        ["chart", "coverage_radar", "--team", str(SAMPLE), "--out", str(out)],
        capsys,
        1,
        "cannot write",
    )


def test_without_a_browser_images_fail_with_what_to_install(
    capsys, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(browser, "find_browser", lambda: None)
    monkeypatch.setattr(browser._RENDERER, "_kaleido", None)  # as if never started
    out = tmp_path / "r.svg"
    _fails(
        ["chart", "coverage_radar", "--team", str(SAMPLE), "--out", str(out)],
        capsys,
        3,
        "apt-get install chromium",
    )
    assert not out.exists()
    # HTML needs no browser.
    assert (
        main(["chart", "coverage_radar", "--team", str(SAMPLE), "--out", str(tmp_path / "r.html")])
        == 0
    )
