"""The compute the business model needs (the article's 算力需求): a training run
and a month of serving, priced, starting from the model's default profile."""

from __future__ import annotations

import streamlit as st

from components.budget.compute_fields import (
    GPU,
    GPUS,
    INF_MFU,
    INF_PARAMS,
    MFU,
    MODE,
    MONTH,
    PARAMS,
    PRICE,
    REQUESTS,
    RESERVED,
    RUNS,
    SERVING,
    TOKENS,
    TOKENS_REQ,
    USERS,
)
from components.budget.fields import (
    Field,
    View,
    apply,
    on_change,
    on_number_change,
    show_error,
    view,
)
from components.state import Ctx, is_read_only
from planner import budget
from planner.budget import BudgetSummary
from planner.budget.charts import compute_rows
from planner.domain import MARKETS, TrainingInputs
from planner.formatting import md

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


def _use_default(market: str, model_id: str) -> None:
    """The founder chooses the suggested profile as it is: from now on it is counted."""

    def change(data: dict) -> None:
        data["compute"] = budget.default_compute(model_id, market).model_dump()

    apply(change, "compute_use", View(market, model_id))


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
            model=md(ctx.model.label(ctx.lang)),
            # A custom model starts from the product profile (budget.default_compute).
            profile=ctx.t(PROFILE_KEYS.get(ctx.model.id, "budget_profile_product")),
        )
    )
    if default and not is_read_only():
        st.button(
            ctx.t("budget_compute_use"),
            key="compute_use",
            on_click=_use_default,
            args=(v.market, v.model_id),
            icon=":material/add_task:",
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
            **on_number_change(GPUS, ctx),
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
            **on_number_change(RUNS, ctx),
        )
        b.number_input(
            ctx.t("budget_month_label"),
            min_value=1,
            max_value=36,
            step=1,
            help=ctx.t("budget_month_help"),
            **on_number_change(MONTH, ctx),
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
                **on_number_change(USERS, ctx),
            )
            b.number_input(
                ctx.t("budget_requests_label"),
                min_value=0.0,
                max_value=1e6,
                step=10.0,
                format="%.0f",
                **on_number_change(REQUESTS, ctx),
            )
            c.number_input(
                ctx.t("budget_tokens_req_label"),
                min_value=0.0,
                max_value=1e7,
                step=100.0,
                format="%.0f",
                **on_number_change(TOKENS_REQ, ctx),
            )
            a, b = st.columns(2)
            a.number_input(
                ctx.t("budget_reserved_label"),
                min_value=0,
                max_value=100_000,
                step=1,
                help=ctx.t("budget_reserved_help"),
                **on_number_change(RESERVED, ctx),
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
    # The profile shown, estimated even while it is only a suggestion (not counted).
    estimate = budget.estimate_compute(inputs, summary.plan.projection.months)
    rows = compute_rows(estimate, inputs, v.market, ctx.lang)
    with st.container(key="compute_result"):
        if rows:
            # Every row in view: at the default height the last one hid under a scroll.
            st.dataframe(rows, hide_index=True, width="stretch", height="content")
        else:
            st.info(ctx.t("budget_compute_none"))
