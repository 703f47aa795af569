"""Entry point: routes to the pages and places the shared sidebar. Nothing else."""

import streamlit as st

from components.state import current_lang, init_state, mark_routed, render_sidebar
from planner.i18n import t

st.set_page_config(page_title="AI Startup Talent Planner", page_icon="🧭", layout="wide")

# (file, url path, title key, icon); "" is the overview at "/".
PAGES = [
    ("views/overview.py", "", "nav_overview", ":material/home:"),
    ("views/team.py", "team", "nav_team", ":material/group:"),
    ("views/model.py", "model", "nav_model", ":material/storefront:"),
    ("views/coverage.py", "coverage", "nav_coverage", ":material/radar:"),
    ("views/pipeline.py", "pipeline", "nav_pipeline", ":material/account_tree:"),
    ("views/generate.py", "generate", "nav_generate", ":material/chat:"),
    ("views/share.py", "share", "nav_share", ":material/share:"),
]

mark_routed()
init_state()
lang = current_lang()
pages = [
    st.Page(path, title=t(title, lang), icon=icon, url_path=url or None, default=not url)
    for path, url, title, icon in PAGES
]
current = st.navigation(pages)
render_sidebar()
current.run()
