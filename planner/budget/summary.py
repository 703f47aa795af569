"""What the plan costs: payroll month by month, runway, compute, scenarios.

Pure arithmetic over the validated types of planner/domain.py; no Streamlit. The
formulas (docs/budget.md has them with a worked example):

- loaded monthly cost of a person = annual salary × loaded multiplier / 12
  (× FTE when it comes from a role's band; a member's own `monthly_cost` is used as is)
- net outflow in month m = payroll + other burn + compute − revenue·(1 + g)^m
- balance after month m = cash − Σ outflows up to m; the runway is the time at
  which the balance reaches zero, spending evenly within a month
- training FLOPs = 6·N·D (D = 20·N by default, Chinchilla);
  GPU-hours = FLOPs / (peak FLOP/s · MFU · 3600); cost = GPU-hours · price;
  days = GPU-hours / GPUs / 24
- inference FLOPs a month = 2·N · users · requests per user · tokens per request
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from planner.catalog import Catalog, Role
from planner.domain import (
    HORIZON_MONTHS,
    MARKETS,
    MAX_MONEY,
    MAX_SCENARIOS,
    MFU_MAX,
    MFU_MIN,
    BusinessModel,
    ComputeInputs,
    Finances,
    Funding,
    InferenceInputs,
    Member,
    Plan,
    PlannedHire,
    Scenario,
    Team,
    TrainingInputs,
)
from planner.gpus import GPUS, GpuPreset
from planner.numbers import CURRENCY_SYMBOL  # noqa: F401  (re-exported)
from planner.numbers import money as format_money  # noqa: F401  (re-exported)
from planner.scoring import (
    PART_TIME_GAP,
    HireStep,
    analyze,
    plan_hires,
)

HOURS_PER_MONTH = 730  # 8,760 hours a year / 12: what an always-on GPU is billed
CHINCHILLA_TOKENS_PER_PARAM = 20
DEFAULT_GPUS = 8
DEFAULT_MFU = 0.4
MAX_SCENARIO_NAME = 60
# Compute is priced in USD; a CNY plan converts at this rate (an estimate: the
# yuan traded near 7.1-7.3 per dollar through 2024). Founders type their own price.
CNY_PER_USD = 7.2


class BudgetInputError(ValueError):
    """A value a founder typed that cannot be used; `key` is its message in data/strings."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


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


# ---------------------------------------------------------------- people cost


@dataclass(frozen=True)
class CostBasis:
    """What people cost in one market: roles' bands, the loaded multiplier, a default."""

    market: str
    multiplier: float
    roles: Mapping[str, Role]
    default_annual: float
    _by_name: dict[str, Role] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        # A member's role is free text: match a role id or its label in either language.
        names: dict[str, Role] = {}
        for role in self.roles.values():
            for text in (role.id, role.label.en, role.label.zh):
                names.setdefault(text.strip().casefold(), role)
        object.__setattr__(self, "_by_name", names)

    def role_for(self, text: str) -> Role | None:
        return self._by_name.get(text.strip().casefold())

    def annual(self, role_id: str, band: str = "mid") -> float:
        role = self.roles.get(role_id)
        bands = role.salary.get(self.market) if role else None
        return bands.amount(band) if bands else self.default_annual

    def loaded_monthly(self, annual: float) -> float:
        return annual * self.multiplier / 12.0

    def member_monthly(self, member: Member) -> float:
        if member.monthly_cost is not None:
            return member.monthly_cost
        role = self.role_for(member.role)
        annual = self.annual(role.id) if role else self.default_annual
        return self.loaded_monthly(annual) * member.fte

    def hire_monthly(self, hire: PlannedHire) -> float:
        annual = (
            hire.annual_salary
            if hire.annual_salary is not None
            else self.annual(hire.role, hire.band)
        )
        return self.loaded_monthly(annual) * hire.fte


def mean_mid_band(roles: Mapping[str, Role], market: str) -> float:
    mids = [r.salary[market].mid for r in roles.values() if market in r.salary]
    return sum(mids) / len(mids) if mids else 0.0


