"""Export benchmark: one browser reused vs. a browser per PNG, and a full PDF report.

    .venv/bin/python -m bench.export

Prints, from one run, the time of 10 one-shot PNG exports (each starts and stops
Chromium, as plotly's `fig.to_image` does without a server) divided by the time of
10 PNG exports through planner.export's reused browser, and the time of a full
PDF report. The last line is `png export reuse speed-up: X.X` (goal: >= 3).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from planner import export
from planner.catalog import load_catalog
from planner.domain import Plan
from planner.files import read_team

ROOT = Path(__file__).resolve().parent.parent

RUNS = 10


def main() -> int:
    if export.find_browser() is None:
        print(export.INSTALL_HINT, file=sys.stderr)
        return 1
    catalog = load_catalog()
    plan = Plan(name="bench", team=read_team(ROOT / "data" / "sample_team.csv", catalog))
    analysis = export.analyse_plan(plan, catalog, "zh", "platform")
    fig = export.build_chart(analysis, "coverage_radar")

    start = time.perf_counter()
    for _ in range(RUNS):
        export.figure_to_image(fig, "png", reuse=False)
    one_shot = time.perf_counter() - start
    print(f"{RUNS} one-shot PNG exports:      {one_shot:7.2f} s ({one_shot / RUNS:.2f} s each)")

    start = time.perf_counter()
    export.figure_to_image(fig, "png")  # starts the shared browser
    first = time.perf_counter() - start
    print(f"shared browser start + 1st PNG: {first:7.2f} s")
    start = time.perf_counter()
    for _ in range(RUNS):
        export.figure_to_image(fig, "png")
    reused = time.perf_counter() - start
    print(f"{RUNS} PNG exports, reused browser: {reused:7.2f} s ({reused / RUNS:.2f} s each)")

    start = time.perf_counter()
    pdf = export.report_pdf(analysis)
    report = time.perf_counter() - start
    print(f"full PDF report (zh):           {report:7.2f} s ({len(pdf):,} bytes)")
    start = time.perf_counter()
    html = export.report_html(analysis)
    took = time.perf_counter() - start
    print(f"full HTML report (zh):          {took:7.2f} s ({len(html):,} bytes)")
    export.shutdown()
    print(f"png export reuse speed-up: {one_shot / reused:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
