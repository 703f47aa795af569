"""The budget section's figures and tables, in the user's language.

The page and the report show the same things, so both take them from here:
`runway_chart`, `scenario_compare`, `compute_rows`, `scenario_rows`, `kpi_rows`,
and `budget_section`, which gathers them for a report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import plotly.graph_objects as go
import plotly.io as pio

from planner.budget import (
    CURRENCY_SYMBOL,
    BudgetSummary,
    ComputeEstimate,
    Outlook,
    compare_scenarios,
    format_count,
    format_money,
    month_label,
    plan_compute,
    plan_with_current_hires,
    summarize,
)
from planner.catalog import Catalog
from planner.charts import FONT, TARGET_COLOUR, TEAM_COLOUR, plain, wrap_label
from planner.domain import BusinessModel, ComputeInputs, Plan
from planner.i18n import t
from planner.numbers import months, people, percent

TODAY_COLOUR, ZERO_COLOUR, RESILIENCE_COLOUR = TARGET_COLOUR, "#c62828", "#26a69a"
SCENARIO_COLOURS = ("#1e88e5", "#8e24aa", "#fb8c00", "#43a047")
# Axis ticks as each market writes money: ¥20,000,000 in full, $20M short.
MONEY_TICKS = {"cn": ",.0f", "us": "~s"}


def _layout(title: str, height: int, **extra: object) -> dict:
    """The house layout (as planner.charts draws it), for a figure built in one go."""
    return {
        "title": {"text": plain(title), "x": 0.01, "xanchor": "left"},
        "font": {"family": FONT, "size": 13},
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 70, "b": 10},
        "template": _TEMPLATE,
        # Below the plot: a long title and the legend never meet on a narrow screen.
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.35, "xanchor": "left", "x": 0},
        **extra,
    }


# The template object once: looking "plotly_white" up by name on every figure costs
# more than the rest of a small figure. Figures are built as one dict, validated
# once, rather than trace by trace (the page redraws them on every rerun).
_TEMPLATE = pio.templates["plotly_white"]


def _inside(place: str, month: int, horizon: int) -> str:
    """A marker label's position that keeps its text inside the chart: near the left
    edge it runs right of the point, near the right edge left of it (centred, "cash
    runs out 2026-12" was cut at both edges)."""
    vertical = place.split()[0]
    if month < horizon * 0.2:
        return f"{vertical} right"
    if month > horizon * 0.8:
        return f"{vertical} left"
    return place


def runway_text(runway: float | None, horizon: int, lang: str) -> str:
    """The runway in months, or "beyond the horizon" when cash lasts past it."""
    if runway is None:
        return t("budget_runway_beyond", lang, months=horizon)
    return months(runway)


def runway_chart(summary: BudgetSummary, lang: str) -> go.Figure:
    """Cash at the end of each month for today's team and for the plan; the month
    each reaches zero is marked."""
    market = summary.market
    horizon = summary.plan.projection.months
    labels = [month_label(summary.start, m) for m in range(horizon)]
    traces: list[dict] = []
    for outlook, name, colour, dash, place in (
        (summary.today, t("budget_series_today", lang), TODAY_COLOUR, "dash", "bottom center"),
        (summary.plan, t("budget_series_plan", lang), TEAM_COLOUR, "solid", "top center"),
    ):
        balance = outlook.projection.balance
        traces.append(
            {
                "type": "scatter",
                "x": labels,
                "y": list(balance),
                "name": name,
                "mode": "lines",
                "line": {"color": colour, "dash": dash, "width": 2.5},
                "customdata": [format_money(b, market) for b in balance],
                "hovertemplate": "%{x}: %{customdata}<extra>" + plain(name) + "</extra>",
            }
        )
        zero = outlook.projection.zero_month
        if zero is not None:
            place = _inside(place, zero, horizon)
            marker = t("budget_zero_marker", lang, month=labels[zero])
            # Both lines out of cash in the same month: the month is written once.
            same = outlook is summary.today and zero == summary.plan.projection.zero_month
            traces.append(
                {
                    "type": "scatter",
                    "x": [labels[zero]],
                    "y": [0],
                    "mode": "markers" if same else "markers+text",
                    "marker": {"color": ZERO_COLOUR, "size": 12, "symbol": "x"},
                    "text": [marker],
                    "textposition": place,
                    "cliponaxis": False,
                    "textfont": {"color": ZERO_COLOUR},
                    "name": t("budget_zero_legend", lang, series=name),
                    "hovertemplate": plain(marker) + "<extra></extra>",
                }
            )
    # The runway goes in a subtitle: one long title line was cut at 800 px.
    subtitle = t(
        "budget_runway_subtitle",
        lang,
        today=runway_text(summary.today.projection.runway, horizon, lang),
        plan=runway_text(summary.plan.projection.runway, horizon, lang),
    )
    layout = _layout(
        t("budget_runway_title", lang),
        440,
        xaxis={"title": {"text": t("budget_axis_month", lang)}, "type": "category", "nticks": 12},
        yaxis={
            "title": {"text": t("budget_axis_cash", lang, currency=summary.currency)},
            "tickprefix": CURRENCY_SYMBOL[market],
            "tickformat": MONEY_TICKS[market],
            "zeroline": True,
            "zerolinecolor": ZERO_COLOUR,
        },
    )
    layout["title"]["subtitle"] = {"text": plain(subtitle)}
    return go.Figure({"data": traces, "layout": layout})


def scenario_compare(outlooks: list[Outlook], market: str, lang: str) -> go.Figure:
    """Saved scenarios side by side: fit and resilience, runway, burn at month 12."""
    names = [plain(o.name) for o in outlooks]
    horizon = outlooks[0].projection.months if outlooks else 36
    colours = list(SCENARIO_COLOURS[: len(outlooks)])

    def bars(axis: str, values: list[float], text: list[str], **style: object) -> dict:
        return {
            "type": "bar",
            "x": names,
            "y": values,
            "text": text,
            "textposition": "auto",
            "xaxis": f"x{axis}",
            "yaxis": f"y{axis}",
            **style,
        }

    traces = [
        bars(
            "",
            [o.fit for o in outlooks],
            [percent(o.fit) for o in outlooks],
            name=t("budget_fit", lang),
            marker={"color": TEAM_COLOUR},
            hovertemplate="%{x}: %{text}<extra></extra>",
        ),
        bars(
            "",
            [o.resilience for o in outlooks],
            [percent(o.resilience) for o in outlooks],
            name=t("budget_resilience", lang),
            marker={"color": RESILIENCE_COLOUR},
            hovertemplate="%{x}: %{text}<extra></extra>",
        ),
        bars(
            "2",
            [horizon if o.projection.runway is None else o.projection.runway for o in outlooks],
            [runway_text(o.projection.runway, horizon, lang) for o in outlooks],
            name=t("budget_cmp_runway", lang),
            marker={"color": colours},
            showlegend=False,
            hovertemplate="%{x}: %{text}<extra></extra>",
        ),
        bars(
            "3",
            [o.burn_month_12 for o in outlooks],
            [format_money(o.burn_month_12, market) for o in outlooks],
            name=t("budget_cmp_burn12", lang),
            marker={"color": colours},
            showlegend=False,
            hovertemplate="%{x}: %{text}<extra></extra>",
        ),
    ]
    # Three panels stacked, laid out by hand (make_subplots costs a rerun dearly). Side
    # by side their titles, ticks and bar labels ran into one another below ~1000 px.
    titles = (
        t("budget_cmp_scores", lang),
        t("budget_cmp_runway", lang),
        t("budget_cmp_burn12", lang),
    )
    domains = ((0.74, 1.0), (0.37, 0.63), (0.0, 0.26))
    names_axis = {
        "tickmode": "array",
        "tickvals": names,
        "ticktext": [wrap_label(n, 20) for n in names],
        "automargin": True,
    }
    layout = _layout(
        t("budget_cmp_title", lang),
        640,
        barmode="group",
        xaxis={**names_axis, "anchor": "y"},
        xaxis2={**names_axis, "anchor": "y2", "matches": "x"},
        xaxis3={**names_axis, "anchor": "y3", "matches": "x"},
        yaxis={"domain": domains[0], "anchor": "x", "range": [0, 1.05], "tickformat": ".0%"},
        yaxis2={"domain": domains[1], "anchor": "x2", "rangemode": "tozero"},
        yaxis3={
            "domain": domains[2],
            "anchor": "x3",
            "rangemode": "tozero",
            "tickprefix": CURRENCY_SYMBOL[market],
            "tickformat": MONEY_TICKS[market],
        },
        annotations=[
            {
                "text": plain(text),
                "x": 0,
                "y": hi,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 14},
            }
            for text, (_, hi) in zip(titles, domains, strict=True)
        ],
    )
    # Fit and resilience colours, named at the top right, level with the first panel's title.
    layout["legend"] = {**layout["legend"], "yanchor": "bottom", "y": 1.0, "xanchor": "right"}
    layout["legend"]["x"] = 1
    layout["margin"] = {**layout["margin"], "t": 90}
    return go.Figure({"data": traces, "layout": layout})


