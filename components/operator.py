"""The operator's status view of one replica: `/?ops=<PLANNER_OPERATOR_TOKEN>`.

It shows, for the process that served the request, its name, the sessions it
holds, its memory, its database (kind and host, never credentials) and the model
server it uses, as text and as JSON. Without PLANNER_OPERATOR_TOKEN set, or with
another token, it shows the plain refusal of a bad link: visitors learn nothing.
Like the self-assessment form it runs before the plan store is touched, so an
operator's visit makes no workspace.
"""

from __future__ import annotations

import hmac
import os

import streamlit as st

from components.plans.config import database_url
from components.resources import model_server_down, textgen_config
from components.settings import setting
from components.state import current_lang
from planner.i18n import t
from planner.ops import ReplicaStatus, database_label, replica_name, rss_bytes

QUERY = "ops"


def status_requested() -> bool:
    """True when this run's URL carries ?ops= (whatever its value)."""
    return st.query_params.get(QUERY) is not None


def status_route() -> None:
    """Show the status (or the refusal), and nothing else of the app; never returns."""
    page = st.Page(_status_page, title=t("ops_title", current_lang()), default=True)
    st.navigation([page], position="hidden").run()
    st.stop()


def _allowed(given: str | None) -> bool:
    expected = setting("PLANNER_OPERATOR_TOKEN")
    return bool(expected and given) and hmac.compare_digest(str(given), expected)


def _session_counts() -> tuple[int | None, int | None]:
    """Sessions with a websocket open now, and all kept (disconnected ones until their TTL).

    Streamlit has no public API for this: the runtime's session manager is read, and
    an unknown shape gives None rather than a wrong number."""
    try:
        from streamlit.runtime import Runtime

        manager = Runtime.instance()._session_mgr
        return manager.num_active_sessions(), len(manager.list_sessions())
    except (RuntimeError, AttributeError):
        return None, None


def replica_status() -> ReplicaStatus:
    connected, kept = _session_counts()
    rss = rss_bytes()
    try:
        config = textgen_config()
        backend, server = config.backend, config.remote_url
        api_key = config.remote_api_key
    except ValueError:
        backend, server, api_key = "misconfigured", "", ""
    return ReplicaStatus(
        replica=replica_name(st.get_option("server.port")),
        pid=os.getpid(),
        sessions_connected=connected,
        sessions_kept=kept,
        rss_mb=round(rss / 2**20, 1) if rss is not None else None,
        database=database_label(database_url()),
        textgen_backend=backend,
        model_server=server,
        model_server_up=(model_server_down(server, api_key) is None) if server else None,
    )


def _status_page() -> None:
    lang = current_lang()
    if not _allowed(st.query_params.get(QUERY)):
        st.error(t("share_invalid", lang))
        st.stop()
    status = replica_status()
    st.title(t("ops_title", lang))
    st.caption(t("ops_intro", lang))
    with st.container(key="ops_status"):
        cols = st.columns(3)
        cols[0].metric(t("ops_replica", lang), status.replica)
        cols[1].metric(t("ops_sessions", lang), str(status.sessions_connected))
        cols[2].metric(t("ops_memory", lang), f"{status.rss_mb} MB")
        st.write(t("ops_sessions_kept", lang, kept=status.sessions_kept))
        st.write(t("ops_database", lang, database=status.database))
        if status.model_server:
            key = "ops_model_up" if status.model_server_up else "ops_model_down"
            st.write(t(key, lang, url=status.model_server, backend=status.textgen_backend))
        else:
            st.write(t("ops_model_none", lang, backend=status.textgen_backend))
        st.json(status.as_dict())
