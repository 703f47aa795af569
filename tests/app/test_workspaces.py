"""AppTest: private workspaces without sign-in, the operator's shared mode, and the
instance workspace that keeps the plans of the old shared mode reachable.

Each AppTest is a new browser session; a test gives a session another's
workspace by opening its ``?ws=`` link, as a founder opens a bookmark.
"""

from __future__ import annotations

import logging
import re
import secrets

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from components.plans import database_url
from planner.cli import main as cli_main
from planner.domain import Member, Plan, Team
from planner.files import team_to_bytes
from planner.i18n import t
from planner.store import (
    Store,
    is_token_shaped,
)
from tests.support.apptest import no_exception, open_page

PAGES = ["overview", "team", "model", "coverage", "pipeline", "share"]


@pytest.fixture
def store():
    opened = Store(database_url())
    yield opened
    opened.close()


def visit(page: str = "team", **query: str) -> AppTest:
    return open_page(page, lang=None, query_params=query)


def started(page: str = "team") -> AppTest:
    """A visitor who made a first change (which stores their workspace and plan)."""
    at = add_member(visit("team"), "Starter")
    return at if page == "team" else at.switch_page(f"pages/{page}.py").run()


def add_member(at: AppTest, name: str) -> AppTest:
    team = at.session_state["plan"].team.with_member(Member(name=name))
    at.file_uploader(key="team_upload").upload("team.csv", team_to_bytes(team, "csv"), "text/csv")
    return at.run()


def shown_text(at: AppTest) -> str:
    """Everything a session shows, main area and sidebar, as one string."""
    parts = [str(getattr(node, "value", "")) for node in at.main]
    parts += [str(getattr(node, "value", "")) for node in at.sidebar]
    for box in at.selectbox:  # options as shown (labels)
        parts += [box.label, *map(str, box.options)]
    return " ".join(parts)


def refused(at: AppTest) -> None:
    """The plain refusal, and nothing of any plan: only the way to a fresh workspace."""
    no_exception(at)
    assert [e.value for e in at.error] == [t("ws_invalid", "en")]
    assert [b.key for b in at.button] == ["ws_invalid_exit"]
    assert not at.selectbox and not at.get("download_button")


def test_two_sessions_without_a_link_never_see_each_others_plans(store: Store) -> None:
    a, b = visit(), visit()
    add_member(a, "Ann Private")
    add_member(b, "Bo Private")
    no_exception(a)
    no_exception(b)
    ws_a, ws_b = a.query_params["ws"], b.query_params["ws"]
    assert ws_a != ws_b and is_token_shaped(ws_a) and is_token_shaped(ws_b)
    owner_a, owner_b = store.resolve_workspace(ws_a), store.resolve_workspace(ws_b)
    assert owner_a != owner_b
    plans_a, plans_b = store.list_plans(owner_a), store.list_plans(owner_b)
    assert len(plans_a) == len(plans_b) == 1
    # Each picker offers one plan (its options are the labels shown): its own.
    assert len(a.selectbox(key="plan_select").options) == 1
    assert len(b.selectbox(key="plan_select").options) == 1
    assert a.selectbox(key="plan_select").value == plans_a[0].id
    assert b.selectbox(key="plan_select").value == plans_b[0].id
    for page in PAGES:  # on every page, after every rerun
        a.switch_page(f"pages/{page}.py").run()
        b.switch_page(f"pages/{page}.py").run()
        assert "Bo Private" not in shown_text(a) and "Ann Private" not in shown_text(b)
        assert a.query_params["ws"] == ws_a and b.query_params["ws"] == ws_b
    # A new visitor sees neither, and a visit alone stores nothing.
    c = visit()
    assert c.session_state["plan"].team.names() == []
    assert c.session_state["plan"].name == "My plan"
    assert "ws" not in c.query_params
    assert c.selectbox(key="plan_select").options == ["My plan"]  # the unsaved one
    assert t("store_not_saved_yet", "en") in [m.value for m in c.sidebar.caption]


def test_the_link_brings_back_the_workspace_and_shows_once_with_its_note(store: Store) -> None:
    first = visit()
    add_member(first, "Ann")
    ws = first.query_params["ws"]
    link = first.get_by_key("ws_link")
    assert [c.value for c in link.caption] == [t("ws_bookmark_note", "en")]
    assert [c.value for c in link.code] == [f"http://localhost:8501/?ws={ws}"]
    again = visit("overview", ws=ws)
    no_exception(again)
    assert again.session_state["plan"].team.names() == ["Ann"]
    assert again.query_params["ws"] == ws
    assert again.selectbox(key="plan_select").value == first.selectbox(key="plan_select").value


