"""Coverage page rerun time in AppTest: the sample team vs. a generated 200-member team.

Both are measured side by side in one run (the machine is noisy), with the core
work (analysis + hiring plan) timed alone, so the page's own overhead shows.
Run: .venv/bin/python -m bench.coverage [--repeats N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from planner.catalog import load_catalog
from planner.domain import Member, Plan, Team
from planner.files import read_team
from planner.scoring import analyze, plan_hires

ROOT = Path(__file__).resolve().parent.parent


def generated_team(size: int, seed: int = 7) -> Team:
    catalog = load_catalog()
    rnd = random.Random(seed)
    return Team(
        members=tuple(
            Member(
                name=f"Member {i:03d}",
                role="engineer",
                fte=rnd.choice([0.5, 1.0]),
                skills={s: rnd.choice([0, 0, 1, 2, 3, 4, 5]) for s in catalog.skill_ids},
            )
            for i in range(size)
        )
    )


def time_page(plan: Plan, repeats: int) -> list[float]:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["plan"] = plan
    at.run()
    at.switch_page("pages/coverage.py").run()  # first runs import and warm caches; not counted
    assert not at.exception, [e.value for e in at.exception]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    return times


def time_core(team: Team, model, roles, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        analyze(team, model)
        plan_hires(team, model, roles)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    catalog = load_catalog()
    model = catalog.business_models["platform"]
    teams = {
        "sample (7)": read_team(ROOT / "data" / "sample_team.csv"),
        "generated (200)": generated_team(200),
    }
    rows = {}
    for label, team in teams.items():
        page = time_page(Plan(team=team, business_model="platform"), args.repeats)
        core = time_core(team, model, catalog.roles, args.repeats)
        rows[label] = (statistics.median(page), statistics.median(core))
        print(
            f"{label:16s} coverage page rerun: median {rows[label][0] * 1000:7.1f} ms  "
            f"(min {min(page) * 1000:.1f})   core analyze+hiring: {rows[label][1] * 1000:6.2f} ms"
        )
    (small_page, small_core), (big_page, big_core) = rows.values()
    print(f"page rerun ratio 200/sample: {big_page / small_page:.2f}")
    print(f"core ratio 200/sample: {big_core / small_core:.2f}")
    print(f"core share of the 200-member rerun: {big_core / big_page:.1%}")


if __name__ == "__main__":
    main()
