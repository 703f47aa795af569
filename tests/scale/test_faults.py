"""Faults under three replicas: a replica killed with SIGKILL while founders work
on it, and PostgreSQL stopped for 10 seconds. Every fault is undone before the
test ends (the replica restarts, the database starts again), so the tests hold
in any order.

The 20 kill trials use the browser-less client (tests/support/stclient.py): a
real Streamlit session through nginx, cheap enough to repeat; one browser proves
the reload a founder does."""

from __future__ import annotations

import asyncio
import re
import time

import pytest
from playwright.sync_api import expect

from planner.i18n import t
from planner.store import Store
from tests.scale.test_journeys import pick_model, stored_plan, ws_query
from tests.support.cluster import COOKIE, Cluster, served_by
from tests.support.stclient import Session

pytestmark = pytest.mark.scale
TRIALS = 20
MODELS = ("service", "product", "platform")


def versions(cluster: Cluster, token: str) -> tuple[list[int], str]:
    """Every stored version of the workspace's one plan, and its business model now."""
    store = Store(cluster.database_url)
    try:
        owner = store.resolve_workspace(token)
        assert owner is not None
        (info,) = store.list_plans(owner)
        history = sorted(v.version for v in store.history(info.id, owner))
        return history, store.load(info.id, owner).plan.business_model
    finally:
        store.close()


def upstream_index(cluster: Cluster, session: Session) -> int:
    return cluster.served_by({"X-Planner-Upstream": session.served_by})


async def open_plan(
    cluster: Cluster, replica: int, token: str | None, pages: dict[str, str] | None = None
) -> tuple[Session, object]:
    """A founder's session through nginx, routed to `replica` (if it is alive), on
    the business-model page of the workspace `token` (a new one when None).

    With `pages` (page paths to their script hashes, the same on every replica)
    the link opens the page directly, in one run, as a bookmark does."""
    session = await Session.open(cluster.url, {COOKIE: cluster.route_to(replica)})
    query = {"lang": "en", **({"ws": token} if token else {})}
    if pages:
        session.pages.update(pages)
    else:
        first = await session.goto("", **query)
        assert not first.exceptions, first.exceptions
    run = await session.goto("model", **query)
    assert not run.exceptions, run.exceptions
    return session, run


async def choose(session: Session, run, model: str, wait: bool = True):
    """Pick a business model as the radio sends it: its option's label."""
    _, radio = session.element(run, "business_model")
    label = next(o for o in radio.options if o.lower().startswith(model))
    return await session.set_string(run, "business_model", label, wait=wait)


async def kill_trials(cluster: Cluster) -> list[str]:
    session, run = await open_plan(cluster, 0, None)
    run = await choose(session, run, MODELS[-1])  # the first change makes the workspace
    assert not run.exceptions, run.exceptions
    token, pages = session.query["ws"], dict(session.pages)
    await session.close()
    report = []
    for trial in range(TRIALS):
        victim = trial % len(cluster.replicas)
        # The victim (restarted after an earlier trial) and one more in nginx's
        # rotation: a replica is out for fail_timeout after a reload tried it dead.
        cluster.wait_spare(victim)
        session, run = await open_plan(cluster, victim, token, pages)
        assert upstream_index(cluster, session) == victim
        saved = MODELS[trial % 3]
        run = await choose(session, run, saved)
        assert not run.exceptions, run.exceptions
        before, model = versions(cluster, token)
        assert model == saved
        # Another change is on its way when the replica is killed.
        await choose(session, run, MODELS[(trial + 1) % 3], wait=False)
        cluster.replicas[victim].kill()
        await session.close()
        # The founder reloads the same link: nginx sends them to another replica.
        again, _ = await open_plan(cluster, victim, token, pages)
        landed = upstream_index(cluster, again)
        await again.close()
        cluster.replicas[victim].start()  # back for a later trial; it starts meanwhile
        after, model = versions(cluster, token)
        assert landed != victim
        assert after[: len(before)] == before, (before, after)  # no saved version lost
        assert after == list(range(1, len(after) + 1))  # and none missing in between
        assert model in (saved, MODELS[(trial + 1) % 3])
        report.append(f"trial {trial}: killed {victim}, on {landed}: {before[-1]}→{after[-1]}")
    return report


def test_kill_9_a_replica_twenty_times_no_saved_version_is_lost(cluster: Cluster) -> None:
    cluster.heal()
    started = time.monotonic()
    try:
        report = asyncio.run(kill_trials(cluster))
    finally:
        cluster.heal()
    print("\n".join(report), f"\n{TRIALS} trials in {time.monotonic() - started:.0f} s")
    assert len(report) == TRIALS


def test_after_a_kill_the_reload_lands_on_another_replica_with_the_same_plan(
    cluster: Cluster, open_on
) -> None:
    founder = open_on(1)
    founder.nav("model", founder.key("business_model"))
    pick_model(founder, "Platform")
    link = ws_query(founder)
    before = stored_plan(cluster, founder).version
    cluster.replicas[1].kill()
    try:
        founder.page.reload()  # what a founder does when the page says it lost the server
        founder.wait_idle()
        landed = served_by(cluster, founder)
        assert landed != 1
        assert link in founder.page.url
        heading = founder.main.get_by_role("heading", name="What Platform requires")
        expect(heading).to_be_visible()
        assert stored_plan(cluster, founder).version == before
        founder.shot(f"01-reloaded-onto-replica{landed + 1}")
        founder.expect_no_exception()
    finally:
        cluster.replicas[1].start()
        cluster.replicas[1].wait_healthy()


def test_database_away_for_ten_seconds_keeps_the_work_and_saves_it_after(
    cluster: Cluster, open_on
) -> None:
    founder = open_on(0)
    founder.nav("model", founder.key("business_model"))
    pick_model(founder, "Platform")
    other = open_on(2, "coverage", ws_query(founder) + "&lang=zh")
    before = stored_plan(cluster, founder)
    away = t("store_db_away_unsaved", "en")

    cluster.postgres.stop()
    stopped = time.monotonic()
    try:
        founder.key("business_model").get_by_text(re.compile(r"^Product — ")).click()
        expect(founder.key("db_away")).to_contain_text(away[:40])
        heading = founder.main.get_by_role("heading", name="What Product requires")
        expect(heading).to_be_visible()  # the tab keeps its change
        expect(founder.key("db_away_download")).to_be_visible()  # and offers it to take away
        founder.expect_no_exception()
        founder.shot("01-database-away-en")
        # Another founder's tab, in Chinese, moves to another page: it says so too.
        other.nav("budget", other.key("db_away"))
        other.expect_no_exception()
        other.shot("02-database-away-zh")
        # The scenario: the database is away for 10 s in all.
        time.sleep(max(0.0, 10 - (time.monotonic() - stopped)))
    finally:
        cluster.postgres.start()
    # The page asks every 2 s: the waiting change is saved, the notice goes.
    expect(founder.key("db_away")).to_have_count(0, timeout=30_000)
    saved = t("store_saved_after_outage", "en", version=before.version + 1)
    expect(founder.page.get_by_text(saved)).to_be_visible()
    founder.expect_no_exception()
    founder.shot("03-database-back-saved")
    after = stored_plan(cluster, founder)
    assert after.version == before.version + 1
    assert after.plan.business_model == "product"