def cost_basis(finances: Finances, roles: Mapping[str, Role], market: str) -> CostBasis:
    default = finances.default_annual_salary
    if default is None:
        default = mean_mid_band(roles, market)
    return CostBasis(market, finances.loaded_multiplier, roles, default)


def team_payroll(team: Team, basis: CostBasis) -> float:
    """Today's team a month, all in."""
    return math.fsum(basis.member_monthly(m) for m in team.members)


def hires_payroll(
    hires: Sequence[PlannedHire], basis: CostBasis, months: int = HORIZON_MONTHS
) -> list[float]:
    """The planned hires' cost in each month, each from its start month on."""
    costs = [0.0] * months
    for hire in hires:
        monthly = basis.hire_monthly(hire)
        for m in range(hire.start, months):
            costs[m] += monthly
    return costs


def default_hire(role: Role) -> PlannedHire:
    """A hire of this role at the mid band, starting as soon as recruiting allows."""
    return PlannedHire(role=role.id, weeks_to_hire=role.weeks_to_hire)


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


# ---------------------------------------------------------------- the plan's budget


def hire_members(hires: Sequence[PlannedHire], roles: Mapping[str, Role]) -> tuple[Member, ...]:
    """The planned hires as members, for scoring; names cannot clash with real ones."""
    return tuple(
        Member(name=f"+{i} {h.role}", role=h.role, fte=h.fte, skills=dict(roles[h.role].skills))
        for i, h in enumerate(hires, start=1)
        if h.role in roles
    )


def team_with_hires(team: Team, hires: Sequence[PlannedHire], roles: Mapping[str, Role]) -> Team:
    return Team(members=(*team.members, *hire_members(hires, roles)))


@dataclass(frozen=True)
class Outlook:
    """One way the plan could go: its hires, compute, funding and their result."""

    name: str
    fit: float
    resilience: float
    gaps_left: float  # person-equivalents still missing after the hires
    hires_monthly: float  # the hires' cost a month once all have started
    projection: Projection
    compute: ComputeEstimate

    @property
    def burn_month_12(self) -> float:
        """Net outflow in the twelfth month (index 11)."""
        return self.projection.outflow[min(11, self.projection.months - 1)]

    @property
    def hiring_cost_year(self) -> float:
        """Cost to close the gaps: the hires' loaded cost for a year."""
        return 12 * self.hires_monthly


@dataclass(frozen=True)
class BudgetSummary:
    market: str
    currency: str
    start: date
    team_monthly: float  # today's team a month
    today: Outlook  # today's team, no hires, no compute
    plan: Outlook  # with the hires and the compute
    cash_entered: bool = True  # no runway until the founder says what is in the bank

    @property
    def burn_today(self) -> float:
        return self.today.projection.outflow[0]

    @property
    def burn_plan(self) -> float:
        return self.plan.projection.outflow[0]

    @property
    def fit_points(self) -> float:
        return (self.plan.fit - self.today.fit) * 100

    @property
    def resilience_points(self) -> float:
        return (self.plan.resilience - self.today.resilience) * 100

    def cost_per_fit_point(self) -> float | None:
        """The hires' yearly cost for each percentage point of fit they add."""
        return _per_point(self.plan.hiring_cost_year, self.fit_points)

    def cost_per_resilience_point(self) -> float | None:
        return _per_point(self.plan.hiring_cost_year, self.resilience_points)


def _per_point(cost: float, points: float) -> float | None:
    return cost / points if points > 1e-6 else None


