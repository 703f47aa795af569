"""Concurrent founders through nginx: rerun latency, errors and memory per session,
for N sessions on 1 and on 3 replicas (docs/deploy.md has the figures).

Each session is a real Streamlit session over the app's websocket, driven by a
browser-less client that speaks Streamlit's protocol (tests/support/stclient.py):
it opens the app (a new workspace and plan: database writes), then repeats
opening the coverage page, editing a level in the team table (a saved version)
and switching to the business-model page, with a think time between actions.
Not headless browsers: 50 Chromium tabs would take the same 2 cores the
replicas are measured on, and would measure the browser as much as the app.

Everything runs on loopback (tests/support/cluster.py): PostgreSQL, the replicas
with deploy/replica.env's settings, and nginx with deploy/nginx/. Latency is the
time from sending a rerun to its script_finished message, as a browser sees it
(websocket round trip included, painting excluded).

Run: .venv/bin/python -m bench.load [--sessions 10,25,50] [--replicas 1,3]
     [--rounds 4] [--think 1.0] [--ttl 15] [--json out.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.cluster import Cluster, start_cluster
from tests.support.stclient import Run, Session

ROOT = Path(__file__).resolve().parent.parent

SKILLS = ("research.pretraining", "product.backend", "data.engineering", "market.sales")


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)  # every rerun after the first open
    opens: list[float] = field(default_factory=list)  # the first page load
    errors: list[str] = field(default_factory=list)


def edit_json(level: int, skill: str, first: bool) -> str:
    """The team editor's state as the browser sends it: one member, one level."""
    if first:
        return json.dumps(
            {"edited_rows": {}, "added_rows": [{"name": "Ann", skill: level}], "deleted_rows": []}
        )
    return json.dumps({"edited_rows": {"0": {skill: level}}, "added_rows": [], "deleted_rows": []})


def check(run: Run, result: Result, what: str) -> None:
    result.latencies.append(run.seconds)
    if run.exceptions:
        result.errors.append(f"{what}: {run.exceptions[0][:200]}")


