"""The plan store on SQLite and on a real PostgreSQL server (same tests, both back ends)."""

from __future__ import annotations

import json
import secrets
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.domain import PLAN_SCHEMA, Member, Plan, Team
from planner.i18n import strings
from planner.store import (
    HINT_CHARS,
    MAX_IMPORT_BYTES,
    UNDO_WINDOW,
    NewerDatabase,
    PlanImportError,
    PlanNotFound,
    StaleVersion,
    Store,
    WorkspaceNotFound,
    describe_changes,
    hash_token,
    is_token_shaped,
    summarize,
)
from planner.store.engine import sqlite_url
from planner.store.schema import plans

# Token-shaped but never issued (fixed, so that parallel test workers collect alike).
UNKNOWN_TOKEN = "k3Vq" * 10 + "xyz"  # 43 characters, the size issued today
UNKNOWN_OLD_TOKEN = "k3Vq" * 5 + "xy"  # 22 characters, the shortest accepted


def head_revision() -> str:
    """The newest migration this release ships (what a Store upgrades to)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from planner.store import MIGRATIONS_DIR

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(cfg).get_current_head()


def database_at(url: str, revision: str):
    """A database brought to an older revision, and its engine (to fill by hand)."""
    from alembic import command
    from alembic.config import Config

    from planner.store import MIGRATIONS_DIR, make_engine

    engine = make_engine(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    return engine


@pytest.fixture
def store(database_url: str):
    store = Store(database_url)
    yield store
    store.close()


def plan_with(*members: tuple[str, dict[str, int]], **fields: object) -> Plan:
    team = Team(members=tuple(Member(name=n, skills=s) for n, s in members))
    return Plan(team=team, **fields)


ANN = ("Ann", {"research.pretraining": 4})
BO = ("Bo", {"product.backend": 3})


def test_save_load_and_history(store: Store) -> None:
    created = store.create_plan(Plan(name="Seed"))
    assert (created.version, created.latest) == (1, 1)
    v2 = store.save(created.id, plan_with(ANN, name="Seed"), base_version=1)
    v3 = store.save(created.id, plan_with(ANN, BO, name="Seed", business_model="platform"), v2)
    assert (v2, v3) == (2, 3)
    latest = store.load(created.id)
    assert latest.version == 3
    assert latest.plan.team.names() == ["Ann", "Bo"]
    assert latest.plan.business_model == "platform"
    assert store.load(created.id, version=2).plan.team.names() == ["Ann"]
    history = store.history(created.id)
    assert [h.version for h in history] == [3, 2, 1]
    assert history[0].changes == [
        {"kind": "added", "names": ["Bo"]},
        {"kind": "model", "from": "product", "to": "platform"},
    ]
    assert history[0].summary("en") == "Added Bo; business model product → platform"
    assert history[-1].changes == [{"kind": "created"}]


def test_a_plan_keeps_every_field(store: Store) -> None:
    custom = {
        "id": "lab",
        "label": {"en": "Lab", "zh": "实验室"},
        "weights": {"research": 1},
        "requirements": {"research.alignment": {"level": 3, "depth": 1}},
    }
    plan = Plan.model_validate(
        {
            "schema": PLAN_SCHEMA,
            "name": "全部字段 all fields",
            "business_model": "lab",
            "team": [{"name": "李雷", "role": "CTO", "fte": 0.5, "skills": {"data.quality": 2}}],
            "custom_models": {"lab": custom},
            "lang": "zh",
            "notes": "笔记 — notes",
        }
    )
    created = store.create_plan(plan)
    assert store.load(created.id).plan == plan


def test_stale_save_is_refused_and_overwrites_nothing(store: Store) -> None:
    created = store.create_plan(Plan(name="P"))
    store.save(created.id, plan_with(ANN, name="P"), base_version=1)
    with pytest.raises(StaleVersion) as raised:
        store.save(created.id, plan_with(BO, name="P"), base_version=1)
    assert (raised.value.base, raised.value.current) == (1, 2)
    assert store.load(created.id).plan.team.names() == ["Ann"]
    assert len(store.history(created.id)) == 2


def test_saving_the_same_content_writes_no_version(store: Store) -> None:
    created = store.create_plan(plan_with(ANN, name="Same"))
    assert store.save(created.id, plan_with(ANN, name="Same"), base_version=1) == 1
    assert len(store.history(created.id)) == 1


def test_restore_is_a_new_version(store: Store) -> None:
    created = store.create_plan(plan_with(ANN, name="R"))
    store.save(created.id, plan_with(ANN, BO, name="R"), 1)
    store.save(created.id, plan_with(BO, name="R", business_model="service"), 2)
    version = store.restore(created.id, version=1, base_version=3)
    assert version == 4
    assert store.load(created.id).plan == plan_with(ANN, name="R")
    top = store.history(created.id)[0]
    assert top.changes[0] == {"kind": "restored", "version": 1}
    assert top.summary("zh").startswith("恢复到版本 1")
    with pytest.raises(StaleVersion):
        store.restore(created.id, version=2, base_version=3)


def test_rename_duplicate_list(store: Store) -> None:
    a = store.create_plan(Plan(name="Alpha"))
    assert store.rename(a.id, "Alpha 2", base_version=1) == 2
    assert store.load(a.id).plan.name == "Alpha 2"
    with pytest.raises(StaleVersion):
        store.rename(a.id, "Alpha 3", base_version=1)
    copy = store.duplicate(a.id)
    assert copy.id != a.id
    assert copy.plan.name == "Alpha 2 (copy)"
    assert store.history(copy.id)[0].changes == [{"kind": "copied", "name": "Alpha 2"}]
    assert {p.id for p in store.list_plans()} == {a.id, copy.id}
    assert store.list_plans()[0].id == copy.id  # most recently changed first


def test_delete_can_be_undone_within_the_window(store: Store) -> None:
    a = store.create_plan(plan_with(ANN, name="Doomed"))
    token = store.create_share(a.id)
    store.delete(a.id)
    assert store.list_plans() == []
    assert [p.id for p in store.list_deleted()] == [a.id]
    assert store.resolve_share(token) is None
    with pytest.raises(PlanNotFound):
        store.load(a.id)
    with pytest.raises(PlanNotFound):
        store.save(a.id, Plan(name="x"), base_version=1)
    store.undelete(a.id)
    assert store.load(a.id).plan.team.names() == ["Ann"]
    assert store.resolve_share(token) is not None


def test_delete_expires_and_purge_removes(store: Store) -> None:
    a = store.create_plan(Plan(name="Old"))
    keep = store.create_plan(Plan(name="Keep"))
    store.delete(a.id)
    with store.engine.begin() as conn:  # pretend it was deleted long ago
        conn.execute(
            plans.update()
            .where(plans.c.id == a.id)
            .values(
                deleted_at=datetime.now(UTC).replace(tzinfo=None) - UNDO_WINDOW - timedelta(days=1)
            )
        )
    assert store.list_deleted() == []
    with pytest.raises(PlanNotFound):
        store.undelete(a.id)
    assert store.purge_deleted() == 1
    assert [p.id for p in store.list_plans()] == [keep.id]


@pytest.mark.parametrize(
    "operation",
    [
        lambda s, pid: s.load(pid),
        lambda s, pid: s.save(pid, Plan(name="stolen"), 1),
        lambda s, pid: s.history(pid),
        lambda s, pid: s.rename(pid, "x", 1),
        lambda s, pid: s.restore(pid, 1, 1),
        lambda s, pid: s.duplicate(pid),
        lambda s, pid: s.delete(pid),
        lambda s, pid: s.create_share(pid),
        lambda s, pid: s.list_shares(pid),
        lambda s, pid: s.revoke_share(s.store.list_shares(pid, owner="alice@example.com")[0].id),
    ],
    ids=[
        "load",
        "save",
        "history",
        "rename",
        "restore",
        "duplicate",
        "delete",
        "share",
        "shares",
        "revoke",
    ],
)
def test_nobody_reaches_another_owners_plan(store: Store, operation) -> None:
    theirs = store.create_plan(plan_with(ANN, name="Private"), owner="alice@example.com")
    token = store.create_share(theirs.id, owner="alice@example.com")
    with pytest.raises(PlanNotFound):
        operation(OwnedAs(store, "bob@example.com"), theirs.id)
    assert store.list_plans("bob@example.com") == []
    assert store.load(theirs.id, "alice@example.com").version == 1
    assert len(store.history(theirs.id, "alice@example.com")) == 1
    assert store.resolve_share(token).id == theirs.id  # her link still opens it


class OwnedAs:
    """The store seen by one owner (the tests above call it without owner args)."""

    def __init__(self, store: Store, owner: str) -> None:
        self.store, self.owner = store, owner

    def __getattr__(self, name: str):
        method = getattr(self.store, name)
        return lambda *args: method(*args, owner=self.owner)


def test_share_links(store: Store) -> None:
    a = store.create_plan(plan_with(ANN, name="Shared"), owner="alice")
    first = store.new_share(a.id, owner="alice")
    token, other = first.token, store.create_share(a.id, owner="alice")
    assert token != other
    assert is_token_shaped(token) and is_token_shaped(other)
    assert len(token) >= 43  # 43 url-safe characters carry 256 bits (128 are asked)
    shared = store.resolve_share(token)
    assert shared is not None
    assert (shared.id, shared.plan.name) == (a.id, "Shared")
    # The link shows the latest version.
    store.save(a.id, plan_with(ANN, BO, name="Shared"), 1, owner="alice")
    assert store.resolve_share(token).plan.team.names() == ["Ann", "Bo"]
    # The owner's list tells links apart by a hint, never by the token.
    listed = store.list_shares(a.id, owner="alice")
    assert {s.hint for s in listed} == {token[:HINT_CHARS], other[:HINT_CHARS]}
    assert first.id in {s.id for s in listed} and first.hint == token[:HINT_CHARS]
    assert not any(token in repr(s) or other in repr(s) for s in listed)
    # Revoking names the link's id, and only its owner may.
    with pytest.raises(PlanNotFound):
        store.revoke_share(first.id, owner="mallory")
    with pytest.raises(PlanNotFound):
        store.revoke_share(token, owner="alice")  # a token is not an id
    assert store.resolve_share(token) is not None
    store.revoke_share(first.id, owner="alice")
    assert store.resolve_share(token) is None
    assert store.resolve_share(other) is not None
    with pytest.raises(PlanNotFound):
        store.revoke_share(first.id, owner="alice")  # already revoked
    assert [s.hint for s in store.list_shares(a.id, owner="alice")] == [other[:HINT_CHARS]]
    every = store.list_shares(a.id, owner="alice", active=False)
    assert {s.id for s in every} == {s.id for s in listed}
    revoked = [s for s in every if s.id == first.id]
    assert revoked[0].revoked_at is not None and revoked[0].revoked_at >= revoked[0].created_at


def _every_stored_text(store: Store) -> str:
    """Every value of every table, as text: what a read of the database gives."""
    inspector = sa.inspect(store.engine)
    dump: list[str] = []
    with store.engine.connect() as conn:
        for table in inspector.get_table_names():
            for row in conn.execute(sa.text(f'SELECT * FROM "{table}"')):
                dump.extend(str(value) for value in row)
    return "\n".join(dump)


def test_the_database_holds_no_token(store: Store) -> None:
    """A read of the database opens nothing: tokens are stored as SHA-256 only."""
    ws = store.create_workspace()
    a = store.create_plan(plan_with(ANN, name="Private"), owner=ws.owner)
    tokens = [store.create_share(a.id, owner=ws.owner) for _ in range(3)]
    rotated = store.rotate_workspace(ws.owner)
    dump = _every_stored_text(store)
    for token in [*tokens, ws.token, rotated]:
        assert token not in dump
        assert token[:8] not in dump  # not even a long prefix of it
    assert hash_token(tokens[0]) in dump and hash_token(rotated) in dump
    assert store.resolve_share(tokens[0]).id == a.id
    # What the database holds does not open anything when used as a token.
    assert store.resolve_share(hash_token(tokens[0])) is None
    assert store.resolve_workspace(hash_token(rotated)) is None


def test_workspaces_are_capabilities(store: Store) -> None:
    one, two = store.create_workspace(), store.create_workspace()
    assert one.owner != two.owner and one.owner.startswith("ws:")
    assert is_token_shaped(one.token) and len(one.token) >= 43
    assert store.resolve_workspace(one.token) == one.owner
    assert store.resolve_workspace(two.token) == two.owner
    mine = store.create_plan(plan_with(ANN, name="Mine"), owner=one.owner)
    assert store.list_plans(two.owner) == []
    with pytest.raises(PlanNotFound):
        store.load(mine.id, two.owner)
    # Rotation: the old token opens nothing, the new one the same plans.
    new = store.rotate_workspace(one.owner)
    assert new != one.token
    assert store.resolve_workspace(one.token) is None
    assert store.resolve_workspace(new) == one.owner
    assert [p.id for p in store.list_plans(store.resolve_workspace(new))] == [mine.id]
    with pytest.raises(WorkspaceNotFound):
        store.rotate_workspace("ws:nobody")


@pytest.mark.parametrize(
    "token",
    ["", "x", "a" * 21, "a" * 43 + "\n", "' OR 1=1 --", None, 42, UNKNOWN_TOKEN],
    ids=["empty", "short", "21", "newline", "sql", "none", "int", "unknown"],
)
def test_bad_workspace_tokens_resolve_to_nothing(store: Store, token: object) -> None:
    ws = store.create_workspace()
    store.create_plan(Plan(name="Hidden"), owner=ws.owner)
    assert store.resolve_workspace(token) is None
    assert store.resolve_workspace(ws.token + "\n") is None  # the `$` loophole is closed


def test_the_instance_workspace_reaches_the_old_shared_plans(store: Store) -> None:
    assert store.instance_workspace() is None  # nothing to reach: nothing is made
    old = store.create_plan(plan_with(ANN, name="From the shared days"))  # owner ""
    token = store.instance_workspace()
    assert token is not None and store.resolve_workspace(token) == ""
    assert [p.id for p in store.list_plans(store.resolve_workspace(token))] == [old.id]
    # Once made, it is never shown again (only its hash is kept) ...
    assert store.instance_workspace() is None
    # ... but the operator may replace it, which kills the old link.
    again = store.instance_workspace(rotate=True)
    assert again is not None and again != token
    assert store.resolve_workspace(token) is None
    assert store.resolve_workspace(again) == ""


@pytest.mark.parametrize(
    "token",
    [
        "",
        "x",
        "' OR 1=1 --",
        "../../etc/passwd",
        "a" * 500,
        "ÄÖÜ" * 10,
        None,
        12345,
        UNKNOWN_TOKEN,
        UNKNOWN_OLD_TOKEN,
    ],
)
def test_bad_tokens_resolve_to_nothing(store: Store, token: object) -> None:
    a = store.create_plan(Plan(name="Hidden"))
    store.create_share(a.id)
    assert store.resolve_share(token) is None


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(token=st.text(max_size=120))
def test_random_tokens_resolve_to_nothing(store: Store, token: str) -> None:
    assert store.resolve_share(token) is None


def test_copy_from_a_share_link(store: Store) -> None:
    a = store.create_plan(plan_with(ANN, name="Theirs"), owner="alice")
    token = store.create_share(a.id, owner="alice")
    mine = store.copy_shared(token, owner="bob", name="Mine")
    assert mine.plan.team.names() == ["Ann"]
    assert [p.name for p in store.list_plans("bob")] == ["Mine"]
    store.save(mine.id, plan_with(BO, name="Mine"), 1, owner="bob")
    assert store.load(a.id, "alice").plan.team.names() == ["Ann"]
    [link] = store.list_shares(a.id, owner="alice")
    store.revoke_share(link.id, owner="alice")
    with pytest.raises(PlanNotFound):
        store.copy_shared(token, owner="bob")


VALID = json.dumps(
    {"schema": 1, "name": "Imported", "team": [{"name": "Ann", "skills": {"data.quality": 3}}]}
)


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        (b"{not json", "store_import_bad_json"),
        (b"\xff\xfe\x00garbage", "store_import_not_text"),
        (b"[1, 2, 3]", "store_import_not_plan"),
        (b'"a string"', "store_import_not_plan"),
        (json.dumps({"schema": 99, "name": "Future"}).encode(), "store_import_newer"),
        (
            json.dumps({"schema": 1, "team": [{"name": "A", "fte": 7}]}).encode(),
            "store_import_invalid",
        ),
        (json.dumps({"schema": 1, "surprise": True}).encode(), "store_import_invalid"),
        (b"[" * 600_000 + b"]" * 600_000, "store_import_too_big"),
        (b"[" * 50_000 + b"]" * 50_000, "err_json_deep"),
        (b" " * (MAX_IMPORT_BYTES + 1), "store_import_too_big"),
    ],
    ids=[
        "syntax",
        "binary",
        "list",
        "string",
        "newer",
        "bad-fte",
        "extra",
        "huge-nest",
        "nest",
        "huge",
    ],
)
def test_bad_imports_are_refused_and_touch_nothing(store: Store, raw: bytes, key: str) -> None:
    existing = store.create_plan(plan_with(ANN, name="Existing"))
    before = store.list_plans()
    with pytest.raises(PlanImportError) as raised:
        store.import_plan(raw)
    assert raised.value.key == key
    for lang in ("en", "zh"):
        message = raised.value.message(lang)
        assert message and "{" not in message
    assert store.list_plans() == before
    assert store.load(existing.id).plan.team.names() == ["Ann"]


def test_a_good_import_becomes_a_plan(store: Store) -> None:
    loaded = store.import_plan(VALID.encode())
    assert store.load(loaded.id).plan.team.names() == ["Ann"]
    assert store.history(loaded.id)[0].changes == [{"kind": "imported"}]


def test_concurrent_saves_lose_no_version(store: Store) -> None:
    """Threads that retry on conflict: every successful save is its own version."""
    plan_id = store.create_plan(Plan(name="Busy")).id
    threads, per_thread = 6, 6
    saved: dict[int, str] = {}
    conflicts = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for k in range(per_thread):
                note = f"thread {n} save {k}"
                while True:
                    base = store.load(plan_id)
                    try:
                        version = store.save(
                            plan_id, Plan(name="Busy", notes=note), base_version=base.version
                        )
                        break
                    except StaleVersion:
                        with lock:
                            conflicts.append(n)
                with lock:
                    assert version not in saved
                    saved[version] = note
        except BaseException as exc:  # surfaced below, not swallowed
            errors.append(exc)

    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    assert sorted(saved) == list(range(2, 2 + threads * per_thread))
    assert store.load(plan_id).version == 1 + threads * per_thread
    assert len(store.history(plan_id)) == 1 + threads * per_thread
    for version, note in saved.items():
        assert store.load(plan_id, version=version).plan.notes == note


def test_concurrent_saves_on_one_base_raise_the_conflict(store: Store) -> None:
    """Several saves based on the same version: exactly one wins, the rest are told."""
    plan_id = store.create_plan(Plan(name="Race")).id
    barrier = threading.Barrier(6)
    outcomes: list[object] = []

    def writer(n: int) -> None:
        barrier.wait()
        try:
            outcomes.append(store.save(plan_id, Plan(name="Race", notes=f"w{n}"), 1))
        except StaleVersion as exc:
            outcomes.append(exc)

    workers = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    wins = [o for o in outcomes if o == 2]
    stale = [o for o in outcomes if isinstance(o, StaleVersion)]
    assert (len(wins), len(stale)) == (1, 5)
    assert all(s.current == 2 for s in stale)
    assert store.load(plan_id).version == 2


def test_an_older_schema_is_upgraded_in_place(database_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    from planner.store import MIGRATIONS_DIR, make_engine

    engine = make_engine(database_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        data = json.dumps({"schema": 1, "name": "From 0001", "team": [{"name": "Old"}]})
        conn.execute(
            sa.text(
                "INSERT INTO plans (id, owner, name, version, created_at, updated_at) "
                "VALUES ('p1', '', 'From 0001', 1, :t, :t)"
            ),
            {"t": datetime(2026, 1, 1)},
        )
        conn.execute(
            sa.text(
                "INSERT INTO plan_versions (plan_id, version, created_at, summary, data) "
                "VALUES ('p1', 1, :t, '[{\"kind\": \"created\"}]', :d)"
            ),
            {"d": data, "t": datetime(2026, 1, 1)},
        )
    engine.dispose()
    store = Store(database_url)
    try:
        assert store.schema_revision() == head_revision()
        assert store.load("p1").plan.team.names() == ["Old"]
        assert store.save("p1", Plan(name="From 0001", notes="new"), 1) == 2
        assert store.resolve_share(store.create_share("p1")).plan.notes == "new"
    finally:
        store.close()


def test_plain_share_tokens_of_0002_are_hashed_and_keep_working(database_url: str) -> None:
    """0003 hashes the links stored verbatim: the links owners hold still open
    their plans, revoked ones stay revoked, and no token is left in the database."""
    live, dead = secrets.token_urlsafe(32), secrets.token_urlsafe(16)  # 16: an old short one
    engine = database_at(database_url, "0002")
    t0 = datetime(2026, 1, 1)
    data = json.dumps({"schema": 1, "name": "Old shared", "team": [{"name": "Old"}]})
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO plans (id, owner, name, version, created_at, updated_at) "
                "VALUES ('p1', '', 'Old shared', 1, :t, :t)"
            ),
            {"t": t0},
        )
        conn.execute(
            sa.text(
                "INSERT INTO plan_versions (plan_id, version, created_at, summary, data) "
                "VALUES ('p1', 1, :t, '[]', :d)"
            ),
            {"d": data, "t": t0},
        )
        conn.execute(
            sa.text(
                "INSERT INTO shares (token, plan_id, created_at, revoked_at) "
                "VALUES (:live, 'p1', :t, NULL), (:dead, 'p1', :t, :t)"
            ),
            {"live": live, "dead": dead, "t": t0},
        )
    engine.dispose()
    store = Store(database_url)
    try:
        assert store.schema_revision() == head_revision()
        assert store.resolve_share(live).plan.team.names() == ["Old"]
        assert store.resolve_share(dead) is None
        dump = _every_stored_text(store)
        assert live not in dump and dead not in dump
        assert hash_token(live) in dump and hash_token(dead) in dump
        columns = {c["name"] for c in sa.inspect(store.engine).get_columns("shares")}
        assert "token" not in columns
        [link] = store.list_shares("p1")
        assert (link.hint, link.created_at) == (live[:HINT_CHARS], t0)
        [old_dead] = [s for s in store.list_shares("p1", active=False) if s.revoked_at]
        assert old_dead.hint == dead[:HINT_CHARS]
        # The plan and its links are still the instance's: revoking by id works.
        store.revoke_share(link.id)
        assert store.resolve_share(live) is None
        # New links are hashed too, and open the old plan.
        assert store.resolve_share(store.create_share("p1")).id == "p1"
        # The old shared plans are reachable through the instance workspace.
        token = store.instance_workspace()
        assert [p.id for p in store.list_plans(store.resolve_workspace(token))] == ["p1"]
    finally:
        store.close()


def open_at_once(url: str, count: int = 4) -> tuple[list[Store], list[BaseException]]:
    """`count` threads open a Store on url at the same moment."""
    barrier = threading.Barrier(count)
    stores: list[Store] = []
    errors: list[BaseException] = []

    def start() -> None:
        barrier.wait()
        try:
            stores.append(Store(url))
        except BaseException as exc:
            errors.append(exc)

    workers = [threading.Thread(target=start) for _ in range(count)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return stores, errors


def test_replicas_starting_together_migrate_once(database_url: str) -> None:
    """Several processes (here threads) open a fresh database at once."""
    stores, errors = open_at_once(database_url)
    assert errors == []
    assert {s.schema_revision() for s in stores} == {head_revision()}
    plan_id = stores[0].create_plan(Plan(name="Shared")).id
    assert stores[3].load(plan_id).plan.name == "Shared"
    for s in stores:
        s.close()


def test_fresh_sqlite_files_opened_by_four_at_once_never_say_locked(tmp_path: Path) -> None:
    """Switching a fresh file to WAL ignores busy_timeout: four stores opening one at
    once got "database is locked" in 5 of 40 trials before the switch waited."""
    for trial in range(12):
        stores, errors = open_at_once(sqlite_url(tmp_path / f"fresh-{trial}.db"))
        for s in stores:
            s.close()
        assert errors == [], (trial, errors)
        assert len(stores) == 4


def test_a_newer_database_is_refused(database_url: str) -> None:
    Store(database_url).close()
    engine = sa.create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(NewerDatabase):
        Store(database_url)


def test_sqlite_is_durable(tmp_path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'p.db'}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    store.close()


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (None, Plan(), [{"kind": "created"}]),
        (plan_with(ANN), plan_with(ANN, BO), [{"kind": "added", "names": ["Bo"]}]),
        (plan_with(ANN, BO), plan_with(BO), [{"kind": "removed", "names": ["Ann"]}]),
        (
            plan_with(ANN),
            plan_with(("Ann", {"research.pretraining": 5, "data.quality": 1})),
            [{"kind": "levels", "names": ["Ann"], "count": 2}],
        ),
        (plan_with(ANN, BO), plan_with(BO, ANN), [{"kind": "reordered"}]),
        (
            Plan(),
            Plan(business_model="service"),
            [{"kind": "model", "from": "product", "to": "service"}],
        ),
        (Plan(), Plan(notes="x", lang="zh"), [{"kind": "lang", "to": "zh"}, {"kind": "notes"}]),
        (Plan(), Plan(), []),
    ],
)
def test_describe_changes(old: Plan | None, new: Plan, expected: list[dict]) -> None:
    assert describe_changes(old, new) == expected
    for lang in ("en", "zh"):
        assert summarize(expected, lang)


def test_every_store_string_exists_in_both_languages() -> None:
    keys = [k for k in strings() if k.startswith(("store_", "share_"))]
    assert len(keys) > 20
    for key in keys:
        assert strings()[key].get("en") and strings()[key].get("zh"), key
