"""What a plan costs and what pays for it: planned hires, compute, funding,
scenarios (the budget page)."""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from planner.gpus import GPUS

# Money: the largest amount a plan holds (a trillion); 1e20 of cash is a typo, not a plan.
MAX_MONEY = 1e12
MARKETS = {"cn": "CNY", "us": "USD"}  # market -> currency
BANDS = ("low", "mid", "high")
HORIZON_MONTHS = 36
MAX_SCENARIOS = 4
MAX_PLANNED_HIRES = 50
WEEKS_PER_MONTH = 52 / 12
MFU_MIN, MFU_MAX = 0.1, 0.6


def earliest_start(weeks_to_hire: int) -> int:
    """The first month (0 = the plan's start month) a hire can begin, recruiting
    having taken weeks_to_hire from the start."""
    return math.ceil(weeks_to_hire / WEEKS_PER_MONTH - 1e-9)


def _money(**kwargs: object):
    return Field(ge=0, le=MAX_MONEY, allow_inf_nan=False, **kwargs)


class PlannedHire(BaseModel):
    """One hire on the timeline: a role from data/roles.yaml, paid at a band."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: str = Field(min_length=1, max_length=60)
    band: Literal["low", "mid", "high"] = "mid"
    weeks_to_hire: int = Field(default=8, ge=0, le=104)
    start_month: int | None = Field(default=None, ge=0, lt=HORIZON_MONTHS)  # None: earliest
    annual_salary: float | None = _money(default=None)  # overrides the band
    # The share of a full-time person: a part-time step of the hiring plan is costed
    # (and scored) by its share, never as a full-time salary.
    fte: float = Field(default=1.0, gt=0, le=1, allow_inf_nan=False)

    @model_validator(mode="after")
    def _not_before_hired(self) -> PlannedHire:
        first = earliest_start(self.weeks_to_hire)
        if self.start_month is not None and self.start_month < first:
            raise ValueError(
                f"month {self.start_month} is too early: hiring takes {self.weeks_to_hire} "
                f"weeks, so month {first} at the earliest"
            )
        return self

    @property
    def start(self) -> int:
        return earliest_start(self.weeks_to_hire) if self.start_month is None else self.start_month


class TrainingInputs(BaseModel):
    """Training runs: N parameters on D tokens (None: the Chinchilla 20·N)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    params: float = Field(gt=0, le=1e15, allow_inf_nan=False)
    tokens: float | None = Field(default=None, gt=0, le=1e18, allow_inf_nan=False)
    # none: an estimate only, kept out of the burn; once: paid in `month`; monthly: from it on
    schedule: Literal["none", "once", "monthly"] = "once"
    runs: float = Field(default=1, ge=0, le=1000, allow_inf_nan=False)  # per month if monthly
    month: int = Field(default=0, ge=0, lt=HORIZON_MONTHS)  # a one-off run is paid then


class InferenceInputs(BaseModel):
    """Serving: users × requests a month × tokens a request, at 2·N FLOPs a token."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    params: float = Field(gt=0, le=1e15, allow_inf_nan=False)
    users: float = Field(default=0, ge=0, le=1e10, allow_inf_nan=False)
    requests_per_user: float = Field(default=0, ge=0, le=1e6, allow_inf_nan=False)
    tokens_per_request: float = Field(default=0, ge=0, le=1e7, allow_inf_nan=False)
    # Decoding is memory-bound: utilisation sits well below training's.
    mfu: float = Field(default=0.2, ge=MFU_MIN, le=MFU_MAX, allow_inf_nan=False)
    reserved_gpus: int = Field(default=0, ge=0, le=100_000)  # always on, billed all month


class ComputeInputs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    gpu: str = "h100"
    price_per_gpu_hour: float = Field(ge=0, le=1e5, allow_inf_nan=False)
    mfu: float = Field(default=0.4, ge=MFU_MIN, le=MFU_MAX, allow_inf_nan=False)
    gpus: int = Field(default=8, ge=1, le=100_000)
    training: TrainingInputs | None = None
    inference: InferenceInputs | None = None

    @field_validator("gpu")
    @classmethod
    def _known_gpu(cls, value: str) -> str:
        if value not in GPUS:
            raise ValueError(f"unknown GPU {value!r}; known: {', '.join(GPUS)}")
        return value


class Funding(BaseModel):
    """Money in and out besides people and compute."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cash: float = _money(default=0)
    monthly_burn: float = _money(default=0)  # non-payroll: rent, tools, services
    monthly_revenue: float = _money(default=0)
    revenue_growth: float = Field(default=0, ge=-0.5, le=1.0, allow_inf_nan=False)  # a month


class Scenario(BaseModel):
    """A named variant of the plan: hires and their timing, compute and funding."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=60)
    hires: tuple[PlannedHire, ...] = Field(default=(), max_length=MAX_PLANNED_HIRES)
    compute: ComputeInputs | None = None
    funding: Funding = Funding()

    @field_validator("name")
    @classmethod
    def _strip_name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the scenario name is empty")
        return value.strip()


class Finances(BaseModel):
    """What the plan costs and what pays for it (the budget page)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    market: Literal["cn", "us"] | None = None  # None: follows the language until chosen
    start_month: str | None = None  # "YYYY-MM"; None: the current month
    funding: Funding = Funding()
    loaded_multiplier: float = Field(default=1.3, ge=1.0, le=3.0, allow_inf_nan=False)
    default_annual_salary: float | None = _money(default=None)  # None: mean of the mid bands
    hires: tuple[PlannedHire, ...] = Field(default=(), max_length=MAX_PLANNED_HIRES)
    monthly_budget: float | None = _money(default=None)  # for new hires, all in
    # True while the hires are the hiring plan's ("Recommend hires"): the page then
    # says when the plan changes, and the report costs the plan as it is now.
    hires_follow_plan: bool = False
    compute: ComputeInputs | None = None  # None: the business model's default profile
    scenarios: tuple[Scenario, ...] = Field(default=(), max_length=MAX_SCENARIOS)

    @field_validator("start_month")
    @classmethod
    def _year_month(cls, value: str | None) -> str | None:
        if value is None:
            return None
        match = re.fullmatch(r"(\d{4})-(\d{2})", value.strip())
        if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2100:
            raise ValueError(f"{value!r} is not a month of the form YYYY-MM")
        return value.strip()

    @field_validator("scenarios")
    @classmethod
    def _unique_scenarios(cls, scenarios: tuple[Scenario, ...]) -> tuple[Scenario, ...]:
        names = [s.name.casefold() for s in scenarios]
        if len(set(names)) != len(names):
            raise ValueError("two scenarios have the same name")
        return scenarios

    def market_for(self, lang: str) -> str:
        return self.market or ("cn" if lang == "zh" else "us")

    def start(self, today: date | None = None) -> date:
        """The first day of the plan's first month."""
        if self.start_month:
            year, month = self.start_month.split("-")
            return date(int(year), int(month), 1)
        return (today or date.today()).replace(day=1)
