"""AppTest: plans autosave, reload, history, conflicts, and share links end to end.

Every test has its own data folder (conftest sets PLANNER_DATA_DIR), so each gets
a fresh SQLite database; the Store is cached per database URL.

Without sign-in every new session is a new private workspace: where a test needs
a second tab on the same plans, it opens the first one's ``?ws=`` link, as a
founder would (tests/app/test_workspaces.py covers the workspaces themselves).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import UTC
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from components.plans import database_url
from components.plans.access import AccessRevoked
from planner.domain import Member, Team, plan_to_json
from planner.files import team_to_bytes
from planner.formatting import md
from planner.i18n import t
from planner.store import MAX_IMPORT_BYTES, Store
from tests.support.apptest import no_exception, open_page


def editor(**kwargs) -> AppTest:
    """The app on the team page, as a founder opens it; kwargs set AppTest fields."""
    return open_page("team", lang=None, **kwargs)


def share_page(**kwargs) -> AppTest:
    return open_page("share", lang=None, **kwargs)


def ws_of(at: AppTest) -> dict[str, str]:
    """The query of the session's workspace link: another tab on the same plans."""
    return {"ws": at.query_params["ws"]}


def owner_of(at: AppTest) -> str:
    """Whose plans the session edits, as the store knows it (from its ?ws= link)."""
    owner = store().resolve_workspace(at.query_params["ws"])
    assert owner is not None and owner.startswith("ws:")
    return owner


def add_member(at: AppTest, name: str) -> AppTest:
    """Add a member the way the team page takes a whole team: an uploaded CSV."""
    team = current_team(at).with_member(Member(name=name, skills={"product.backend": 3}))
    at.file_uploader(key="team_upload").upload("team.csv", team_to_bytes(team, "csv"), "text/csv")
    return at.run()


def team_names(at: AppTest) -> str:
    """The team this session shows, as the old stand-in page printed it."""
    return ", ".join(current_team(at).names())


def current_team(at: AppTest) -> Team:
    return at.session_state["plan"].team


def switch_model(at: AppTest, model: str = "platform") -> AppTest:
    at.switch_page("pages/model.py").run()
    at.radio(key="business_model").set_value(model).run()
    return at.switch_page("pages/team.py").run()


def started(**kwargs) -> AppTest:
    """A founder who made a first change (the business model), which stores the plan
    (version 1 as opened, version 2 the change) in a workspace of their own: a visit
    alone stores nothing."""
    return switch_model(editor(**kwargs))


_stores: dict[str, Store] = {}


class Mine:
    """The store as one session's workspace sees it (owner bound)."""

    def __init__(self, at: AppTest) -> None:
        self.owner = owner_of(at)

    def __getattr__(self, name: str):
        method = getattr(store(), name)
        return lambda *args, **kwargs: method(*args, owner=self.owner, **kwargs)


def store() -> Store:
    """The test's database, opened once per test (as the app opens it once per process)."""
    url = database_url()
    if url not in _stores:
        _stores[url] = Store(url)
    return _stores[url]


@pytest.fixture(autouse=True)
def _close_stores():
    yield
    for opened in _stores.values():
        opened.close()
    _stores.clear()


def test_a_first_visit_stores_nothing_and_its_first_change_stores_the_plan() -> None:
    at = editor()
    no_exception(at)
    assert "ws" not in at.query_params
    assert at.selectbox(key="plan_select").options == ["My plan"]  # the unsaved one
    add_member(at, "Ann")
    plans = store().list_plans(owner_of(at))
    assert [p.name for p in plans] == ["My plan"]
    assert at.selectbox(key="plan_select").value == plans[0].id
    assert store().load(plans[0].id, owner_of(at)).version == 2
    assert store().list_plans() == []  # nothing in the old shared workspace


def test_first_visit_in_chinese_names_the_plan_in_chinese() -> None:
    at = share_page(query_params={"lang": "zh"})
    no_exception(at)
    assert at.button(key="share_create").label == t("share_create", "zh")
    at.button(key="share_create").click().run()  # a link stores the plan first
    assert [p.name for p in store().list_plans(owner_of(at))] == ["我的计划"]


