"""Self-assessment invites and proposals in the plan store, on SQLite and PostgreSQL:
token hashing, expiry, revocation, submission limits, accepting (also concurrently),
and a database that never holds a plain token."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from planner.domain import Member, Plan, RatingMeta, Team, plan_to_json
from planner.store import (
    INVITE_DAYS,
    MAX_SUBMISSIONS,
    MIN_SUBMIT_INTERVAL,
    AlreadyDecided,
    ClaimUnconfirmed,
    InvalidAssessment,
    InviteRefused,
    MemberNotFound,
    PlanNotFound,
    SelfAssessment,
    StaleVersion,
    Store,
    create_invite,
    decide,
    find_member,
    hash_token,
    list_invites,
    open_form,
    parse_assessment,
    pending_proposals,
    proposal_status,
    revoke_invite,
    submit,
)
from planner.store.engine import utcnow as _now
from tests.unit.test_store import database_at

ALICE = Member(
    name="Alice Chen",
    fte=1.0,
    skills={"research.alignment": 2, "data.quality": 3, "product.backend": 4},
)
BOB = Member(name="Bob Li", skills={"market.sales": 5})
T0 = datetime(2026, 11, 1, 9, 0, 0)


def answers(**skills: int) -> SelfAssessment:
    return SelfAssessment(name="ignored for a member's link", fte=0.5, skills=skills)


@pytest.fixture
def store(database_url: str):
    store = Store(database_url)
    yield store
    store.close()


@pytest.fixture
def plan_id(store: Store) -> str:
    return store.create_plan(Plan(name="Secret plan", team=Team(members=(ALICE, BOB)))).id


# -- tokens -------------------------------------------------------------------------


def test_the_token_is_returned_once_and_only_its_hash_is_stored(store, plan_id):
    token, invite = create_invite(store, plan_id, member="alice chen", now=T0)
    assert invite.member == "Alice Chen"  # the plan's spelling, not the one asked
    assert len(token) >= 43  # 256 random bits, base64url
    with store.engine.connect() as conn:
        row = conn.execute(sa.text("SELECT * FROM invites")).mappings().one()
    assert row["token_hash"] == hash_token(token)
    assert token not in {str(v) for v in row.values()}
    assert not hasattr(invite, "token") and "token_hash" not in vars(invite)


def test_the_database_holds_no_plain_token(store, plan_id, database_url):
    """Every text in every table, after the whole life of two links, and for SQLite
    the database files' bytes too: no token, whole or as its first 16 characters."""
    tokens = []
    for member in ("Alice Chen", None):
        token, invite = create_invite(store, plan_id, member=member, now=T0)
        tokens.append(token)
        assert open_form(store, token, now=T0) is not None
        submit(store, token, answers(**{"research.alignment": 4}), now=T0)
    proposal = pending_proposals(store, plan_id)[0]
    decide(store, proposal.id, accept=True, now=T0)
    revoke_invite(store, invite.id, now=T0)
    texts = []
    with store.engine.connect() as conn:
        for table in sa.inspect(conn).get_table_names():
            for row in conn.execute(sa.text(f'SELECT * FROM "{table}"')):
                texts.extend(str(v) for v in row)
    blob = "\n".join(texts)
    for token in tokens:
        assert token not in blob and token[:16] not in blob
        assert hash_token(token) in blob  # what is kept instead
    if database_url.startswith("sqlite"):
        path = Path(database_url.removeprefix("sqlite:///"))
        raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        for token in tokens:
            assert token[:16].encode() not in raw


@pytest.mark.parametrize(
    "token",
    ["", "short", "x" * 43 + "\n", "../../etc/passwd", "a" * 87, None, 42, "é" * 43],
    ids=["empty", "short", "newline", "path", "too-long", "none", "int", "non-ascii"],
)
def test_malformed_tokens_open_nothing(store, plan_id, token):
    create_invite(store, plan_id, member="Alice Chen")
    assert open_form(store, token) is None
    with pytest.raises(InviteRefused) as refused:
        submit(store, token, answers(**{"research.alignment": 1}))
    assert refused.value.reason == "invalid"


