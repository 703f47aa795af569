"""Export controls: a format picker and a download button under every chart, the
coverage table as CSV, and the full report (share page).

Nothing is rendered on a page rerun: the download buttons get a callable, which
Streamlit runs only when the button is clicked (deferred download). Results are
cached by the figure's JSON (or the plan's), so a second click costs nothing, and
the cache is bounded because figures differ per user. Every callable first checks
again the link the session holds (components.plans.access): a share link revoked
since the page was drawn gets the refusal, not the file.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from components.plans.access import download_click, guarded
from components.state import Ctx
from planner import export
from planner.catalog import Catalog
from planner.domain import Plan
from planner.files import safe_filename
from planner.scoring import (
    CoverageReport,
)

CACHE_ENTRIES, CACHE_TTL = 64, 3600


@st.cache_data(max_entries=CACHE_ENTRIES, ttl=CACHE_TTL, show_spinner=False)
def _chart_bytes(fig_json: str, fmt: str, lang: str) -> bytes:
    return export.export_figure(pio.from_json(fig_json), fmt, lang)


@st.cache_data(max_entries=16, ttl=CACHE_TTL, show_spinner=False)
def _report_bytes(plan_json: str, model_id: str, lang: str, fmt: str, day: str) -> bytes:
    from datetime import date

    from components.state import catalog

    plan = Plan.model_validate_json(plan_json)
    return export.export_report(
        plan, catalog(), lang, fmt, model_id=model_id, when=date.fromisoformat(day)
    )


def _format_picker(label: str, options: tuple[str, ...], key: str, default: str) -> str:
    if st.session_state.get(key) not in options:
        st.session_state.pop(key, None)
    choice = st.segmented_control(
        label,
        options=options,
        format_func=str.upper,
        default=default,
        key=key,
        required=True,
        label_visibility="collapsed",
    )
    return choice or default


def chart_export_controls(fig: go.Figure, key: str, ctx: Ctx) -> None:
    """Under a chart: PNG (2x) / SVG / PDF / HTML and one download button.

    Keys: `<key>_export_fmt` (picker) and `<key>_download` (button)."""
    with st.container(horizontal=True, vertical_alignment="center", key=f"{key}_export"):
        fmt = _format_picker(
            ctx.t("export_format"), export.CHART_FORMATS, f"{key}_export_fmt", "png"
        )
        if fmt in export.IMAGE_FORMATS and not export.browser_available():
            st.caption(ctx.t("export_no_browser"))
            return
        lang = ctx.lang
        st.download_button(
            ctx.t("export_download", fmt=fmt.upper()),
            data=guarded(lambda: _chart_bytes(fig.to_json(), fmt, lang)),
            file_name=export.chart_filename(ctx.plan.name, key, fmt),
            mime=export.MIME[fmt],
            key=f"{key}_download",
            on_click=download_click(),
            icon=":material/download:",
            type="tertiary",
        )


def coverage_csv_download(ctx: Ctx, report: CoverageReport, catalog: Catalog) -> None:
    """The coverage table (one row per required skill) as CSV, key `coverage_csv`."""
    lang = ctx.lang
    st.download_button(
        ctx.t("export_coverage_csv"),
        data=guarded(lambda: export.coverage_csv(report, catalog, lang)),
        file_name=safe_filename(f"{ctx.plan.name}-coverage", "csv"),
        mime=export.MIME["csv"],
        key="coverage_csv",
        on_click=download_click(),
        icon=":material/table:",
    )


def report_controls(ctx: Ctx) -> None:
    """The full report in the current language: HTML or PDF, key `export_report`."""
    from datetime import date

    st.markdown("**" + ctx.t("export_report_heading") + "**")
    st.caption(ctx.t("export_report_help"))
    if len(ctx.plan.team) == 0:
        st.info(ctx.t("export_report_empty"))
        return
    fmt = _format_picker(
        ctx.t("export_report_format"), export.REPORT_FORMATS, "export_report_fmt", "pdf"
    )
    if fmt == "pdf" and not export.browser_available():
        st.warning(ctx.t("export_no_browser"))
        return
    plan_json, model_id, lang = ctx.plan.model_dump_json(by_alias=True), ctx.model.id, ctx.lang
    day = date.today()
    st.download_button(
        ctx.t("export_report_download", fmt=fmt.upper()),
        data=guarded(lambda: _report_bytes(plan_json, model_id, lang, fmt, day.isoformat())),
        file_name=export.report_filename(ctx.plan.name, fmt, day),
        mime=export.MIME[fmt],
        key="export_report",
        on_click=download_click(),
        icon=":material/download:",
        type="primary",
    )