def test_edits_autosave_and_a_new_session_sees_them() -> None:
    at = editor()
    add_member(at, "Ann")
    add_member(at, "Bo")
    switch_model(at)
    no_exception(at)
    plan_id = at.selectbox(key="plan_select").value
    latest = store().load(plan_id, owner_of(at))
    assert latest.version == 4
    assert latest.plan.team.names() == ["Ann", "Bo"]
    assert latest.plan.business_model == "platform"
    # "Reload": a new session on the workspace's link opens the same plan.
    again = editor(query_params=ws_of(at))
    assert again.selectbox(key="plan_select").value == plan_id
    assert team_names(again) == "Ann, Bo"
    history = [m.value for m in again.sidebar.markdown]
    assert any("v4" in h and "business model product → platform" in h for h in history)
    assert any("v3" in h and "Added Bo" in h for h in history)


def test_history_restore_is_a_new_version() -> None:
    at = editor()
    add_member(at, "Ann")
    add_member(at, "Bo")
    at.button(key="plan_restore_2").click().run()
    no_exception(at)
    assert team_names(at) == "Ann"
    plan_id, owner = at.selectbox(key="plan_select").value, owner_of(at)
    latest = store().load(plan_id, owner)
    assert (latest.version, latest.plan.team.names()) == (4, ["Ann"])
    assert store().history(plan_id, owner)[0].changes[0] == {"kind": "restored", "version": 2}
    assert at.sidebar.success[0].value == t("store_restored", "en", version=2, new=4)
    # Version 3 (with Bo) is still there to go back to.
    assert store().load(plan_id, owner, version=3).plan.team.names() == ["Ann", "Bo"]


def sidebar_layout(at) -> list[tuple[int, str]]:
    """The sidebar's top-level slots: a browser keeps an expander open only while
    it stays in the same slot, so a message that comes and goes must not move it."""
    return [(i, type(node).__name__) for i, node in at.sidebar.children.items()]


def test_two_tabs_the_later_save_is_told_and_can_save_a_copy() -> None:
    first = started()
    second = editor(query_params=ws_of(first))
    owner = owner_of(first)
    plan_id = first.selectbox(key="plan_select").value
    assert second.selectbox(key="plan_select").value == plan_id
    add_member(first, "Ann")
    layout = sidebar_layout(second)
    add_member(second, "Bo")
    no_exception(second)
    assert second.sidebar.warning[0].value == t("store_conflict", "en", version=3)
    assert sidebar_layout(second) == layout  # an open expander below stays open
    # Nothing was overwritten: the stored plan has Ann only.
    assert store().load(plan_id, owner).plan.team.names() == ["Ann"]
    assert second.selectbox(key="plan_select").disabled
    second.button(key="plan_save_copy").click().run()
    no_exception(second)
    copy_id = second.selectbox(key="plan_select").value
    assert copy_id != plan_id
    assert store().load(copy_id, owner).plan.team.names() == ["Bo"]
    assert store().load(copy_id, owner).plan.name == "My plan (copy)"
    assert store().load(plan_id, owner).plan.team.names() == ["Ann"]
    assert not second.sidebar.warning


def test_two_tabs_reload_takes_the_other_version() -> None:
    first = started()
    second = editor(query_params=ws_of(first))
    add_member(first, "Ann")
    add_member(second, "Bo")
    second.button(key="plan_reload").click().run()
    no_exception(second)
    assert team_names(second) == "Ann"
    assert not second.sidebar.warning
    add_member(second, "Cy")  # saving works again, on top of the other tab's version
    plan_id = second.selectbox(key="plan_select").value
    assert store().load(plan_id, owner_of(first)).plan.team.names() == ["Ann", "Cy"]