def test_an_unknown_token_of_the_right_shape_opens_nothing(store, plan_id):
    token, _ = create_invite(store, plan_id, member="Alice Chen")
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert open_form(store, forged) is None


def test_the_form_shows_the_member_and_the_chosen_title_only(store, plan_id):
    token, _ = create_invite(store, plan_id, member="Alice Chen", title="Acme AI", lang="zh")
    view = open_form(store, token)
    assert (view.member, view.title, view.lang) == ("Alice Chen", "Acme AI", "zh")
    assert view.submissions_left == MAX_SUBMISSIONS and view.previous is None
    # Nothing of the plan (its name, other members) is part of what the form gets.
    assert "Secret plan" not in repr(view) and "Bob" not in repr(view)


def test_an_invite_for_a_name_not_in_the_team_is_refused(store, plan_id):
    with pytest.raises(MemberNotFound):
        create_invite(store, plan_id, member="Nobody")
    with pytest.raises(PlanNotFound):
        create_invite(store, plan_id, owner="someone-else", member="Alice Chen")


# -- expiry and revocation ----------------------------------------------------------


@pytest.mark.parametrize(("days", "expected"), [(None, INVITE_DAYS), (3, 3), (0, 1), (10_000, 365)])
def test_links_expire_after_their_days(store, plan_id, days, expected):
    kwargs = {} if days is None else {"days": days}
    token, invite = create_invite(store, plan_id, member="Alice Chen", now=T0, **kwargs)
    end = T0 + timedelta(days=expected)
    assert invite.expires_at == end
    assert open_form(store, token, now=end - timedelta(seconds=1)) is not None
    assert open_form(store, token, now=end) is None
    with pytest.raises(InviteRefused) as refused:
        submit(store, token, answers(**{"research.alignment": 4}), now=end)
    assert refused.value.reason == "invalid"
    (listed,) = list_invites(store, plan_id)
    assert listed.state(end - timedelta(seconds=1)) == "opened"
    assert listed.state(end) == "expired"


def test_states_follow_the_life_of_a_link(store, plan_id):
    token, invite = create_invite(store, plan_id, member="Alice Chen", now=T0)
    states = [list_invites(store, plan_id)[0].state(T0)]
    open_form(store, token, now=T0 + timedelta(minutes=1))
    states.append(list_invites(store, plan_id)[0].state(T0))
    submit(store, token, answers(**{"research.alignment": 4}), now=T0 + timedelta(minutes=2))
    states.append(list_invites(store, plan_id)[0].state(T0))
    revoke_invite(store, invite.id, now=T0 + timedelta(minutes=3))
    (last,) = list_invites(store, plan_id)
    states.append(last.state(T0))
    assert states == ["not_opened", "opened", "submitted", "revoked"]
    assert (last.opened_at, last.submitted_at, last.revoked_at) == (
        T0 + timedelta(minutes=1),
        T0 + timedelta(minutes=2),
        T0 + timedelta(minutes=3),
    )


def test_a_revoked_link_is_refused_and_its_proposal_stays_for_the_founder(store, plan_id):
    token, invite = create_invite(store, plan_id, member="Alice Chen")
    submit(store, token, answers(**{"research.alignment": 4}))
    revoke_invite(store, invite.id)
    assert open_form(store, token) is None
    with pytest.raises(InviteRefused):
        submit(store, token, answers(**{"research.alignment": 5}), now=_now() + timedelta(hours=1))
    assert len(pending_proposals(store, plan_id)) == 1
    with pytest.raises(PlanNotFound):  # twice: nothing to revoke
        revoke_invite(store, invite.id)


def test_only_the_owner_revokes(store):
    mine = store.create_plan(Plan(team=Team(members=(ALICE,))), owner="ws:a").id
    token, invite = create_invite(store, mine, owner="ws:a", member="Alice Chen")
    with pytest.raises(PlanNotFound):
        revoke_invite(store, invite.id, owner="ws:b")
    assert open_form(store, token) is not None
    with pytest.raises(PlanNotFound):
        list_invites(store, mine, owner="ws:b")


