"""The planner's mode, the horizon and the cash reserve: widgets that mirror the
plan's roadmap settings. A change is saved with the plan (update_plan); a value that
cannot be used is explained in the user's language and the last valid one stays."""

from __future__ import annotations

import streamlit as st

from components.plans import update_plan
from components.state import Ctx, current_lang, current_plan, is_read_only
from planner.domain import ROADMAP_MAX_MONTHS, Roadmap
from planner.i18n import t
from planner.roadmap.charts import MODE_KEYS
from planner.roadmap.planner import MODES
from planner.roadmap.world import HorizonError, check_horizon

MODE, MONTHS, RESERVE = "roadmap_mode", "roadmap_months", "roadmap_reserve"
_SYNCED = "_roadmap_synced"
_ERROR = "_roadmap_horizon_error"


def _sync(roadmap: Roadmap) -> None:
    """Set the widgets from the plan when the plan's roadmap changed under them."""
    stamp = roadmap.model_dump_json()
    if st.session_state.get(_SYNCED) == stamp and all(
        k in st.session_state for k in (MODE, MONTHS, RESERVE)
    ):
        return
    st.session_state[MODE] = roadmap.mode
    st.session_state[MONTHS] = roadmap.months
    st.session_state[RESERVE] = float(roadmap.reserve_months)
    st.session_state[_SYNCED] = stamp


def save_roadmap(**changes: object) -> None:
    roadmap = current_plan().roadmap.model_copy(update=changes)
    if roadmap != current_plan().roadmap:
        update_plan(roadmap=Roadmap.model_validate(roadmap.model_dump()))


def _on_mode() -> None:
    mode = st.session_state.get(MODE)
    if mode in MODES:
        save_roadmap(mode=mode)
    else:  # a segmented control can be cleared by clicking the active option
        st.session_state[MODE] = current_plan().roadmap.mode


def _on_months() -> None:
    raw = st.session_state.get(MONTHS)
    if raw is None:  # an empty box: nothing to save (see on_number_change in budget.fields)
        st.session_state[MONTHS] = current_plan().roadmap.months
        return
    try:
        months = check_horizon(int(raw) if isinstance(raw, float) and raw.is_integer() else raw)
    except HorizonError as exc:
        st.session_state[_ERROR] = t(exc.key, current_lang(), **exc.params)
        st.session_state[MONTHS] = current_plan().roadmap.months
        return
    st.session_state.pop(_ERROR, None)
    save_roadmap(months=months)


def _on_reserve() -> None:
    value = st.session_state.get(RESERVE)
    if isinstance(value, int | float) and 0 <= value <= 24:
        save_roadmap(reserve_months=float(value))
    else:  # an empty box: the plan's reserve stays, and shows again
        st.session_state[RESERVE] = float(current_plan().roadmap.reserve_months)


def roadmap_controls(ctx: Ctx) -> None:
    _sync(ctx.plan.roadmap)
    read_only = is_read_only()
    cols = st.columns([2, 1, 1])
    with cols[0]:
        st.segmented_control(
            ctx.t("roadmap_mode_label"),
            options=list(MODES),
            format_func=lambda m: t(MODE_KEYS[m], ctx.lang),
            key=MODE,
            required=True,
            on_change=_on_mode,
            help=ctx.t("roadmap_mode_help"),
            disabled=read_only,
        )
    with cols[1]:
        # No bounds on the box: 0 or 1,000 gets a message, not a silent clamp.
        # value=None, required: an empty box is never Streamlit's default saved.
        st.number_input(
            ctx.t("roadmap_months_label"),
            value=None,
            required=True,
            step=1,
            key=MONTHS,
            on_change=_on_months,
            help=ctx.t("roadmap_months_help", limit=ROADMAP_MAX_MONTHS),
            disabled=read_only,
        )
    with cols[2]:
        st.number_input(
            ctx.t("roadmap_reserve_label"),
            value=None,
            required=True,
            min_value=0.0,
            max_value=24.0,
            step=0.5,
            format="%.1f",
            key=RESERVE,
            on_change=_on_reserve,
            help=ctx.t("roadmap_reserve_help"),
            disabled=read_only,
        )
    if error := st.session_state.pop(_ERROR, None):
        st.error(error, icon=":material/block:")
