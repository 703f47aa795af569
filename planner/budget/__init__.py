"""What the plan costs: compute, payroll, runway, scenarios and money, with the
budget's figures (`charts`) and its command-line commands (`cli`).

- `compute`: training and serving compute from the GPU presets (planner/gpus.py);
- `payroll`: what people cost; `projection`: cash month by month and the runway;
- `summary`: today's team against the plan (`summarize`, `Outlook`);
- `scenarios`: saved variants side by side; `hires`: hiring within a monthly budget;
- `money`: amounts typed and shown.

This package re-exports the public names: `from planner import budget; budget.summarize(...)`.
"""

from planner.budget.compute import (
    CHINCHILLA_TOKENS_PER_PARAM,
    CNY_PER_USD,
    DEFAULT_GPUS,
    DEFAULT_MFU,
    HOURS_PER_MONTH,
    ComputeEstimate,
    InferenceEstimate,
    TrainingEstimate,
    chosen_compute,
    default_compute,
    default_tokens,
    estimate_compute,
    estimate_inference,
    estimate_training,
    gpu,
    gpu_hours,
    plan_compute,
    preset_price,
    training_cost_by_month,
    training_flops,
)
from planner.budget.hires import (
    BudgetedHire,
    HiresChange,
    hires_change,
    hires_from,
    plan_with_current_hires,
    planned_hires,
    recommend_within_budget,
    role_costs,
    stale_plan_hires,
    step_fte,
)
from planner.budget.money import (
    BudgetInputError,
    format_count,
    format_plain,
    parse_amount,
)
from planner.budget.payroll import (
    CostBasis,
    cost_basis,
    default_hire,
    hires_payroll,
    mean_mid_band,
    team_payroll,
)
from planner.budget.projection import (
    Projection,
    month_label,
    project,
    runway,
)
from planner.budget.scenarios import (
    MAX_SCENARIO_NAME,
    apply_scenario,
    compare_scenarios,
    delete_scenario,
    save_scenario,
)
from planner.budget.summary import (
    BudgetSummary,
    Outlook,
    hire_members,
    outlook,
    summarize,
    team_with_hires,
)
from planner.gpus import GPUS, GpuPreset
from planner.numbers import CURRENCY_SYMBOL
from planner.numbers import money as format_money

__all__ = [
    "CHINCHILLA_TOKENS_PER_PARAM",
    "CNY_PER_USD",
    "CURRENCY_SYMBOL",
    "DEFAULT_GPUS",
    "DEFAULT_MFU",
    "GPUS",
    "HOURS_PER_MONTH",
    "MAX_SCENARIO_NAME",
    "BudgetInputError",
    "BudgetSummary",
    "BudgetedHire",
    "ComputeEstimate",
    "CostBasis",
    "GpuPreset",
    "HiresChange",
    "InferenceEstimate",
    "Outlook",
    "Projection",
    "TrainingEstimate",
    "apply_scenario",
    "chosen_compute",
    "compare_scenarios",
    "cost_basis",
    "default_compute",
    "default_hire",
    "default_tokens",
    "delete_scenario",
    "estimate_compute",
    "estimate_inference",
    "estimate_training",
    "format_count",
    "format_money",
    "format_plain",
    "gpu",
    "gpu_hours",
    "hire_members",
    "hires_change",
    "hires_from",
    "hires_payroll",
    "mean_mid_band",
    "month_label",
    "outlook",
    "parse_amount",
    "plan_compute",
    "plan_with_current_hires",
    "planned_hires",
    "preset_price",
    "project",
    "recommend_within_budget",
    "role_costs",
    "runway",
    "save_scenario",
    "stale_plan_hires",
    "step_fte",
    "summarize",
    "team_payroll",
    "team_with_hires",
    "training_cost_by_month",
    "training_flops",
]