def test_a_deleted_plan_closes_its_links_and_purging_removes_them(store, plan_id):
    token, _ = create_invite(store, plan_id, member="Alice Chen")
    submit(store, token, answers(**{"research.alignment": 4}))
    store.delete(plan_id)
    assert open_form(store, token) is None
    assert store.purge_deleted(older_than=timedelta(0)) == 1
    with store.engine.connect() as conn:
        counts = [
            conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar()
            for t in ("invites", "proposals")
        ]
    assert counts == [0, 0]


# -- submissions --------------------------------------------------------------------


def test_a_second_submission_replaces_the_pending_one(store, plan_id):
    token, _ = create_invite(store, plan_id, member="Alice Chen", now=T0)
    assert submit(store, token, answers(**{"research.alignment": 4}), now=T0) == MAX_SUBMISSIONS - 1
    later = T0 + MIN_SUBMIT_INTERVAL
    assert (
        submit(store, token, answers(**{"research.alignment": 5}), now=later) == MAX_SUBMISSIONS - 2
    )
    (pending,) = pending_proposals(store, plan_id)
    assert pending.assessment.skills == {"research.alignment": 5}
    assert pending.name == "Alice Chen"  # a member's link: their name, whatever was typed
    assert open_form(store, token, now=later).previous.skills == {"research.alignment": 5}


def test_at_most_five_submissions_per_link(store, plan_id):
    token, _ = create_invite(store, plan_id, member="Alice Chen", now=T0)
    left = [
        submit(store, token, answers(**{"research.alignment": n}), now=T0 + n * MIN_SUBMIT_INTERVAL)
        for n in range(MAX_SUBMISSIONS)
    ]
    assert left == [4, 3, 2, 1, 0]
    with pytest.raises(InviteRefused) as refused:
        submit(store, token, answers(**{"research.alignment": 1}), now=T0 + timedelta(days=1))
    assert refused.value.reason == "limit"
    assert open_form(store, token, now=T0 + timedelta(days=1)).submissions_left == 0
    assert len(pending_proposals(store, plan_id)) == 1


@pytest.mark.parametrize(("after_s", "wait_s"), [(0, 20), (1, 19), (19.5, 1)])
def test_submissions_are_rate_limited_per_link(store, plan_id, after_s, wait_s):
    token, _ = create_invite(store, plan_id, member="Alice Chen", now=T0)
    other, _ = create_invite(store, plan_id, member="Bob Li", now=T0)
    submit(store, token, answers(**{"research.alignment": 4}), now=T0)
    with pytest.raises(InviteRefused) as refused:
        submit(
            store, token, answers(**{"research.alignment": 5}), now=T0 + timedelta(seconds=after_s)
        )
    assert (refused.value.reason, refused.value.wait_s) == ("too_soon", wait_s)
    # The limit is per link: another person's link is not slowed down.
    submit(store, other, answers(**{"market.sales": 4}), now=T0 + timedelta(seconds=after_s))


