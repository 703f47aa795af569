"""AppTest: the self-assessment form behind ?invite=<token>.

The person sees their name and the form, nothing else of the app or the plan; a
link that is not live gets the share link's refusal, word for word; a submission
is stored as a proposal and said so, a second one replaces it, a sixth is refused.
The plan and the links are made through the store, as the founder's page would.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

from components.plans import database_url
from planner.catalog import load_catalog
from planner.domain import Member, Plan, Team
from planner.formatting import md
from planner.i18n import t
from planner.store import (
    MAX_SUBMISSIONS,
    Store,
    create_invite,
    list_invites,
    pending_proposals,
    revoke_invite,
)
from planner.store.engine import utcnow as _now
from tests.support.apptest import app, no_exception

OWNER = "ws:founder"
HOSTILE = "[Eve](http://evil.example) <b>Eve</b>"
SKILLS = load_catalog().skill_ids


@pytest.fixture
def store():
    store = Store(database_url())
    yield store
    store.close()


@pytest.fixture
def plan_id(store: Store) -> str:
    team = Team(
        members=(
            Member(name="Alice Chen", skills={"research.alignment": 2, "data.quality": 3}),
            Member(name=HOSTILE, skills={"market.sales": 5}),
            Member(name="Bob Secretname", skills={"product.backend": 4}),
        )
    )
    return store.create_plan(Plan(name="Project Nightjar", team=team), owner=OWNER).id


def form(token: object, lang: str | None = "en") -> AppTest:
    at = app(lang=lang)
    if token is not None:
        at.query_params["invite"] = token
    return at.run()


def shown(at: AppTest) -> str:
    """Everything the run put on the page, as the browser receives it."""

    def walk(node, out: list[str]) -> list[str]:
        if getattr(node, "proto", None) is not None:
            out.append(text_format.MessageToString(node.proto, as_utf8=True))
        for child in getattr(node, "children", {}).values():
            walk(child, out)
        return out

    return "\n".join(walk(at._tree, []))


def level(at: AppTest, skill_id: str):
    return at.select_slider(key=f"selfassess_level_{skill_id.replace('.', '__')}")


def note(at: AppTest, skill_id: str):
    return at.text_input(key=f"selfassess_note_{skill_id.replace('.', '__')}")


def send(at: AppTest) -> AppTest:
    return at.button(key="selfassess_submit").click().run()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_form_shows_the_member_and_nothing_else(store, plan_id, lang):
    token, _ = create_invite(store, plan_id, OWNER, "Alice Chen", title="Acme AI")
    at = form(token, lang)
    no_exception(at)
    assert at.title[0].value == t("selfassess_title", lang)
    assert t("selfassess_hello", lang, name="Alice Chen") in [m.value for m in at.markdown]
    assert at.caption[0].value == t("selfassess_for", lang, title="Acme AI")
    # Every catalog skill, grouped by area, with the rubric in the person's language.
    assert len(at.select_slider) == len(SKILLS)
    catalog = load_catalog()
    assert [h.value for h in at.subheader] == [a.label(lang) for a in catalog.areas.values()]
    rubric = at.table[0].value
    assert list(rubric.iloc[:, 1]) == [catalog.levels[i](lang) for i in range(6)]
    assert level(at, "research.alignment").value == -1  # nothing chosen for them
    # Nothing else: no sidebar, no plan controls, no other member, no plan name.
    assert len(at.sidebar.children) == 0
    page = shown(at)
    assert "Alice Chen" in page and t("selfassess_title", lang) in page
    for secret in ("Bob Secretname", "Eve", "Project Nightjar", "plan_select", "share_create"):
        assert secret not in page
    assert "invite_create" not in page and "team_editor" not in page


def test_the_form_marks_the_link_opened(store, plan_id):
    token, _ = create_invite(store, plan_id, OWNER, "Alice Chen")
    assert list_invites(store, plan_id, OWNER)[0].state() == "not_opened"
    form(token)
    assert list_invites(store, plan_id, OWNER)[0].state() == "opened"


def _refusal_cases(store: Store, plan_id: str) -> dict[str, str]:
    live, _ = create_invite(store, plan_id, OWNER, "Alice Chen")
    revoked, invite = create_invite(store, plan_id, OWNER, "Alice Chen")
    revoke_invite(store, invite.id, OWNER)
    expired, _ = create_invite(
        store, plan_id, OWNER, "Alice Chen", days=14, now=_now() - timedelta(days=15)
    )
    return {
        "malformed": "not a token!",
        "unknown": live[:-2] + ("AA" if not live.endswith("AA") else "BB"),
        "revoked": revoked,
        "expired": expired,
        "empty": "",
    }


@pytest.mark.parametrize("case", ["malformed", "unknown", "revoked", "expired", "empty"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_link_that_is_not_live_gets_one_invite_refusal(store, plan_id, case, lang):
    token = _refusal_cases(store, plan_id)[case]
    at = form(token, lang)
    no_exception(at)
    # It speaks of an invite, not of a share link (issue 23, item 5).
    assert [e.value for e in at.error] == [t("invite_invalid", lang)]
    assert at.error[0].value != t("share_invalid", lang)
    assert len(at.select_slider) == 0 and len(at.sidebar.children) == 0
    assert "Alice" not in shown(at)


def test_a_deleted_plan_closes_the_form(store, plan_id):
    token, _ = create_invite(store, plan_id, OWNER, "Alice Chen")
    store.delete(plan_id, OWNER)
    assert [e.value for e in form(token).error] == [t("invite_invalid", "en")]


def test_submitting_stores_a_proposal_and_says_so(store, plan_id):
    token, _ = create_invite(store, plan_id, OWNER, "Alice Chen")
    at = form(token)
    level(at, "research.alignment").set_value(4)
    note(at, "research.alignment").input("Led the RLHF runs\nof <b>v2</b>")
    level(at, "market.devrel").set_value(0)
    at.number_input(key="selfassess_fte").set_value(0.5)
    send(at)
    no_exception(at)
    assert [s.value for s in at.success] == [t("selfassess_sent", "en", count=MAX_SUBMISSIONS - 1)]
    (proposal,) = pending_proposals(store, plan_id, OWNER)
    answer = proposal.assessment
    assert answer.name == "Alice Chen" and answer.fte == 0.5
    # Only what was rated; "not rated" skills are not part of the answer.
    assert answer.skills == {"research.alignment": 4, "market.devrel": 0}
    assert answer.notes == {"research.alignment": "Led the RLHF runs of <b>v2</b>"}
    assert store.load(plan_id, OWNER).version == 1  # nothing applied to the plan


def test_a_second_submission_replaces_the_first_and_the_sixth_is_refused(
    store, plan_id, monkeypatch
):
    monkeypatch.setattr("planner.store.invites.MIN_SUBMIT_INTERVAL", timedelta(0))
    token, _ = create_invite(store, plan_id, OWNER, "Alice Chen")
    at = form(token)
    for n in range(MAX_SUBMISSIONS):
        level(at, "data.quality").set_value(n)
        send(at)
        assert [s.value for s in at.success] == [
            t("selfassess_sent", "en", count=MAX_SUBMISSIONS - 1 - n)
        ]
        (pending,) = pending_proposals(store, plan_id, OWNER)
        assert pending.assessment.skills == {"data.quality": n}
    # The form comes back with the person's own last answer.
    again = form(token)
    assert level(again, "data.quality").value == MAX_SUBMISSIONS - 1
    assert t("selfassess_previous", "en", count=5, left=0) in [c.value for c in again.caption]
    level(again, "data.quality").set_value(1)
    send(again)
    assert [e.value for e in again.error] == [t("selfassess_limit", "en", count=MAX_SUBMISSIONS)]
    assert pending_proposals(store, plan_id, OWNER)[0].assessment.skills == {"data.quality": 4}


def test_submissions_are_rate_limited(store, plan_id):
    token, _ = create_invite(store, plan_id, OWNER, "Alice Chen")
    at = form(token)
    level(at, "data.quality").set_value(2)
    send(at)
    level(at, "data.quality").set_value(3)
    send(at)
    (warning,) = at.warning
    assert warning.value.startswith("You sent an answer a moment ago.")
    assert pending_proposals(store, plan_id, OWNER)[0].assessment.skills == {"data.quality": 2}


def test_nothing_rated_is_not_sent(store, plan_id):
    token, _ = create_invite(store, plan_id, OWNER, "Alice Chen")
    at = send(form(token))
    assert [e.value for e in at.error] == [t("selfassess_nothing_rated", "en")]
    assert pending_proposals(store, plan_id, OWNER) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_open_link_asks_for_a_name_and_keeps_it_as_text(store, plan_id, lang):
    token, _ = create_invite(store, plan_id, OWNER, None)
    at = form(token, lang)
    assert not any(
        m.value.startswith(t("selfassess_hello", lang, name="")[:3]) for m in at.markdown
    )
    level(at, "product.frontend").set_value(3)
    send(at)
    assert [e.value for e in at.error] == [t("selfassess_name_needed", lang)]
    at.text_input(key="selfassess_name").input(HOSTILE)
    at.text_input(key="selfassess_role").input("Designer")
    send(at)
    no_exception(at)
    assert len(at.success) == 1
    (proposal,) = pending_proposals(store, plan_id, OWNER)
    assert (proposal.member, proposal.name, proposal.assessment.role) == (None, HOSTILE, "Designer")


def test_a_hostile_member_name_shows_as_text(store, plan_id):
    token, _ = create_invite(store, plan_id, OWNER, HOSTILE, title="*Acme* <i>AI</i>")
    at = form(token)
    assert t("selfassess_hello", "en", name=md(HOSTILE)) in [m.value for m in at.markdown]
    assert at.caption[0].value == t("selfassess_for", "en", title=md("*Acme* <i>AI</i>"))
