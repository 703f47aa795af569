"""Founders on three replicas behind nginx, sharing one PostgreSQL and one model
server, in real browsers (tests/support/cluster.py starts it all on loopback).

Each browser's affinity cookie puts it on the replica the test names, and every
tab checks which replica served it (`open_on` asserts it; `served_by` asks
again). Screenshots of each journey land in test-artifacts/scale-<journey>/.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from planner.store import Store
from tests.support.browser import AppPage
from tests.support.cluster import Cluster, served_by

pytestmark = pytest.mark.scale
ROOT = Path(__file__).resolve().parents[2]
REFUSED = "This share link does not open a plan."


def ws_query(app: AppPage) -> str:
    """The workspace part of the tab's address: the founder's link to their plans."""
    query = urlsplit(app.page.url).query
    match = re.search(r"(?:^|&)(ws=[^&]+)", query)
    assert match, app.page.url
    return match.group(1)


def pick_model(app: AppPage, label: str) -> None:
    app.key("business_model").get_by_text(re.compile(rf"^{label} — ")).click()
    expect(app.main.get_by_role("heading", name=re.compile(label))).to_be_visible()
    app.wait_idle()


def stored_plan(cluster: Cluster, app: AppPage):
    """The founder's plan as the database has it (latest version)."""
    store = Store(cluster.database_url)
    try:
        owner = store.resolve_workspace(ws_query(app).removeprefix("ws="))
        assert owner is not None
        (info,) = store.list_plans(owner)
        return store.load(info.id, owner)
    finally:
        store.close()


def load_sample(app: AppPage) -> None:
    app.nav("team", app.key("team_sample"))
    app.key("team_sample").get_by_role("button").click()
    expect(app.grid_cells("team_editor", "Gus Okafor")).to_have_count(1)
    app.wait_idle()


def test_a_workspace_link_opens_on_another_replica_and_a_stale_save_gets_the_choice(
    cluster: Cluster, open_on
) -> None:
    first = open_on(0)
    first.nav("model", first.key("business_model"))
    pick_model(first, "Platform")
    first.shot("01-replica1-platform")

    # The link made on replica 1 opens the same plan on replica 2.
    second = open_on(1, "model", ws_query(first))
    heading = second.main.get_by_role("heading", name="What Platform requires")
    expect(heading).to_be_visible()
    second.shot("02-replica2-same-plan")
    version = stored_plan(cluster, first).version

    # Both edit the plan they opened: the first save wins, the second is refused
    # and offered Reload or Save as a copy; nothing is overwritten.
    pick_model(first, "Service")
    second.key("business_model").get_by_text(re.compile(r"^Product — ")).click()
    expect(second.key("plan_reload")).to_be_visible()
    expect(second.key("plan_save_copy")).to_be_visible()
    second.wait_idle()
    second.shot("03-replica2-conflict")
    latest = stored_plan(cluster, first)
    assert latest.version == version + 1
    assert latest.plan.business_model == "service"
    assert (served_by(cluster, first), served_by(cluster, second)) == (0, 1)
    for app in (first, second):
        app.expect_no_exception()


def test_a_link_revoked_on_one_replica_stops_a_viewer_on_another(cluster: Cluster, open_on) -> None:
    owner = open_on(0, "share")
    owner.key("share_create").get_by_role("button").click()
    link = owner.key("share_link").locator("code")
    expect(link).to_contain_text("?share=")
    parts = urlsplit(link.inner_text().strip())
    assert f"{parts.scheme}://{parts.netloc}" == cluster.url  # the proxy's address
    owner.wait_idle()

    viewer = open_on(2, parts.path, parts.query)
    expect(viewer.page.get_by_text("shared read-only").first).to_be_visible()
    expect(viewer.key("plan_export")).to_be_visible()
    viewer.shot("01-viewer-on-replica3")

    token = parts.query.removeprefix("share=")
    item = owner.page.locator('[class*="st-key-share_item_"]').filter(has_text=f"{token[:4]}…")
    item.get_by_role("button", name="Revoke").click()
    expect(owner.page.get_by_text("The link was revoked")).to_be_visible()

    # The viewer's next click, on replica 3, is refused; its download delivers nothing.
    downloads: list[str] = []
    viewer.page.on("download", lambda d: downloads.append(d.suggested_filename))
    viewer.key("plan_export").get_by_role("button").click()
    expect(viewer.main.get_by_text(REFUSED)).to_be_visible()
    expect(viewer.key("plan_export")).to_have_count(0)
    assert downloads == []
    assert served_by(cluster, viewer) == 2
    viewer.shot("02-viewer-refused")
    viewer.expect_no_exception()


def test_an_invite_made_on_one_replica_is_filled_on_a_second_and_calibrated_on_a_third(
    cluster: Cluster, open_on
) -> None:
    founder = open_on(0)
    load_sample(founder)
    founder.choose("invite_member", "Alice Chen")
    founder.key("invite_create").get_by_role("button").click()
    link = founder.key("invite_link").locator("code")
    expect(link).to_contain_text("?invite=")
    parts = urlsplit(link.inner_text().strip())
    founder.shot("01-invite-on-replica1")

    member = open_on(1, parts.path, parts.query)
    expect(member.main.get_by_text("Hello, Alice Chen.")).to_be_visible()
    thumb = member.key("selfassess_level_product__mlops").get_by_role("slider")
    thumb.scroll_into_view_if_needed()
    thumb.focus()
    member.page.keyboard.press("End")  # level 5
    expect(thumb).to_have_attribute("aria-valuetext", re.compile(r"^5 · "))
    member.key("selfassess_submit").get_by_role("button").click()
    expect(member.main.get_by_text("your answers were sent for review")).to_be_visible()
    member.shot("02-filled-on-replica2")

    reviewer = open_on(2, "team", ws_query(founder))
    expect(reviewer.key("invite_list")).to_contain_text("Submitted · waiting for your review")
    reviewer.wait_idle()
    accept = reviewer.key("calibration_accept").get_by_role("button", name="Accept all")
    accept.click(timeout=60_000)  # the page is long and the machine busy
    expect(reviewer.main.get_by_text("Alice Chen's self-assessment was accepted")).to_be_visible()
    reviewer.wait_idle()
    reviewer.shot("03-calibrated-on-replica3")
    team = stored_plan(cluster, founder).plan.team
    alice = next(m for m in team.members if m.name == "Alice Chen")
    assert alice.skills["product.mlops"] == 5
    for app in (founder, member, reviewer):
        app.expect_no_exception()


def test_uploads_and_downloads_stay_on_the_sessions_replica(
    cluster: Cluster, open_on, tmp_path: Path
) -> None:
    app = open_on(1, "team")
    team_csv = tmp_path / "team.csv"
    team_csv.write_text("name,role,fte,product.mlops\nRen Ito,MLOps,1,4\nKai Moe,PM,0.5,2\n")
    # XSRF protection is on: the upload carries a token that the replica checks.
    app.key("team_upload").locator('input[type="file"]').set_input_files(str(team_csv))
    expect(app.grid_cells("team_editor", "Ren Ito")).to_have_count(1)
    app.wait_idle()
    with app.page.expect_download() as info:
        app.key("team_download").get_by_role("button").click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text("utf-8"))))
    assert [r["name"] for r in rows] == ["Ren Ito", "Kai Moe"]
    assert rows[0]["product.mlops"] == "4"
    assert served_by(cluster, app) == 1
    app.shot("01-uploaded-on-replica2")
    app.expect_no_exception()