def test_concurrent_submissions_respect_the_limit(database_url):
    """Eight submissions at once through separate stores (processes): exactly five
    are taken, and one proposal is left pending."""
    stores = [Store(database_url) for _ in range(8)]
    try:
        plan = stores[0].create_plan(Plan(team=Team(members=(ALICE,))))
        token, _ = create_invite(stores[0], plan.id, member="Alice Chen", now=T0)
        barrier = threading.Barrier(len(stores))
        outcomes: list[object] = []

        def send(store: Store, n: int) -> None:
            barrier.wait()
            try:
                # One moment for all: with no interval, only the limit can refuse.
                sent = answers(**{"data.quality": n % 6})
                outcomes.append(submit(store, token, sent, now=T0, min_interval=timedelta(0)))
            except InviteRefused as exc:
                outcomes.append(exc.reason)

        workers = [threading.Thread(target=send, args=(s, n)) for n, s in enumerate(stores)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        assert sorted(o for o in outcomes if isinstance(o, int)) == [0, 1, 2, 3, 4]
        assert outcomes.count("limit") == 3
        assert len(pending_proposals(stores[0], plan.id)) == 1
    finally:
        for s in stores:
            s.close()


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ({"name": " ", "skills": {}}, "name"),
        ({"name": "A\x00B", "skills": {}}, "name"),
        ({"name": "A", "skills": {"research.alignment": 6}}, "skills"),
        ({"name": "A", "skills": {"research.alignment": True}}, "skills"),
        ({"name": "A", "skills": {"Research": 2}}, "skills"),
        ({"name": "A", "skills": {"made.up": 2}}, "skills"),
        ({"name": "A", "fte": 0, "skills": {}}, "fte"),
        ({"name": "A", "skills": {}, "notes": {"data.quality": "x"}}, "notes"),
        (
            {"name": "A", "skills": {"data.quality": 1}, "notes": {"data.quality": "x" * 501}},
            "notes",
        ),
        ({"name": "A", "skills": {}, "extra": 1}, "extra"),
    ],
)
def test_bad_forms_are_refused_by_field(data, where, catalog):
    with pytest.raises(InvalidAssessment) as refused:
        parse_assessment(data, catalog.skill_ids)
    assert refused.value.where.split(".")[0] == where


def test_notes_are_one_line_of_text_and_blank_ones_dropped(catalog):
    parsed = parse_assessment(
        {
            "name": "  Zoë  ",
            "skills": {"data.quality": 0, "research.alignment": 3},
            "notes": {"data.quality": "  ", "research.alignment": "led\nRLHF\x07 <b>runs</b>"},
        },
        catalog.skill_ids,
    )
    assert parsed.name == "Zoë"
    assert parsed.skills == {"data.quality": 0, "research.alignment": 3}  # 0 is an answer
    assert parsed.notes == {"research.alignment": "led RLHF <b>runs</b>"}


# -- deciding -----------------------------------------------------------------------


def _pending(store: Store, plan_id: str, token: str, **skills: int):
    submit(store, token, answers(**skills), now=T0)
    (proposal,) = [p for p in pending_proposals(store, plan_id) if p.assessment.skills == skills]
    return proposal


def test_accepting_all_makes_one_version_with_a_summary_and_provenance(store, plan_id):
    token, _ = create_invite(store, plan_id, member="Alice Chen")
    proposal = _pending(
        store,
        plan_id,
        token,
        **{"research.alignment": 4, "data.quality": 3, "product.backend": 2, "market.sales": 1},
    )
    version = decide(store, proposal.id, accept=True, base_version=1, today=date(2026, 11, 29))
    assert version == 2 and store.load(plan_id).version == 2
    alice = store.load(plan_id).plan.team.members[0]
    assert alice.skills == {
        "research.alignment": 4,
        "data.quality": 3,
        "product.backend": 2,
        "market.sales": 1,
    }
    assert alice.fte == 0.5
    day = date(2026, 11, 29)
    assert alice.meta("research.alignment") == RatingMeta(source="self", confirmed=day)
    assert alice.meta("data.quality") == RatingMeta(source="calibrated", confirmed=day)
    (latest, *_) = store.history(plan_id)
    assert latest.summary("en") == (
        "Alice Chen's self-assessment: 3 skills changed, 1 confirmed "
        "(market.sales, product.backend, research.alignment); Role or FTE of Alice Chen changed"
    )
    assert "Alice Chen 的自评" in latest.summary("zh")
    assert proposal_status(store, plan_id) == {proposal.invite_id: "accepted"}
    assert pending_proposals(store, plan_id) == []