def outlook(
    name: str,
    team: Team,
    model: BusinessModel,
    hires: Sequence[PlannedHire],
    compute: ComputeInputs | None,
    funding: Funding,
    basis: CostBasis,
    base_payroll: float,
    months: int = HORIZON_MONTHS,
) -> Outlook:
    report = analyze(team_with_hires(team, hires, basis.roles), model)
    planned = hires_payroll(hires, basis, months)
    payroll = [base_payroll + p for p in planned]
    estimate = chosen_compute(compute, months)
    return Outlook(
        name=name,
        fit=report.fit,
        resilience=report.resilience,
        gaps_left=math.fsum(s.gap for s in report.gaps()),
        hires_monthly=math.fsum(basis.hire_monthly(h) for h in hires),
        projection=project(funding, payroll, estimate.monthly, months),
        compute=estimate,
    )


def summarize(
    plan: Plan,
    catalog: Catalog,
    model: BusinessModel,
    lang: str,
    today: date | None = None,
    months: int = HORIZON_MONTHS,
) -> BudgetSummary:
    """Today's team against the plan (hires + compute), month by month."""
    fin = plan.finances
    market = fin.market_for(lang)
    basis = cost_basis(fin, catalog.roles, market)
    base = team_payroll(plan.team, basis)
    compute = fin.compute  # never a default the founder did not choose
    now = outlook("today", plan.team, model, (), None, fin.funding, basis, base, months)
    planned = outlook(
        "plan", plan.team, model, fin.hires, compute, fin.funding, basis, base, months
    )
    return BudgetSummary(
        market=market,
        currency=MARKETS[market],
        start=fin.start(today),
        team_monthly=base,
        today=now,
        plan=planned,
        cash_entered=fin.funding.cash > 0,
    )


def compare_scenarios(
    plan: Plan, catalog: Catalog, model: BusinessModel, lang: str, months: int = HORIZON_MONTHS
) -> list[Outlook]:
    """Each saved scenario's outlook, in the order saved."""
    fin = plan.finances
    market = fin.market_for(lang)
    basis = cost_basis(fin, catalog.roles, market)
    base = team_payroll(plan.team, basis)
    return [
        outlook(
            s.name,
            plan.team,
            model,
            s.hires,
            s.compute,
            s.funding,
            basis,
            base,
            months,
        )
        for s in fin.scenarios
    ]


def save_scenario(finances: Finances, name: str, model_id: str, market: str) -> Finances:
    """The finances with the current hires, compute and funding saved under `name`.

    A scenario of the same name (any case) is replaced; a fifth one is refused."""
    name = name.strip()
    if not name:
        raise BudgetInputError("budget_err_scenario_name")
    if len(name) > MAX_SCENARIO_NAME:
        raise BudgetInputError("budget_err_scenario_long", limit=MAX_SCENARIO_NAME)
    scenario = Scenario(
        name=name,
        hires=finances.hires,
        compute=finances.compute,
        funding=finances.funding,
    )
    scenarios = list(finances.scenarios)
    same = [i for i, s in enumerate(scenarios) if s.name.casefold() == name.casefold()]
    if same:
        scenarios[same[0]] = scenario
    elif len(scenarios) >= MAX_SCENARIOS:
        raise BudgetInputError("budget_err_scenario_full", limit=MAX_SCENARIOS)
    else:
        scenarios.append(scenario)
    return finances.model_copy(update={"scenarios": tuple(scenarios)})


def delete_scenario(finances: Finances, name: str) -> Finances:
    kept = tuple(s for s in finances.scenarios if s.name != name)
    return finances.model_copy(update={"scenarios": kept})


def apply_scenario(finances: Finances, name: str) -> Finances:
    """Make a saved scenario's hires, compute and funding the working ones."""
    for s in finances.scenarios:
        if s.name == name:
            return finances.model_copy(
                update={"hires": s.hires, "compute": s.compute, "funding": s.funding}
            )
    return finances


# ---------------------------------------------------------------- hiring within a budget


@dataclass(frozen=True)
class BudgetedHire:
    role_id: str
    monthly_cost: float
    fit_after: float
    resilience_after: float
    fte: float = 1.0  # a part-time step of the plan: its share of a full-time person


def role_costs(roles: Mapping[str, Role], basis: CostBasis, band: str = "mid") -> dict[str, float]:
    """Each role's loaded monthly cost at a band."""
    return {rid: basis.loaded_monthly(basis.annual(rid, band)) for rid in roles}


