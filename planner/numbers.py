"""One formatter per kind of number: percent, person-equivalents, months, money.

Metrics, chart titles, labels and hovers, tables, exports and the report all call
these, so one value never shows as 99.5 % in one place and 100 % in another, or as
a 0.1 gap beside a 0.06 bar.
"""

from __future__ import annotations

import math

CURRENCY_SYMBOL = {"cn": "¥", "us": "$"}


def percent(value: float | None, digits: int = 0) -> str:
    """A score as a percentage. It never rounds to a claim the score does not make:
    a value under 1 never shows as 100 % (0.996 is 99.6 %), a value over 0 never as
    0 %. Such a value gets one more decimal, rounded as `percent(value, digits + 1)`
    rounds it, so a chart and a table with one more digit say the same (0.9956 is
    99.6 % in both); only if that still reads 100 % or 0 % is it cut towards the
    middle (0.9999 is 99.9 %). None (an area that does not apply) is "—"."""
    if value is None:
        return "—"
    text = f"{value:.{digits}%}"
    if not 0 < value < 1 or text not in _ends(digits):
        return text
    finer = digits + 1
    text = f"{value:.{finer}%}"
    if text in _ends(finer):
        scale = 10 ** (finer + 2)
        steps = round(value * scale, 6)  # 0.9996 * 1e5 is 99959.99999999999 in floats
        cut = math.floor(steps) if value > 0.5 else math.ceil(steps)
        text = f"{cut / scale * 100:.{finer}f}%"
    return text


def _ends(digits: int) -> tuple[str, str]:
    """How 100 % and 0 % read with this many decimals."""
    return f"{1:.{digits}%}", f"{0:.{digits}%}"


def points(change: float) -> str:
    """A change of a score in percentage points, signed: "+1.2 pp"."""
    return f"{change * 100:+.1f} pp"


def people(value: float, *, signed: bool = False) -> str:
    """Person-equivalents (a gap, seats filled): two decimals, so a 0.06 gap is 0.06,
    never 0.1 beside a 0.06 bar; a value above 0 never reads 0.00. `signed` for a
    change: "+0.44"."""
    text = f"{value:+.2f}" if signed else f"{value:.2f}"
    if value > 0 and text.lstrip("+") == "0.00":
        return "+0.01" if signed else "0.01"
    return text


def months(value: float) -> str:
    """A duration in months (runway, time to hire): one decimal."""
    return f"{value:.1f}"


def money(value: float, market: str) -> str:
    """As each market writes money: ¥1,234,567 in full; $1.2M, $850K, $950."""
    sign = "-" if value < 0 else ""
    amount = abs(value)
    symbol = CURRENCY_SYMBOL[market]
    if market == "cn":
        return f"{sign}{symbol}{amount:,.0f}"
    for size, unit in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        # 999,960 reads $1M, not $1000K: the unit is chosen after rounding.
        if amount >= size * 0.9995:
            text = f"{amount / size:.1f}".removesuffix(".0")
            return f"{sign}{symbol}{text}{unit}"
    return f"{sign}{symbol}{amount:,.0f}"
