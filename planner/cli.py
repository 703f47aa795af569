"""Command line: analyse a team, export a chart or the full report, without the app.

    python -m planner analyze --team team.csv --model platform
    python -m planner chart coverage_radar --team team.csv --model product \
        --format svg --out radar.svg
    python -m planner report --team team.csv --model platform --lang zh \
        --format pdf --out report.pdf
    python -m planner compute --params 7B --gpu h100 --mfu 0.4 --price 2.99 --format json
    python -m planner budget --plan plan.json --format json
    python -m planner roadmap --plan plan.json --mode mixed --months 24 --format json

Exit status: 0 on success, 1 on bad input (missing or invalid team file, unknown
model, unwritable output), 2 on a usage error (argparse), 3 when a PNG/SVG/PDF
export cannot run (no browser, rendering failed).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from planner import charts, export, workspace_cli
from planner.budget import cli as budget_cli
from planner.catalog import Catalog, load_catalog
from planner.domain import LANGS, Plan
from planner.files import TeamImportError, parse_team
from planner.i18n import t
from planner.numbers import people, percent
from planner.roadmap import cli as roadmap_cli
from planner.scoring import DEFAULT_LAMBDA, explain_step

EXIT_OK, EXIT_INPUT, EXIT_RENDER = 0, 1, 3


class CliError(Exception):
    def __init__(self, message: str, status: int = EXIT_INPUT) -> None:
        super().__init__(message)
        self.status = status


def _load_plan(args: argparse.Namespace, catalog: Catalog) -> Plan:
    """The plan: a JSON plan file as it is, or a team file (CSV/XLSX) in a new plan."""
    path = Path(args.team)
    if not path.is_file():
        raise CliError(t("err_no_file", args.lang, path=str(path)))
    try:
        result = parse_team(path.read_bytes(), path.name, catalog)
    except TeamImportError as exc:
        raise CliError(f"{path}: {exc.message(args.lang)}") from None
    except OSError as exc:
        raise CliError(f"{path}: {exc.strerror or exc}") from None
    plan = result.plan or Plan(name=path.stem[:80] or "plan", team=result.team)
    changes: dict = {"lang": args.lang}
    if args.name:
        changes["name"] = args.name
    models = {**catalog.business_models, **plan.custom_models}
    model_id = args.model or plan.business_model
    if model_id not in models:
        raise CliError(f"unknown business model {model_id!r}; choose one of: {', '.join(models)}")
    changes["business_model"] = model_id
    return plan.model_copy(update=changes)


def _output_path(args: argparse.Namespace, default_name: str) -> Path:
    """Where to write; fails early (before any rendering) if it cannot be written."""
    out = Path(args.out) if args.out else Path(default_name)
    parent = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        raise CliError(f"cannot write {out}: it is a directory")
    if not parent.is_dir():
        raise CliError(f"cannot write {out}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise CliError(f"cannot write {out}: permission denied")
    return out


def _write(out: Path, data: bytes) -> None:
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise CliError(f"cannot write {out}: {exc.strerror or exc}") from None
    print(f"wrote {out} ({len(data):,} bytes)")


def _format(args: argparse.Namespace, allowed: tuple[str, ...], default: str) -> str:
    """--format, else the --out suffix, else the default."""
    if args.format:
        return args.format
    suffix = Path(args.out).suffix.lower().lstrip(".") if args.out else ""
    return suffix if suffix in allowed else default


def _render(make):
    try:
        return make()
    except export.BrowserMissing as exc:
        raise CliError(str(exc), EXIT_RENDER) from None
    except export.ExportError as exc:
        raise CliError(f"export failed: {exc}", EXIT_RENDER) from None


def cmd_chart(args: argparse.Namespace, catalog: Catalog) -> int:
    fmt = _format(args, export.CHART_FORMATS, "png")
    plan = _load_plan(args, catalog)
    out = _output_path(args, export.chart_filename(plan.name, args.chart_id, fmt))
    analysis = export.analyse_plan(plan, catalog, args.lang)
    fig = export.build_chart(analysis, args.chart_id)
    if fmt == "html":
        data = export.figure_to_html(fig, args.lang)
    else:
        data = _render(lambda: export.figure_to_image(fig, fmt, width=args.width, scale=args.scale))
    _write(out, data)
    return EXIT_OK


def cmd_report(args: argparse.Namespace, catalog: Catalog) -> int:
    fmt = _format(args, export.REPORT_FORMATS, "pdf")
    plan = _load_plan(args, catalog)
    out = _output_path(args, export.report_filename(plan.name, fmt))
    data = _render(lambda: export.export_report(plan, catalog, args.lang, fmt))
    _write(out, data)
    return EXIT_OK


def cmd_analyze(args: argparse.Namespace, catalog: Catalog) -> int:
    plan = _load_plan(args, catalog)
    # The plan printed follows --lambda; the report's default plan is the same at 0.25.
    a = export.analyse_plan(plan, catalog, args.lang, lam=args.lam)
    lang = args.lang
    report, scores, steps = a.report, a.scores, a.steps
    why = [explain_step(s, catalog, lang) for s in steps]
    if args.json:
        skills = export.coverage_rows(report, catalog, lang)
        for row in skills:
            s = report.skills[row["skill_id"]]
            row.setdefault("resilience", round(s.resilience, 3))
            row.setdefault("experts_needed", s.experts_needed)
        payload = {
            "plan": plan.name,
            "business_model": a.model.id,
            "fit": round(report.fit, 4),
            "resilience": round(report.resilience, 4),
            "fit_by_model": {m: round(f, 4) for m, (f, _) in scores.items()},
            "resilience_by_model": {m: round(r, 4) for m, (_, r) in scores.items()},
            "areas": {k: v.coverage for k, v in report.areas.items()},
            "area_resilience": {k: v.resilience for k, v in report.areas.items()},
            "skills": skills,
            "hiring_lambda": args.lam,
            "hiring_plan": [
                {
                    "role": s.role_id,
                    "fit_after": round(s.fit_after, 4),
                    "resilience_after": round(s.resilience_after, 4),
                    "gain": round(s.gain, 4),
                    "part_time_or_training": s.part_time,
                    "closes": list(s.closes),
                    "covers": list(s.covers),
                    "removes_single_points_of_failure": list(s.spofs_removed),
                    "why": text,
                }
                for s, text in zip(steps, why, strict=True)
            ],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return EXIT_OK
    resilience = t("label_resilience", lang)
    print(f"{t('export_plan', lang)}: {plan.name}")
    print(f"{t('export_model', lang)}: {a.model.label(lang)} ({a.model.id})")
    print(f"{t('export_fit', lang)}: {percent(report.fit, 1)}")
    print(f"{resilience}: {percent(report.resilience, 1)}")
    for model_id, (fit, res) in sorted(scores.items(), key=lambda kv: -kv[1][0]):
        label = a.models[model_id].label(lang)
        print(f"  {label}: {percent(fit, 1)} · {resilience} {percent(res, 1)}")
    print(f"{t('export_section_coverage', lang)}:")
    for area_id, area in report.areas.items():
        if area.coverage is not None:
            print(
                f"  {catalog.area_label(area_id, lang)}: {percent(area.coverage)}"
                f" · {resilience} {percent(area.resilience)}"
            )
    gaps = report.gaps()
    print(f"{t('export_section_gaps', lang)}:{'' if gaps else ' —'}")
    for g in gaps:
        flag = " !" if g.experts == 0 else ""
        print(
            f"  {catalog.skill_label(g.skill_id, lang)}: {people(g.gap)}"
            f" (experts {g.experts}/{g.experts_needed}){flag}"
        )
    print(f"{t('export_section_hiring', lang)}:{'' if steps else ' —'}")
    for i, (s, text) in enumerate(zip(steps, why, strict=True), start=1):
        print(f"  {charts.hire_label(s, i, catalog.roles, lang)} — {text}")
    return EXIT_OK


def _non_negative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= value <= 10:
        raise argparse.ArgumentTypeError(f"{text} is outside 0-10")
    return value


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--team", required=True, help="team file: CSV, XLSX or a JSON plan")
    p.add_argument(
        "--model",
        help="business model id (service, product, platform or a custom one of a JSON plan); "
        "default: the plan's, else product",
    )
    p.add_argument("--lang", choices=LANGS, default="en", help="language of texts (default en)")
    p.add_argument("--name", help="plan name shown in titles and file names")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m planner",
        description="AI Startup Talent Planner from the command line: analyse a team, "
        "export a chart or the full report (no app needed).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("analyze", help="print fit, resilience, coverage, gaps and the hiring plan")
    _common(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument(
        "--lambda",
        dest="lam",
        type=_non_negative,
        default=DEFAULT_LAMBDA,
        metavar="L",
        help="weight of resilience in the hiring plan: it maximises fit + L * resilience "
        f"(default {DEFAULT_LAMBDA}; 0 hires for capacity only)",
    )
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("chart", help="export one chart as PNG, SVG, PDF or HTML")
    p.add_argument(
        "chart_id", choices=charts.CHART_IDS, metavar="CHART", help=", ".join(charts.CHART_IDS)
    )
    _common(p)
    p.add_argument("--format", choices=export.CHART_FORMATS, help="default: from --out, else png")
    p.add_argument("--out", help="output file (default: <plan>-<chart>-<date>.<format>)")
    p.add_argument("--width", type=int, help=f"width in px (default {export.EXPORT_WIDTH})")
    p.add_argument("--scale", type=float, help=f"PNG pixel scale (default {export.PNG_SCALE})")
    p.set_defaults(func=cmd_chart)

    p = sub.add_parser("report", help="export the full report as PDF or HTML")
    _common(p)
    p.add_argument("--format", choices=export.REPORT_FORMATS, help="default: from --out, else pdf")
    p.add_argument("--out", help="output file (default: <plan>-report-<date>.<format>)")
    p.set_defaults(func=cmd_report)

    budget_cli.add_commands(sub)  # compute, budget
    roadmap_cli.add_commands(sub)  # roadmap
    workspace_cli.add_commands(sub)  # instance-link
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args, load_catalog())
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.status
    # The browser, if one was started, is closed at exit (planner.export).
