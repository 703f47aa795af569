"""The roadmap's figure and tables, in the user's language: the same on the page,
in the report and (as text) on the command line."""

from __future__ import annotations

import plotly.graph_objects as go

from planner.budget import CURRENCY_SYMBOL, format_money, month_label
from planner.budget.charts import _layout
from planner.catalog import Catalog
from planner.charts import RESILIENCE_COLOUR, TEAM_COLOUR, plain
from planner.domain import MARKETS
from planner.i18n import t
from planner.roadmap.actions import Hire, Step
from planner.roadmap.explain import cost, who, why
from planner.roadmap.result import COMPARE_MONTHS, SPENT_BY, RoadmapResult
from planner.roadmap.succession import Successor
from planner.scoring.coverage import percent

CASH_COLOUR, RESERVE_COLOUR = "#8d6e63", "#c62828"
# Three significant digits on the cash axis ($9.9M, not $9.94549M); CNY in full.
CASH_TICKS = {"cn": ",.0f", "us": ".3~s"}
EVENT_SYMBOLS = {"join": "triangle-up", "ramped": "star", "trained": "diamond"}
READINESS_KEYS = {
    "now": "roadmap_ready_now",
    "within_6": "roadmap_ready_6",
    "6_12": "roadmap_ready_12",
    "over_12": "roadmap_ready_later",
    "hire": "roadmap_ready_hire",
}
MODE_KEYS = {
    "hire": "roadmap_mode_hire",
    "train": "roadmap_mode_train",
    "mixed": "roadmap_mode_mixed",
}
LEGEND_KEYS = {
    "join": "roadmap_legend_join",
    "ramped": "roadmap_legend_ramped",
    "trained": "roadmap_legend_trained",
}


def month_text(result: RoadmapResult, month: int | None, lang: str) -> str:
    """'month 7 (2027-03)', or 'not within 24 months'."""
    if month is None:
        return t("roadmap_not_within", lang, months=result.world.months)
    return t("roadmap_month", lang, month=month, label=month_label(result.world.start, month))


def events(result: RoadmapResult, catalog: Catalog, lang: str) -> list[tuple[int, str, str]]:
    """(month, kind, text) for every hire joining, fully ramped, or step completed."""
    found = []
    last = result.world.months
    for action in result.resolved.actions:
        if isinstance(action, Hire):
            role = who(action, catalog, lang)
            if action.join <= last:
                found.append((action.join, "join", t("roadmap_event_join", lang, who=role)))
            if action.ready <= last:
                found.append((action.ready, "ramped", t("roadmap_event_ramped", lang, who=role)))
        elif action.ready <= last:
            text = t(
                "roadmap_event_trained",
                lang,
                who=action.member,
                skill=catalog.skill_label(action.skill, lang),
                level=action.to_level,
            )
            found.append((action.ready, "trained", text))
    return sorted(found, key=lambda e: (e[0], e[1]))


