"""Share & export: read-only links to this plan, and exports of what it shows."""

import streamlit as st

from components.export import report_controls
from components.plans import share_panel
from components.state import page_setup

ctx = page_setup()
st.title(ctx.t("nav_share"))

share_panel(ctx)

st.divider()
# The report is for read-only viewers of a share link too: it reads ctx.plan only.
st.subheader(ctx.t("share_export_heading"))
report_controls(ctx)
