"""Where ratings come from, in words: the settings (link life, stale threshold) and
the short texts the team table, the calibration and the overview show."""

from __future__ import annotations

from datetime import UTC, date, datetime

import streamlit as st

from components.settings import setting
from components.state import Ctx, is_read_only
from planner.domain import Member, RatingMeta
from planner.i18n import t
from planner.scoring import (
    SOURCE_KEYS,
    STALE_DAYS,
    is_stale,
    member_ratings,
)
from planner.scoring.coverage import percent
from planner.store import INVITE_DAYS, MAX_INVITE_DAYS


def _days(name: str, default: int, most: int) -> int:
    raw = setting(name)
    try:
        value = int(raw) if raw is not None else default
    except ValueError:
        return default  # a malformed setting is "not set", like a missing one
    return max(1, min(value, most))


def invite_days() -> int:
    """How long a new self-assessment link lives (PLANNER_INVITE_DAYS, default 14)."""
    return _days("PLANNER_INVITE_DAYS", INVITE_DAYS, MAX_INVITE_DAYS)


def stale_days() -> int:
    """After how many days a rating is stale (PLANNER_STALE_DAYS, default 180)."""
    return _days("PLANNER_STALE_DAYS", STALE_DAYS, 10 * 365)


def today() -> date:
    """Today in UTC: the day a rating is confirmed on, whatever the server's zone."""
    return datetime.now(UTC).date()


def source_text(meta: RatingMeta, lang: str, day: date, days: int) -> str:
    """ "self-assessed · 2026-11-29", "founder · no date", with ⌛ when stale."""
    when = meta.confirmed.isoformat() if meta.confirmed else t("ratings_no_date", lang)
    text = f"{t(SOURCE_KEYS[meta.source], lang)} · {when}"
    return f"⌛ {text}" if is_stale(meta, day, days) else text


def member_status(member: Member, lang: str, day: date, days: int) -> str:
    """One line for the team table: how fresh a member's ratings are, and how many
    came from their self-assessment."""
    counts = member_ratings(member, day, days)
    if counts.rated == 0:
        return "—"
    parts = []
    if counts.stale:
        parts.append("⌛ " + t("ratings_stale", lang, count=counts.stale))
    if counts.unconfirmed == counts.rated:
        parts.append(t("ratings_unconfirmed", lang))
    elif counts.unconfirmed:
        parts.append(t("ratings_unconfirmed_some", lang, count=counts.unconfirmed))
    if counts.last_confirmed is not None and not counts.stale:
        parts.append(t("ratings_confirmed", lang, date=counts.last_confirmed.isoformat()))
    if counts.self_rated:
        parts.append(t("ratings_self_count", lang, count=counts.self_rated))
    return " · ".join(parts)


def reliance_caption(ctx: Ctx) -> None:
    """The overview's line on how much of the fit rests on stale or unconfirmed ratings."""
    days = stale_days()
    reliance = ctx.analysis.reliance(today(), days)
    if reliance.ratings == 0:
        return  # no rating counts towards this model: nothing rests on anything
    with st.container(key="overview_reliance"):
        if reliance.resting <= 0:
            st.caption(ctx.t("overview_reliance_none", days=days))
            return
        parts = [
            ctx.t(
                "overview_reliance",
                share=percent(reliance.share),
                stale=reliance.stale,
                unconfirmed=reliance.unconfirmed,
                count=reliance.ratings,
                confirmed=percent(reliance.fit_confirmed),
                days=days,
            )
        ]
        if reliance.unconfirmed == reliance.ratings:
            parts.append(ctx.t("overview_reliance_why_none"))  # why the fit would be 0 %
        # A share viewer cannot send links: tell them who can.
        parts.append(
            ctx.t("overview_reliance_todo_viewer" if is_read_only() else "overview_reliance_todo")
        )
        st.caption(" ".join(parts))
