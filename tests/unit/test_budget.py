"""planner/budget.py: hand-computed payroll, runway and compute, and their invariants."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from planner import budget
from planner.budget import (
    BudgetInputError,
    CostBasis,
    estimate_training,
    format_money,
    parse_amount,
    runway,
)
from planner.catalog import Catalog
from planner.domain import (
    ComputeInputs,
    Finances,
    Funding,
    InferenceInputs,
    Member,
    Plan,
    PlannedHire,
    Team,
    TrainingInputs,
    earliest_start,
)

# ---------------------------------------------------------------- compute


def test_worked_example_7b_on_140b_tokens_on_h100():
    """docs/budget.md: 7B parameters, 140B tokens, H100 at 40 % MFU."""
    run = estimate_training(7e9, 140e9, "h100", 0.4, 2.99, gpus=8)
    assert run.flops == pytest.approx(5.88e21)  # 6 · 7e9 · 1.4e11
    assert run.gpu_hours == pytest.approx(5.88e21 / (989e12 * 0.4 * 3600))
    assert round(run.gpu_hours) == 4129  # "about 4,100 H100-hours"
    assert run.cost == pytest.approx(run.gpu_hours * 2.99)
    assert run.days == pytest.approx(run.gpu_hours / 8 / 24)  # 21.5 days on 8 GPUs


def test_tokens_default_to_twenty_per_parameter():
    run = estimate_training(7e9, None, "h100", 0.4, 2.99)
    assert run.tokens == 140e9
    assert run.flops == budget.training_flops(7e9, 140e9) == 6 * 7e9 * 140e9


@pytest.mark.parametrize(("gpu_id", "tflops"), [("a100", 312), ("h100", 989), ("h100_pcie", 756)])
def test_gpu_presets_are_the_datasheet_dense_bf16_figures(gpu_id, tflops):
    preset = budget.GPUS[gpu_id]
    assert preset.peak_flops == tflops * 1e12
    assert preset.peak_source and preset.price_source and preset.price_date
    assert 0 < preset.price_low <= preset.price_high


def test_a100_hours_for_a_small_run():
    # 1e9 params, default 2e10 tokens: 1.2e20 FLOPs / (312e12 · 0.5 · 3600) = 213.68 h.
    run = estimate_training(1e9, None, "a100", 0.5, 1.0, gpus=4)
    assert run.gpu_hours == pytest.approx(1.2e20 / (312e12 * 0.5 * 3600))
    assert run.gpu_hours == pytest.approx(213.675, abs=0.001)
    assert run.days == pytest.approx(213.675 / 4 / 24, abs=1e-3)


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"params": 0.0}, "budget_err_params"),
        ({"params": math.nan}, "budget_err_params"),
        ({"params": 1e20}, "budget_err_params"),
        ({"mfu": 0.05}, "budget_err_mfu"),
        ({"mfu": 0.9}, "budget_err_mfu"),
        ({"price": -1.0}, "budget_err_price"),
        ({"gpus": 0}, "budget_err_gpus"),
        ({"gpu_id": "v100"}, "budget_err_gpu"),
        ({"tokens": -5.0}, "budget_err_tokens"),
    ],
)
def test_bad_compute_inputs_are_refused(kwargs, key):
    args = {"params": 7e9, "tokens": None, "gpu_id": "h100", "mfu": 0.4, "price": 2.0, "gpus": 8}
    with pytest.raises(BudgetInputError) as info:
        estimate_training(**{**args, **kwargs})
    assert info.value.key == key


def test_inference_is_two_n_flops_per_token_and_reserved_gpus_bill_all_month():
    inputs = InferenceInputs(
        params=7e9, users=1_000, requests_per_user=100, tokens_per_request=1_000, mfu=0.2
    )
    est = budget.estimate_inference(inputs, "h100", 2.0)
    assert est.tokens_per_month == 1e8
    assert est.flops_per_month == 2 * 7e9 * 1e8  # 1.4e18
    assert est.gpu_hours == pytest.approx(1.4e18 / (989e12 * 0.2 * 3600))  # about 1.97 h
    assert est.cost_per_month == pytest.approx(est.gpu_hours * 2.0)
    kept_on = budget.estimate_inference(inputs.model_copy(update={"reserved_gpus": 2}), "h100", 2.0)
    assert kept_on.gpu_hours == 2 * 730 and kept_on.cost_per_month == 2 * 730 * 2.0


def test_a_one_off_run_is_paid_in_its_month_monthly_runs_every_month_from_it():
    once = ComputeInputs(
        price_per_gpu_hour=2.0, training=TrainingInputs(params=1e9, month=3, runs=2)
    )
    est = budget.estimate_compute(once, months=6)
    run = est.training.cost
    assert est.monthly == (0, 0, 0, 2 * run, 0, 0)
    monthly = once.model_copy(
        update={"training": TrainingInputs(params=1e9, schedule="monthly", runs=0.5, month=4)}
    )
    assert budget.estimate_compute(monthly, months=6).monthly == (0, 0, 0, 0, run / 2, run / 2)


@pytest.mark.parametrize("model_id", ["service", "product", "platform"])
def test_each_business_model_has_a_default_compute_profile(model_id):
    profile = budget.default_compute(model_id, "us")
    assert profile.inference is not None  # every model serves something
    # A product trains nothing: its fine-tuning estimate stays out of the burn.
    assert (profile.training.schedule == "none") == (model_id == "product")
    if model_id == "product":
        assert not any(
            budget.training_cost_by_month(
                budget.estimate_compute(profile).training, profile.training, 36
            )
        )
    if model_id == "platform":
        assert profile.training.tokens is None and profile.training.schedule == "once"
    if model_id == "service":
        assert profile.training.schedule == "monthly"  # fine-tuning for clients
    cny = budget.default_compute(model_id, "cn")
    assert cny.price_per_gpu_hour == pytest.approx(profile.price_per_gpu_hour * 7.2, abs=0.01)


# ---------------------------------------------------------------- people


@pytest.fixture
def us_basis(catalog: Catalog) -> CostBasis:
    return budget.cost_basis(Finances(), catalog.roles, "us")


def test_a_member_costs_the_role_mid_band_loaded_times_fte(us_basis, catalog):
    mid = catalog.roles["backend_engineer"].salary["us"].mid
    assert mid == 132_270  # BLS OEWS May 2023, software developers
    full = Member(name="A", role="Backend engineer", fte=1.0)
    half = Member(name="B", role="backend_engineer", fte=0.5)
    assert us_basis.member_monthly(full) == pytest.approx(132_270 * 1.3 / 12)  # 14,329.25
    assert us_basis.member_monthly(half) == pytest.approx(132_270 * 1.3 / 12 / 2)


def test_role_labels_match_in_both_languages_and_any_case(us_basis):
    assert us_basis.role_for("  后端工程师 ").id == "backend_engineer"
    assert us_basis.role_for("BACKEND ENGINEER").id == "backend_engineer"
    assert us_basis.role_for("Chief happiness officer") is None


def test_own_monthly_cost_wins_and_unknown_roles_get_the_default(us_basis, catalog):
    own = Member(name="A", role="Backend engineer", fte=0.5, monthly_cost=9_000)
    assert us_basis.member_monthly(own) == 9_000
    unknown = Member(name="B", role="CEO")
    mids = [r.salary["us"].mid for r in catalog.roles.values()]
    assert us_basis.member_monthly(unknown) == pytest.approx(sum(mids) / len(mids) * 1.3 / 12)
    fixed = budget.cost_basis(Finances(default_annual_salary=120_000), catalog.roles, "us")
    assert fixed.member_monthly(unknown) == pytest.approx(120_000 * 1.3 / 12)


def test_the_multiplier_is_editable(catalog):
    basis = budget.cost_basis(Finances(loaded_multiplier=1.5), catalog.roles, "cn")
    hire = PlannedHire(role="research_scientist", band="high")
    assert basis.hire_monthly(hire) == pytest.approx(1_500_000 * 1.5 / 12)
    own = PlannedHire(role="research_scientist", annual_salary=600_000)
    assert basis.hire_monthly(own) == pytest.approx(600_000 * 1.5 / 12)


@pytest.mark.parametrize(("weeks", "month"), [(0, 0), (1, 1), (4, 1), (5, 2), (8, 2), (13, 3)])
def test_a_hire_starts_once_recruiting_is_done(weeks, month):
    # 52/12 = 4.33 weeks a month: 13 weeks is exactly 3 months.
    assert earliest_start(weeks) == month
    assert PlannedHire(role="backend_engineer", weeks_to_hire=weeks).start == month


def test_a_start_month_before_recruiting_can_finish_is_refused():
    with pytest.raises(ValidationError, match="too early"):
        PlannedHire(role="backend_engineer", weeks_to_hire=8, start_month=1)
    assert PlannedHire(role="backend_engineer", weeks_to_hire=8, start_month=5).start == 5


def test_payroll_month_by_month(us_basis):
    hires = [
        PlannedHire(role="backend_engineer", weeks_to_hire=8),  # from month 2
        PlannedHire(role="backend_engineer", weeks_to_hire=0, start_month=4, annual_salary=120_000),
    ]
    costs = budget.hires_payroll(hires, us_basis, months=6)
    a, b = 132_270 * 1.3 / 12, 120_000 * 1.3 / 12
    assert costs == pytest.approx([0, 0, a, a, a + b, a + b])


# ---------------------------------------------------------------- runway


@pytest.mark.parametrize(
    ("cash", "outflow", "months", "zero"),
    [
        (1_200_000, [100_000] * 36, 12.0, 11),  # exactly used up at the end of month 12
        (1_250_000, [100_000] * 36, 12.5, 12),
        (0, [100_000] * 36, 0.0, 0),
        (150_000, [100_000, 100_000], 1.5, 1),
        (100, [0, -50, 10, 200], 3.7, 3),  # 100 → 100 → 150 → 140, then 140 of 200
        (5, [0] * 36, None, None),  # nothing spent: never runs out
        (1e9, [100_000] * 36, None, None),
    ],
)
def test_runway_hand_computed(cash, outflow, months, zero):
    got_months, got_zero = runway(cash, outflow)
    assert got_zero == zero
    assert got_months == (None if months is None else pytest.approx(months))


def test_revenue_grows_and_joins_the_balance():
    funding = Funding(cash=100_000, monthly_burn=10_000, monthly_revenue=1_000, revenue_growth=0.1)
    proj = budget.project(funding, [20_000] * 3, [500] * 3, months=3)
    assert proj.revenue == pytest.approx((1_000, 1_100, 1_210))
    assert proj.outflow == pytest.approx((29_500, 29_400, 29_290))
    assert proj.balance == pytest.approx((70_500, 41_100, 11_810))
    assert proj.runway is None


def test_summary_of_the_sample_plan(sample_team, catalog):
    fin = Finances(
        market="us",
        start_month="2026-01",
        funding=Funding(cash=3_000_000, monthly_burn=40_000),
        hires=(PlannedHire(role="backend_engineer", weeks_to_hire=10),),
    )
    plan = Plan(team=sample_team, business_model="product", finances=fin)
    model = catalog.business_models["product"]
    s = budget.summarize(plan, catalog, model, "en")
    basis = budget.cost_basis(fin, catalog.roles, "us")
    team = budget.team_payroll(sample_team, basis)
    assert s.burn_today == pytest.approx(team + 40_000)
    # No compute chosen: none counted; the hire starts in month 3.
    assert s.burn_plan == pytest.approx(team + 40_000)
    chosen = plan.model_copy(
        update={
            "finances": fin.model_copy(update={"compute": budget.default_compute("product", "us")})
        }
    )
    compute = budget.estimate_compute(budget.default_compute("product", "us")).monthly[0]
    assert budget.summarize(chosen, catalog, model, "en").burn_plan == pytest.approx(
        team + 40_000 + compute
    )
    hire = 132_270 * 1.3 / 12
    assert s.plan.projection.payroll[3] == pytest.approx(team + hire)
    assert s.today.projection.runway == pytest.approx(3_000_000 / (team + 40_000))
    assert s.plan.projection.runway < s.today.projection.runway
    assert s.plan.fit >= s.today.fit
    assert s.cost_per_fit_point() == pytest.approx(12 * hire / s.fit_points)
    assert budget.month_label(s.start, s.plan.projection.zero_month) > "2026-01"


def test_month_labels_roll_over_the_year():
    assert budget.month_label(date(2026, 11, 1), 0) == "2026-11"
    assert budget.month_label(date(2026, 11, 1), 2) == "2027-01"
    assert budget.month_label(date(2026, 11, 1), 14) == "2028-01"


# ---------------------------------------------------------------- scenarios


def test_up_to_four_scenarios_a_same_name_replaces():
    fin = Finances(funding=Funding(cash=1))
    for name in ("A", "B", "C", "D"):
        fin = budget.save_scenario(fin, name, "product", "us")
    with pytest.raises(BudgetInputError) as info:
        budget.save_scenario(fin, "E", "product", "us")
    assert info.value.key == "budget_err_scenario_full"
    richer = fin.model_copy(update={"funding": Funding(cash=2)})
    replaced = budget.save_scenario(richer, " b ", "product", "us")
    assert [s.name for s in replaced.scenarios] == ["A", "b", "C", "D"]
    assert replaced.scenarios[1].funding.cash == 2
    assert [s.name for s in budget.delete_scenario(replaced, "C").scenarios] == ["A", "b", "D"]
    with pytest.raises(BudgetInputError):
        budget.save_scenario(fin, "  ", "product", "us")


def test_applying_a_scenario_brings_back_its_hires_compute_and_funding():
    hires = (PlannedHire(role="backend_engineer"),)
    fin = Finances(hires=hires, funding=Funding(cash=5))
    fin = budget.save_scenario(fin, "Lean", "platform", "us")
    changed = fin.model_copy(update={"hires": (), "funding": Funding(cash=9), "compute": None})
    back = budget.apply_scenario(changed, "Lean")
    assert back.hires == hires and back.funding.cash == 5
    # No compute chosen: the scenario keeps none (a default is never spent by itself).
    assert back.compute is None
    chosen = fin.model_copy(update={"compute": budget.default_compute("platform", "us")})
    chosen = budget.save_scenario(chosen, "Lean", "platform", "us")
    back = budget.apply_scenario(chosen.model_copy(update={"compute": None}), "Lean")
    assert back.compute == budget.default_compute("platform", "us")


def test_compare_scenarios(sample_team, catalog):
    fin = Finances(market="us", funding=Funding(cash=2_000_000, monthly_burn=20_000))
    fin = budget.save_scenario(fin, "Lean", "product", "us")
    fin = fin.model_copy(update={"hires": (PlannedHire(role="growth_marketer"),)})
    fin = budget.save_scenario(fin, "Growth", "product", "us")
    plan = Plan(team=sample_team, finances=fin)
    lean, growth = budget.compare_scenarios(plan, catalog, catalog.business_models["product"], "en")
    assert (lean.name, growth.name) == ("Lean", "Growth")
    assert growth.fit >= lean.fit
    assert growth.burn_month_12 > lean.burn_month_12
    assert growth.hiring_cost_year == pytest.approx(115_000 * 1.3)
    assert growth.projection.runway < lean.projection.runway


# ---------------------------------------------------------------- hiring within a budget


def test_recommended_hires_fit_in_the_monthly_budget(sample_team, catalog, us_basis):
    model = catalog.business_models["platform"]
    costs = budget.role_costs(catalog.roles, us_basis)
    free = budget.recommend_within_budget(sample_team, model, catalog.roles, us_basis, None)
    assert free
    cheapest = min(costs.values())
    limit = 2.5 * cheapest
    picks = budget.recommend_within_budget(sample_team, model, catalog.roles, us_basis, limit)
    assert picks and sum(p.monthly_cost for p in picks) <= limit
    assert all(p.monthly_cost == costs[p.role_id] for p in picks)
    assert (
        budget.recommend_within_budget(sample_team, model, catalog.roles, us_basis, cheapest - 1)
        == []
    )
    hires = budget.hires_from(picks, catalog.roles, "mid")
    assert [h.role for h in hires] == [p.role_id for p in picks]
    assert all(h.weeks_to_hire == catalog.roles[h.role].weeks_to_hire for h in hires)


# ---------------------------------------------------------------- typed numbers


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1200000", 1_200_000),
        ("1,200,000", 1_200_000),
        ("¥1.2M", 1_200_000),
        ("$850k", 850_000),
        ("500万", 5_000_000),
        ("1.2亿", 120_000_000),
        ("7B", 7e9),
        ("7bn", 7e9),
        ("1e9", 1e9),
        (" 0 ", 0),
        (42, 42),
    ],
)
def test_amounts_as_founders_write_them(text, value):
    assert parse_amount(text) == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("", "budget_err_empty"),
        (None, "budget_err_empty"),
        ("nan", "budget_err_nan"),
        ("inf", "budget_err_nan"),
        ("abc", "budget_err_nan"),
        ("1.2.3", "budget_err_nan"),
        ("-5", "budget_err_negative"),
        ("1e20", "budget_err_too_big"),
        ("1e400", "budget_err_nan"),
    ],
)
def test_bad_amounts_are_refused(text, key):
    with pytest.raises(BudgetInputError) as info:
        parse_amount(text)
    assert info.value.key == key
    assert parse_amount("", allow_empty=True) is None


@pytest.mark.parametrize(
    ("value", "market", "text"),
    [
        (1_234_567, "cn", "¥1,234,567"),
        (1_234_567.4, "cn", "¥1,234,567"),
        (-5_000, "cn", "-¥5,000"),
        (1_200_000, "us", "$1.2M"),
        (12_000_000, "us", "$12M"),
        (999_960, "us", "$1M"),
        (850_000, "us", "$850K"),
        (12_345, "us", "$12.3K"),
        (950, "us", "$950"),
        (3.4e9, "us", "$3.4B"),
        (-12_345, "us", "-$12.3K"),
        (0, "us", "$0"),
    ],
)
def test_money_as_each_market_writes_it(value, market, text):
    assert format_money(value, market) == text


# ---------------------------------------------------------------- domain


@pytest.mark.parametrize(
    "bad",
    [
        {"funding": {"cash": -1}},
        {"funding": {"cash": math.nan}},
        {"funding": {"cash": 1e20}},
        {"funding": {"monthly_burn": math.inf}},
        {"loaded_multiplier": 0.5},
        {"start_month": "2026-13"},
        {"start_month": "jan"},
        {"market": "eu"},
        {"scenarios": [{"name": "A"}, {"name": "a"}]},
        {"scenarios": [{"name": str(i)} for i in range(5)]},
        {"compute": {"gpu": "v100", "price_per_gpu_hour": 1}},
        {"compute": {"price_per_gpu_hour": 1, "mfu": 0.9}},
    ],
)
def test_finances_refuse_bad_values(bad):
    with pytest.raises(ValidationError):
        Finances.model_validate(bad)


def test_old_plans_without_finances_load_unchanged():
    old = {"schema": 1, "name": "Old", "business_model": "service", "team": [{"name": "A"}]}
    plan = Plan.model_validate(old)
    assert plan.finances == Finances()
    assert "monthly_cost" not in plan.model_dump(by_alias=True, mode="json")["team"][0]


def test_finances_round_trip_through_plan_json():
    from planner.store.plans import (
        parse_plan_json,
        plan_to_json,
    )

    fin = Finances(
        market="cn",
        start_month="2026-03",
        funding=Funding(cash=5e6, monthly_burn=1e5, monthly_revenue=2e4, revenue_growth=0.05),
        loaded_multiplier=1.4,
        hires=(PlannedHire(role="mlops_engineer", band="high", weeks_to_hire=10, start_month=6),),
        monthly_budget=2e5,
        compute=budget.default_compute("service", "cn"),
    )
    fin = budget.save_scenario(fin, "精简", "service", "cn")
    plan = Plan(
        name="P",
        team=Team(members=(Member(name="A", role="CTO", monthly_cost=50_000),)),
        finances=fin,
    )
    assert parse_plan_json(plan_to_json(plan)) == plan


# ---------------------------------------------------------------- properties

amounts = st.floats(min_value=0, max_value=1e8, allow_nan=False)
hire_roles = st.sampled_from(
    ["backend_engineer", "research_scientist", "growth_marketer", "data_steward"]
)


@settings(max_examples=60, deadline=None)
@given(
    cash=amounts,
    burn=amounts,
    revenue=amounts,
    growth=st.floats(min_value=-0.5, max_value=1.0),
    role=hire_roles,
    band=st.sampled_from(["low", "mid", "high"]),
    weeks=st.integers(min_value=0, max_value=104),
)
def test_runway_never_grows_when_a_hire_is_added(
    catalog, sample_team, cash, burn, revenue, growth, role, band, weeks
):
    fin = Finances(
        market="us",
        funding=Funding(
            cash=cash, monthly_burn=burn, monthly_revenue=revenue, revenue_growth=growth
        ),
        compute=ComputeInputs(price_per_gpu_hour=0),
    )
    model = catalog.business_models["platform"]
    before = budget.summarize(Plan(team=sample_team, finances=fin), catalog, model, "en")
    more = fin.model_copy(
        update={"hires": (PlannedHire(role=role, band=band, weeks_to_hire=weeks),)}
    )
    after = budget.summarize(Plan(team=sample_team, finances=more), catalog, model, "en")
    inf = math.inf
    old = before.plan.projection.runway
    new = after.plan.projection.runway
    assert (inf if new is None else new) <= (inf if old is None else old) + 1e-9
    assert all(
        a <= b + 1e-6
        for a, b in zip(after.plan.projection.balance, before.plan.projection.balance, strict=True)
    )


@settings(max_examples=80, deadline=None)
@given(
    params=st.floats(min_value=1e6, max_value=1e12),
    tokens=st.floats(min_value=1e6, max_value=1e14),
    price=st.floats(min_value=0.01, max_value=100),
    k=st.floats(min_value=0.1, max_value=10),
    gpu_id=st.sampled_from(sorted(budget.GPUS)),
    mfu=st.floats(min_value=0.1, max_value=0.6),
)
def test_cost_is_linear_in_price_and_flops_linear_in_n_and_d(params, tokens, price, k, gpu_id, mfu):
    base = estimate_training(params, tokens, gpu_id, mfu, price)
    dearer = estimate_training(params, tokens, gpu_id, mfu, price * k)
    assert dearer.cost == pytest.approx(k * base.cost, rel=1e-9)
    assert dearer.gpu_hours == base.gpu_hours
    assert budget.training_flops(params * k, tokens) == pytest.approx(k * base.flops, rel=1e-9)
    assert budget.training_flops(params, tokens * k) == pytest.approx(k * base.flops, rel=1e-9)
    # With the Chinchilla default D = 20·N, FLOPs grow with N squared.
    assert budget.training_flops(params * k) == pytest.approx(
        k * k * budget.training_flops(params), rel=1e-9
    )


@settings(max_examples=60, deadline=None)
@given(value=st.floats(min_value=0, max_value=1e12), market=st.sampled_from(["cn", "us"]))
def test_formatted_money_reads_back_close_to_the_value(value, market):
    back = parse_amount(format_money(value, market))
    # ¥ is written in full (to the yuan); $ to three significant figures or so.
    tolerance = 0.5 if market == "cn" else max(0.5, value * 0.051)
    assert abs(back - value) <= tolerance


# ---------------------------------------------------------------- the report's section


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_budget_section_for_the_report(sample_team, catalog, lang):
    from planner.budget.charts import budget_section

    fin = Finances(
        market="cn",
        start_month="2026-01",
        funding=Funding(cash=3e6, monthly_burn=2e5),
        hires=(PlannedHire(role="mlops_engineer", weeks_to_hire=10),),
        compute=budget.default_compute("platform", "cn"),  # chosen by the founder
    )
    plain = Plan(team=sample_team, business_model="platform", finances=fin)
    model = catalog.business_models["platform"]
    section = budget_section(plain, catalog, lang, model)
    assert set(section.figures) == {"runway_chart"}  # no scenario saved: no comparison
    assert section.scenarios == []
    assert section.title == {"en": "Budget and runway", "zh": "预算与跑道"}[lang]
    assert "financial advice" in section.note or "财务建议" in section.note
    flops = {"en": "Training FLOPs (6·N·D)", "zh": "训练算力 FLOPs（6·N·D）"}[lang]
    rows = {next(iter(r.values())): list(r.values())[1] for r in section.compute}
    assert rows[flops] == "5.88e+21"  # the platform profile pre-trains 7B on 20·N tokens
    burn, burn_plan, runway_today, runway_plan, per_fit, per_res = (
        list(r.values())[1] for r in section.kpis
    )
    assert all(v.startswith("¥") for v in (burn, burn_plan, per_fit, per_res))
    assert float(runway_today) == pytest.approx(3e6 / section.summary.burn_today, abs=0.05)
    assert float(runway_plan) < float(runway_today)
    saved = budget.save_scenario(fin, "A", "platform", "cn")
    with_scenario = plain.model_copy(update={"finances": saved})
    section = budget_section(with_scenario, catalog, lang, model)
    assert set(section.figures) == {"runway_chart", "scenario_compare"}
    assert [next(iter(r.values())) for r in section.scenarios] == ["A"]
    for fig in section.figures.values():
        assert fig.to_json()  # exportable as every other chart


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_newcomers_budget_shows_what_to_enter_not_a_runway(catalog, lang):
    """Issue 20: cash 0 and default compute made a new plan read "runway 0.0" and
    "cash runs out", and an empty team "with the plan 0.0"."""
    from planner.budget.charts import budget_section
    from planner.i18n import t

    model = catalog.business_models["platform"]
    for team in (Team(), Team(members=(Member(name="A", skills={"product.backend": 4}),))):
        plan = Plan(team=team, business_model="platform")
        s = budget.summarize(plan, catalog, model, lang)
        assert not s.cash_entered
        # Compute the founder did not choose is never counted: an empty team burns 0.
        assert s.plan.compute.monthly == (0.0,) * s.plan.projection.months
        if not team.members:
            assert s.burn_plan == 0 and s.burn_today == 0
        section = budget_section(plan, catalog, lang, model)
        assert "runway_chart" not in section.figures  # no "cash runs out" chart
        values = [list(r.values())[1] for r in section.kpis]
        assert t("budget_enter_cash", lang) in values
        assert "0.0" not in values
    with_cash = Plan(business_model="platform", finances=Finances(funding=Funding(cash=1e6)))
    assert budget.summarize(with_cash, catalog, model, lang).cash_entered


# ---------------------------------------------------------------- hires follow the hiring plan


def _product_plan(team, hires=(), follow=True) -> Plan:
    fin = Finances(market="us", funding=Funding(cash=2e6), hires=hires, hires_follow_plan=follow)
    return Plan(team=team, business_model="product", finances=fin)


def test_a_part_time_step_is_costed_by_its_share_never_as_a_full_time_salary(catalog, us_basis):
    model = catalog.business_models["product"]
    # Two experts everywhere: the plan's steps are backups ("part-time or training").
    team = Team(
        members=tuple(
            Member(name=f"P{i}", skills=dict.fromkeys(model.requirements, 5)) for i in range(2)
        )
    )
    picks = budget.recommend_within_budget(team, model, catalog.roles, us_basis, None)
    assert picks and all(p.fte == 0.25 for p in picks)
    full = budget.role_costs(catalog.roles, us_basis)
    assert [p.monthly_cost for p in picks] == pytest.approx([full[p.role_id] / 4 for p in picks])
    hires = budget.hires_from(picks, catalog.roles, "mid")
    assert [h.fte for h in hires] == [0.25] * len(picks)
    assert sum(us_basis.hire_monthly(h) for h in hires) == pytest.approx(
        sum(p.monthly_cost for p in picks)
    )
    # A quarter-time hire does all the step did: the plan's fit and resilience hold.
    s = budget.summarize(_product_plan(team, hires), catalog, model, "en")
    assert (s.plan.fit, s.plan.resilience) == pytest.approx(
        (picks[-1].fit_after, picks[-1].resilience_after)
    )


def test_the_budget_sees_when_the_hiring_plan_changes(sample_team, catalog):
    model = catalog.business_models["product"]
    wanted = budget.planned_hires(_product_plan(sample_team), catalog, model, "us")
    plan = _product_plan(sample_team, wanted)
    change, _ = budget.stale_plan_hires(plan, catalog, model, "us")
    assert not change  # just recommended: nothing to say
    # A level raised: Eva reaches backend level 4, so the plan no longer needs that hire.
    raised = Team(
        members=tuple(
            m.model_copy(update={"skills": {**m.skills, "product.backend": 4}})
            if m.name == "Eva Müller"
            else m
            for m in sample_team.members
        )
    )
    moved = plan.model_copy(update={"team": raised})
    change, now = budget.stale_plan_hires(moved, catalog, model, "us")
    assert change and ("backend_engineer", 1.0) in change.removed
    assert budget.hires_change(now, now).added == ()
    # Hand-picked hires are the founder's: no notice.
    mine = moved.model_copy(
        update={"finances": moved.finances.model_copy(update={"hires_follow_plan": False})}
    )
    assert not budget.stale_plan_hires(mine, catalog, model, "us")[0]


def test_the_report_costs_the_hiring_plan_as_it_is_now(sample_team, catalog):
    """One plan per report: its budget section costs the hires its hiring section shows."""
    from planner.budget.charts import budget_section

    model = catalog.business_models["product"]
    old = (PlannedHire(role="solutions_sales"),) * 5  # a stale recommendation
    plan = _product_plan(sample_team, old)
    section = budget_section(plan, catalog, "en", model)
    wanted = budget.planned_hires(plan, catalog, model, "us")
    fresh = budget.summarize(_product_plan(sample_team, wanted), catalog, model, "en")
    assert section.summary.plan.hires_monthly == pytest.approx(fresh.plan.hires_monthly)
    assert section.summary.plan.fit == pytest.approx(fresh.plan.fit)
    # Hand-picked hires stay as they are.
    mine = _product_plan(sample_team, old, follow=False)
    kept = budget_section(mine, catalog, "en", model).summary.plan.hires_monthly
    assert kept == pytest.approx(budget.summarize(mine, catalog, model, "en").plan.hires_monthly)