def test_new_rename_duplicate_delete_and_undo() -> None:
    at = started()
    mine = Mine(at)
    first_id = at.selectbox(key="plan_select").value
    at.button(key="plan_new").click().run()
    new_id = at.selectbox(key="plan_select").value
    assert new_id != first_id
    at.text_input(key="plan_rename_name").input("Series A team")
    at.button(key="plan_rename").click().run()
    no_exception(at)
    assert mine.load(new_id).plan.name == "Series A team"
    assert mine.history(new_id)[0].changes[0]["kind"] == "renamed"
    at.button(key="plan_duplicate").click().run()
    dup_id = at.selectbox(key="plan_select").value
    assert mine.load(dup_id).plan.name == "Series A team (copy)"
    assert len(mine.list_plans()) == 3
    layout = sidebar_layout(at)
    at.button(key="plan_delete").click().run()
    no_exception(at)
    assert {p.id for p in mine.list_plans()} == {first_id, new_id}
    assert at.sidebar.info[0].value == t("store_deleted", "en", name="Series A team \\(copy\\)")
    assert sidebar_layout(at) == layout  # the undo offer shifts nothing below it
    at.button(key="plan_undelete").click().run()
    no_exception(at)
    assert at.selectbox(key="plan_select").value == dup_id
    assert len(mine.list_plans()) == 3
    # Switching plans loads the chosen one.
    at.selectbox(key="plan_select").select(first_id).run()
    assert at.selectbox(key="plan_select").value == first_id
    add_member(at, "Dee")
    assert mine.load(first_id).plan.team.names() == ["Dee"]
    assert mine.load(new_id).plan.team.names() == []


def test_a_rename_onto_another_plans_name_is_refused_with_a_message() -> None:
    at = started()
    mine = Mine(at)
    first_id = at.selectbox(key="plan_select").value
    first_name = mine.load(first_id).plan.name
    at.button(key="plan_new").click().run()
    new_id = at.selectbox(key="plan_select").value
    new_name = mine.load(new_id).plan.name
    at.text_input(key="plan_rename_name").input(first_name.upper()).run()
    at.button(key="plan_rename").click().run()
    no_exception(at)
    assert at.sidebar.error[0].value == t("store_name_taken", "en", name=md(first_name.upper()))
    assert mine.load(new_id).plan.name == new_name


@pytest.mark.parametrize(
    "name",
    ["http://evil.example/x", "[a](http://x)", "![i](http://x/y.png)", "www.evil.com", "计划 v1.0"],
)
def test_plan_names_reach_the_sidebar_through_the_one_escaper(name: str) -> None:
    at = editor()
    at.text_input(key="plan_rename_name").input(name).run()
    at.button(key="plan_rename").click().run()
    at.button(key="plan_delete").click().run()
    no_exception(at)
    assert at.sidebar.info[0].value == t("store_deleted", "en", name=md(name))
    # The history of the plan now open says what it was, escaped the same way.
    at.button(key="plan_undelete").click().run()
    summaries = [m.value for m in at.sidebar.markdown if m.value.startswith("**v")]
    assert any(md(name) in s for s in summaries), summaries
    assert not any(name in s for s in summaries if name != md(name))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            json.dumps({"schema": 7, "name": "Future"}).encode(),
            t("store_import_newer", "en", schema=7, known=1),
        ),
        (b'{"schema": 1, "name": ', t("store_import_bad_json", "en", line=1, col=23)),
        (
            b" " * (MAX_IMPORT_BYTES + 10),
            t("store_import_too_big", "en", size=MAX_IMPORT_BYTES + 10, limit=MAX_IMPORT_BYTES),
        ),
    ],
    ids=["newer", "malformed", "huge"],
)
def test_a_bad_import_says_why_and_changes_nothing(data: bytes, message: str) -> None:
    at = add_member(editor(), "Ann")
    mine = Mine(at)
    before = mine.list_plans()
    at.sidebar.file_uploader(key="plan_import").upload("plan.json", data, "application/json")
    at.run()
    no_exception(at)
    assert at.sidebar.error[0].value == message
    assert mine.list_plans() == before
    assert mine.load(before[0].id).plan.team.names() == ["Ann"]
    good = json.dumps({"schema": 1, "name": "Imported", "team": [{"name": "Zed"}]}).encode()
    at.sidebar.file_uploader(key="plan_import").set_value(("good.json", good, "application/json"))
    at.run()
    no_exception(at)
    plan_id = at.selectbox(key="plan_select").value
    assert mine.load(plan_id).plan.team.names() == ["Zed"]
    assert len(mine.list_plans()) == 2


def create_link(at: AppTest) -> str:
    at.button(key="share_create").click().run()
    no_exception(at)
    urls = [c.value for c in at.get_by_key("share_link").children.values() if c.type == "code"]
    assert len(urls) == 1
    query = parse_qs(urlsplit(urls[0]).query)
    return query["share"][0]


