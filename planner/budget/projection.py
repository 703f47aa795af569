"""Cash month by month: net outflow, balance and the runway (when the balance
reaches zero, spending evenly within a month)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from planner.domain import (
    HORIZON_MONTHS,
    Funding,
)

# ---------------------------------------------------------------- runway


@dataclass(frozen=True)
class Projection:
    """Month by month over the horizon: what goes out, what comes in, what is left."""

    payroll: tuple[float, ...]
    other: tuple[float, ...]
    compute: tuple[float, ...]
    revenue: tuple[float, ...]
    outflow: tuple[float, ...]  # net: payroll + other + compute − revenue
    balance: tuple[float, ...]  # cash at the end of each month
    runway: float | None  # months until cash reaches zero; None: not within the horizon
    zero_month: int | None  # index of the month in which cash reaches zero

    @property
    def months(self) -> int:
        return len(self.outflow)


def runway(cash: float, outflow: Sequence[float]) -> tuple[float | None, int | None]:
    """When cash runs out, spending each month's outflow evenly within the month.

    Returns (months, index of the month it happens) or (None, None) when the cash
    lasts the whole horizon. Cash 1,200,000 at 100,000 a month lasts 12.0 months,
    running out in month index 11."""
    balance = cash
    for m, out in enumerate(outflow):
        if out > 0 and balance - out <= 0:
            return m + max(balance, 0.0) / out, m
        balance -= out
    return None, None


def project(
    funding: Funding,
    payroll: Sequence[float],
    compute: Sequence[float],
    months: int = HORIZON_MONTHS,
) -> Projection:
    other = [funding.monthly_burn] * months
    revenue = [funding.monthly_revenue * (1 + funding.revenue_growth) ** m for m in range(months)]
    outflow = [payroll[m] + other[m] + compute[m] - revenue[m] for m in range(months)]
    balance, left = [], funding.cash
    for out in outflow:
        left -= out
        balance.append(left)
    months_left, zero = runway(funding.cash, outflow)
    return Projection(
        tuple(payroll),
        tuple(other),
        tuple(compute),
        tuple(revenue),
        tuple(outflow),
        tuple(balance),
        months_left,
        zero,
    )


def month_label(start: date, index: int) -> str:
    """'2026-03' for the month `index` months after `start`."""
    total = start.year * 12 + start.month - 1 + index
    return f"{total // 12:04d}-{total % 12 + 1:02d}"