@pytest.mark.parametrize(
    "token",
    [
        secrets.token_urlsafe(32),  # well formed, unknown
        secrets.token_urlsafe(16),  # 128 bits, unknown
        "short",
        "a" * 21,
        "' OR 1=1 --",
        "",
        "../../etc/passwd",
    ],
    ids=["unknown", "unknown-128", "short", "21", "sql", "empty", "path"],
)
def test_a_forged_or_short_link_is_refused_and_a_fresh_start_is_offered(
    store: Store, token: str
) -> None:
    owner = visit()
    add_member(owner, "Secret Person")
    at = visit("team", ws=token)
    refused(at)
    assert "Secret Person" not in shown_text(at)
    at.button(key="ws_invalid_exit").click().run()
    no_exception(at)
    assert at.session_state["plan"].team.names() == []
    add_member(at, "Fresh Start")  # the first change makes the fresh workspace
    fresh = at.query_params["ws"]
    assert fresh not in (token, owner.query_params["ws"]) and is_token_shaped(fresh)
    assert [p.name for p in store.list_plans(store.resolve_workspace(fresh))] == ["My plan"]


def test_near_misses_of_a_real_link_are_refused(store: Store) -> None:
    owner = started()
    ws = owner.query_params["ws"]
    share = owner.switch_page("pages/share.py").run()
    share.button(key="share_create").click().run()
    share_token = re.search(r"share=([A-Za-z0-9_-]+)", share.get_by_key("share_link").code[0].value)
    for near in (ws[:-1], ws + "A", ws.swapcase(), ws + "\n", share_token.group(1)):
        refused(visit("overview", ws=near))


def test_replacing_the_link_kills_the_old_one_everywhere(store: Store) -> None:
    first = visit()
    add_member(first, "Ann")
    old = first.query_params["ws"]
    other_tab = visit("team", ws=old)
    assert other_tab.session_state["plan"].team.names() == ["Ann"]
    first.button(key="ws_rotate").click().run()
    no_exception(first)
    new = first.query_params["ws"]
    assert new != old and is_token_shaped(new)
    assert first.sidebar.success[0].value == t("ws_rotated", "en")
    assert first.get_by_key("ws_link").code[0].value.endswith(f"?ws={new}")
    assert first.session_state["plan"].team.names() == ["Ann"]  # same plans, new key
    add_member(first, "Bo")  # and the tab that rotated keeps saving
    # The tab that still held the old link is stopped at its next interaction,
    # before its action runs.
    other_tab.button(key="plan_new").click().run()
    refused(other_tab)
    owner = store.resolve_workspace(new)
    assert len(store.list_plans(owner)) == 1
    # A visit with the old link is refused; with the new one it opens the plans.
    refused(visit("overview", ws=old))
    assert visit("team", ws=new).session_state["plan"].team.names() == ["Ann", "Bo"]


@pytest.mark.parametrize(
    "how",
    [
        {"env": "1"},
        {"env": "true"},
        {"secrets": {"planner": {"shared_workspace": True}}},
        {"secrets": {"PLANNER_SHARED_WORKSPACE": "yes"}},
    ],
    ids=["env-1", "env-true", "secrets-table", "secrets-top"],
)
def test_the_operator_may_choose_the_old_shared_mode(monkeypatch, store: Store, how) -> None:
    if "env" in how:
        monkeypatch.setenv("PLANNER_SHARED_WORKSPACE", how["env"])
    extra = {"secrets": how["secrets"]} if "secrets" in how else {}
    a = open_page("team", lang=None, **extra)
    add_member(a, "Ann")
    b = open_page("share", lang=None, **extra)
    no_exception(b)
    # One workspace for everybody, and the sidebar says so.
    assert "ws" not in a.query_params and "ws" not in b.query_params
    assert b.selectbox(key="plan_select").value == a.selectbox(key="plan_select").value
    assert b.session_state["plan"].team.names() == ["Ann"]
    assert [c.value for c in b.get_by_key("ws_shared_note").caption] == [t("ws_shared_mode", "en")]
    captions = [c.value for c in b.main.caption]
    assert t("share_local_note", "en") in captions and t("share_intro", "en") not in captions
    with pytest.raises(KeyError):
        b.get_by_key("ws_link")
    assert [p.name for p in store.list_plans("")] == ["My plan"]