def test_share_link_opens_read_only_and_a_copy_is_the_viewers_own() -> None:
    owner = editor()
    add_member(owner, "Ann")
    plan_id = owner.selectbox(key="plan_select").value
    page = share_page(query_params=ws_of(owner))
    token = create_link(page)
    assert len(token) >= 43
    # A visitor of another workspace (a fresh browser, no ?ws=) opens the link.
    viewer = share_page(query_params={"share": token})
    no_exception(viewer)
    assert viewer.session_state["read_only"] is True
    assert viewer.info[0].value == t("share_viewing", "en", name="My plan")
    for key in ("share_create", "plan_select", "plan_new", "plan_delete", "plan_import"):
        with pytest.raises(KeyError):
            viewer.get_by_key(key)
    # The viewer's team page offers no edit control, and the stored plan is untouched.
    view_editor = editor(query_params={"share": token})
    no_exception(view_editor)
    for key in ("team_upload", "team_sample"):
        with pytest.raises(KeyError):
            view_editor.get_by_key(key)
    mine = Mine(owner)
    assert mine.load(plan_id).plan.team.names() == ["Ann"]
    assert mine.load(plan_id).version == 2
    assert "ws" not in viewer.query_params  # viewing makes no workspace
    # "Make a copy" gives the viewer a plan of their own, editable, in a
    # workspace of their own (made now), never in the owner's.
    viewer.button(key="share_copy").click().run()
    no_exception(viewer)
    assert "read_only" not in viewer.session_state
    assert "share" not in viewer.query_params
    theirs = Mine(viewer)
    assert theirs.owner != mine.owner
    copy_id = viewer.selectbox(key="plan_select").value
    assert copy_id != plan_id
    assert [p.id for p in theirs.list_plans()] == [copy_id]
    assert theirs.load(copy_id).plan.team.names() == ["Ann"]
    assert [p.id for p in mine.list_plans()] == [plan_id]
    assert viewer.button(key="share_create")


def test_owner_lists_and_revokes_links_then_the_link_is_dead() -> None:
    page = share_page()
    token = create_link(page)
    page.run()
    plan_id = page.selectbox(key="plan_select").value
    [link] = Mine(page).list_shares(plan_id)
    # The list tells the link by its first characters, never the whole token.
    listed = page.get_by_key(f"share_item_{link.id}")
    texts = [m.value for m in listed.markdown]
    assert any(f"`{token[:4]}…`" in m and t("share_state_active", "en") in m for m in texts)
    assert not any(token in m for m in texts)
    # Shown once: a new session on the same workspace sees the hint, not the link.
    later = share_page(query_params=ws_of(page))
    with pytest.raises(KeyError):
        later.get_by_key("share_link")
    assert token not in " ".join(str(getattr(n, "value", "")) for n in later.main)
    revoke = page.button(key=f"share_revoke_{link.id}")
    revoke.click().run()
    no_exception(page)
    assert page.caption and t("share_none", "en") in [c.value for c in page.caption]
    [revoked] = page.main.expander
    gone = [m.value for m in revoked.markdown]
    assert revoked.label == t("share_revoked_heading", "en", count=1)
    assert len(gone) == 1 and gone[0].startswith(f"`{token[:4]}…`") and "revoked " in gone[0]
    viewer = share_page(query_params={"share": token})
    assert [e.value for e in viewer.error] == [t("share_invalid", "en")]
    # Nothing of the plan: only the way back into the app.
    assert [b.key for b in viewer.button] == ["share_invalid_exit"]


@pytest.mark.parametrize(
    "token",
    [secrets.token_urlsafe(32), secrets.token_urlsafe(16), "x", "'; DROP TABLE plans; --", ""],
    ids=["random", "random-short", "short", "sql", "empty"],
)
def test_unknown_or_malformed_tokens_get_one_plain_message(token: str) -> None:
    owner = editor()
    add_member(owner, "Secret Person")
    create_link(share_page(query_params=ws_of(owner)))
    viewer = share_page(query_params={"share": token, "lang": "zh"})
    no_exception(viewer)
    assert [e.value for e in viewer.error] == [t("share_invalid", "zh")]
    shown = " ".join(str(getattr(node, "value", "")) for node in viewer.main)
    assert "Secret Person" not in shown and "My plan" not in shown
    assert [b.key for b in viewer.button] == ["share_invalid_exit"] and not viewer.selectbox
    # The same on a page that lists the team.
    team_view = editor(query_params={"share": token})
    assert [e.value for e in team_view.error] == [t("share_invalid", "en")]
    assert "Secret Person" not in " ".join(m.value for m in team_view.markdown)


