"""Composition root: page config, state, the plan store, the sidebar, the router."""

# Loaded once here, before any session thread: plotly looks pandas up in sys.modules
# without waiting, and a first import racing in another session's thread handed it
# a half-initialised module (seen on /attention).
import os

import pandas  # noqa: F401
import streamlit as st

from components.layout import responsive_layout
from components.localize import localize_streamlit
from components.nav import show_navigation, st_pages
from components.operator import status_requested, status_route
from components.plans import init_plans, render_plan_sidebar, show_new_workspace
from components.plans.offline import database_notice
from components.resources import start_model_load
from components.selfassess import invite_requested, selfassess_route
from components.state import current_lang, init_state, mark_routed, render_language_switch

st.set_page_config(page_title="AI Startup Talent Planner", page_icon="🧭", layout="wide")
# No usage reports from ONNX Runtime (the model load below); an operator may opt in.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
start_model_load()  # once per server process: the models load in the background

init_state()
if status_requested():  # an operator's view of this replica, and nothing else
    status_route()
if invite_requested():  # a member's self-assessment form, and nothing else of the app
    selfassess_route()
init_plans()
lang = current_lang()
show_navigation()  # the sidebar navigation, off until now (never the raw file list)
current = st.navigation(st_pages(lang))
with st.sidebar:
    render_language_switch()
    render_plan_sidebar(current_lang())
localize_streamlit(current_lang())
responsive_layout()
database_notice(current_lang())  # the database is away: say so above every page
mark_routed()
current.run()
show_new_workspace()  # a visitor's first change in the page made their workspace
