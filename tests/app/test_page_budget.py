"""AppTest: the budget page in both languages: runway, bad input, compute, hires,
scenarios, autosave and the read-only shared view."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from components.plans import database_url
from components.state import PLAN_VERSION
from planner import budget
from planner.domain import Finances, Funding, Plan, PlannedHire, Team, earliest_start
from planner.store import Store
from tests.support.apptest import chart_spec, no_exception, open_page


def budget_page(lang: str = "en", plan: Plan | None = None) -> AppTest:
    at = open_page("budget", lang=lang, state={"plan": plan} if plan else None)
    no_exception(at)
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def finances(at: AppTest) -> Finances:
    return at.session_state["plan"].finances


def typed(at: AppTest, key: str, text: str) -> AppTest:
    at.text_input(key=key).input(text).run()
    no_exception(at)
    return at


@pytest.fixture
def sample_plan(sample_team) -> Plan:
    return Plan(team=sample_team, business_model="platform")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_runs_empty_and_with_a_team(lang, sample_plan):
    empty = budget_page(lang)
    assert empty.title[0].value == {"en": "Budget and runway", "zh": "预算与跑道"}[lang]
    for key in ("budget_cash", "budget_burn", "compute_params", "scenario_name"):
        assert empty.text_input(key=key)
    assert empty.selectbox(key="compute_gpu").value == "h100"
    assert empty.button(key="scenario_save")
    assert empty.get_by_key("compute_result")
    # No cash entered yet: what to enter, no runway chart (issue 20).
    assert empty.get_by_key("budget_enter_cash")
    assert "runway_chart" not in [c.key for c in empty.get("plotly_chart")]
    full = budget_page(lang, sample_plan)
    # The market follows the language until a founder picks one.
    symbol = {"en": "$", "zh": "¥"}[lang]
    assert all(symbol in v for k, v in metrics(full).items() if "burn" in k or "消耗" in k)


def test_cash_and_burn_give_the_runway_and_the_zero_cash_month():
    at = budget_page("en", Plan(finances=Finances(market="us", start_month="2026-01")))
    typed(at, "budget_cash", "1,200,000")
    typed(at, "budget_burn", "100k")
    assert finances(at).funding == Funding(cash=1_200_000, monthly_burn=100_000)
    shown = metrics(at)
    assert shown["Monthly burn today"] == "$100K"
    assert shown["Runway today (months)"] == "12.0"  # 1.2M / 100K, no team, no hires
    spec = chart_spec(at, "runway_chart")
    assert "12.0 months today" in spec["layout"]["title"]["subtitle"]["text"]
    markers = [tr for tr in spec["data"] if tr.get("mode", "").startswith("markers")]
    # Cash 1.2M at 100K a month reaches zero at the end of the twelfth month: 2026-12.
    assert markers and markers[0]["x"] == ["2026-12"]
    assert "cash runs out 2026-12" in markers[0]["text"][0]
    # The box shows the value as the plan keeps it.
    assert at.text_input(key="budget_burn").value == "100,000"


@pytest.mark.parametrize(
    ("text", "en", "zh"),
    [
        ("-5", "is negative", "为负数"),
        ("nan", "is not a number", "不是数字"),
        ("abc", "is not a number", "不是数字"),
        ("1e20", "looks like a typo", "可能是输入错误"),
        ("", "Enter a number", "请输入数字"),
    ],
)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bad_input_is_refused_in_the_users_language_and_the_last_value_kept(lang, text, en, zh):
    at = budget_page(lang, Plan(finances=Finances(market="cn")))
    typed(at, "budget_cash", "500万")
    assert finances(at).funding.cash == 5_000_000
    typed(at, "budget_cash", text)
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and {"en": en, "zh": zh}[lang] in errors[0]
    assert {"en": "last valid value is kept", "zh": "已保留上一个有效值"}[lang] in errors[0]
    assert finances(at).funding.cash == 5_000_000
    assert at.text_input(key="budget_cash").value == "5,000,000"
    at.run()  # the message is said once, the value stays
    assert not at.error and finances(at).funding.cash == 5_000_000


def test_currency_is_written_as_each_market_writes_it():
    at = budget_page("en", Plan(finances=Finances(market="cn")))
    typed(at, "budget_burn", "1234567")
    assert metrics(at)["Monthly burn today"] == "¥1,234,567"
    at.segmented_control(key="budget_market").set_value("us").run()
    no_exception(at)
    assert finances(at).market == "us"
    assert metrics(at)["Monthly burn today"] == "$1.2M"


def test_a_bad_start_month_is_refused():
    at = budget_page("zh", Plan(finances=Finances(market="cn", start_month="2026-01")))
    typed(at, "budget_start", "2026-13")
    assert "不是 YYYY-MM 形式的月份" in at.error[0].value
    assert finances(at).start_month == "2026-01"
    assert at.text_input(key="budget_start").value == "2026-01"


def test_training_compute_of_the_worked_example():
    at = budget_page("en", Plan(business_model="product", finances=Finances(market="us")))
    # The product model's default profile serves only: training is switched on.
    at.segmented_control(key="compute_training").set_value("once").run()
    typed(at, "compute_params", "7B")
    typed(at, "compute_tokens", "140B")
    at.slider(key="compute_mfu").set_value(40).run()
    typed(at, "compute_price", "2.5")
    table = at.get_by_key("compute_result").dataframe[0].value
    values = dict(zip(table["Item"], table["Value"], strict=True))
    assert values["Training FLOPs (6·N·D)"] == "5.88e+21"
    assert values["GPU-hours per run"] == "4,129"
    assert values["Cost per run"] == budget.format_money(4128.75 * 2.5, "us")  # "$10.3K"
    assert values["Wall-clock time"] == "21.5 days on 8 GPUs"
    compute = finances(at).compute
    assert compute.training.params == 7e9 and compute.training.tokens == 140e9
    typed(at, "compute_params", "-7B")
    assert "is negative" in at.error[0].value and finances(at).compute == compute
    at.button(key="compute_reset").click().run()
    assert finances(at).compute is None  # back to the model's default


def test_compute_in_chinese_uses_yuan():
    at = budget_page("zh", Plan(business_model="platform"))
    table = at.get_by_key("compute_result").dataframe[0].value
    values = dict(zip(table["项目"], table["数值"], strict=True))
    assert values["训练算力 FLOPs（6·N·D）"] == "5.88e+21"  # the platform profile: 7B, 20·N
    assert values["每次训练成本"].startswith("¥")


def test_recommended_hires_fit_the_monthly_budget(sample_plan, catalog):
    at = budget_page("en", sample_plan.model_copy(update={"finances": Finances(market="us")}))
    typed(at, "budget_limit", "40k")
    at.button(key="budget_recommend").click().run()
    no_exception(at)
    hires = finances(at).hires
    basis = budget.cost_basis(finances(at), catalog.roles, "us")
    assert hires and sum(basis.hire_monthly(h) for h in hires) <= 40_000
    # Each starts as soon as recruiting allows: its role's weeks to hire.
    assert all(h.start == earliest_start(catalog.roles[h.role].weeks_to_hire) for h in hires)
    assert all(h.start_month is None for h in hires)
    assert "recommended hires" in at.success[0].value
    timeline = at.get_by_key("budget_timeline").dataframe[0].value
    assert len(timeline) == len(hires)
    typed(at, "budget_limit", "10")
    at.button(key="budget_recommend").click().run()
    assert any("No hire fits" in i.value for i in at.info) and finances(at).hires == hires


def test_editing_the_timeline_and_a_bad_edit(sample_plan):
    fin = Finances(
        market="us",
        funding=Funding(cash=5_000_000),  # a runway to compare
        hires=(PlannedHire(role="backend_engineer"),),
    )
    plan = sample_plan.model_copy(update={"finances": fin})
    at = budget_page("en", plan)
    before = metrics(at)["Runway with the plan (months)"]
    at.session_state["budget_hires"] = {
        "edited_rows": {0: {"band": "high"}},
        "added_rows": [{"role": "Data engineer", "start": 6}],
        "deleted_rows": [],
    }
    at.run()
    no_exception(at)
    hires = finances(at).hires
    assert [(h.role, h.band, h.start) for h in hires] == [
        ("backend_engineer", "high", 2),
        ("data_engineer", "mid", 5),
    ]
    assert metrics(at)["Runway with the plan (months)"] == before  # no cash: 0.0 both ways
    at.session_state["budget_hires"] = {
        "edited_rows": {0: {"start": 1}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert "month 1 is too early; hiring takes 8 weeks" in at.error[0].value
    assert finances(at).hires == hires


def test_two_scenarios_saved_and_compared_a_fifth_refused(sample_plan):
    at = budget_page("en", sample_plan.model_copy(update={"finances": Finances(market="us")}))
    typed(at, "budget_cash", "3M")
    typed(at, "budget_burn", "20k")
    at.text_input(key="scenario_name").input("Lean").run()
    at.button(key="scenario_save").click().run()
    typed(at, "budget_burn", "80k")
    at.text_input(key="scenario_name").input("Aggressive").run()
    at.button(key="scenario_save").click().run()
    no_exception(at)
    assert [s.name for s in finances(at).scenarios] == ["Lean", "Aggressive"]
    spec = chart_spec(at, "scenario_compare")
    assert spec["layout"]["title"]["text"] == "Scenarios side by side"
    table = at.get_by_key("scenario_table").table[0].value
    assert list(table["Scenario"]) == ["Lean", "Aggressive"]
    lean, aggressive = (float(x) for x in table["Runway (months)"])
    assert lean > aggressive
    assert set(table.columns) >= {"Fit", "Resilience", "Burn in month 12"}
    for name in ("C", "D"):
        at.text_input(key="scenario_name").input(name).run()
        at.button(key="scenario_save").click().run()
    at.text_input(key="scenario_name").input("E").run()
    at.button(key="scenario_save").click().run()
    assert "at most 4 scenarios" in at.error[0].value
    assert len(finances(at).scenarios) == 4
    at.button(key="scenario_apply_0").click().run()
    assert finances(at).funding.monthly_burn == 20_000
    assert at.text_input(key="budget_burn").value == "20,000"


def test_scenario_compare_in_chinese(sample_plan):
    fin = Finances(market="cn", funding=Funding(cash=5e6, monthly_burn=1e5))
    fin = budget.save_scenario(fin, "精简", "platform", "cn")
    at = budget_page("zh", sample_plan.model_copy(update={"finances": fin}))
    assert chart_spec(at, "scenario_compare")["layout"]["title"]["text"] == "情景对比"
    table = at.get_by_key("scenario_table").table[0].value
    assert list(table["情景"]) == ["精简"] and table["第 12 个月消耗"][0].startswith("¥")


def test_edits_are_autosaved_as_versions():
    at = budget_page("en")
    typed(at, "budget_cash", "2M")
    plan_id = at.selectbox(key="plan_select").value
    store = Store(database_url())
    try:
        # Plans belong to this browser's workspace (?ws=), or to nobody in particular.
        ws = at.query_params.get("ws")
        owner = store.resolve_workspace(ws if isinstance(ws, str) else ws[0]) if ws else ""
        assert store.load(plan_id, owner).plan.finances.funding.cash == 2_000_000
        assert "Budget changed" in store.history(plan_id, owner)[0].summary("en")
    finally:
        store.close()


def test_a_shared_plan_shows_its_budget_read_only(sample_team):
    fin = Finances(market="us", funding=Funding(cash=1_000_000, monthly_burn=50_000))
    fin = budget.save_scenario(fin, "Base", "product", "us")
    store = Store(database_url())
    try:
        loaded = store.create_plan(Plan(name="Shared", team=Team(), finances=fin))
        token = store.create_share(loaded.id)
    finally:
        store.close()
    at = open_page("budget", lang="en", query_params={"share": token})
    no_exception(at)
    assert at.session_state["read_only"] is True
    assert at.text_input(key="budget_cash").value == "1,000,000"
    assert at.text_input(key="budget_cash").disabled
    assert metrics(at)["Runway today (months)"] == "20.0"
    assert chart_spec(at, "scenario_compare")
    for key in ("scenario_save", "budget_recommend", "scenario_apply_0"):
        with pytest.raises(KeyError):
            at.get_by_key(key)


def test_language_switch_and_another_plan_keep_the_inputs_in_step():
    at = budget_page("en", Plan(finances=Finances(market="us")))
    typed(at, "budget_cash", "1.5M")
    at.segmented_control(key="lang").set_value("zh").run()
    no_exception(at)
    assert at.title[0].value == "预算与跑道"
    assert at.text_input(key="budget_cash").value == "1,500,000"
    assert at.text_input(key="budget_cash").label == "账上现金（USD）"  # the plan's market stays
    # Another plan loaded into the session: every box shows its values.
    at.session_state["plan"] = Plan(
        name="Other", finances=Finances(market="cn", funding=Funding(cash=42_000))
    )
    at.run()
    no_exception(at)
    assert at.text_input(key="budget_cash").value == "42,000"
    assert at.text_input(key="budget_burn").value == "0"


def test_the_loaded_cost_multiplier_is_saved_and_raises_the_burn(sample_plan):
    at = budget_page(plan=sample_plan)
    before = metrics(at)
    at.number_input(key="budget_multiplier").set_value(1.5).run()
    no_exception(at)
    assert finances(at).loaded_multiplier == 1.5
    assert metrics(at) != before


NUMBER_BOXES = [
    ("budget_growth", lambda f: f.funding.revenue_growth),
    ("budget_multiplier", lambda f: f.loaded_multiplier),
    ("compute_gpus", lambda f: f.compute),
    ("compute_runs", lambda f: f.compute),
    ("compute_month", lambda f: f.compute),
]


@pytest.mark.parametrize(("key", "read"), NUMBER_BOXES, ids=[k for k, _ in NUMBER_BOXES])
def test_an_empty_number_box_changes_nothing_in_the_plan(sample_plan, key, read):
    """A browser can submit a number box empty. Streamlit reads that as the box's
    default, which was its minimum: the plan silently got -50 % growth and a 1.00
    multiplier (seen in a browser journey). Now the plan and its versions stay."""
    at = budget_page(plan=sample_plan)
    shown, kept = at.number_input(key=key).value, read(finances(at))
    version = at.session_state[PLAN_VERSION]
    at.number_input(key=key).set_value(None).run()
    no_exception(at)
    assert read(finances(at)) == kept
    assert at.number_input(key=key).value == shown  # the box shows the plan's value again
    assert at.session_state[PLAN_VERSION] == version  # no new version was saved


@pytest.mark.parametrize(("key", "read"), NUMBER_BOXES, ids=[k for k, _ in NUMBER_BOXES])
def test_a_box_sending_the_value_it_shows_changes_nothing(sample_plan, key, read):
    """A browser journey under load found the suggested compute counted (runway 21.1
    where 21.5 was right) and one more version: a box had sent the value it showed.
    That is not the founder's change: the plan, its compute choice and its versions stay."""
    at = budget_page(plan=sample_plan)
    shown, kept = at.number_input(key=key).value, read(finances(at))
    version = at.session_state[PLAN_VERSION]
    at.session_state[key] = None  # the server's last word for the box: none yet
    at.run()
    at.number_input(key=key).set_value(shown).run()  # the box sends what it shows
    no_exception(at)
    assert read(finances(at)) == kept
    assert at.session_state[PLAN_VERSION] == version