def test_accepting_some_skills_changes_only_those(store, plan_id):
    token, _ = create_invite(store, plan_id, member="Alice Chen")
    proposal = _pending(store, plan_id, token, **{"research.alignment": 4, "product.backend": 1})
    decide(store, proposal.id, accept=True, fields=["research.alignment"])
    alice = store.load(plan_id).plan.team.members[0]
    assert alice.skills == {"research.alignment": 4, "data.quality": 3, "product.backend": 4}
    assert alice.fte == 1.0  # the FTE was not among the fields taken
    assert alice.meta("product.backend") == RatingMeta()
    assert store.history(plan_id)[0].summary("en") == (
        "Alice Chen's self-assessment: 1 skill changed, 0 confirmed (research.alignment)"
    )


def test_rejecting_changes_nothing(store, plan_id):
    token, _ = create_invite(store, plan_id, member="Alice Chen")
    proposal = _pending(store, plan_id, token, **{"research.alignment": 5})
    before = plan_to_json(store.load(plan_id).plan)
    assert decide(store, proposal.id, accept=False) is None
    assert store.load(plan_id).version == 1
    assert plan_to_json(store.load(plan_id).plan) == before
    assert proposal_status(store, plan_id) == {proposal.invite_id: "rejected"}
    with pytest.raises(AlreadyDecided):
        decide(store, proposal.id, accept=True)


def test_an_open_link_proposes_a_new_member(store, plan_id):
    token, invite = create_invite(store, plan_id)
    assert invite.member is None
    submit(
        store,
        token,
        SelfAssessment(
            name="Zoë <b>", role="PM", fte=0.8, skills={"product.management": 4, "data.quality": 0}
        ),
    )
    (proposal,) = pending_proposals(store, plan_id)
    assert proposal.name == "Zoë <b>"
    decide(store, proposal.id, accept=True)
    loaded = store.load(plan_id)
    zoe = loaded.plan.team.members[-1]
    assert (zoe.name, zoe.role, zoe.fte, zoe.skills) == (
        "Zoë <b>",
        "PM",
        0.8,
        {"product.management": 4},
    )
    assert zoe.meta("product.management").source == "self"
    assert store.history(plan_id)[0].summary("en") == (
        "Zoë <b>'s self-assessment: added to the team, 1 skill rated"
    )


@pytest.mark.parametrize(
    ("typed", "matches"),
    [
        ("Alice Chen", True),
        ("alice chen", True),
        ("ALICE  CHEN", True),
        (" alice\tchen ", True),
        ("Ａｌｉｃｅ Ｃｈｅｎ", True),  # full-width letters (NFKC)
        ("Alice Cheng", False),
        ("Alice", False),
    ],
)
def test_names_match_whatever_their_case_spaces_and_width(typed, matches):
    assert (find_member(Team(members=(ALICE, BOB)), typed) is ALICE) is matches


@pytest.mark.parametrize("typed", ["alice chen", "Alice Chen"])
def test_an_open_link_claiming_a_member_applies_only_once_the_founder_confirms(
    store, plan_id, typed
):
    token, _ = create_invite(store, plan_id)
    submit(store, token, SelfAssessment(name=typed, skills={"research.alignment": 5}))
    (proposal,) = pending_proposals(store, plan_id)
    with pytest.raises(ClaimUnconfirmed) as refused:
        decide(store, proposal.id, accept=True)
    assert refused.value.member == "Alice Chen"
    assert store.load(plan_id).version == 1  # nothing applied
    assert [p.id for p in pending_proposals(store, plan_id)] == [proposal.id]  # still pending
    decide(store, proposal.id, accept=True, claim_confirmed=True)
    loaded = store.load(plan_id)
    assert loaded.plan.team.members[0].level("research.alignment") == 5
    assert len(loaded.plan.team.members) == 2  # her ratings, not a second Alice
    assert store.history(plan_id)[0].summary("en") == (
        f"Alice Chen's ratings from an open link, claimed as {typed} (confirmed by you): "
        "1 skill changed, 0 confirmed (research.alignment)"
    )


