"""AppTest: the founder's side of self-assessment on the team page (links, their
list, calibration), and where stale or unconfirmed ratings are said (team table,
coverage heatmap, overview, history).

Answers are submitted through the store, as the form would; the founder's session
is the app on the team page. A second tab of the same founder opens the first
one's ``?ws=`` workspace link.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from streamlit.testing.v1 import AppTest

from components.plans import database_url
from components.provenance import today
from planner.domain import Member, Plan, RatingMeta, Team
from planner.formatting import md
from planner.i18n import t
from planner.numbers import percent
from planner.scoring import (
    analyze,
    fit_reliance,
)
from planner.store import (
    SelfAssessment,
    Store,
    list_invites,
    pending_proposals,
    submit,
)
from tests.support.apptest import chart_spec, no_exception, open_page

HOSTILE = "**Mallory** <b>x</b> [link](http://evil.example)"
ALICE = Member(name="Alice Chen", skills={"research.alignment": 2, "data.quality": 3})


def team_plan(*extra: Member) -> Plan:
    bob = Member(name="Bob Li", skills={"product.mlops": 4, "market.sales": 2})
    return Plan(
        name="Calibration", business_model="platform", team=Team(members=(ALICE, bob, *extra))
    )


@pytest.fixture
def store():
    store = Store(database_url())
    yield store
    store.close()


def founder(plan: Plan | None = None, lang: str = "en", **attrs: object) -> AppTest:
    state = {"plan": plan} if plan is not None else None
    at = open_page("team", lang=lang, state=state, **attrs)
    no_exception(at)
    return at


def owner(at: AppTest, store: Store) -> str:
    found = store.resolve_workspace(at.query_params["ws"])
    assert found is not None
    return found


def make_link(at: AppTest, member: str, lang: str = "en") -> str:
    """Create a link on the page; return its token, read from the link shown."""
    at.selectbox(key="invite_member").set_value(member)
    at.selectbox(key="invite_lang").set_value(lang)
    at.button(key="invite_create").click().run()
    no_exception(at)
    (url,) = [c.value for c in at.code if "invite=" in c.value]
    assert url.endswith(f"&lang={lang}")
    return url.split("invite=")[1].split("&")[0]


def proposal_id(store: Store, at: AppTest) -> str:
    (pending,) = pending_proposals(store, at.session_state["_plans_id"], owner(at, store))
    return pending.id


def history(at: AppTest) -> list[str]:
    return [m.value for m in at.sidebar.markdown]


def test_a_link_is_made_shown_once_and_listed(store):
    at = founder(team_plan())
    token = make_link(at, "Alice Chen")
    plan_id, who = at.session_state["_plans_id"], owner(at, store)
    (invite,) = list_invites(store, plan_id, who)
    assert invite.member == "Alice Chen" and invite.state() == "not_opened"
    listed = [m.value for m in at.markdown if "Not opened" in m.value]
    assert listed and "made " in listed[0] and "expires " in listed[0]
    # Another tab of the same workspace lists the link but never shows it again.
    other = founder(query_params={"ws": at.query_params["ws"], "lang": "en"})
    assert not [c.value for c in other.code if "invite=" in c.value]
    assert token not in json.dumps([c.value for c in other.code])
    assert any("Not opened" in m.value for m in other.markdown)


def test_an_open_link_and_the_language_of_the_form(store):
    at = founder(team_plan(), lang="zh")
    assert at.button(key="invite_create").label == t("invite_create", "zh")
    make_link(at, "", lang="zh")  # "" is the open link
    (invite,) = list_invites(store, at.session_state["_plans_id"], owner(at, store))
    assert (invite.member, invite.lang) == (None, "zh")
    assert any(t("invite_open_link", "zh") in m.value for m in at.markdown)


def test_revoking_a_link_from_the_list(store):
    at = founder(team_plan())
    make_link(at, "Alice Chen")
    (invite,) = list_invites(store, at.session_state["_plans_id"], owner(at, store))
    at.button(key=f"invite_revoke_{invite.id}").click().run()
    no_exception(at)
    assert t("invite_revoked", "en") in [s.value for s in at.success]
    assert not [c.value for c in at.code if "invite=" in c.value]  # the new link is gone too
    assert any(m.value.startswith("**Revoked**") for m in at.markdown)
    with pytest.raises(KeyError):
        at.get_by_key(f"invite_revoke_{invite.id}")


def test_calibration_shows_the_proposal_beside_todays_ratings(store):
    at = founder(team_plan())
    token = make_link(at, "Alice Chen")
    assert t("calibration_none", "en") in [c.value for c in at.caption]
    submit(
        store,
        token,
        SelfAssessment(
            name="x",
            fte=0.8,
            skills={"research.alignment": 4, "data.quality": 3, "product.mlops": 1},
            notes={"research.alignment": "ran <b>RLHF</b> for v2"},
        ),
    )
    at.run()
    no_exception(at)
    spec = chart_spec(at, "calibration_heatmap")
    heat = spec["data"][0]
    assert heat["y"] == ["Alice Chen"]
    columns = heat["x"]
    deltas = dict(zip(columns, heat["z"][0], strict=True))
    assert deltas["Alignment (SFT/RLHF)"] == 2 and deltas["Labeling & cleaning"] == 0
    assert deltas["MLOps & inference serving"] == 1
    assert deltas["Pre-training"] == 0  # not rated by the person: no difference shown
    notes = [cell[2] for cell in heat["customdata"][0]]
    assert "ran &lt;b&gt;RLHF&lt;/b&gt; for v2" in notes
    # The table beside today's ratings.
    (table,) = [d for d in at.dataframe if "Skill" in d.value.columns]
    rows = table.value.set_index("Skill")
    alignment = rows.loc["Algorithm research · Alignment (SFT/RLHF)"]
    assert (alignment["Today"], alignment["Self"], alignment["Self − today"]) == ("2", "4", "+2")
    assert alignment["Today's rating: source · confirmed"] == "founder · no date"
    assert alignment["Evidence"] == "ran <b>RLHF</b> for v2"
    assert rows.loc["FTE", "Self"] == "0.80"
    # Nothing is applied until the founder decides.
    assert at.session_state["plan"].team.members[0] == ALICE


def test_accept_all_is_one_version_with_a_summary_and_coverage_follows(store):
    plan = team_plan()
    at = founder(plan)
    token = make_link(at, "Alice Chen")
    version = at.session_state["_plans_version"]
    submit(
        store,
        token,
        SelfAssessment(
            name="x", skills={"research.alignment": 5, "data.quality": 3, "research.distributed": 4}
        ),
    )
    at.run()
    before = analyze(at.session_state["plan"].team, _platform())
    at.button(key=f"calibration_accept_all_{proposal_id(store, at)}").click().run()
    no_exception(at)
    assert at.session_state["_plans_version"] == version + 1
    alice = at.session_state["plan"].team.members[0]
    assert alice.skills == {"research.alignment": 5, "data.quality": 3, "research.distributed": 4}
    assert alice.meta("research.alignment") == RatingMeta(source="self", confirmed=today())
    assert alice.meta("data.quality") == RatingMeta(source="calibrated", confirmed=today())
    assert [s.value for s in at.success] == [
        t("calibration_accepted", "en", name="Alice Chen", version=version + 1)
    ]
    # The history is Markdown: the summary is there as escaped text.
    summary = md("Alice Chen's self-assessment: 2 skills changed, 1 confirmed")
    assert any(summary in h and f"v{version + 1}" in h for h in history(at))
    after = analyze(at.session_state["plan"].team, _platform())
    assert after.fit > before.fit
    assert t("calibration_none", "en") in [c.value for c in at.caption]
    # The list says what became of the answer; the table shows where ratings came from.
    assert any("Submitted · accepted" in m.value for m in at.markdown)
    status = at.data_editor(key="team_editor").value["ratings_status"]
    assert status.iloc[0] == f"confirmed {today().isoformat()} · 3 self-assessed"


def _platform():
    from planner.catalog import load_catalog

    return load_catalog().business_models["platform"]


def test_accept_selected_takes_only_the_chosen_skills(store):
    at = founder(team_plan())
    token = make_link(at, "Alice Chen")
    submit(
        store,
        token,
        SelfAssessment(name="x", fte=0.5, skills={"research.alignment": 5, "data.quality": 1}),
    )
    at.run()
    pid = proposal_id(store, at)
    picker = at.multiselect(key=f"calibration_fields_{pid}")
    assert set(picker.value) == {"research.alignment", "data.quality", "fte"}
    picker.set_value(["research.alignment"])
    at.button(key=f"calibration_accept_some_{pid}").click().run()
    no_exception(at)
    alice = at.session_state["plan"].team.members[0]
    assert alice.skills == {"research.alignment": 5, "data.quality": 3} and alice.fte == 1.0
    assert any(md("1 skill changed, 0 confirmed (research.alignment)") in h for h in history(at))


def test_reject_changes_nothing(store):
    at = founder(team_plan())
    token = make_link(at, "Alice Chen")
    submit(store, token, SelfAssessment(name="x", skills={"research.alignment": 5}))
    at.run()
    plan, version = at.session_state["plan"], at.session_state["_plans_version"]
    at.button(key=f"calibration_reject_{proposal_id(store, at)}").click().run()
    no_exception(at)
    assert at.session_state["plan"] == plan and at.session_state["_plans_version"] == version
    assert store.load(at.session_state["_plans_id"], owner(at, store)).version == version
    assert [i.value for i in at.info] == [t("calibration_rejected", "en", name="Alice Chen")]
    assert any("Submitted · rejected" in m.value for m in at.markdown)


def test_two_tabs_accepting_the_same_answer_make_one_version(store):
    first = founder(team_plan())
    token = make_link(first, "Alice Chen")
    submit(store, token, SelfAssessment(name="x", skills={"research.alignment": 5}))
    first.run()
    second = founder(query_params={"ws": first.query_params["ws"], "lang": "en"})
    pid = proposal_id(store, first)
    version = first.session_state["_plans_version"]
    first.button(key=f"calibration_accept_all_{pid}").click().run()
    second.button(key=f"calibration_accept_all_{pid}").click().run()
    no_exception(second)
    assert [w.value for w in second.warning if "already" in w.value] == [
        t("calibration_already", "en", name="Alice Chen")
    ]
    loaded = store.load(first.session_state["_plans_id"], owner(first, store))
    assert loaded.version == version + 1
    assert (
        sum(
            "self-assessment" in v.summary("en")
            for v in store.history(loaded.id, owner(first, store))
        )
        == 1
    )


def test_an_open_link_answer_is_a_new_member_proposal_shown_as_text(store):
    at = founder(team_plan())
    token = make_link(at, "")
    submit(store, token, SelfAssessment(name=HOSTILE, role="PM", skills={"product.management": 4}))
    at.run()
    no_exception(at)
    assert [i.value for i in at.info] == [t("calibration_adds_member", "en", name=md(HOSTILE))]
    head = [m.value for m in at.markdown if "sent" in m.value and md(HOSTILE) in m.value]
    assert head and "from an open link" in head[0]
    spec = chart_spec(at, "calibration_heatmap")
    assert spec["data"][0]["y"] == [
        "**Mallory** &lt;b&gt;x&lt;/b&gt; [link](http://evil.example) (new)"
    ]
    at.button(key=f"calibration_accept_all_{proposal_id(store, at)}").click().run()
    no_exception(at)
    newcomer = at.session_state["plan"].team.members[-1]
    assert (newcomer.name, newcomer.role, newcomer.skills) == (
        HOSTILE,
        "PM",
        {"product.management": 4},
    )
    # The history shows the name as text (escaped Markdown), never as a link.
    assert any(md(f"{HOSTILE}'s self-assessment: added to the team") in h for h in history(at))


def test_a_share_viewer_sees_no_invites(store):
    at = founder(team_plan())
    make_link(at, "Alice Chen")
    at.switch_page("pages/share.py").run()
    at.button(key="share_create").click().run()
    (url,) = [c.value for c in at.code if "share=" in c.value]
    viewer = open_page("team", query_params={"share": url.split("share=")[1]})
    no_exception(viewer)
    for key in ("invite_create", "invite_list", "calibration_accept"):
        with pytest.raises(KeyError):
            viewer.get_by_key(key)


# -- stale and unconfirmed ratings ---------------------------------------------------------


def old_plan() -> Plan:
    """Ann: one platform skill rated 400 days ago, one confirmed today."""
    long_ago = today() - timedelta(days=400)
    ann = Member(
        name="Ann",
        skills={"product.mlops": 4, "product.backend": 3},
        ratings_meta={
            "product.mlops": RatingMeta(source="self", confirmed=long_ago),
            "product.backend": RatingMeta(source="founder", confirmed=today()),
        },
    )
    return Plan(name="Old", business_model="platform", team=Team(members=(ann,)))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_stale_ratings_are_marked_in_the_table_the_heatmap_and_the_overview(lang):
    at = founder(old_plan(), lang=lang)
    status = at.data_editor(key="team_editor").value["ratings_status"].iloc[0]
    assert status.startswith("⌛ " + t("ratings_stale", lang, count=1))
    caption = t("ratings_stale_caption", lang, count=1, days=180)
    assert caption in [c.value for c in at.caption]
    at.switch_page("pages/coverage.py").run()
    no_exception(at)
    cells = chart_spec(at, "coverage_heatmap")["data"][0]["text"][1]
    assert sum("⌛" in c for c in cells) == 1
    assert caption in [c.value for c in at.caption]
    at.switch_page("pages/overview.py").run()
    no_exception(at)
    reliance = fit_reliance(at.session_state["plan"].team, _platform(), today(), 180)
    expected = t(
        "overview_reliance",
        lang,
        share=percent(reliance.share),
        stale=reliance.stale,
        unconfirmed=reliance.unconfirmed,
        count=reliance.ratings,
        confirmed=percent(reliance.fit_confirmed),
        days=180,
    )
    # Then what to do about it (the founder: self-assessment links).
    assert f"{expected} {t('overview_reliance_todo', lang)}" in [c.value for c in at.caption]


def test_the_overview_says_how_much_of_the_fit_rests_on_old_ratings():
    at = founder(old_plan())
    at.switch_page("pages/overview.py").run()
    (line,) = [c.value for c in at.caption if "of the fit rests" in c.value]
    assert line.startswith("64% of the fit rests on stale or unconfirmed ratings (1 stale, 0 never")
    # Once the stale rating is confirmed again, nothing rests on old ratings.
    plan = old_plan()
    ann = plan.team.members[0]
    fresh = ann.model_copy(
        update={"ratings_meta": {s: RatingMeta(confirmed=today()) for s in ann.skills}}
    )
    at = founder(plan.model_copy(update={"team": Team(members=(fresh,))}))
    at.switch_page("pages/overview.py").run()
    assert t("overview_reliance_none", "en", days=180) in [c.value for c in at.caption]


def test_editing_the_table_confirms_what_changed_and_keeps_the_rest():
    at = founder(old_plan())
    before = at.session_state["plan"].team.members[0]
    at.session_state["team_editor"] = {
        "edited_rows": {0: {"product.mlops": 3, "role": "Lead"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    no_exception(at)
    alice = at.session_state["plan"].team.members[0]
    assert (alice.role, alice.level("product.mlops")) == ("Lead", 3)
    assert alice.meta("product.mlops") == RatingMeta(source="founder", confirmed=today())
    assert alice.meta("product.backend") == before.meta("product.backend")  # untouched: kept
    # A role change alone keeps every level's provenance.
    at.session_state["team_editor"] = {
        "edited_rows": {0: {"role": "Head of research"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert at.session_state["plan"].team.members[0].ratings_meta == alice.ratings_meta


def test_an_open_link_claiming_a_member_waits_for_the_founders_confirmation(store):
    """Issue 23, item 4: "alice  chen" on an open link is Alice Chen only once the
    founder says so; until then Accept changes nothing, and the history says how."""
    at = founder(team_plan())
    token = make_link(at, "")
    submit(store, token, SelfAssessment(name="alice  chen", skills={"research.alignment": 5}))
    at.run()
    no_exception(at)
    claim = t("calibration_claim", "en", member="Alice Chen", typed=md("alice  chen"))
    assert [w.value for w in at.warning] == [claim]
    assert not at.info  # not offered as a new member either
    pid = proposal_id(store, at)
    accept = at.button(key=f"calibration_accept_all_{pid}")
    assert accept.disabled and at.button(key=f"calibration_accept_some_{pid}").disabled
    version = at.session_state["_plans_version"]
    at.checkbox(key=f"calibration_claim_{pid}").check().run()
    assert not at.button(key=f"calibration_accept_all_{pid}").disabled
    at.button(key=f"calibration_accept_all_{pid}").click().run()
    no_exception(at)
    assert at.session_state["_plans_version"] == version + 1
    team = at.session_state["plan"].team
    assert team.names() == ["Alice Chen", "Bob Li"]
    assert team.members[0].level("research.alignment") == 5
    summary = md("Alice Chen's ratings from an open link, claimed as alice  chen")
    assert any(summary in h for h in history(at))
