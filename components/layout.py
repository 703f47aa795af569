"""Layout that holds on narrow screens (a laptop split in two, a tablet: ~800 px).

Streamlit keeps columns side by side down to 640 px of viewport, so with the sidebar
open two charts get ~240 px each and their labels and export controls are cut. Rows
of columns may wrap instead: a column never gets narrower than a metric needs, and a
column that holds a chart (inside a container keyed ``charts_…``) not narrower than a
chart stays readable. Labels that would end in "…" wrap instead. Only constant CSS
goes into the page.
"""

from __future__ import annotations

import streamlit as st

RESPONSIVE_CSS = (
    '[data-testid="stHorizontalBlock"] {flex-wrap: wrap}'
    '[data-testid="stHorizontalBlock"] [data-testid="stColumn"] {min-width: min(100%, 9rem)}'
    '[class*="st-key-charts_"] [data-testid="stHorizontalBlock"] [data-testid="stColumn"] '
    "{min-width: min(100%, 26rem)}"
    # Labels of buttons, metrics, page links and widgets wrap onto a second line
    # instead of ending in "…": "Load the sam…" and "Runway with the p…" were cut in
    # narrow columns.
    '[data-testid="stMain"] button [data-testid="stMarkdownContainer"],'
    ' [data-testid="stMain"] button [data-testid="stMarkdownContainer"] p,'
    ' [data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"],'
    ' [data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"] p,'
    ' [data-testid="stMain"] [data-testid="stWidgetLabel"] [data-testid="stMarkdownContainer"],'
    ' [data-testid="stMain"] [data-testid="stWidgetLabel"] [data-testid="stMarkdownContainer"] p,'
    ' [data-testid="stMain"] [data-testid="stPageLink-NavLink"] > span'
    " {white-space: normal; overflow: visible; text-overflow: clip}"
    # A segmented control's options wrap instead of hiding the last ones ("every month").
    '[data-testid="stButtonGroup"] div:has(> button) {flex-wrap: wrap}'
    # Number boxes bound to the plan are `required` so an empty box is never sent
    # (components/budget/fields.py: on_number_change). They always hold a value, so
    # Streamlit's "(required)" marker, in English only, would say nothing.
    '[data-testid="stMain"] [data-testid="stWidgetLabelRequired"] {display: none}'
    # The script that writes the workspace cookie (components/plans/remember.py) shows nothing.
    ".st-key-ws_memory {display: none}"
)


def responsive_layout() -> None:
    st.html(f"<style>{RESPONSIVE_CSS}</style>")
