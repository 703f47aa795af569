"""`python -m planner roadmap` (wired in planner/cli.py):

    python -m planner roadmap --plan plan.json [--mode hire|train|mixed] [--months 24] --format json

Without --mode, the plan's roadmap: the founder's actions if it keeps some, else the
planner's suggestion for the plan's mode; with --mode, the planner's suggestion for
that mode. Exit status 0 on success, 1 on bad input (a message on stderr, in
--lang), 2 on a usage error (argparse).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from planner.budget import format_money, month_label
from planner.catalog import Catalog
from planner.domain import LANGS, ROADMAP_MAX_MONTHS, Plan
from planner.files import TeamImportError, parse_team
from planner.i18n import t
from planner.numbers import percent
from planner.roadmap.actions import Hire
from planner.roadmap.charts import MODE_KEYS, month_text, runway_text
from planner.roadmap.explain import why
from planner.roadmap.planner import MODES
from planner.roadmap.result import RoadmapResult, roadmap
from planner.roadmap.section import problem_texts
from planner.roadmap.settings import load_training
from planner.roadmap.succession import succession
from planner.roadmap.world import HorizonError, world_for

EXIT_OK, EXIT_INPUT = 0, 1


class _Refused(Exception):
    pass


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


def _result(args: argparse.Namespace, catalog: Catalog) -> tuple[Plan, RoadmapResult]:
    plan = _read_plan(Path(args.plan), catalog, args.lang)
    models = {**catalog.business_models, **plan.custom_models}
    model = models.get(plan.business_model) or models["product"]
    try:
        world = world_for(plan, catalog, model, args.lang, months=args.months)
    except HorizonError as exc:
        raise _Refused(t(exc.key, args.lang, **exc.params)) from None
    if args.mode is not None:
        return plan, roadmap(world, args.mode)
    return plan, roadmap(world, plan.roadmap.mode, plan.roadmap.actions)


def action_payload(result: RoadmapResult, catalog: Catalog, lang: str) -> list[dict]:
    span = result.world.span
    found = []
    for action in result.resolved.actions:
        if isinstance(action, Hire):
            months_paid = max(0, span - action.join)
            item = {
                "kind": "hire",
                "role": action.role_id,
                "month": action.month,
                "join_month": action.join,
                "ready_month": action.ready,
                "monthly_cost": round(action.monthly_cost, 2),
                "cost": round(action.monthly_cost * months_paid, 2),
            }
        else:
            item = {
                "kind": "train",
                "member": action.member,
                "skill": action.skill,
                "to_level": action.to_level,
                "month": action.month,
                "start_month": action.start,
                "ready_month": action.ready,
                "cost": round(action.cost, 2),
            }
        item["why"] = why(result, action, catalog, lang)
        found.append(item)
    return found


def succession_payload(plan: Plan, result: RoadmapResult) -> dict[str, dict | None]:
    world = result.world
    return {
        s.skill: None if s.member is None else {"member": s.member, "readiness_months": s.months}
        for s in succession(plan.team, world.model, load_training())
    }


def payload(plan: Plan, result: RoadmapResult, catalog: Catalog, lang: str) -> dict:
    world = result.world
    return {
        "plan": plan.name,
        "business_model": world.model.id,
        "mode": result.mode,
        "chosen": result.chosen,
        "horizon_months": world.months,
        "market": world.market,
        "start_month": month_label(world.start, 0),
        "cash_limited": world.cash_limited,
        "reserve": round(result.reserve, 2),
        "ready_month": result.ready_month,
        "months": [
            {
                "month": m.month,
                "label": month_label(world.start, m.month),
                "fit": round(m.fit, 6),
                "resilience": round(m.resilience, 6),
                "cash": round(m.cash, 2),
                "burn": round(m.burn, 2),
                "revenue": round(m.revenue, 2),
                "headcount": m.headcount,
            }
            for m in result.months
        ],
        "actions": action_payload(result, catalog, lang),
        "problems": problem_texts(result, catalog, lang),
        "closes": result.closes,
        "resilient": result.resilient,
        "succession": succession_payload(plan, result),
    }


def _print_text(plan: Plan, result: RoadmapResult, catalog: Catalog, lang: str) -> None:
    world, market = result.world, result.world.market
    mode = t("roadmap_yours", lang) if result.chosen else t(MODE_KEYS[result.mode], lang)
    print(f"{plan.name} · {world.model.label(lang)} · {mode}")
    print(f"{t('roadmap_col_ready', lang)}: {month_text(result, result.ready_month, lang)}")
    print(f"{t('roadmap_col_runway', lang)}: {runway_text(result, lang)}")
    fit, res, cash = t("kpi_fit", lang), t("kpi_resilience", lang), t("roadmap_series_cash", lang)
    print(f"{t('roadmap_col_month', lang):>8}  {fit:>8}  {res:>8}  {cash:>14}")
    for m in result.months:
        fit_pct, res_pct = percent(m.fit, 1), percent(m.resilience, 1)
        print(
            f"{month_label(world.start, m.month):>8}  {fit_pct:>8}  {res_pct:>8}"
            f"  {format_money(m.cash, market):>14}"
        )
    print(f"{t('roadmap_actions_title', lang)}:")
    for item in action_payload(result, catalog, lang):
        who = item.get("role") or f"{item['member']} · {item['skill']} → {item['to_level']}"
        cost = format_money(item["cost"], market)
        print(f"  {item['month']:>2}  {who}  ({cost}) — {item['why']}")
    for text in problem_texts(result, catalog, lang):
        print(f"  ! {text}")
    print(f"{t('roadmap_closes_title', lang)}:")
    for skill, month in result.closes.items():
        print(f"  {catalog.skill_label(skill, lang)}: {month_text(result, month, lang)}")
    print(f"{t('succession_title', lang)}:")
    for skill, item in succession_payload(plan, result).items():
        who = (
            t("roadmap_ready_hire", lang)
            if item is None
            else (f"{item['member']} ({item['readiness_months']})")
        )
        print(f"  {catalog.skill_label(skill, lang)}: {who}")


def cmd_roadmap(args: argparse.Namespace, catalog: Catalog) -> int:
    try:
        plan, result = _result(args, catalog)
    except _Refused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    if args.format == "json":
        print(json.dumps(payload(plan, result, catalog, args.lang), ensure_ascii=False, indent=2))
    else:
        _print_text(plan, result, catalog, args.lang)
    return EXIT_OK


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add `roadmap` to the command line's subcommands."""
    p = sub.add_parser(
        "roadmap",
        help="hire or train, month by month: fit, resilience and cash; when each skill closes",
        description="Project the plan's roadmap month by month (the founder's actions, or "
        "the planner's suggestion for a mode).",
    )
    p.add_argument("--plan", required=True, help="a JSON plan (or a team file: CSV, XLSX)")
    p.add_argument(
        "--mode",
        choices=MODES,
        help="the planner's suggestion for this mode (default: the plan's own roadmap)",
    )
    p.add_argument(
        "--months",
        type=int,
        metavar="N",
        help=f"horizon: months 0..N, N from 1 to {ROADMAP_MAX_MONTHS} (default: the plan's, 24)",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--lang", choices=LANGS, default="en", help="language of texts")
    p.set_defaults(func=cmd_roadmap)