def test_accepting_on_a_stale_base_is_refused_and_leaves_the_proposal(store, plan_id):
    token, _ = create_invite(store, plan_id, member="Alice Chen")
    proposal = _pending(store, plan_id, token, **{"research.alignment": 4})
    store.save(plan_id, store.load(plan_id).plan.model_copy(update={"notes": "moved on"}), 1)
    with pytest.raises(StaleVersion) as stale:
        decide(store, proposal.id, accept=True, base_version=1)
    assert stale.value.current == 2
    assert [p.id for p in pending_proposals(store, plan_id)] == [proposal.id]
    assert decide(store, proposal.id, accept=True, base_version=2) == 3


def test_a_proposal_of_another_owner_cannot_be_decided(store, plan_id):
    token, _ = create_invite(store, plan_id, member="Alice Chen")
    proposal = _pending(store, plan_id, token, **{"research.alignment": 4})
    with pytest.raises(PlanNotFound):
        decide(store, proposal.id, "ws:intruder", accept=True)
    with pytest.raises(PlanNotFound):
        decide(store, "0" * 32, accept=True)
    assert len(pending_proposals(store, plan_id)) == 1


@pytest.mark.parametrize("base", [None, 1])
def test_two_tabs_accepting_at_once_make_one_version(database_url, base):
    """Two founders' tabs (two stores: two processes) accept the same proposal at
    the same moment: one version is written, the other tab is told it was decided."""
    tabs = [Store(database_url), Store(database_url)]
    try:
        plan = tabs[0].create_plan(Plan(team=Team(members=(ALICE, BOB))))
        token, _ = create_invite(tabs[0], plan.id, member="Alice Chen")
        proposal = _pending(tabs[0], plan.id, token, **{"research.alignment": 5})
        barrier = threading.Barrier(2)
        outcomes: list[object] = []

        def accept(store: Store) -> None:
            barrier.wait()
            try:
                outcomes.append(decide(store, proposal.id, accept=True, base_version=base))
            except (AlreadyDecided, StaleVersion) as exc:
                outcomes.append(type(exc).__name__)

        workers = [threading.Thread(target=accept, args=(tab,)) for tab in tabs]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        assert sorted(outcomes, key=str) == [2, "AlreadyDecided"]
        assert tabs[1].load(plan.id).version == 2
        summaries = [v.summary("en") for v in tabs[1].history(plan.id)]
        assert sum("self-assessment" in s for s in summaries) == 1
    finally:
        for tab in tabs:
            tab.close()


# -- schema -------------------------------------------------------------------------


def test_a_plan_stored_before_invites_loads_unchanged(database_url):
    """A database at 0003 with a plan in it: the upgrade adds the tables and the plan
    reads back byte for byte (no provenance appears on old members)."""
    engine = database_at(database_url, "0003")
    old = Plan(name="Old", team=Team(members=(ALICE, BOB)))
    text = plan_to_json(old)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO plans (id, owner, name, version, created_at, updated_at)"
                " VALUES ('p1', '', 'Old', 1, :t, :t)"
            ),
            {"t": T0},
        )
        conn.execute(
            sa.text(
                "INSERT INTO plan_versions (plan_id, version, created_at, summary, data)"
                " VALUES ('p1', 1, :t, '[]', :d)"
            ),
            {"t": T0, "d": text},
        )
    engine.dispose()
    store = Store(database_url)
    try:
        loaded = store.load("p1")
        assert loaded.plan == old and plan_to_json(loaded.plan) == text
        assert all(m.ratings_meta is None for m in loaded.plan.team.members)
        assert list_invites(store, "p1") == []
        assert store.save("p1", loaded.plan, 1) == 1  # nothing changed: no new version
    finally:
        store.close()


def test_the_migration_goes_down_and_up_again(database_url):
    from alembic import command
    from alembic.config import Config

    from planner.store import MIGRATIONS_DIR

    engine = database_at(database_url, "0004")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    try:
        for target, present in (("0003", False), ("0004", True)):
            with engine.begin() as conn:
                cfg.attributes["connection"] = conn
                (command.downgrade if target == "0003" else command.upgrade)(cfg, target)
            found = {"invites", "proposals"} & set(sa.inspect(engine).get_table_names())
            assert found == ({"invites", "proposals"} if present else set())
    finally:
        engine.dispose()