AUTH = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"}}


def signed_in(email: str) -> dict:
    return {"is_logged_in": True, "email": email}


def test_with_sign_in_plans_belong_to_their_user() -> None:
    alice = editor(secrets=AUTH, user=signed_in("alice@example.com"))
    add_member(alice, "Ann")
    alice_plan = alice.selectbox(key="plan_select").value
    bob = editor(secrets=AUTH, user=signed_in("bob@example.com"))
    no_exception(bob)
    assert alice_plan not in bob.selectbox(key="plan_select").options
    assert "Ann" not in team_names(bob)
    assert [p.id for p in store().list_plans("alice@example.com")] == [alice_plan]
    nobody = editor(secrets=AUTH, user={"is_logged_in": False})
    assert nobody.info[0].value == t("store_sign_in_needed", "en")
    assert nobody.button(key="plan_sign_in")
    with pytest.raises(KeyError):
        nobody.get_by_key("plan_select")
    # Through a share link Bob sees Alice's plan and can copy it into his own.
    token = create_link(share_page(secrets=AUTH, user=signed_in("alice@example.com")))
    viewer = share_page(
        secrets=AUTH, user=signed_in("bob@example.com"), query_params={"share": token}
    )
    viewer.button(key="share_copy").click().run()
    no_exception(viewer)
    bobs = store().list_plans("bob@example.com")
    assert len(bobs) == 2
    assert store().load(alice_plan, "alice@example.com").version == 2


def test_a_plan_deleted_elsewhere_is_not_lost() -> None:
    first = started()
    second = editor(query_params=ws_of(first))
    mine = Mine(first)
    plan_id = first.selectbox(key="plan_select").value
    add_member(first, "Ann")
    first.button(key="plan_delete").click().run()
    no_exception(first)
    add_member(second, "Bo")  # this tab still edits the deleted plan
    no_exception(second)
    assert second.sidebar.warning[0].value == t("store_gone", "en")
    second.button(key="plan_save_copy").click().run()
    copy_id = second.selectbox(key="plan_select").value
    assert copy_id != plan_id
    assert mine.load(copy_id).plan.team.names() == ["Bo"]
    # The deleted plan can still be brought back, from any session of the workspace.
    third = editor(query_params=ws_of(first))
    third.button(key=f"plan_undelete_{plan_id}").click().run()
    no_exception(third)
    assert third.selectbox(key="plan_select").value == plan_id
    assert mine.load(plan_id).plan.team.names() == ["Ann"]
    # And from no other workspace.
    stranger = editor()
    with pytest.raises(KeyError):
        stranger.get_by_key(f"plan_undelete_{plan_id}")


def test_a_share_link_through_the_router_stays_read_only_on_every_page() -> None:
    owner = editor()
    add_member(owner, "Ann")
    token = create_link(share_page(query_params=ws_of(owner)))
    at = open_page("overview", lang=None, query_params={"share": token})
    no_exception(at)
    assert at.session_state["read_only"] is True
    assert at.button(key="plan_copy_shared")
    at.switch_page("pages/share.py").run()
    no_exception(at)
    assert at.session_state["read_only"] is True
    assert at.button(key="share_copy")
    with pytest.raises(KeyError):
        at.get_by_key("share_create")


def test_history_times_are_in_the_browsers_time_zone() -> None:
    at = started(context={"timezone": "Asia/Shanghai"})
    created = Mine(at).history(at.selectbox(key="plan_select").value)[-1].created_at
    local = created.replace(tzinfo=UTC).astimezone(ZoneInfo("Asia/Shanghai"))
    expected = t("store_version", "en", version=1, time=local.strftime("%Y-%m-%d %H:%M CST"))
    assert any(expected in m.value for m in at.sidebar.markdown)