@pytest.mark.parametrize("value", ["0", "false", "no", ""])
def test_anything_but_yes_keeps_workspaces_private(monkeypatch, value: str) -> None:
    monkeypatch.setenv("PLANNER_SHARED_WORKSPACE", value)
    a, b = started(), started()
    assert a.query_params["ws"] != b.query_params["ws"]
    with pytest.raises(KeyError):
        a.get_by_key("ws_shared_note")


def test_with_sign_in_nothing_changes(store: Store) -> None:
    auth = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"}}
    at = open_page("team", lang=None, secrets=auth, user={"is_logged_in": True, "email": "a@x.io"})
    no_exception(at)
    assert "ws" not in at.query_params
    for key in ("ws_link", "ws_rotate", "ws_shared_note"):
        with pytest.raises(KeyError):
            at.get_by_key(key)
    assert [p.name for p in store.list_plans("a@x.io")] == ["My plan"]
    # A ?ws= link means nothing with sign-in: the plans are the user's.
    forged = open_page(
        "team",
        lang=None,
        secrets=auth,
        user={"is_logged_in": True, "email": "a@x.io"},
        query_params={"ws": "x"},
    )
    no_exception(forged)
    assert forged.selectbox(key="plan_select").value == at.selectbox(key="plan_select").value


def instance_link(capsys, *args: str) -> str | None:
    """What `python -m planner instance-link` prints to the operator's terminal."""
    assert cli_main(["instance-link", "--database-url", database_url(), *args]) == 0
    out = capsys.readouterr().out
    found = re.search(r"\?ws=([A-Za-z0-9_-]+)", out)
    return found[1] if found else None


def test_the_old_shared_plans_are_reached_by_the_instance_link_printed_when_asked(
    store: Store, caplog, capsys
) -> None:
    team = Team(members=(Member(name="From The Shared Days"),))
    old = store.create_plan(Plan(name="Old shared plan", team=team))  # owner "", as before
    caplog.set_level(logging.WARNING, logger="components.plans.config")
    first = visit()
    no_exception(first)
    # The server log says how to get the link, and never holds it (it is a capability).
    lines = [r.getMessage() for r in caplog.records if r.name == "components.plans.config"]
    assert len(lines) == 1 and "python -m planner instance-link" in lines[0]
    assert "ws=" not in caplog.text
    # A new visitor does not get the old plans ...
    assert "From The Shared Days" not in shown_text(first)
    # ... the operator asks for the link, printed once to their terminal ...
    token = instance_link(capsys)
    assert token is not None
    assert instance_link(capsys) is None  # never shown again
    # ... and whoever holds it reaches the old plans and can work on them.
    holder = visit("team", ws=token)
    no_exception(holder)
    assert holder.selectbox(key="plan_select").value == old.id
    assert holder.session_state["plan"].team.names() == ["From The Shared Days"]
    add_member(holder, "Ann")
    assert store.load(old.id).plan.team.names() == ["From The Shared Days", "Ann"]


def test_a_copy_from_a_share_link_goes_to_the_viewers_own_workspace(store: Store) -> None:
    owner = visit()
    add_member(owner, "Ann")
    share = owner.switch_page("pages/share.py").run()
    share.button(key="share_create").click().run()
    token = re.search(r"share=([A-Za-z0-9_-]+)", share.get_by_key("share_link").code[0].value)
    viewer_ws = started("overview").query_params["ws"]
    # The viewer opens the link with their own workspace link beside it.
    looking = visit("team", share=token.group(1), ws=viewer_ws)
    no_exception(looking)
    assert looking.session_state["read_only"] is True
    assert looking.session_state["plan"].team.names() == ["Ann"]
    looking.switch_page("pages/coverage.py").run()
    assert looking.query_params["ws"] == viewer_ws  # kept across pages
    looking.button(key="plan_copy_shared").click().run()
    no_exception(looking)
    assert looking.query_params["ws"] == viewer_ws and "share" not in looking.query_params
    theirs = store.list_plans(store.resolve_workspace(viewer_ws))
    assert sorted(p.name for p in theirs) == ["My plan", "My plan (copy)"]
    assert [
        p.name for p in store.list_plans(store.resolve_workspace(owner.query_params["ws"]))
    ] == ["My plan"]


