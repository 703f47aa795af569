"""The finances' own inputs as fields: funding, market, start month, multiplier,
default salary and monthly budget, each read from the plan as the text a founder
types and parsed back (parse_amount) when it changes."""

from __future__ import annotations

from datetime import date

from components.budget.fields import Field
from planner.budget import BudgetInputError, format_plain, parse_amount
from planner.domain import Finances


def _money_reader(*path: str):
    def read(fin: Finances, _v) -> str:
        value: object = fin
        for part in path:
            value = getattr(value, part)
        return "" if value is None else format_plain(float(value))  # type: ignore[arg-type]

    return read


def _money_writer(*path: str, allow_empty: bool = False):
    def write(data: dict, value: object, _v) -> None:
        amount = parse_amount(value, allow_empty=allow_empty)
        target = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = amount if amount is not None or allow_empty else 0.0

    return write


def _set(*path: str, convert=lambda v: v):
    def write(data: dict, value: object, _v) -> None:
        target = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = convert(value)

    return write


def _revenue_writer(data: dict, value: object, _v) -> None:
    data["funding"]["monthly_revenue"] = parse_amount(value, allow_empty=True) or 0.0


def _start_writer(data: dict, value: object, _v) -> None:
    text = str(value or "").strip()
    if text and not _is_month(text):
        raise BudgetInputError("budget_err_month", value=text[:20])
    data["start_month"] = text or None


def _is_month(text: str) -> bool:
    try:
        Finances(start_month=text)
    except ValueError:
        return False
    return True


CASH = Field("budget_cash", _money_reader("funding", "cash"), _money_writer("funding", "cash"))
BURN = Field(
    "budget_burn",
    _money_reader("funding", "monthly_burn"),
    _money_writer("funding", "monthly_burn"),
)
REVENUE = Field("budget_revenue", _money_reader("funding", "monthly_revenue"), _revenue_writer)
GROWTH = Field(
    "budget_growth",
    lambda fin, _v: round(fin.funding.revenue_growth * 100, 2),
    _set("funding", "revenue_growth", convert=lambda v: float(v) / 100),
)
MARKET = Field("budget_market", lambda fin, v: v.market, _set("market"))
START = Field(
    "budget_start",
    lambda fin, _v: fin.start_month or date.today().strftime("%Y-%m"),
    _start_writer,
)
MULTIPLIER = Field(
    "budget_multiplier",
    lambda fin, _v: fin.loaded_multiplier,
    _set("loaded_multiplier", convert=float),
)
DEFAULT_SALARY = Field(
    "budget_default_salary",
    _money_reader("default_annual_salary"),
    _money_writer("default_annual_salary", allow_empty=True),
)
LIMIT = Field(
    "budget_limit",
    _money_reader("monthly_budget"),
    _money_writer("monthly_budget", allow_empty=True),
)


FIELDS = (CASH, BURN, REVENUE, GROWTH, MARKET, START, MULTIPLIER, DEFAULT_SALARY, LIMIT)
