"""No widget switches the plan or the language on the user's behalf: on every page, in
both languages, each control of the page is used once and the session stays on the
same plan, in the same language."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import (
    Button,
    ButtonGroup,
    Checkbox,
    Multiselect,
    NumberInput,
    Radio,
    Selectbox,
    TextArea,
    TextInput,
    Toggle,
)

from planner.domain import Plan
from tests.support.apptest import no_exception, open_page

# (The overview of a team has links only; its start buttons are tested in test_first_minutes.)
PAGES = ["team", "model", "coverage", "budget", "pipeline", "share"]
# One format picker per page stands for the export controls under every chart.
EXPORT_FMT = "_export_fmt"


def interact(widget) -> bool:
    """Use a widget the way a person would; False when there is nothing to do with it."""
    match widget:
        case Button():
            widget.click()
        case Selectbox() | Radio() if len(widget.options) > 1:
            widget.set_value(widget.options[-1] if widget.index == 0 else widget.options[0])
        case Multiselect() if widget.options:
            widget.set_value([widget.options[0]])
        case ButtonGroup() if widget.options:
            widget.set_value(widget.options[-1])
        case Checkbox() | Toggle():
            widget.set_value(not widget.value)
        case NumberInput():
            widget.increment()
        case TextInput() | TextArea():
            widget.input("Q3 plan")
        case _:
            return False
    return True


def main_widget_keys(at: AppTest) -> list[str]:
    keys, export_fmt_seen = [], False
    for kind in (
        "button",
        "selectbox",
        "radio",
        "multiselect",
        "button_group",
        "checkbox",
        "toggle",
        "number_input",
        "text_input",
        "text_area",
    ):
        for widget in at.main.get(kind):
            key = getattr(widget, "key", None)
            if not key:
                continue
            if key.endswith(EXPORT_FMT):
                if export_fmt_seen:
                    continue
                export_fmt_seen = True
            keys.append(key)
    return list(dict.fromkeys(keys))


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", PAGES)
def test_every_control_keeps_the_plan_and_the_language(name: str, lang: str, sample_team) -> None:
    at = open_page(name, lang=lang, state={"plan": Plan(team=sample_team)})
    no_exception(at)
    plan_id = at.session_state["_plans_id"]
    used = 0
    for key in main_widget_keys(at):
        try:
            widget = at.get_by_key(key)
        except KeyError:
            continue  # an earlier action (a confirmation, say) removed it
        if not interact(widget):
            continue
        at.run()
        used += 1
        no_exception(at)
        assert at.session_state["_plans_id"] == plan_id, f"{key} switched the plan"
        assert at.session_state["lang"] == lang, f"{key} switched the language"
        assert at.query_params.get("lang", lang) == lang, f"{key} changed ?lang="
    assert used >= 1, f"no control found on {name}"
