"""Composition root: page config, state, the plan store, the sidebar, the router."""

import streamlit as st

from components.localize import localize_streamlit
from components.nav import st_pages
from components.plans import init_plans, render_plan_sidebar
from components.state import current_lang, init_state, mark_routed, render_language_switch

st.set_page_config(page_title="AI Startup Talent Planner", page_icon="🧭", layout="wide")

init_state()
init_plans()
lang = current_lang()
current = st.navigation(st_pages(lang))
with st.sidebar:
    render_language_switch()
    render_plan_sidebar(current_lang())
localize_streamlit(current_lang())
mark_routed()
current.run()
