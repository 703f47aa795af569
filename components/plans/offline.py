"""While the plan database is away: every page says so, the tab keeps its work,
and the unsaved change is saved as soon as the database answers again.

`database_notice` (app.py, above the page) shows a warning with the plan as a
download, and a fragment that asks the database every few seconds; when it
answers, the waiting change is saved (or becomes the usual conflict choice, if
someone saved a newer version meanwhile) and the whole page reruns.
"""

from __future__ import annotations

import streamlit as st

from components.plans.saving import retry_unsaved
from components.plans.session import DB_ERROR, UNSAVED
from components.plans.widgets import plan_download
from components.state import is_read_only
from planner.i18n import t

RETRY_S = 2.0


def database_notice(lang: str) -> None:
    if is_read_only() or DB_ERROR not in st.session_state:
        return
    _away(lang)


@st.fragment(run_every=RETRY_S)
def _away(lang: str) -> None:
    if retry_unsaved():
        st.rerun()  # the database is back: the sidebar and the page draw as usual
    with st.container(key="db_away"):
        key = "store_db_away_unsaved" if st.session_state.get(UNSAVED) else "store_db_away"
        st.warning(t(key, lang), icon=":material/cloud_off:")
        plan_download(lang, key="db_away_download")
