"""Training and serving compute: FLOPs, GPU-hours, cost and days (the formulas are
in docs/budget.md), from the GPU presets of planner/gpus.py."""

from __future__ import annotations

import math
from dataclasses import dataclass

from planner.budget.money import BudgetInputError
from planner.domain import (
    HORIZON_MONTHS,
    MFU_MAX,
    MFU_MIN,
    ComputeInputs,
    Finances,
    InferenceInputs,
    TrainingInputs,
)
from planner.gpus import GPUS, GpuPreset

HOURS_PER_MONTH = 730  # 8,760 hours a year / 12: what an always-on GPU is billed
CHINCHILLA_TOKENS_PER_PARAM = 20
DEFAULT_GPUS = 8
DEFAULT_MFU = 0.4
# Compute is priced in USD; a CNY plan converts at this rate (an estimate: the
# yuan traded near 7.1-7.3 per dollar through 2024). Founders type their own price.
CNY_PER_USD = 7.2


def gpu(gpu_id: str) -> GpuPreset:
    try:
        return GPUS[gpu_id]
    except KeyError:
        raise BudgetInputError("budget_err_gpu", gpu=gpu_id, known=", ".join(GPUS)) from None


def preset_price(gpu_id: str, market: str, which: str = "low") -> float:
    """A preset price per GPU-hour in the market's currency."""
    preset = gpu(gpu_id)
    usd = preset.price_low if which == "low" else preset.price_high
    return round(usd * (CNY_PER_USD if market == "cn" else 1.0), 2)


# ---------------------------------------------------------------- compute


def default_tokens(params: float) -> float:
    """Chinchilla: about 20 training tokens per parameter."""
    return CHINCHILLA_TOKENS_PER_PARAM * params


def training_flops(params: float, tokens: float | None = None) -> float:
    """6·N·D: forward and backward pass over D tokens for N parameters."""
    return 6.0 * params * (default_tokens(params) if tokens is None else tokens)


def gpu_hours(flops: float, peak_flops: float, mfu: float) -> float:
    """FLOPs / (peak FLOP/s · MFU · 3600)."""
    return flops / (peak_flops * mfu * 3600.0)


@dataclass(frozen=True)
class TrainingEstimate:
    params: float
    tokens: float
    gpu: str
    mfu: float
    price: float
    gpus: int
    flops: float
    gpu_hours: float
    cost: float
    days: float  # wall clock on `gpus` GPUs

    def as_dict(self) -> dict[str, float | int | str]:
        return {
            "params": self.params,
            "tokens": self.tokens,
            "gpu": self.gpu,
            "peak_flops": gpu(self.gpu).peak_flops,
            "mfu": self.mfu,
            "price_per_gpu_hour": self.price,
            "gpus": self.gpus,
            "training_flops": self.flops,
            "gpu_hours": self.gpu_hours,
            "cost": self.cost,
            "days": self.days,
        }


def _check_number(value: float, key: str, low: float, high: float, **params: object) -> float:
    if not isinstance(value, int | float) or math.isnan(value) or not low <= value <= high:
        raise BudgetInputError(key, value=value, low=low, high=high, **params)
    return float(value)


def estimate_training(
    params: float,
    tokens: float | None,
    gpu_id: str,
    mfu: float,
    price: float,
    gpus: int = DEFAULT_GPUS,
) -> TrainingEstimate:
    """One training run: FLOPs, GPU-hours, cost and wall-clock days on `gpus` GPUs."""
    _check_number(params, "budget_err_params", 1.0, 1e15)
    if tokens is not None:
        _check_number(tokens, "budget_err_tokens", 1.0, 1e18)
    _check_number(mfu, "budget_err_mfu", MFU_MIN, MFU_MAX)
    _check_number(price, "budget_err_price", 0.0, 1e5)
    if not isinstance(gpus, int) or isinstance(gpus, bool) or not 1 <= gpus <= 100_000:
        raise BudgetInputError("budget_err_gpus", value=gpus)
    preset = gpu(gpu_id)
    d = default_tokens(params) if tokens is None else float(tokens)
    flops = training_flops(params, d)
    hours = gpu_hours(flops, preset.peak_flops, mfu)
    return TrainingEstimate(
        params=float(params),
        tokens=d,
        gpu=gpu_id,
        mfu=float(mfu),
        price=float(price),
        gpus=gpus,
        flops=flops,
        gpu_hours=hours,
        cost=hours * price,
        days=hours / gpus / 24.0,
    )


