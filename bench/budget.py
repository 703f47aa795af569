"""Budget page rerun vs coverage page rerun in AppTest, 200 members, 36 months.

Both pages run the same plan (a generated 200-member team, finances with hires,
compute and two scenarios over the 36-month horizon) in one process; their
reruns are timed alternately, so machine noise hits both alike. The goal of
issue 11: the budget page's rerun within 1.2x the coverage page's.
Run: .venv/bin/python -m bench.budget [--repeats N] [--members N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from planner import budget
from planner.catalog import load_catalog
from planner.domain import (
    HORIZON_MONTHS,
    Finances,
    Funding,
    Member,
    Plan,
    PlannedHire,
    Team,
)

ROOT = Path(__file__).resolve().parent.parent


def bench_plan(size: int, seed: int = 11) -> Plan:
    catalog = load_catalog()
    rnd = random.Random(seed)
    roles = [*(r.label.en for r in catalog.roles.values()), "CEO", "Intern"]
    team = Team(
        members=tuple(
            Member(
                name=f"Member {i:03d}",
                role=rnd.choice(roles),
                fte=rnd.choice([0.5, 1.0]),
                skills={s: rnd.choice([0, 0, 1, 2, 3, 4, 5]) for s in catalog.skill_ids},
                monthly_cost=rnd.choice([None, None, None, 15_000.0]),
            )
            for i in range(size)
        )
    )
    fin = Finances(
        market="us",
        start_month="2026-01",
        funding=Funding(
            cash=80e6, monthly_burn=150_000, monthly_revenue=50_000, revenue_growth=0.05
        ),
        hires=tuple(
            PlannedHire(role=r, weeks_to_hire=catalog.roles[r].weeks_to_hire)
            for r in ("mlops_engineer", "research_scientist", "developer_advocate")
        ),
        compute=budget.default_compute("platform", "us"),
    )
    fin = budget.save_scenario(fin, "Base", "platform", "us")
    fin = fin.model_copy(update={"funding": fin.funding.model_copy(update={"cash": 60e6})})
    fin = budget.save_scenario(fin, "Leaner", "platform", "us")
    return Plan(team=team, business_model="platform", finances=fin)


def page(plan: Plan, name: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state["plan"] = plan
    at.run()
    at.switch_page(f"pages/{name}.py").run()  # the first run imports and warms caches
    assert not at.exception, [e.value for e in at.exception]
    return at


def timed(at: AppTest) -> float:
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    assert not at.exception, [e.value for e in at.exception]
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--members", type=int, default=200)
    args = parser.parse_args()
    plan = bench_plan(args.members)
    pages = {"coverage": page(plan, "coverage"), "budget": page(plan, "budget")}
    months = len(
        budget.summarize(
            plan, load_catalog(), load_catalog().business_models["platform"], "en"
        ).plan.projection.balance
    )
    assert months == HORIZON_MONTHS
    times: dict[str, list[float]] = {name: [] for name in pages}
    for _ in range(args.repeats):
        for name, at in pages.items():
            times[name].append(timed(at))
    medians = {name: statistics.median(ts) for name, ts in times.items()}
    for name, ts in times.items():
        print(
            f"{name:8s} page rerun, {args.members} members, {months} months: "
            f"median {medians[name] * 1000:7.1f} ms  (min {min(ts) * 1000:.1f}, "
            f"max {max(ts) * 1000:.1f})"
        )
    start = time.perf_counter()
    catalog = load_catalog()
    model = catalog.business_models["platform"]
    for _ in range(args.repeats):
        budget.summarize(plan, catalog, model, "en")
        budget.compare_scenarios(plan, catalog, model, "en")
    core = (time.perf_counter() - start) / args.repeats
    print(f"budget core (summary + scenarios): {core * 1000:.1f} ms")
    ratio = medians["budget"] / medians["coverage"]
    print(f"budget/coverage rerun ratio: {ratio:.2f} (goal <= 1.2)")


if __name__ == "__main__":
    main()
