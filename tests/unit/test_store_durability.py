"""A writer killed with SIGKILL while saving leaves the last committed version intact."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from planner.domain import Plan
from planner.store import Store

ROOT = Path(__file__).resolve().parents[2]

# The writer saves version after version and prints "committed N" after each
# commit. With PAUSE_AT=N it stops inside the transaction that writes version N
# (after the INSERT reached the database, before COMMIT) and says "inside".
WRITER = """
import os, sys, time
from sqlalchemy import event
from planner.domain import Member, Plan, Team
from planner.store import Store

store = Store(sys.argv[1])
plan_id = sys.argv[2]
pause_at = int(os.environ.get("PAUSE_AT", "0"))
members = tuple(Member(name=f"m{i}", skills={"data.quality": 1 + i % 5}) for i in range(300))

@event.listens_for(store.engine, "after_cursor_execute")
def _pause(conn, cursor, statement, params, context, many):
    if pause_at and statement.startswith("INSERT INTO plan_versions"):
        version = params["version"] if isinstance(params, dict) else params[1]
        if version == pause_at:
            print("inside", flush=True)
            time.sleep(60)

version = store.load(plan_id).version
while True:
    plan = Plan(name="Durable", team=Team(members=members), notes=f"save {version + 1}")
    version = store.save(plan_id, plan, version)
    print(f"committed {version}", flush=True)
"""


def start_writer(url: str, plan_id: str, pause_at: int = 0) -> subprocess.Popen:
    env = {**os.environ, "PAUSE_AT": str(pause_at), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, url, plan_id],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )


def read_until(proc: subprocess.Popen, stop: callable, timeout: float = 60) -> int:
    """Lines until stop(line) is true; returns the last committed version seen."""
    deadline, last = time.monotonic() + timeout, 0
    for line in proc.stdout:
        if line.startswith("committed"):
            last = int(line.split()[1])
        if stop(line, last):
            return last
        if time.monotonic() > deadline:
            break
    proc.kill()
    pytest.fail(f"writer did not get there: {proc.stderr.read()[-2000:]}")


def assert_intact(url: str, plan_id: str, committed: int, allowed_extra: int) -> int:
    store = Store(url)
    try:
        latest = store.load(plan_id)
        assert committed <= latest.version <= committed + allowed_extra
        assert latest.plan.notes == f"save {latest.version}"
        assert len(latest.plan.team) == 300
        history = store.history(plan_id)
        assert [h.version for h in history] == list(range(latest.version, 0, -1))
        # The store still takes saves after the crash.
        assert store.save(
            plan_id, latest.plan.model_copy(update={"notes": "after"}), latest.version
        )
        if store.backend == "sqlite":
            with store.engine.connect() as conn:
                assert conn.execute(sa.text("PRAGMA integrity_check")).scalar() == "ok"
        return latest.version
    finally:
        store.close()


def test_kill_inside_the_saving_transaction(database_url: str) -> None:
    store = Store(database_url)
    plan_id = store.create_plan(Plan(name="Durable")).id
    store.close()
    proc = start_writer(database_url, plan_id, pause_at=4)
    committed = read_until(proc, lambda line, last: line.startswith("inside"))
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert committed == 3
    # Version 4 was written inside the open transaction: it must not exist.
    assert assert_intact(database_url, plan_id, committed, allowed_extra=0) == 3


def test_kill_at_random_moments(database_url: str) -> None:
    store = Store(database_url)
    plan_id = store.create_plan(Plan(name="Durable")).id
    store.close()
    rng = random.Random(20261128)
    start = 1
    for _round in range(3):
        proc = start_writer(database_url, plan_id)
        target = start + rng.randint(2, 6)
        read_until(proc, lambda line, last, target=target: last >= target)
        # Let it run a little longer so the kill lands at an arbitrary point.
        time.sleep(rng.uniform(0.0, 0.05))
        proc.send_signal(signal.SIGKILL)
        remaining = proc.stdout.read()
        proc.wait(timeout=30)
        printed = [int(x.split()[1]) for x in remaining.splitlines() if x.startswith("committed")]
        seen = max([target, *printed])
        # A commit may finish just before the kill and before its line is printed.
        start = assert_intact(database_url, plan_id, seen, allowed_extra=1) + 1
