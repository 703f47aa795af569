"""Scenarios: named variants of the plan's hires, compute and funding, saved in
the plan and compared side by side."""

from __future__ import annotations

from planner.budget.money import BudgetInputError
from planner.budget.payroll import cost_basis, team_payroll
from planner.budget.summary import Outlook, outlook
from planner.catalog import Catalog
from planner.domain import (
    HORIZON_MONTHS,
    MAX_SCENARIOS,
    BusinessModel,
    Finances,
    Plan,
    Scenario,
)

MAX_SCENARIO_NAME = 60


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
