"""The compute the business model needs (the article's 算力需求): a training run
and a month of serving, priced, starting from the model's default profile."""

from __future__ import annotations

import streamlit as st

from components.budget_fields import Field, View, apply, on_change, show_error, view
from components.state import Ctx, is_read_only
from planner import budget
from planner.budget import BudgetInputError, BudgetSummary, format_plain, parse_amount
from planner.budget_charts import compute_rows
from planner.domain import MARKETS, Finances, InferenceInputs, TrainingInputs

TRAINING_KEYS = {
    "none": "budget_training_none",
    "once": "budget_training_once",
    "monthly": "budget_training_monthly",
}
RUNS_KEYS = {
    "none": "budget_runs_none",
    "once": "budget_runs_once",
    "monthly": "budget_runs_monthly",
}
PROFILE_KEYS = {
    "service": "budget_profile_service",
    "product": "budget_profile_product",
    "platform": "budget_profile_platform",
}


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


def _reset(market: str, model_id: str) -> None:
    def change(data: dict) -> None:
        data["compute"] = None

    apply(change, "compute_reset", View(market, model_id))


def _text(ctx: Ctx, f: Field, label: str, help_key: str, **kw) -> None:
    st.text_input(label, help=ctx.t(help_key), **kw, **on_change(f, ctx))
    show_error(f)


def compute_section(ctx: Ctx, summary: BudgetSummary) -> None:
    v = view(ctx)
    inputs = budget.plan_compute(ctx.plan.finances, v.model_id, v.market)
    currency = MARKETS[v.market]
    st.subheader(ctx.t("budget_compute_title"))
    default = ctx.plan.finances.compute is None
    st.caption(
        ctx.t(
            "budget_compute_default" if default else "budget_compute_edited",
            model=ctx.model.label(ctx.lang),
            # A custom model starts from the product profile (budget.default_compute).
            profile=ctx.t(PROFILE_KEYS.get(ctx.model.id, "budget_profile_product")),
        )
    )
    if not default and not is_read_only():
        st.button(
            ctx.t("budget_compute_reset"),
            key="compute_reset",
            on_click=_reset,
            args=(v.market, v.model_id),
            icon=":material/restart_alt:",
        )
    preset = budget.gpu(inputs.gpu)
    training = inputs.training or TrainingInputs(params=7e9, schedule="none")
    cols = st.columns(4)
    with cols[0]:
        st.selectbox(
            ctx.t("budget_gpu_label"),
            list(budget.GPUS),
            format_func=lambda g: (
                f"{budget.GPUS[g].label} ({budget.GPUS[g].peak_tflops:g} TFLOP/s)"
            ),
            help=ctx.t("budget_gpu_help"),
            **on_change(GPU, ctx),
        )
    with cols[1]:
        _text(ctx, PRICE, ctx.t("budget_price_label", currency=currency), "budget_price_help")
    with cols[2]:
        st.slider(
            ctx.t("budget_mfu_label"),
            min_value=10,
            max_value=60,
            step=1,
            format="%d%%",
            help=ctx.t("budget_mfu_help"),
            **on_change(MFU, ctx),
        )
    with cols[3]:
        st.number_input(
            ctx.t("budget_gpus_label"),
            min_value=1,
            max_value=100_000,
            step=1,
            help=ctx.t("budget_gpus_help"),
            **on_change(GPUS, ctx),
        )
        show_error(GPUS)
    st.caption(
        ctx.t(
            "budget_price_preset",
            gpu=preset.label,
            low=budget.format_money(budget.preset_price(preset.id, v.market, "low"), v.market),
            high=budget.format_money(budget.preset_price(preset.id, v.market, "high"), v.market),
            source=preset.price_source(ctx.lang),
            date=preset.price_date,
            peak=preset.peak_source(ctx.lang),
        )
    )
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{ctx.t('budget_training_title')}**")
        st.segmented_control(
            ctx.t("budget_training_mode"),
            tuple(TRAINING_KEYS),
            format_func=lambda m: ctx.t(TRAINING_KEYS[m]),
            required=True,
            **on_change(MODE, ctx),
        )
        _text(ctx, PARAMS, ctx.t("budget_params_label"), "budget_params_help")
        _text(
            ctx,
            TOKENS,
            ctx.t("budget_tokens_label"),
            "budget_tokens_help",
            placeholder=ctx.t(
                "budget_tokens_placeholder",
                tokens=budget.format_count(budget.default_tokens(training.params)),
            ),
        )
        a, b = st.columns(2)
        a.number_input(
            ctx.t(RUNS_KEYS[training.schedule]),
            min_value=0.0,
            max_value=1000.0,
            step=1.0,
            **on_change(RUNS, ctx),
        )
        b.number_input(
            ctx.t("budget_month_label"),
            min_value=1,
            max_value=36,
            step=1,
            help=ctx.t("budget_month_help"),
            **on_change(MONTH, ctx),
        )
    with right:
        st.markdown(f"**{ctx.t('budget_serving_title')}**")
        st.toggle(ctx.t("budget_serving_on"), **on_change(SERVING, ctx))
        if inputs.inference is not None:
            _text(ctx, INF_PARAMS, ctx.t("budget_params_label"), "budget_inf_params_help")
            a, b, c = st.columns(3)
            a.number_input(
                ctx.t("budget_users_label"),
                min_value=0.0,
                max_value=1e10,
                step=100.0,
                format="%.0f",
                **on_change(USERS, ctx),
            )
            b.number_input(
                ctx.t("budget_requests_label"),
                min_value=0.0,
                max_value=1e6,
                step=10.0,
                format="%.0f",
                **on_change(REQUESTS, ctx),
            )
            c.number_input(
                ctx.t("budget_tokens_req_label"),
                min_value=0.0,
                max_value=1e7,
                step=100.0,
                format="%.0f",
                **on_change(TOKENS_REQ, ctx),
            )
            a, b = st.columns(2)
            a.number_input(
                ctx.t("budget_reserved_label"),
                min_value=0,
                max_value=100_000,
                step=1,
                help=ctx.t("budget_reserved_help"),
                **on_change(RESERVED, ctx),
            )
            b.slider(
                ctx.t("budget_inf_mfu_label"),
                min_value=10,
                max_value=60,
                step=1,
                format="%d%%",
                help=ctx.t("budget_inf_mfu_help"),
                **on_change(INF_MFU, ctx),
            )
    show_error("compute_reset")
    rows = compute_rows(summary.plan.compute, inputs, v.market, ctx.lang)
    with st.container(key="compute_result"):
        if rows:
            st.dataframe(rows, hide_index=True, width="stretch")
        else:
            st.info(ctx.t("budget_compute_none"))
