"""Roadmap page rerun vs coverage page rerun (AppTest), 200 members, 36 months, mixed;
and the planner's incremental candidate search vs `analyze` from scratch.

Both pages run the same plan (a generated 200-member team with gaps, cash set, the
roadmap at 36 months in mixed mode) in one process; their reruns are timed
alternately, so machine noise hits both alike. The first roadmap run (the planner
for all three modes, cached per plan; the overview's verdict computes it too) is
timed on its own, from the core. Issue 21's goals:
the roadmap rerun within 2x the coverage rerun; the incremental search measured
against from scratch.
Run: .venv/bin/python -m bench.roadmap [--repeats N] [--members N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from planner.catalog import load_catalog
from planner.domain import Finances, Funding, Member, Plan, Roadmap, Team
from planner.roadmap.planner import candidate_gains, plan_roadmap
from planner.roadmap.section import roadmap_section
from planner.roadmap.world import world_for
from tests.support.apptest import server_steady_state

ROOT = Path(__file__).resolve().parent.parent

MONTHS = 36


def bench_plan(size: int, seed: int = 21) -> Plan:
    """Levels mostly below the platform's targets, so every mode has work to plan."""
    catalog = load_catalog()
    rnd = random.Random(seed)
    team = Team(
        members=tuple(
            Member(
                name=f"Member {i:03d}",
                role="engineer",
                fte=rnd.choice([0.5, 1.0]),
                skills={s: rnd.choice([0, 0, 0, 1, 2, 2, 3]) for s in catalog.skill_ids},
                monthly_cost=12_000.0,
            )
            for i in range(size)
        )
    )
    finances = Finances(
        market="us", funding=Funding(cash=200e6, monthly_burn=150_000, monthly_revenue=50_000)
    )
    return Plan(
        team=team,
        business_model="platform",
        finances=finances,
        roadmap=Roadmap(mode="mixed", months=MONTHS),
    )


def page(plan: Plan, name: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.session_state["plan"] = plan
    at.run()  # the overview: its verdict already runs the planner (cached per plan)
    at.switch_page(f"pages/{name}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.session_state["plan"].team) == len(plan.team)
    return at


def timed(at: AppTest) -> float:
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    assert not at.exception, [e.value for e in at.exception]
    return elapsed


def clock(fn) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--members", type=int, default=200)
    args = parser.parse_args()
    plan = bench_plan(args.members)
    catalog = load_catalog()
    model = catalog.business_models["platform"]
    cold, section = clock(lambda: roadmap_section(plan, catalog, model, "en"))
    counts = {m: len(r.actions) for m, r in section.modes.items()}
    print(
        f"roadmap section from scratch (the planner in 3 modes, {MONTHS} months, "
        f"actions {counts}): {cold:.2f} s; the page caches it per plan"
    )
    coverage = page(plan, "coverage")
    roadmap = page(plan, "roadmap")
    assert roadmap.get_by_key("roadmap_chart") is not None
    times: dict[str, list[float]] = {"coverage": [], "roadmap": []}
    for _ in range(args.repeats):
        times["coverage"].append(timed(coverage))
        times["roadmap"].append(timed(roadmap))
    medians = {name: statistics.median(ts) for name, ts in times.items()}
    for name, ts in times.items():
        print(
            f"{name:8s} page rerun, {args.members} members: median {medians[name] * 1000:7.1f} ms"
            f"  (min {min(ts) * 1000:.1f}, max {max(ts) * 1000:.1f})"
        )
    ratio = medians["roadmap"] / medians["coverage"]
    print(f"roadmap/coverage rerun ratio: {ratio:.2f} (goal <= 2)")
    # A rerun that changes the plan: the founder moves the first action (the three
    # modes stay cached; the chosen actions are projected and explained anew).
    moved = []
    for i in range(args.repeats):
        roadmap.session_state["roadmap_actions"] = {
            "edited_rows": {0: {"month": 1 + i % 2}},
            "deleted_rows": [],
            "added_rows": [],
        }
        moved.append(timed(roadmap))
    assert roadmap.session_state["plan"].roadmap.actions is not None
    print(
        f"roadmap rerun after moving an action: median {statistics.median(moved) * 1000:7.1f} ms"
        f"  (min {min(moved) * 1000:.1f}); ratio to the coverage rerun "
        f"{statistics.median(moved) / medians['coverage']:.2f}"
    )

    world = world_for(plan, catalog, model, "en")
    fast, gains = clock(lambda: candidate_gains(world, "mixed"))
    slow, scratch = clock(lambda: candidate_gains(world, "mixed", incremental=False))
    worst = max(abs(gains[c] - scratch[c]) for c in gains)
    print(
        f"one candidate search ({len(gains)} candidates x {world.span} months): incremental "
        f"{fast:.2f} s, from scratch {slow:.2f} s, ratio {slow / fast:.1f}x "
        f"(largest difference in gain {worst:.1e})"
    )
    fast, planned = clock(lambda: plan_roadmap(world, "mixed"))
    slow, again = clock(lambda: plan_roadmap(world, "mixed", incremental=False))
    same = "same actions" if planned.actions == again.actions else "DIFFERENT actions"
    print(
        f"whole mixed plan ({len(planned.actions)} actions): incremental {fast:.2f} s, "
        f"from scratch {slow:.2f} s, ratio {slow / fast:.1f}x ({same})"
    )


if __name__ == "__main__":
    with server_steady_state():  # AppTest as the page tests run it
        main()