async def founder(cluster: Cluster, rounds: int, think: float, result: Result, rnd) -> None:
    session = None
    try:
        session = await Session.open(cluster.url)
        run = await session.goto("", lang="en")
        result.opens.append(run.seconds)
        if run.exceptions:
            result.errors.append(f"open: {run.exceptions[0][:200]}")
        for i in range(rounds):
            await asyncio.sleep(think * rnd.uniform(0.5, 1.5))
            check(await session.goto("coverage"), result, "coverage")
            await asyncio.sleep(think * rnd.uniform(0.5, 1.5))
            team = await session.goto("team")
            check(team, result, "team")
            edit = edit_json(1 + i % 5, rnd.choice(SKILLS), first=i == 0)
            check(await session.set_string(team, "team_editor", edit), result, "edit")
            await asyncio.sleep(think * rnd.uniform(0.5, 1.5))
            check(await session.goto("model"), result, "model")
    except Exception as exc:  # a refused connection, a timeout: counted, not fatal
        result.errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
    finally:
        if session is not None:
            await session.close()


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def saved_versions(cluster: Cluster) -> int:
    """Versions in the database: the edits really reached it."""
    import sqlalchemy as sa

    engine = sa.create_engine(cluster.database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM plan_versions")).scalar_one()
    finally:
        engine.dispose()


def warm_up(cluster: Cluster) -> None:
    """One session per replica first: imports and caches are loaded before measuring."""
    for i in range(len(cluster.replicas)):
        asyncio.run(_open_once(cluster, i))


async def _open_once(cluster: Cluster, index: int) -> None:
    from tests.support.cluster import COOKIE

    session = await Session.open(cluster.url, {COOKIE: cluster.route_to(index)})
    try:
        for path in ("", "coverage", "team", "model"):
            await session.goto(path, lang="en")
    finally:
        await session.close()


def total_cpu_s(cluster: Cluster) -> float:
    """CPU seconds the replicas used so far: what a rerun costs, however busy the
    machine is (latency on a shared machine measures the neighbours too)."""
    from planner.ops import cpu_seconds

    return sum((cpu_seconds(r.process.pid) or 0.0) for r in cluster.replicas if r.process)


def total_rss_mb(cluster: Cluster) -> float:
    return sum((r.rss() or 0) for r in cluster.replicas) / 2**20


async def hold_sessions(cluster: Cluster, n: int, rounds: int, think: float) -> Result:
    result = Result()
    rnd = random.Random(n)
    await asyncio.gather(*(founder(cluster, rounds, think, result, rnd) for _ in range(n)))
    return result


def measure(cluster: Cluster, n: int, rounds: int, think: float) -> dict:
    before = total_rss_mb(cluster)
    versions_before = saved_versions(cluster)
    cpu_before = total_cpu_s(cluster)
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    result = asyncio.run(hold_sessions(cluster, n, rounds, think))
    wall = time.monotonic() - started
    # Sessions closed their websockets; Streamlit keeps them for the TTL.
    after_open = total_rss_mb(cluster)
    cpu = total_cpu_s(cluster) - cpu_before
    runs = len(result.latencies) + len(result.opens)
    return {
        "sessions": n,
        "replicas": len(cluster.replicas),
        "reruns": len(result.latencies),
        "p50_s": round(statistics.median(result.latencies), 3) if result.latencies else None,
        "p95_s": round(pct(result.latencies, 0.95), 3),
        "max_s": round(max(result.latencies), 3) if result.latencies else None,
        "open_p50_s": round(statistics.median(result.opens), 3) if result.opens else None,
        "open_p95_s": round(pct(result.opens, 0.95), 3),
        "errors": len(result.errors),
        "error_samples": result.errors[:3],
        "rss_before_mb": round(before, 1),
        "rss_after_mb": round(after_open, 1),
        "rss_per_session_mb": round((after_open - before) / n, 2),
        "wall_s": round(wall, 1),
        "versions_saved": saved_versions(cluster) - versions_before,
        "cpu_ms_per_rerun": round(1000 * cpu / runs, 1) if runs else None,
        "load_avg_1m": [round(load_before, 1), round(os.getloadavg()[0], 1)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="10,25,50")
    parser.add_argument("--replicas", default="1,3")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between actions")
    parser.add_argument("--ttl", type=int, default=15, help="disconnectedSessionTTL for the run")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()
    sessions = [int(x) for x in args.sessions.split(",")]
    rows = []
    for replicas in [int(x) for x in args.replicas.split(",")]:
        env = {"STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(args.ttl)}
        gen = start_cluster(replicas, extra_env=env)
        cluster = next(gen)
        try:
            warm_up(cluster)
            idle = total_rss_mb(cluster)
            for n in sessions:
                row = measure(cluster, n, args.rounds, args.think)
                # After the TTL the closed sessions are dropped: what memory comes back.
                time.sleep(args.ttl + 5)
                row["rss_after_ttl_mb"] = round(total_rss_mb(cluster), 1)
                row["rss_idle_mb"] = round(idle, 1)
                rows.append(row)
                print(json.dumps(row), flush=True)
        finally:
            gen.close()
    print()
    print(
        "| replicas | sessions | reruns | p50 s | p95 s | max s | first open p95 s | errors "
        "| versions saved | CPU ms per rerun | RSS MB before → after → after TTL "
        "| MB per session | load avg |"
    )
    print("| --- " * 13 + "|")
    for r in rows:
        print(
            f"| {r['replicas']} | {r['sessions']} | {r['reruns']} | {r['p50_s']} | {r['p95_s']} "
            f"| {r['max_s']} | {r['open_p95_s']} | {r['errors']} | {r['versions_saved']} "
            f"| {r['cpu_ms_per_rerun']} "
            f"| {r['rss_before_mb']} → {r['rss_after_mb']} → {r['rss_after_ttl_mb']} "
            f"| {r['rss_per_session_mb']} | {r['load_avg_1m'][0]}–{r['load_avg_1m'][1]} |"
        )
    for replicas in sorted({r["replicas"] for r in rows}):
        ok = [r["sessions"] for r in rows if r["replicas"] == replicas and r["p95_s"] < 1.0]
        best = max(ok) if ok else 0
        print(
            f"{replicas} replica(s): largest N tested with p95 < 1 s: {best} "
            f"({best / replicas:.0f} per replica)"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