def roadmap_chart(result: RoadmapResult, catalog: Catalog, lang: str) -> go.Figure:
    """Fit and resilience each month, cash on a second axis with the reserve line, and
    markers where a hire joins, is fully ramped, or a training step completes."""
    market = result.world.market
    labels = [month_label(result.world.start, m.month) for m in result.months]
    fit = [m.fit for m in result.months]
    traces: list[dict] = []
    for name, values, colour in (
        (t("kpi_fit", lang), fit, TEAM_COLOUR),
        (t("kpi_resilience", lang), [m.resilience for m in result.months], RESILIENCE_COLOUR),
    ):
        traces.append(
            {
                "type": "scatter",
                "x": labels,
                "y": values,
                "name": name,
                "mode": "lines",
                "line": {"color": colour, "width": 2.5, "shape": "hv"},
                "customdata": [percent(v, 1) for v in values],
                "hovertemplate": "%{x}: %{customdata}<extra>" + plain(name) + "</extra>",
            }
        )
    cash = [m.cash for m in result.months]
    traces.append(
        {
            "type": "scatter",
            "x": labels,
            "y": cash,
            "yaxis": "y2",
            "name": t("roadmap_series_cash", lang),
            "mode": "lines",
            "line": {"color": CASH_COLOUR, "width": 1.5, "dash": "dot"},
            "customdata": [format_money(c, market) for c in cash],
            "hovertemplate": "%{x}: %{customdata}<extra></extra>",
        }
    )
    if result.world.cash_limited:
        traces.append(
            {
                "type": "scatter",
                "x": [labels[0], labels[-1]],
                "y": [result.reserve, result.reserve],
                "yaxis": "y2",
                "name": t("roadmap_series_reserve", lang),
                "mode": "lines",
                "line": {"color": RESERVE_COLOUR, "width": 1, "dash": "dash"},
                "hovertemplate": plain(format_money(result.reserve, market)) + "<extra></extra>",
            }
        )
    for kind, symbol in EVENT_SYMBOLS.items():
        marks = [e for e in events(result, catalog, lang) if e[1] == kind]
        if marks:
            traces.append(
                {
                    "type": "scatter",
                    "x": [labels[m] for m, _, _ in marks],
                    "y": [fit[m] for m, _, _ in marks],
                    "name": t(LEGEND_KEYS[kind], lang),
                    "mode": "markers",
                    "marker": {"symbol": symbol, "size": 12, "color": TEAM_COLOUR},
                    "customdata": [plain(text) for _, _, text in marks],
                    "hovertemplate": "%{x}: %{customdata}<extra></extra>",
                }
            )
    title = t(
        "roadmap_chart_title",
        lang,
        mode=t(MODE_KEYS[result.mode], lang) if not result.chosen else t("roadmap_yours", lang),
    )
    # The month the team is ready goes in a subtitle: one line with both was cut at 800 px.
    subtitle = t("roadmap_chart_subtitle", lang, ready=month_text(result, result.ready_month, lang))
    layout = _layout(
        title,
        460,
        xaxis={"title": {"text": t("budget_axis_month", lang)}, "type": "category", "nticks": 13},
        yaxis={
            "title": {"text": t("roadmap_axis_score", lang)},
            "tickformat": ".0%",
            "range": [0, 1.05],
        },
        yaxis2={
            "title": {"text": t("budget_axis_cash", lang, currency=MARKETS[market])},
            "overlaying": "y",
            "side": "right",
            "tickprefix": CURRENCY_SYMBOL[market],
            "tickformat": CASH_TICKS[market],
            "showgrid": False,
        },
    )
    layout["margin"] = {**layout["margin"], "r": 70}
    layout["title"]["subtitle"] = {"text": plain(subtitle)}
    return go.Figure({"data": traces, "layout": layout})


def action_rows(result: RoadmapResult, catalog: Catalog, lang: str) -> list[dict[str, object]]:
    """One row per valid action: month, who, skill, cost, why (the page's table)."""
    rows = []
    for action in result.resolved.actions:
        skill = catalog.skill_label(action.skill, lang) if isinstance(action, Step) else "—"
        rows.append(
            {
                "index": action.index,
                "kind": action.kind,
                t("roadmap_col_month", lang): action.month,
                t("roadmap_col_who", lang): who(action, catalog, lang),
                t("roadmap_col_skill", lang): skill,
                t("roadmap_col_cost", lang): cost(result, action, lang),
                t("roadmap_col_why", lang): why(result, action, catalog, lang),
            }
        )
    return rows


def runway_text(result: RoadmapResult, lang: str) -> str:
    """Months until the cash is gone; "—" when no cash is entered."""
    if not result.world.cash_limited:
        return "—"
    runway = result.runway
    if runway is None:
        return t("budget_runway_beyond", lang, months=result.world.months)
    return f"{runway:.1f}"


def _score_at(result: RoadmapResult, month: int) -> str:
    state = result.at(month)
    if state is None:
        return "—"
    return f"{percent(state.fit)} / {percent(state.resilience)}"


def compare_rows(results: dict[str, RoadmapResult], lang: str) -> list[dict[str, str]]:
    """The modes side by side: all gaps closed, fit / resilience at months 6, 12, 24,
    money spent on the actions by month 12, runway."""
    rows = []
    for mode, result in results.items():
        row = {
            t("roadmap_col_mode", lang): t(MODE_KEYS[mode], lang),
            t("roadmap_col_ready", lang): month_text(result, result.ready_month, lang),
        }
        for month in COMPARE_MONTHS:
            row[t("roadmap_col_at", lang, month=month)] = _score_at(result, month)
        row[t("roadmap_col_spent", lang, month=SPENT_BY)] = format_money(
            result.spent_by(), result.world.market
        )
        row[t("roadmap_col_runway", lang)] = runway_text(result, lang)
        rows.append(row)
    return rows


def succession_rows(
    successors: list[Successor], catalog: Catalog, lang: str
) -> list[dict[str, str]]:
    return [
        {
            t("roadmap_col_skill", lang): catalog.skill_label(s.skill, lang),
            t("roadmap_col_rests_on", lang): s.expert,
            t("roadmap_col_successor", lang): s.member or "—",
            t("roadmap_col_level", lang): f"{s.level} → {s.target}" if s.member else "—",
            t("roadmap_col_readiness", lang): t(READINESS_KEYS[s.readiness], lang, months=s.months),
        }
        for s in successors
    ]