def recommend_within_budget(
    team: Team,
    model: BusinessModel,
    roles: Mapping[str, Role],
    basis: CostBasis,
    monthly_budget: float | None,
    band: str = "mid",
    max_hires: int = 5,
) -> list[BudgetedHire]:
    """The hiring plan's best hires whose loaded monthly cost fits in the budget
    (no budget: the plan as it is). The greedy choice is planner.hiring's."""
    costs = role_costs(roles, basis, band)
    steps = plan_hires(team, model, dict(roles), max_hires, budget=monthly_budget, costs=costs)
    return [
        BudgetedHire(
            s.role_id,
            costs[s.role_id] * step_fte(s),
            s.fit_after,
            s.resilience_after,
            step_fte(s),
        )
        for s in steps
    ]


def step_fte(step: HireStep) -> float:
    """What a step of the hiring plan is costed as: a full-time person, or for a
    "part-time or training" step (under a quarter of a person of work) a quarter-time
    one, which does all that step does (its share exceeds the work it fills, and a
    part-timer at the level still counts as an expert for resilience)."""
    return PART_TIME_GAP if step.part_time else 1.0


def hires_from(
    recommended: Sequence[BudgetedHire], roles: Mapping[str, Role], band: str
) -> tuple[PlannedHire, ...]:
    """Recommended hires on the timeline: each starts once recruiting allows."""
    return tuple(
        PlannedHire(
            role=r.role_id, band=band, weeks_to_hire=roles[r.role_id].weeks_to_hire, fte=r.fte
        )
        for r in recommended
    )


def planned_hires(
    plan: Plan, catalog: Catalog, model: BusinessModel, market: str
) -> tuple[PlannedHire, ...]:
    """The hiring plan as it is now, on the timeline: what "Recommend hires" would
    put there (at the band of the hires there, mid when none)."""
    fin = plan.finances
    band = fin.hires[0].band if fin.hires else "mid"
    basis = cost_basis(fin, catalog.roles, market)
    picks = recommend_within_budget(
        plan.team, model, catalog.roles, basis, fin.monthly_budget, band
    )
    return hires_from(picks, catalog.roles, band)


@dataclass(frozen=True)
class HiresChange:
    """How the hiring plan now differs from the hires on the budget's timeline:
    (role id, FTE share) pairs, each once per hire."""

    added: tuple[tuple[str, float], ...]
    removed: tuple[tuple[str, float], ...]

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)


def hires_change(timeline: Sequence[PlannedHire], wanted: Sequence[PlannedHire]) -> HiresChange:
    """What the plan adds and drops compared with the timeline (order aside)."""
    have = Counter((h.role, h.fte) for h in timeline)
    want = Counter((h.role, h.fte) for h in wanted)
    return HiresChange(
        added=tuple(sorted((want - have).elements())),
        removed=tuple(sorted((have - want).elements())),
    )


def stale_plan_hires(
    plan: Plan, catalog: Catalog, model: BusinessModel, market: str
) -> tuple[HiresChange, tuple[PlannedHire, ...]]:
    """For hires that follow the hiring plan: what changed since, and the plan now.
    Hand-picked hires are the founder's: nothing to report."""
    if not plan.finances.hires_follow_plan:
        return HiresChange((), ()), plan.finances.hires
    wanted = planned_hires(plan, catalog, model, market)
    return hires_change(plan.finances.hires, wanted), wanted


def plan_with_current_hires(plan: Plan, catalog: Catalog, model: BusinessModel, lang: str) -> Plan:
    """The plan whose hires follow the hiring plan as it is now, so a report costs
    the hires its hiring section recommends, never an older set beside them."""
    change, wanted = stale_plan_hires(plan, catalog, model, plan.finances.market_for(lang))
    if not change:
        return plan
    return plan.model_copy(update={"finances": plan.finances.model_copy(update={"hires": wanted})})


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
