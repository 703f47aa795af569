"""The plan database goes away while founders work, then comes back.

A real PostgreSQL database is made unreachable: it stops accepting connections and
its sessions are ended (what a restart or failover looks like to the app), while
the server keeps running for the other tests. tests/scale/ stops a whole server
for 10 seconds under three replicas, in a browser.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from planner.i18n import t
from planner.store import Store
from tests.app.test_page_share import add_member, current_team, editor, ws_of
from tests.support.apptest import no_exception
from tests.support.pg import PgServer, fresh_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def database(postgres_server: PgServer, monkeypatch) -> Iterator[str]:
    for url in fresh_database(postgres_server):
        monkeypatch.setenv("PLANNER_DATABASE_URL", url)
        yield url


def set_reachable(server: PgServer, url: str, reachable: bool) -> None:
    name = url.rsplit("/", 1)[1]
    with server.admin() as conn:
        conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(reachable).lower()}')
        if not reachable:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )


def versions(url: str, plan_id: str, owner: str) -> list[int]:
    store = Store(url)
    try:
        return sorted(v.version for v in store.history(plan_id, owner))
    finally:
        store.close()


def test_the_pages_say_so_keep_the_change_and_save_it_when_it_is_back(
    postgres_server: PgServer, database: str
) -> None:
    at = editor()
    add_member(at, "Ann")
    plan_id, owner = at.session_state["_plans_id"], _owner(database, at)
    before = versions(database, plan_id, owner)

    set_reachable(postgres_server, database, False)
    add_member(at, "Bo")
    no_exception(at)
    assert current_team(at).names() == ["Ann", "Bo"]  # the tab keeps the change
    notice = at.get_by_key("db_away")
    assert t("store_db_away_unsaved", "en") in [w.value for w in at.warning]
    assert notice is not None
    assert at.get_by_key("db_away_download") is not None  # the work can leave
    assert at.sidebar.error[0].value.startswith(t("store_db_error", "en", problem="")[:20])
    at.switch_page("pages/coverage.py").run()  # another page: says so, no traceback
    no_exception(at)
    assert t("store_db_away_unsaved", "en") in [w.value for w in at.warning]

    set_reachable(postgres_server, database, True)
    at.run()
    no_exception(at)
    after = versions(database, plan_id, owner)
    assert after == [*before, before[-1] + 1]  # saved once, nothing lost
    assert t("store_db_away_unsaved", "en") not in [w.value for w in at.warning]
    assert at.sidebar.success[0].value == t(
        "store_saved_after_outage", "en", version=before[-1] + 1
    )
    store = Store(database)
    try:
        assert store.load(plan_id, owner).plan.team.names() == ["Ann", "Bo"]
    finally:
        store.close()


def test_a_version_saved_elsewhere_meanwhile_gets_the_conflict_choice(
    postgres_server: PgServer, database: str
) -> None:
    first = editor()
    add_member(first, "Ann")
    second = editor(query_params=ws_of(first))
    set_reachable(postgres_server, database, False)
    add_member(first, "Bo")  # kept in the first tab only
    set_reachable(postgres_server, database, True)
    add_member(second, "Cy")  # the second tab saves first
    first.run()  # the first tab's waiting save is refused, not written over Cy
    no_exception(first)
    assert first.button(key="plan_reload") is not None
    assert first.button(key="plan_save_copy") is not None
    assert current_team(first).names() == ["Ann", "Bo"]
    store = Store(database)
    try:
        owner = store.resolve_workspace(first.query_params["ws"])
        plan = store.load(first.session_state["_plans_id"], owner).plan
        assert plan.team.names() == ["Ann", "Cy"]
    finally:
        store.close()


def _owner(url: str, at) -> str:
    store = Store(url)
    try:
        owner = store.resolve_workspace(at.query_params["ws"])
    finally:
        store.close()
    assert owner is not None
    return owner
