"""Money typed and shown: amounts with suffixes (k, m, 万, 亿) parsed, refused
with a message key when they cannot be used, and plain numbers formatted."""

from __future__ import annotations

import math
import re

from planner.domain import (
    MAX_MONEY,
)


class BudgetInputError(ValueError):
    """A value a founder typed that cannot be used; `key` is its message in data/strings."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


# ---------------------------------------------------------------- input and output


_SUFFIX = {
    "k": 1e3,
    "m": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "t": 1e12,
    "万": 1e4,
    "亿": 1e8,
}
_NUMBER = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*(k|m|bn|b|t|万|亿)?$", re.I)


def parse_amount(
    text: object, *, limit: float = MAX_MONEY, allow_empty: bool = False
) -> float | None:
    """A number a founder typed: '1,200,000', '¥1.2M', '$850k', '500万', '7B', '1e9'.

    Raises BudgetInputError (empty, not a number, negative, too large); an empty
    text is None when allow_empty."""
    raw = "" if text is None else str(text)
    cleaned = raw.strip().replace(",", "").replace("_", "").replace(" ", "")
    cleaned = cleaned.replace("，", "").lstrip("¥$￥").removeprefix("US$").removeprefix("CN¥")
    if not cleaned:
        if allow_empty:
            return None
        raise BudgetInputError("budget_err_empty")
    match = _NUMBER.match(cleaned)
    if not match:
        raise BudgetInputError("budget_err_nan", value=raw.strip()[:30])
    value = float(match[1]) * _SUFFIX.get((match[2] or "").lower(), 1.0)
    if math.isnan(value) or math.isinf(value):
        raise BudgetInputError("budget_err_nan", value=raw.strip()[:30])
    if value < 0:
        raise BudgetInputError("budget_err_negative", value=raw.strip()[:30])
    if value > limit:
        raise BudgetInputError("budget_err_too_big", value=raw.strip()[:30], limit=f"{limit:,.0f}")
    return value


def format_plain(value: float) -> str:
    """A number for an input box: grouped, no currency, no trailing zeros."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def format_count(value: float) -> str:
    """Large counts (parameters, tokens, FLOPs) as 7B / 1.4e+11-style text."""
    for size, unit in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= size and value < size * 1000:
            return f"{value / size:.3g}{unit}"
    return f"{value:.3g}" if value >= 1e15 or value < 1 else f"{value:,.0f}"
