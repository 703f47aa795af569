"""The compute inputs as fields (the article's 算力需求): each reads the plan's
compute, or the model's default profile while the plan has none, and writes
it back, making the default profile explicit on the first edit."""

from __future__ import annotations

from components.budget.fields import Field, View
from planner import budget
from planner.budget import BudgetInputError, format_plain, parse_amount
from planner.domain import Finances, InferenceInputs, TrainingInputs


def _compute(fin: Finances, v: View):
    return budget.plan_compute(fin, v.model_id, v.market)


def _compute_data(data: dict, v: View) -> dict:
    """The plan's compute as plain data, the default profile made explicit on first edit."""
    if data.get("compute") is None:
        data["compute"] = budget.default_compute(v.model_id, v.market).model_dump()
    if data["compute"].get("training") is None:
        # The estimate is always there to edit; "none" keeps it out of the burn.
        data["compute"]["training"] = TrainingInputs(params=7e9, schedule="none").model_dump()
    return data["compute"]


def _read(path: str, fmt=lambda x: x):
    def read(fin: Finances, v: View) -> object:
        value: object = _compute(fin, v)
        for part in path.split("."):
            value = None if value is None else getattr(value, part)
        return fmt(value)

    return read


def _write(path: str, convert):
    def write(data: dict, value: object, v: View) -> None:
        target = _compute_data(data, v)
        *parents, last = path.split(".")
        for part in parents:
            if target.get(part) is None:
                raise BudgetInputError("budget_err_section_off")
            target = target[part]
        target[last] = convert(value)

    return write


def _positive(limit: float):
    def convert(value: object) -> float:
        amount = parse_amount(value, limit=limit)
        if not amount:
            raise BudgetInputError("budget_err_zero")
        return amount

    return convert


def _optional(limit: float):
    def convert(value: object) -> float | None:
        amount = parse_amount(value, limit=limit, allow_empty=True)
        if amount == 0:
            raise BudgetInputError("budget_err_zero")
        return amount

    return convert


def _plain(value: object) -> str:
    return "" if value is None else format_plain(float(value))  # type: ignore[arg-type]


def _training_mode_write(data: dict, value: object, v: View) -> None:
    _compute_data(data, v)["training"]["schedule"] = value


def _serving_write(data: dict, value: object, v: View) -> None:
    compute = _compute_data(data, v)
    if not value:
        compute["inference"] = None
    elif compute.get("inference") is None:
        compute["inference"] = InferenceInputs(
            params=7e9, users=1_000, requests_per_user=100, tokens_per_request=1_000
        ).model_dump()


GPU = Field("compute_gpu", _read("gpu"), _write("gpu", str))
PRICE = Field(
    "compute_price",
    _read("price_per_gpu_hour", _plain),
    _write("price_per_gpu_hour", lambda v: parse_amount(v, limit=1e5)),
)
MFU = Field(
    "compute_mfu", _read("mfu", lambda x: round(x * 100)), _write("mfu", lambda v: float(v) / 100)
)
GPUS = Field("compute_gpus", _read("gpus"), _write("gpus", int))
MODE = Field(
    "compute_training",
    _read("training.schedule", lambda x: x or "none"),
    _training_mode_write,
)
PARAMS = Field(
    "compute_params", _read("training.params", _plain), _write("training.params", _positive(1e15))
)
TOKENS = Field(
    "compute_tokens", _read("training.tokens", _plain), _write("training.tokens", _optional(1e18))
)
RUNS = Field(
    "compute_runs",
    _read("training.runs", lambda x: 1.0 if x is None else float(x)),
    _write("training.runs", float),
)
MONTH = Field(
    "compute_month",
    _read("training.month", lambda x: 1 if x is None else x + 1),
    _write("training.month", lambda v: int(v) - 1),
)
SERVING = Field(
    "compute_serving", lambda fin, v: _compute(fin, v).inference is not None, _serving_write
)
INF_PARAMS = Field(
    "compute_inf_params",
    _read("inference.params", _plain),
    _write("inference.params", _positive(1e15)),
)
USERS = Field(
    "compute_users",
    _read("inference.users", lambda x: 0.0 if x is None else float(x)),
    _write("inference.users", float),
)
REQUESTS = Field(
    "compute_requests",
    _read("inference.requests_per_user", lambda x: 0.0 if x is None else float(x)),
    _write("inference.requests_per_user", float),
)
TOKENS_REQ = Field(
    "compute_tokens_req",
    _read("inference.tokens_per_request", lambda x: 0.0 if x is None else float(x)),
    _write("inference.tokens_per_request", float),
)
RESERVED = Field(
    "compute_reserved",
    _read("inference.reserved_gpus", lambda x: 0 if x is None else int(x)),
    _write("inference.reserved_gpus", int),
)
INF_MFU = Field(
    "compute_inf_mfu",
    _read("inference.mfu", lambda x: 20 if x is None else round(x * 100)),
    _write("inference.mfu", lambda v: float(v) / 100),
)


FIELDS = (
    GPU,
    PRICE,
    MFU,
    GPUS,
    MODE,
    PARAMS,
    TOKENS,
    RUNS,
    MONTH,
    SERVING,
    INF_PARAMS,
    USERS,
    REQUESTS,
    TOKENS_REQ,
    RESERVED,
    INF_MFU,
)