# ---------------------------------------------------------------- tables


def kpi_rows(summary: BudgetSummary, lang: str) -> list[dict[str, str]]:
    market, horizon = summary.market, summary.plan.projection.months
    per_fit, per_res = summary.cost_per_fit_point(), summary.cost_per_resilience_point()
    if summary.cash_entered:
        runway = [
            (
                "budget_kpi_runway_today",
                runway_text(summary.today.projection.runway, horizon, lang),
            ),
            ("budget_kpi_runway_plan", runway_text(summary.plan.projection.runway, horizon, lang)),
        ]
    else:
        runway = [("budget_kpi_runway", t("budget_enter_cash", lang))]
    rows = [
        ("budget_kpi_burn", format_money(summary.burn_today, market)),
        ("budget_kpi_burn_plan", format_money(summary.burn_plan, market)),
        *runway,
        ("budget_kpi_per_fit", "—" if per_fit is None else format_money(per_fit, market)),
        ("budget_kpi_per_res", "—" if per_res is None else format_money(per_res, market)),
    ]
    return [
        {t("budget_col_kpi", lang): t(k, lang), t("budget_col_value", lang): v} for k, v in rows
    ]


def compute_rows(
    estimate: ComputeEstimate, inputs: ComputeInputs, market: str, lang: str
) -> list[dict[str, str]]:
    """What the compute costs: a training run and a month of serving."""
    rows: list[tuple[str, str]] = []
    run = estimate.training
    if run is not None:
        rows += [
            ("budget_row_params", format_count(run.params)),
            ("budget_row_tokens", format_count(run.tokens)),
            ("budget_row_flops", f"{run.flops:.3g}"),
            ("budget_row_gpu_hours", f"{run.gpu_hours:,.0f}"),
            ("budget_row_days", t("budget_days", lang, days=f"{run.days:,.1f}", gpus=run.gpus)),
            ("budget_row_run_cost", format_money(run.cost, market)),
        ]
        schedule = inputs.training.schedule if inputs.training is not None else "none"
        if schedule == "monthly":
            monthly = run.cost * inputs.training.runs  # type: ignore[union-attr]
            rows.append(("budget_row_training_month", format_money(monthly, market)))
        elif schedule == "none":
            rows.append(("budget_row_in_burn", t("budget_not_in_burn", lang)))
    serving = estimate.inference
    if serving is not None:
        rows += [
            ("budget_row_inf_tokens", format_count(serving.tokens_per_month)),
            ("budget_row_inf_flops", f"{serving.flops_per_month:.3g}"),
            ("budget_row_inf_hours", f"{serving.gpu_hours:,.0f}"),
            ("budget_row_inf_cost", format_money(serving.cost_per_month, market)),
        ]
    return [
        {t("budget_col_item", lang): t(k, lang), t("budget_col_value", lang): v} for k, v in rows
    ]


