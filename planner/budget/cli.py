"""The budget commands of `python -m planner` (wired in planner/cli.py):

    python -m planner compute --params 7B --gpu h100 --mfu 0.4 --price 2.99 --format json
    python -m planner budget --plan plan.json --format json

`compute` prints training FLOPs (6·N·D, D = 20·N unless --tokens), GPU-hours,
cost and wall-clock days on --gpus GPUs (default 8). `budget` prints a plan's
monthly burn and runway, today and with its hires and compute. Exit status 0 on
success, 1 on bad input (a message on stderr), 2 on a usage error (argparse).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from planner import budget
from planner.budget import BudgetInputError, format_money, month_label, parse_amount
from planner.budget.charts import runway_text
from planner.catalog import Catalog
from planner.domain import LANGS, MFU_MAX, MFU_MIN, Plan
from planner.files import TeamImportError, parse_team
from planner.i18n import t

EXIT_OK, EXIT_INPUT = 0, 1


class _Refused(Exception):
    pass


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_INPUT


def _number(text: str, what: str, lang: str, limit: float) -> float:
    try:
        value = parse_amount(text, limit=limit)
    except BudgetInputError as exc:
        raise _Refused(f"{what}: {t(exc.key, lang, **exc.params)}") from None
    assert value is not None
    return value


def _mfu(text: str) -> float:
    """0.4 or 40%: a share of the peak between 10 % and 60 %."""
    raw = text.strip()
    try:
        value = float(raw.removesuffix("%")) / (100 if raw.endswith("%") else 1)
    except ValueError:
        raise _Refused(f"--mfu {text!r} is not a number (write 0.4 or 40%)") from None
    if not MFU_MIN <= value <= MFU_MAX:
        raise _Refused(f"--mfu {text!r} is outside {MFU_MIN:.0%}-{MFU_MAX:.0%}")
    return value


def cmd_compute(args: argparse.Namespace, _catalog: Catalog | None = None) -> int:
    lang = args.lang
    try:
        params = _number(args.params, "--params", lang, 1e15)
        tokens = None if args.tokens is None else _number(args.tokens, "--tokens", lang, 1e18)
        if params <= 0 or tokens == 0:
            raise _Refused(t("budget_err_zero", lang))
        if args.gpu not in budget.GPUS:
            raise _Refused(t("budget_err_gpu", lang, gpu=args.gpu, known=", ".join(budget.GPUS)))
        price = _number(args.price, "--price", lang, 1e5)
        run = budget.estimate_training(params, tokens, args.gpu, _mfu(args.mfu), price, args.gpus)
    except _Refused as exc:
        return _fail(str(exc))
    except BudgetInputError as exc:
        return _fail(t(exc.key, lang, **exc.params))
    if args.format == "json":
        payload = {**run.as_dict(), "tokens_default": tokens is None}
        print(json.dumps(payload, indent=2))
        return EXIT_OK
    preset = budget.gpu(run.gpu)
    print(f"parameters N:      {run.params:.4g}")
    print(f"training tokens D: {run.tokens:.4g}" + ("  (20·N)" if tokens is None else ""))
    print(f"training FLOPs:    {run.flops:.4g}  (6·N·D)")
    print(f"GPU-hours:         {run.gpu_hours:,.0f}  ({preset.label}, {run.mfu:.0%} MFU)")
    print(f"cost:              {run.cost:,.2f}  at {run.price:g} per GPU-hour")
    print(f"wall clock:        {run.days:,.1f} days on {run.gpus} GPUs")
    return EXIT_OK


def _read_plan(path: Path, catalog: Catalog, lang: str) -> Plan:
    if not path.is_file():
        raise _Refused(t("err_no_file", lang, path=str(path)))
    try:
        result = parse_team(path.read_bytes(), path.name, catalog)
    except TeamImportError as exc:
        raise _Refused(f"{path}: {exc.message(lang)}") from None
    except OSError as exc:
        raise _Refused(f"{path}: {exc.strerror or exc}") from None
    return result.plan or Plan(name=path.stem[:80] or "plan", team=result.team)


def cmd_budget(args: argparse.Namespace, catalog: Catalog) -> int:
    lang = args.lang
    try:
        plan = _read_plan(Path(args.plan), catalog, lang)
    except _Refused as exc:
        return _fail(str(exc))
    models = {**catalog.business_models, **plan.custom_models}
    model = models.get(plan.business_model) or models["product"]
    summary = budget.summarize(plan, catalog, model, lang)
    market, horizon = summary.market, summary.plan.projection.months

    def zero(outlook: budget.Outlook) -> str | None:
        m = outlook.projection.zero_month
        return None if m is None else month_label(summary.start, m)

    if args.format == "json":
        payload = {
            "plan": plan.name,
            "business_model": model.id,
            "market": market,
            "currency": summary.currency,
            "start_month": month_label(summary.start, 0),
            "horizon_months": horizon,
            "cash": plan.finances.funding.cash,
            "team_payroll_monthly": round(summary.team_monthly, 2),
            "hires": len(plan.finances.hires),
            "hires_monthly": round(summary.plan.hires_monthly, 2),
            "monthly_burn": {
                "today": round(summary.burn_today, 2),
                "plan": round(summary.burn_plan, 2),
                "plan_month_12": round(summary.plan.burn_month_12, 2),
            },
            "runway_months": {
                "today": _round(summary.today.projection.runway),
                "plan": _round(summary.plan.projection.runway),
            },
            "zero_cash_month": {"today": zero(summary.today), "plan": zero(summary.plan)},
            "fit": {"today": round(summary.today.fit, 4), "plan": round(summary.plan.fit, 4)},
            "resilience": {
                "today": round(summary.today.resilience, 4),
                "plan": round(summary.plan.resilience, 4),
            },
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return EXIT_OK
    today_runway = runway_text(summary.today.projection.runway, horizon, lang)
    plan_runway = runway_text(summary.plan.projection.runway, horizon, lang)
    print(f"{plan.name} · {model.label(lang)} · {summary.currency}")
    print(f"{t('budget_kpi_burn', lang)}: {format_money(summary.burn_today, market)}")
    print(f"{t('budget_kpi_burn_plan', lang)}: {format_money(summary.burn_plan, market)}")
    print(f"{t('budget_kpi_runway_today', lang)}: {today_runway}")
    print(f"{t('budget_kpi_runway_plan', lang)}: {plan_runway}")
    if (month := zero(summary.plan)) is not None:
        print(t("budget_zero_warning", lang, month=month))
    return EXIT_OK


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _gpus(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 100_000:
        raise argparse.ArgumentTypeError(f"{value} is outside 1-100000")
    return value


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add `compute` and `budget` to the command line's subcommands."""
    p = sub.add_parser(
        "compute",
        help="training compute: FLOPs (6·N·D), GPU-hours, cost and days",
        description="Estimate one training run. Numbers take suffixes: 7B, 140B, 1.5e9.",
    )
    p.add_argument("--params", required=True, metavar="N", help="parameters, e.g. 7B or 7e9")
    p.add_argument(
        "--tokens", metavar="D", help="training tokens (default 20·N, the Chinchilla rule)"
    )
    p.add_argument(
        "--gpu", required=True, metavar="ID", help=f"GPU preset: {', '.join(budget.GPUS)}"
    )
    p.add_argument("--mfu", required=True, metavar="X", help="utilisation, 0.1-0.6 (or 10%%-60%%)")
    p.add_argument("--price", required=True, metavar="P", help="price per GPU-hour")
    p.add_argument(
        "--gpus",
        type=_gpus,
        default=budget.DEFAULT_GPUS,
        metavar="G",
        help=f"GPUs in parallel, for the wall-clock days (default {budget.DEFAULT_GPUS})",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--lang", choices=LANGS, default="en", help="language of messages")
    p.set_defaults(func=cmd_compute)

    p = sub.add_parser(
        "budget",
        help="a plan's monthly burn and runway, today and with its hires and compute",
    )
    p.add_argument("--plan", required=True, help="a JSON plan (or a team file: CSV, XLSX)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--lang", choices=LANGS, default="en", help="language of texts")
    p.set_defaults(func=cmd_budget)
