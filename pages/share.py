"""Share & export: read-only links to this plan, and exports of what it shows."""

import streamlit as st

from components.plans import share_panel
from components.state import page_setup

ctx = page_setup()
st.title(ctx.t("nav_share"))

share_panel(ctx.lang)

st.divider()
# ---- export_report: START ------------------------------------------------------
# Owned by the export feature (another engineer edits this part of the file).
# The report export control with key "export_report" goes here. It must also work
# for read-only viewers of a share link: read ctx.plan, never call update_plan.
st.subheader(ctx.t("share_export_heading"))
from components.export import report_controls  # noqa: E402

report_controls(ctx)
# ---- export_report: END --------------------------------------------------------