def scenario_rows(outlooks: list[Outlook], market: str, lang: str) -> list[dict[str, str]]:
    horizon = outlooks[0].projection.months if outlooks else 36
    return [
        {
            t("budget_col_scenario", lang): o.name,
            t("budget_fit", lang): percent(o.fit, 1),
            t("budget_resilience", lang): percent(o.resilience, 1),
            t("budget_col_runway", lang): runway_text(o.projection.runway, horizon, lang),
            t("budget_cmp_burn12", lang): format_money(o.burn_month_12, market),
            t("budget_col_close_cost", lang): format_money(o.hiring_cost_year, market),
            t("budget_col_gaps_left", lang): people(o.gaps_left),
        }
        for o in outlooks
    ]


# ---------------------------------------------------------------- for the report


@dataclass(frozen=True)
class BudgetSection:
    """What a report's budget section shows: figures by chart key, tables of rows."""

    title: str
    summary: BudgetSummary
    figures: dict[str, go.Figure]  # runway_chart (once cash is entered), scenario_compare
    kpis: list[dict[str, str]]
    compute: list[dict[str, str]]
    scenarios: list[dict[str, str]]
    note: str  # "a planning aid, not financial advice"


def budget_section(
    plan: Plan,
    catalog: Catalog,
    lang: str,
    model: BusinessModel,
    today: date | None = None,
) -> BudgetSection:
    """The budget section of a report: runway chart, compute table, scenario comparison.
    Hires that follow the hiring plan are costed as the plan is now (one plan per report)."""
    plan = plan_with_current_hires(plan, catalog, model, lang)
    summary = summarize(plan, catalog, model, lang, today)
    inputs = plan_compute(plan.finances, model.id, summary.market)
    outlooks = compare_scenarios(plan, catalog, model, lang)
    # No cash entered: no runway chart (a line falling from 0 would alarm, not inform).
    figures = {"runway_chart": runway_chart(summary, lang)} if summary.cash_entered else {}
    if outlooks:
        figures["scenario_compare"] = scenario_compare(outlooks, summary.market, lang)
    return BudgetSection(
        title=t("budget_title", lang),
        summary=summary,
        figures=figures,
        kpis=kpi_rows(summary, lang),
        compute=compute_rows(summary.plan.compute, inputs, summary.market, lang),
        scenarios=scenario_rows(outlooks, summary.market, lang),
        note=t("budget_disclaimer", lang),
    )
