"""Small pieces the sidebar and the share panel both show."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st

from components.plans.access import download_click, guarded
from components.plans.actions import copy_shared
from components.plans.config import auth_configured, owner_id
from components.plans.workspace import call_as_own
from components.state import current_plan
from planner.domain import plan_to_json
from planner.files import safe_filename
from planner.i18n import t


def when(moment: datetime) -> str:
    """A stored (naive UTC) time in the browser's time zone when it is known."""
    zone_name = st.context.timezone
    if zone_name:
        try:
            local = moment.replace(tzinfo=UTC).astimezone(ZoneInfo(zone_name))
            return local.strftime("%Y-%m-%d %H:%M %Z")
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def export_button(lang: str) -> None:
    """The whole plan as a JSON file, the format the sidebar's import reads."""
    plan_download(lang, key="plan_export")


def plan_download(lang: str, key: str) -> None:
    """A download of the plan on screen as JSON (the sidebar's export, and the
    notice while the database is away). Made when clicked, after the link this
    session holds is checked again."""
    plan = current_plan()
    st.download_button(
        t("store_export", lang),
        data=guarded(lambda: plan_to_json(plan, indent=2)),
        file_name=safe_filename(plan.name, "json"),
        mime="application/json",
        key=key,
        on_click=download_click(),
        icon=":material/download:",
    )


def copy_button(lang: str, key: str) -> None:
    """A viewer's way to make a shared plan their own (after signing in, if needed;
    without sign-in the copy goes to the viewer's own workspace, made if need be)."""
    if auth_configured() and owner_id() is None:
        st.caption(t("share_sign_in_to_copy", lang))
        if st.button(t("store_sign_in", lang), key=f"{key}_sign_in"):
            st.login()
        return
    st.button(
        t("share_copy", lang), key=key, on_click=call_as_own, args=(copy_shared,), type="primary"
    )
