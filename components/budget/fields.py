"""Budget inputs that mirror the plan: each widget shows a value of the plan's
finances, and a change is parsed, validated and saved (update_plan, so it is
autosaved) or refused with a message in the user's language, the last valid
value staying in place.

Widgets are synced from the plan at the top of each run whenever the plan's
finances changed under them (another plan loaded, a version restored, a
scenario applied), and never otherwise, so a founder's typing is not undone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import streamlit as st
from pydantic import ValidationError

from components.plans import update_plan
from components.state import current_lang, current_plan, is_read_only
from components.ui import md
from planner.budget import BudgetInputError
from planner.domain import Finances, first_error
from planner.i18n import t

_SYNCED = "_budget_synced"
_SHOWN = "_budget_shown"  # each field's plan value at the last sync
_NOTHING = object()
_ERRORS = "_budget_errors"


@dataclass(frozen=True)
class View:
    """What reading and writing a field may depend on besides the finances."""

    market: str
    model_id: str


Reader = Callable[[Finances, View], object]
Writer = Callable[[dict, object, View], None]  # changes the finances' plain data in place


@dataclass(frozen=True)
class Field:
    """A widget key, how its value is read from the finances and written back."""

    key: str
    read: Reader
    write: Writer


def view(ctx) -> View:
    return View(ctx.plan.finances.market_for(ctx.lang), ctx.model.id)


def _stamp(finances: Finances, v: View) -> str:
    return f"{v.market}|{v.model_id}|{finances.model_dump_json()}"


def sync(ctx, fields: Iterable[Field]) -> None:
    """Set the fields' widgets from the plan where the plan changed under them.

    Only a field whose value in the plan moved is set: a box the founder is
    typing in while another change lands keeps what is being typed."""
    v = view(ctx)
    stamp = _stamp(ctx.plan.finances, v)
    stale = st.session_state.get(_SYNCED) != stamp
    shown: dict = st.session_state.setdefault(_SHOWN, {})
    for f in fields:
        # A widget not shown in the last run lost its state: it gets the plan's value.
        if not stale and f.key in st.session_state:
            continue
        value = f.read(ctx.plan.finances, v)
        if f.key not in st.session_state or shown.get(f.key, _NOTHING) != value:
            st.session_state[f.key] = value
        shown[f.key] = value
    st.session_state[_SYNCED] = stamp


def _error_text(exc: Exception, lang: str) -> str:
    if isinstance(exc, BudgetInputError):
        params = {k: md(v) if isinstance(v, str) else v for k, v in exc.params.items()}
        return t(exc.key, lang, **params) + " " + t("budget_kept", lang)
    if isinstance(exc, ValidationError):
        where, problem = first_error(exc)
        return t("budget_err_invalid", lang, field=md(where or "-"), problem=md(problem))
    raise exc


def apply(changes: Callable[[dict], None], error_key: str, v: View) -> bool:
    """Validate the finances with `changes` applied; save them or keep the last valid.

    Returns True when saved. A refusal is shown under the widget `error_key`."""
    if is_read_only():
        return False
    data = current_plan().finances.model_dump()
    data.setdefault("market", None)
    try:
        changes(data)
        if data["market"] is None:
            data["market"] = v.market  # the first edit fixes the market shown
        finances = Finances.model_validate(data)
    except (BudgetInputError, ValidationError) as exc:
        st.session_state.setdefault(_ERRORS, {})[error_key] = _error_text(exc, current_lang())
        return False
    st.session_state.get(_ERRORS, {}).pop(error_key, None)
    if finances != current_plan().finances:  # an unchanged plan is not a new version
        update_plan(finances=finances)
    return True


def commit(f: Field, market: str, model_id: str) -> None:
    """on_change of a field's widget: write its value into the plan, or refuse it."""
    v = View(market, model_id)
    value = st.session_state.get(f.key)
    shown = f.read(current_plan().finances, v)
    if value is None:  # a number box sent empty: nothing to save, show the plan's value
        st.session_state[f.key] = shown
        return
    if value == shown:
        # What the page already shows is not a change: a box can send its value
        # again (seen under load), and saving it would, for instance, count the
        # suggested compute profile the founder never chose.
        return
    if not apply(lambda data: f.write(data, value, v), f.key, v):
        # The box shows the last valid value again, beside the message.
        st.session_state[f.key] = f.read(current_plan().finances, v)


def on_change(f: Field, ctx) -> dict:
    """Keyword arguments that bind a widget to its field."""
    v = view(ctx)
    return {
        "key": f.key,
        "on_change": commit,
        "args": (f, v.market, v.model_id),
        "disabled": is_read_only(),
    }


def on_number_change(f: Field, ctx) -> dict:
    """on_change for a number box, whose default must be None, not its minimum.

    Streamlit turns an empty or unreadable submission of a number box into the
    box's default, which is `min_value` unless given: an empty box would be saved
    into the plan as -50 % growth or a 1.00 multiplier, a change the founder never
    made. `required` keeps the browser from sending an empty box (no clear button);
    should one come anyway, None reaches commit, which keeps the plan's value."""
    return {**on_change(f, ctx), "value": None, "required": True}


def show_error(key: Field | str) -> None:
    """The refusal of the last change of a field (or of a widget key), once."""
    name = key.key if isinstance(key, Field) else key
    text = st.session_state.get(_ERRORS, {}).pop(name, None)
    if text:
        st.error(text, icon=":material/block:")
