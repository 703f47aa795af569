"""Never-used workspaces are removed after some days (issue 23, item 5); a
workspace used in any way (a change, a second plan, a share or invite link, a
replaced link, a deleted plan) is kept, as are the young ones and the instance's."""

from __future__ import annotations

from datetime import timedelta

import pytest

from planner.domain import Member, Plan, Team
from planner.invites import create_invite
from planner.store import Store
from planner.store.cleanup import DEFAULT_UNUSED_DAYS, purge_unused_workspaces, unused_days
from planner.store.engine import utcnow

DAY = timedelta(days=1)
LATER = utcnow() + timedelta(days=31)


@pytest.fixture
def store(database_url: str):
    store = Store(database_url)
    yield store
    store.close()


def visit(store: Store) -> tuple[str, str, str]:
    """What a visit without sign-in stores: a workspace and its first, empty plan."""
    made = store.create_workspace()
    plan = store.create_plan(Plan(name="My plan", lang="zh"), made.owner)
    return made.owner, made.token, plan.id


def with_member(store: Store, owner: str, plan_id: str) -> None:
    team = Team(members=(Member(name="Ann"),))
    store.save(plan_id, Plan(name="My plan", lang="zh", team=team), 1, owner)


USES = {
    "a change": with_member,
    "a second plan": lambda s, o, p: s.create_plan(Plan(name="Other"), o),
    "a share link": lambda s, o, p: s.new_share(p, o),
    "an invite link": lambda s, o, p: create_invite(s, p, o),
    "a replaced link": lambda s, o, p: s.rotate_workspace(o),
    "a deleted plan": lambda s, o, p: s.delete(p, o),
}


def test_a_never_used_workspace_goes_with_its_plan(store: Store) -> None:
    owner, token, _ = visit(store)
    assert purge_unused_workspaces(store, 30 * DAY) == 0  # young: kept
    assert purge_unused_workspaces(store, 30 * DAY, now=LATER) == 1
    assert store.resolve_workspace(token) is None
    assert store.list_plans(owner) == []


@pytest.mark.parametrize("use", list(USES), ids=list(USES))
def test_a_used_workspace_is_kept(store: Store, use: str) -> None:
    owner, token, plan_id = visit(store)
    USES[use](store, owner, plan_id)
    assert purge_unused_workspaces(store, 30 * DAY, now=LATER) == 0
    assert store.resolve_workspace(token) is not None or use == "a replaced link"
    assert store.list_plans(owner) or use == "a deleted plan"


def test_the_instance_workspace_and_other_workspaces_are_kept(store: Store) -> None:
    store.create_plan(Plan(name="Old shared plan"))  # owner "", before workspaces
    instance = store.instance_workspace()
    used_owner, used_token, used_plan = visit(store)
    with_member(store, used_owner, used_plan)
    visit(store)
    assert purge_unused_workspaces(store, 30 * DAY, now=LATER) == 1
    assert store.resolve_workspace(instance) == ""
    assert store.resolve_workspace(used_token) == used_owner


@pytest.mark.parametrize(
    ("value", "days"),
    [
        (None, DEFAULT_UNUSED_DAYS),
        ("", DEFAULT_UNUSED_DAYS),
        ("7", 7),
        ("0", 0),
        ("off", 0),
        ("-3", 0),
        ("many", DEFAULT_UNUSED_DAYS),
    ],
)
def test_the_setting(value, days) -> None:
    assert unused_days(value) == days