def test_a_lost_instance_link_is_replaced_on_request(store: Store, capsys) -> None:
    old_plan = store.create_plan(Plan(name="Old shared plan"))
    lost = instance_link(capsys)
    new = instance_link(capsys, "--rotate")
    assert new is not None and new != lost
    refused(visit("overview", ws=lost))
    assert visit("team", ws=new).selectbox(key="plan_select").value == old_plan.id


def test_shared_mode_logs_no_instance_link(monkeypatch, store: Store, caplog) -> None:
    store.create_plan(Plan(name="Old shared plan"))
    monkeypatch.setenv("PLANNER_SHARED_WORKSPACE", "1")
    caplog.set_level(logging.WARNING, logger="components.plans.config")
    at = visit()
    assert "instance-link" not in caplog.text
    assert at.session_state["plan"].name == "Old shared plan"  # everybody's plans


def test_visits_alone_store_nothing_and_the_first_change_stores_one_of_each(
    store: Store,
) -> None:
    """Issue 23, item 5: 5 anonymous visits used to leave 5 workspaces, plans and
    versions behind."""

    def rows() -> dict[str, int]:
        with store.engine.connect() as conn:
            return {
                table: conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
                for table in ("workspaces", "plans", "plan_versions")
            }

    before = rows()
    for page in ("overview", "team", "coverage", "budget", "share"):
        no_exception(visit(page))
    assert rows() == before
    at = add_member(visit("team"), "Ann")
    # One workspace and plan; version 1 as opened, version 2 the change.
    grown = {"workspaces": 1, "plans": 1, "plan_versions": 2}
    assert rows() == {table: n + grown[table] for table, n in before.items()}
    assert store.list_plans(store.resolve_workspace(at.query_params["ws"]))[0].name == "My plan"


def owned_plans(store: Store, at: AppTest) -> list[str]:
    return [p.name for p in store.list_plans(store.resolve_workspace(at.query_params["ws"]))]


def test_the_sidebar_plan_controls_work_on_a_plan_not_stored_yet(store: Store) -> None:
    """The unsaved first plan has the same controls; using one stores it first."""
    at = visit("team")
    assert "ws" not in at.query_params
    at.sidebar.text_input(key="plan_rename_name").set_value("Seed round").run()
    at.sidebar.button(key="plan_rename").click().run()
    no_exception(at)
    assert owned_plans(store, at) == ["Seed round"]
    assert at.session_state["plan"].name == "Seed round"
    assert t("store_saved", "en", version=2) in [c.value for c in at.sidebar.caption]

    other = visit("team")
    other.sidebar.button(key="plan_new").click().run()
    no_exception(other)
    assert sorted(owned_plans(store, other)) == sorted(["My plan", t("store_new_name", "en")])
    assert other.query_params["ws"] != at.query_params["ws"]
    assert other.session_state["plan"].name == t("store_new_name", "en")


def test_a_share_link_of_a_plan_not_stored_yet_stores_it_first(store: Store) -> None:
    at = visit("share")
    assert "ws" not in at.query_params
    at.button(key="share_create").click().run()
    no_exception(at)
    assert owned_plans(store, at) == ["My plan"]
    token = re.search(r"share=([A-Za-z0-9_-]+)", at.get_by_key("share_link").code[0].value)
    assert store.resolve_share(token.group(1)).plan.name == "My plan"


def test_an_invite_link_of_a_plan_not_stored_yet_stores_it_first(store: Store) -> None:
    at = visit("team")
    at.button(key="invite_create").click().run()
    no_exception(at)
    assert owned_plans(store, at) == ["My plan"]
    assert "invite=" in at.get_by_key("invite_link").code[0].value


def test_a_first_change_inside_the_page_shows_the_link_in_the_same_click(
    store: Store,
) -> None:
    """A change made by the page script (after the sidebar was drawn) gets one more
    run, so the sidebar shows the new workspace link at once."""
    at = visit("team")
    assert "ws" not in at.query_params
    at.session_state["team_editor"] = {
        "edited_rows": {},
        "added_rows": [{"name": "Ann"}],
        "deleted_rows": [],
    }
    at.run()
    no_exception(at)
    assert at.session_state["plan"].team.names() == ["Ann"]
    ws = at.query_params["ws"]
    assert owned_plans(store, at) == ["My plan"]
    assert ws in at.sidebar.get_by_key("ws_link").code[0].value