@dataclass(frozen=True)
class InferenceEstimate:
    tokens_per_month: float
    flops_per_month: float
    needed_gpu_hours: float  # what the FLOPs take at the given utilisation
    gpu_hours: float  # billed: at least the reserved GPUs, all month
    cost_per_month: float


def estimate_inference(inputs: InferenceInputs, gpu_id: str, price: float) -> InferenceEstimate:
    tokens = inputs.users * inputs.requests_per_user * inputs.tokens_per_request
    flops = 2.0 * inputs.params * tokens
    needed = gpu_hours(flops, gpu(gpu_id).peak_flops, inputs.mfu)
    billed = max(needed, inputs.reserved_gpus * HOURS_PER_MONTH)
    return InferenceEstimate(tokens, flops, needed, billed, billed * price)


@dataclass(frozen=True)
class ComputeEstimate:
    training: TrainingEstimate | None
    inference: InferenceEstimate | None
    monthly: tuple[float, ...]  # compute cost in each month of the horizon


def training_cost_by_month(
    run: TrainingEstimate, inputs: TrainingInputs, months: int
) -> list[float]:
    costs = [0.0] * months
    if inputs.schedule == "none":
        return costs
    if inputs.schedule == "monthly":
        for m in range(inputs.month, months):
            costs[m] = run.cost * inputs.runs
    elif inputs.month < months:
        costs[inputs.month] = run.cost * inputs.runs
    return costs


def estimate_compute(compute: ComputeInputs, months: int = HORIZON_MONTHS) -> ComputeEstimate:
    run = None
    monthly = [0.0] * months
    if compute.training is not None:
        tr = compute.training
        run = estimate_training(
            tr.params, tr.tokens, compute.gpu, compute.mfu, compute.price_per_gpu_hour, compute.gpus
        )
        monthly = training_cost_by_month(run, tr, months)
    serving = None
    if compute.inference is not None:
        serving = estimate_inference(compute.inference, compute.gpu, compute.price_per_gpu_hour)
        monthly = [c + serving.cost_per_month for c in monthly]
    return ComputeEstimate(run, serving, tuple(monthly))


def default_compute(model_id: str, market: str) -> ComputeInputs:
    """The business model's starting compute profile, for the founder to edit.

    service: fine-tuning runs for clients and serving them; product: serving only
    (a fine-tuning estimate is shown, not spent); platform: pre-training its own
    model (the Chinchilla default, the worked example of docs/budget.md) and
    serving developers."""
    price = preset_price("h100", market, "low")
    base = {"gpu": "h100", "price_per_gpu_hour": price, "mfu": DEFAULT_MFU, "gpus": DEFAULT_GPUS}
    if model_id == "service":
        return ComputeInputs(
            **base,
            training=TrainingInputs(params=7e9, tokens=2e9, schedule="monthly", runs=2),
            inference=InferenceInputs(
                params=7e9,
                users=2_000,
                requests_per_user=300,
                tokens_per_request=1_500,
                reserved_gpus=1,
            ),
        )
    if model_id == "platform":
        return ComputeInputs(
            **base,
            training=TrainingInputs(params=7e9, schedule="once", runs=1, month=0),
            inference=InferenceInputs(
                params=7e9,
                users=5_000,
                requests_per_user=500,
                tokens_per_request=2_000,
                reserved_gpus=2,
            ),
        )
    # A product trains nothing by default; the fine-tuning estimate stays out of the burn.
    return ComputeInputs(
        **base,
        training=TrainingInputs(params=7e9, tokens=2e9, schedule="none"),
        inference=InferenceInputs(
            params=7e9,
            users=10_000,
            requests_per_user=100,
            tokens_per_request=1_000,
            reserved_gpus=1,
        ),
    )


def plan_compute(finances: Finances, model_id: str, market: str) -> ComputeInputs:
    """The compute profile the page shows: the founder's, or the model's default as a
    starting point. Only the founder's is counted (`chosen_compute`)."""
    return finances.compute or default_compute(model_id, market)


def chosen_compute(compute: ComputeInputs | None, months: int) -> ComputeEstimate:
    """What compute costs month by month: only what the founder chose; none chosen
    costs nothing (the default profile is a suggestion, never spent by itself)."""
    if compute is None:
        return ComputeEstimate(None, None, (0.0,) * months)
    return estimate_compute(compute, months)