def test_work_done_while_the_database_is_down_is_saved_when_it_returns(monkeypatch) -> None:
    # Nothing listens on port 1: the connection is refused at once.
    monkeypatch.setenv("PLANNER_DATABASE_URL", "postgresql://planner:s3cret@127.0.0.1:1/planner")
    at = editor()
    no_exception(at)
    assert at.sidebar.error[0].value == t("store_db_error", "en", problem="OperationalError")
    assert "s3cret" not in at.sidebar.error[0].value
    add_member(at, "Ann")
    assert team_names(at) == "Ann"  # the session keeps working
    monkeypatch.delenv("PLANNER_DATABASE_URL")
    at.run()
    no_exception(at)
    mine = Mine(at)  # the work is saved with a workspace of its own, linked in the URL
    plans = mine.list_plans()
    assert len(plans) == 1
    assert mine.load(plans[0].id).plan.team.names() == ["Ann"]
    assert at.sidebar.success[0].value == t("store_recovered", "en", name="My plan")
    add_member(at, "Bo")  # and autosave works from here on
    assert mine.load(plans[0].id).plan.team.names() == ["Ann", "Bo"]


def test_back_to_my_plans_leaves_the_shared_plan_alone() -> None:
    """The share page's promise, "cannot change yours", holds without sign-in."""
    owner = editor()
    add_member(owner, "Ann")
    plan_id = owner.selectbox(key="plan_select").value
    mine = Mine(owner)
    token = create_link(share_page(query_params=ws_of(owner)))
    viewer = share_page(query_params={"share": token})
    promise = share_page(query_params=ws_of(owner)).caption
    assert t("share_intro", "en") in [c.value for c in promise]
    viewer.button(key="share_exit").click().run()
    no_exception(viewer)
    assert "read_only" not in viewer.session_state
    # Back in a workspace of the viewer's own: a fresh plan, not the owner's.
    assert viewer.selectbox(key="plan_select").value != plan_id
    assert list(viewer.selectbox(key="plan_select").options) == ["My plan"]  # labels: one plan
    assert team_names(viewer) == ""
    viewer.switch_page("pages/team.py").run()
    add_member(viewer, "Mallory")  # what the viewer edits now is theirs alone
    assert Mine(viewer).load(viewer.selectbox(key="plan_select").value).version == 2
    assert Mine(viewer).owner != mine.owner
    assert [p.id for p in mine.list_plans()] == [plan_id]
    assert (mine.load(plan_id).version, mine.load(plan_id).plan.team.names()) == (2, ["Ann"])


def test_the_downloaded_plan_imports_back_the_same() -> None:
    at = add_member(editor(), "Ann")
    mine = Mine(at)
    switch_model(at)
    plan_id = at.selectbox(key="plan_select").value
    assert at.get_by_key("plan_export").proto.label == t("store_export", "en")
    # The button serves plan_to_json(plan, indent=2); the sidebar import reads it back whole.
    original = mine.load(plan_id).plan
    imported = mine.import_plan(plan_to_json(original, indent=2))
    # Names are unique per owner: the copy is "My plan 2", otherwise the same plan.
    assert imported.plan.name == "My plan 2"
    assert mine.load(imported.id).plan == original.model_copy(update={"name": "My plan 2"})


def test_an_import_error_quoting_the_file_shows_it_as_text() -> None:
    at = editor()
    evil = {"schema": 1, "name": "x", "team": [{"name": "A", "skills": {"[x](http://e.vil)": 3}}]}
    data = json.dumps(evil).encode()
    at.sidebar.file_uploader(key="plan_import").upload("evil.json", data, "application/json")
    at.run()
    no_exception(at)
    message = at.sidebar.error[0].value
    assert message.startswith("The plan has an invalid value at")
    # Escaped by the one escaper: Markdown shows it as typed, never as a link.
    assert "[x](http://e.vil)" not in message
    assert md("[x](http://e.vil)") in message


def test_a_refused_link_offers_a_way_into_the_app() -> None:
    at = share_page()
    at.query_params["share"] = secrets.token_urlsafe(32)
    at.run()
    assert at.error[0].value == t("share_invalid", "en")
    at.button(key="share_invalid_exit").click().run()
    no_exception(at)
    assert not at.error
    assert "share" not in at.query_params
    assert at.get_by_key("share_create") is not None  # a plan of their own to share


# ---------------------------------------------------------------- downloads re-check


@pytest.fixture
def deferred(monkeypatch) -> dict[str, Callable[[], object]]:
    """The callables behind deferred downloads, by file id, as Streamlit keeps them
    to run when a button is clicked (in a server thread, outside any script run)."""
    made: dict[str, Callable[[], object]] = {}
    register = MediaFileManager.add_deferred

    def add(self, data, *args, **kwargs):
        file_id = register(self, data, *args, **kwargs)
        made[file_id] = data
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", add)
    return made


