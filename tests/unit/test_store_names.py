"""Plans are told apart by id, and their names are unique per owner, on both databases."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.domain import MAX_NAME_LEN, Plan
from planner.store import NameTaken, Store, unique_name


@pytest.fixture
def store(database_url: str):
    store = Store(database_url)
    yield store
    store.close()


@pytest.mark.parametrize(
    ("name", "taken", "expected"),
    [
        ("New plan", set(), "New plan"),
        ("New plan", {"new plan"}, "New plan 2"),
        ("New plan", {"new plan", "new plan 2", "new plan 3"}, "New plan 4"),
        ("NEW PLAN", {"new plan"}, "NEW PLAN 2"),
        ("新计划", {"新计划"}, "新计划 2"),
    ],
)
def test_unique_name(name: str, taken: set[str], expected: str) -> None:
    assert unique_name(name, taken) == expected


@given(
    st.text(min_size=1, max_size=MAX_NAME_LEN),
    st.sets(st.text(min_size=1, max_size=MAX_NAME_LEN), max_size=20),
)
def test_unique_name_is_never_taken_and_always_fits(name: str, taken: set[str]) -> None:
    folded = {n.casefold() for n in taken}
    result = unique_name(name, folded)
    assert result.casefold() not in folded
    assert len(result) <= MAX_NAME_LEN


def names(store: Store, owner: str = "") -> list[str]:
    return sorted(p.name for p in store.list_plans(owner))


def test_new_plans_with_one_name_get_numbered(store: Store) -> None:
    first = store.create_plan(Plan(name="New plan"))
    second = store.create_plan(Plan(name="New plan"))
    third = store.create_plan(Plan(name="new plan"))
    assert names(store) == ["New plan", "New plan 2", "new plan 3"]
    assert len({first.id, second.id, third.id}) == 3
    # Each id opens its own plan, never another with a similar name.
    assert store.load(second.id).plan.name == "New plan 2"
    assert second.plan.name == "New plan 2"


def test_names_are_unique_per_owner_only(store: Store) -> None:
    store.create_plan(Plan(name="Roadmap"), owner="alice")
    bob = store.create_plan(Plan(name="Roadmap"), owner="bob")
    assert bob.plan.name == "Roadmap"


def test_a_duplicate_and_an_import_get_free_names(store: Store) -> None:
    original = store.create_plan(Plan(name="Q3"))
    store.duplicate(original.id, name="Q3")
    imported = store.import_plan(Plan(name="Q3").model_dump_json(by_alias=True))
    assert imported.plan.name == "Q3 3"
    assert names(store) == ["Q3", "Q3 2", "Q3 3"]


def test_a_rename_onto_another_plans_name_is_refused(store: Store) -> None:
    a = store.create_plan(Plan(name="Alpha"))
    b = store.create_plan(Plan(name="Beta"))
    with pytest.raises(NameTaken) as info:
        store.rename(b.id, "alpha", base_version=b.version)
    assert "alpha" in info.value.message("en") and "alpha" in info.value.message("zh")
    assert store.load(b.id).plan.name == "Beta" and store.load(b.id).version == 1
    # Renaming a plan to its own name in another case is fine.
    assert store.rename(a.id, "ALPHA", base_version=a.version) == 2


def test_restoring_an_old_name_that_is_now_another_plans_keeps_the_current_one(
    store: Store,
) -> None:
    a = store.create_plan(Plan(name="Alpha"))
    v2 = store.rename(a.id, "Gamma", base_version=1)
    store.create_plan(Plan(name="Alpha"))
    store.restore(a.id, version=1, base_version=v2)
    assert store.load(a.id).plan.name == "Gamma"


def test_an_undeleted_plan_gives_way_to_a_newer_one_with_its_name(store: Store) -> None:
    old = store.create_plan(Plan(name="Pitch"))
    store.delete(old.id)
    store.create_plan(Plan(name="Pitch"))
    store.undelete(old.id)
    assert names(store) == ["Pitch", "Pitch 2"]
    assert store.load(old.id).plan.name == "Pitch 2"