def downloads(at: AppTest, deferred: dict) -> dict[str, Callable[[], object]]:
    """Each download button of the session's last run, with what it would serve."""
    buttons = {b.key: b.proto for b in at.get("download_button")}
    assert all(p.deferred_file_id for p in buttons.values()), "every plan download is deferred"
    return {key: deferred[p.deferred_file_id] for key, p in buttons.items()}


# What a viewer can download on each page (charts: their format set to HTML, no browser).
VIEWER_DOWNLOADS = {
    "share": {"plan_export", "export_report"},
    "team": {"plan_export", "team_download"},
    "coverage": {"plan_export", "coverage_csv", "coverage_radar_download"},
    "pipeline": {"plan_export", "pipeline_mermaid", "pipeline_diagram_download"},
    "model": {"plan_export", "model_fit_chart_download"},
}


# What the cheap ones serve while the link is live (charts and the report: test_export_app).
SERVED = {
    "plan_export": "Ann Secret",
    "team_download": "Ann Secret",
    "coverage_csv": "skill_id,area,skill",
    "pipeline_mermaid": "graph TD",
}


@pytest.mark.parametrize("page", sorted(VIEWER_DOWNLOADS))
def test_every_download_of_a_viewer_rechecks_the_link_when_clicked(page: str, deferred) -> None:
    owner = editor()
    add_member(owner, "Ann Secret")
    mine = Mine(owner)
    plan_id = owner.selectbox(key="plan_select").value
    token = create_link(share_page(query_params=ws_of(owner)))
    state = {
        f"{key}_export_fmt": "html"
        for key in ("coverage_radar", "pipeline_diagram", "model_fit_chart")
    }
    viewer = open_page(
        page, lang=None, query_params={"share": token}, state={**state, "export_report_fmt": "html"}
    )
    no_exception(viewer)
    offered = downloads(viewer, deferred)
    assert VIEWER_DOWNLOADS[page] <= set(offered)
    for key in VIEWER_DOWNLOADS[page]:
        # A viewer's click reruns the page, so a revoked link shows its refusal.
        assert not viewer.get_by_key(key).proto.ignore_rerun, key
    # While the link lives, the downloads serve the plan.
    for key, expected in SERVED.items():
        if key in offered:
            data = offered[key]()
            assert expected in (data if isinstance(data, str) else data.decode("utf-8-sig")), key
    # The owner revokes the link; the viewer's page, drawn before, is still open.
    [link] = mine.list_shares(plan_id)
    mine.revoke_share(link.id)
    for make in offered.values():
        with pytest.raises(AccessRevoked):
            make()
    # The viewer's next run is the plain refusal, with no download left.
    viewer.run()
    assert [e.value for e in viewer.error] == [t("share_invalid", "en")]
    assert not viewer.get("download_button")


def test_a_revoked_links_report_is_refused_from_the_share_page(deferred) -> None:
    """The audit's case: the report download after the owner revoked the link."""
    owner = share_page()
    owner.switch_page("pages/team.py").run()
    add_member(owner, "Ann Secret")
    owner.switch_page("pages/share.py").run()
    token = create_link(owner)
    viewer = share_page(query_params={"share": token}, state={"export_report_fmt": "html"})
    report = downloads(viewer, deferred)["export_report"]
    assert "Ann Secret" in report().decode("utf-8")
    [link] = Mine(owner).list_shares(owner.selectbox(key="plan_select").value)
    owner.button(key=f"share_revoke_{link.id}").click().run()
    no_exception(owner)
    with pytest.raises(AccessRevoked):
        report()


def test_an_owners_downloads_stop_when_the_workspace_link_is_replaced(deferred) -> None:
    first = editor()
    add_member(first, "Ann Secret")
    other_tab = editor(query_params=ws_of(first))
    offered = downloads(other_tab, deferred)
    assert other_tab.get_by_key("team_download").proto.ignore_rerun  # owners: no rerun
    assert "Ann Secret" in offered["plan_export"]()
    first.button(key="ws_rotate").click().run()
    for make in offered.values():
        with pytest.raises(AccessRevoked):
            make()
    # The tab that rotated downloads as before.
    mine = downloads(first.switch_page("pages/team.py").run(), deferred)
    assert "Ann Secret" in mine["plan_export"]()
