"""Chart, data and report export: PNG, SVG, PDF (kaleido + Chromium) and HTML.

Static images come from kaleido 1.x, which drives a headless Chromium. Starting
the browser costs about two seconds, so one browser is started on first use and
reused by every later export (a long-lived `kaleido.Kaleido` on an event loop of
its own thread). That browser is not safe to drive from several threads at once,
and Streamlit serves every session from its own thread: `_LOCK` serialises every
render. HTML exports and data exports never need the browser.

Every user text reaching a figure is already escaped by `planner.charts.plain`;
every user text this module writes into HTML goes through `html.escape`.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import csv
import html
import io
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import plotly.graph_objects as go
import plotly.io as pio

from planner import charts
from planner.catalog import Catalog
from planner.coverage import CoverageReport, analyze, fit_by_model
from planner.domain import BusinessModel, Plan, area_of
from planner.hiring import HireStep, plan_hires
from planner.i18n import t
from planner.naming import safe_filename
from planner.pipeline import Pipeline, build_pipeline, to_mermaid

IMAGE_FORMATS = ("png", "svg", "pdf")
CHART_FORMATS = (*IMAGE_FORMATS, "html")
REPORT_FORMATS = ("html", "pdf")
MIME = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "html": "text/html",
    "csv": "text/csv",
    "mmd": "text/plain",
}
PNG_SCALE = 2  # slides want sharp images: twice the on-screen pixels
EXPORT_WIDTH = 1000  # px: charts are as wide as their container on screen
# One report page: A4 landscape at 96 dpi (842 x 595 pt in the PDF).
PAGE_WIDTH, PAGE_HEIGHT = 1123, 794
TEAM_ROWS_PER_PAGE = 20
RENDER_TIMEOUT = 90  # s, one figure
START_TIMEOUT = 60  # s, the browser
# In PDFs Chromium embeds Noto Sans CJK as Type 3 fonts whose digits carry no
# Unicode mapping: numbers could not be searched or copied. Latin text and digits
# therefore use a Latin font first; CJK characters fall back to Noto Sans CJK.
PDF_FONT = "Liberation Sans, Arial, Helvetica, " + charts.FONT
INSTALL_HINT = (
    "PNG, SVG and PDF export need a Chromium browser: "
    "apt-get install chromium fonts-noto-cjk (Debian/Ubuntu), "
    "or run kaleido_get_chrome (any OS)."
)


class BrowserMissing(RuntimeError):
    """No Chromium for kaleido: images cannot be made (HTML and data still can)."""

    def __init__(self) -> None:
        super().__init__(INSTALL_HINT)

    def message(self, lang: str) -> str:
        return t("export_no_browser", lang)


class ExportError(RuntimeError):
    """Rendering failed (browser crashed or timed out)."""


# ---------------------------------------------------------------- the browser


def find_browser() -> str | None:
    """The Chromium kaleido would use (BROWSER_PATH, PATH, kaleido's download), or None."""
    try:
        from choreographer.browsers.chromium import Chromium
    except ImportError:  # kaleido not installed
        return None
    try:
        return Chromium.find_browser(skip_local=False)
    except Exception:  # a broken local download is the same as none
        return None


def browser_available() -> bool:
    return find_browser() is not None


class _Renderer:
    """One kaleido browser kept open on an event loop in a daemon thread."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None

    @property
    def running(self) -> bool:
        return self._kaleido is not None

    def start(self) -> None:
        import kaleido

        path = find_browser()
        if path is None:
            raise BrowserMissing()
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="kaleido-renderer", daemon=True)
        thread.start()

        async def _open():
            # mathjax=False: the default fetches MathJax from a CDN, which offline
            # machines wait for; our charts use no LaTeX.
            k = kaleido.Kaleido(n=1, timeout=RENDER_TIMEOUT, mathjax=False, path=path)
            await k.open()
            return k

        try:
            self._kaleido = asyncio.run_coroutine_threadsafe(_open(), loop).result(START_TIMEOUT)
        except Exception as exc:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(5)
            raise ExportError(f"could not start the browser: {exc}") from exc
        self._loop, self._thread = loop, thread

    def render(self, fig: dict, opts: dict) -> bytes:
        assert self._kaleido is not None and self._loop is not None
        future = asyncio.run_coroutine_threadsafe(self._kaleido.calc_fig(fig, opts), self._loop)
        return future.result(RENDER_TIMEOUT + 10)

    def stop(self) -> None:
        if self._kaleido is None or self._loop is None:
            return
        k, loop, thread = self._kaleido, self._loop, self._thread
        self._kaleido = self._loop = self._thread = None
        with contextlib.suppress(Exception):  # a dead browser needs no closing
            asyncio.run_coroutine_threadsafe(k.close(), loop).result(15)
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(5)


_RENDERER = _Renderer()
# The kaleido browser is not thread-safe; Streamlit sessions run in threads.
_LOCK = threading.Lock()
atexit.register(lambda: shutdown())


def shutdown() -> None:
    """Close the shared browser (it starts again on the next export)."""
    with _LOCK:
        _RENDERER.stop()


# An idle server gives the browser's memory back; the next export starts it again.
IDLE_CLOSE_S = 900
_last_used = 0.0
_idle_timer: threading.Timer | None = None


def _close_if_idle() -> None:
    with _LOCK:
        if time.monotonic() - _last_used >= IDLE_CLOSE_S - 1:
            _RENDERER.stop()


def _touch() -> None:
    """Called under _LOCK after each render: (re)arm the idle timer."""
    global _last_used, _idle_timer
    _last_used = time.monotonic()
    if _idle_timer is not None:
        _idle_timer.cancel()
    _idle_timer = threading.Timer(IDLE_CLOSE_S, _close_if_idle)
    _idle_timer.daemon = True
    _idle_timer.start()


def _one_shot(fig: dict, opts: dict) -> bytes:
    """A render in a browser started and closed for this one image (the slow way)."""
    import kaleido

    path = find_browser()
    if path is None:
        raise BrowserMissing()
    result: dict = {}

    def run() -> None:
        try:
            result["ok"] = asyncio.run(
                kaleido.calc_fig(fig, opts, kopts={"mathjax": False, "path": path})
            )
        except BaseException as exc:
            result["err"] = exc

    worker = threading.Thread(target=run)  # its own event loop, whatever the caller has
    worker.start()
    worker.join()
    if "err" in result:
        raise ExportError(str(result["err"])) from result["err"]
    return result["ok"]


# Charts grow with the team (the heatmap has a row per member); past this, a
# browser canvas or a PDF page gets too large, so very tall charts are squeezed.
MAX_HEIGHT = 6000


def _size(fig: go.Figure, width: int | None, height: int | None) -> tuple[int, int]:
    return (
        int(width or fig.layout.width or EXPORT_WIDTH),
        min(MAX_HEIGHT, int(height or fig.layout.height or 450)),
    )


def figure_to_image(
    fig: go.Figure,
    fmt: str,
    *,
    width: int | None = None,
    height: int | None = None,
    scale: float | None = None,
    reuse: bool = True,
) -> bytes:
    """PNG (2x by default), SVG or PDF bytes of a figure, as kaleido renders it."""
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"unknown image format {fmt!r}; use one of {', '.join(IMAGE_FORMATS)}")
    w, h = _size(fig, width, height)
    opts = {
        "format": fmt,
        "width": w,
        "height": h,
        "scale": scale if scale is not None else (PNG_SCALE if fmt == "png" else 1),
    }
    spec = fig.to_dict()
    if fmt == "pdf":
        font = spec.setdefault("layout", {}).setdefault("font", {})
        if font.get("family", charts.FONT) == charts.FONT:
            font["family"] = PDF_FONT
    if not reuse:
        return _one_shot(spec, opts)
    with _LOCK:
        if not _RENDERER.running:
            _RENDERER.start()
        try:
            return _RENDERER.render(spec, opts)
        except Exception as exc:
            # A crashed or stuck browser is replaced on the next export.
            _RENDERER.stop()
            raise ExportError(f"rendering failed: {exc}") from exc
        finally:
            _touch()


# ---------------------------------------------------------------- HTML


_CONFIG = {"displaylogo": False, "responsive": True}


def _figure_div(fig: go.Figure) -> str:
    return pio.to_html(fig, full_html=False, include_plotlyjs=False, config=_CONFIG)


def _plotlyjs_tag() -> str:
    from plotly.offline import get_plotlyjs

    # plotly.js contains no "</script>", so it can sit inline as it is.
    return f'<script type="text/javascript">{get_plotlyjs()}</script>'


_STYLE = """
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC",
       Arial, sans-serif; margin: 2rem auto; max-width: 1100px; color: #263238; padding: 0 1rem; }
h1 { margin-bottom: .2rem; } .meta { color: #607d8b; margin-top: 0; }
table { border-collapse: collapse; margin: 1rem 0; font-size: .9rem; }
th, td { border: 1px solid #cfd8dc; padding: .3rem .6rem; text-align: left; }
th { background: #eceff1; } td.num { text-align: right; }
section { margin: 2.5rem 0; } pre { background: #f5f5f5; padding: 1rem; overflow-x: auto; }
"""


def _page(title: str, body: str, lang: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n'
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n"
        f"{_plotlyjs_tag()}\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def figure_to_html(fig: go.Figure, lang: str = "en") -> bytes:
    """One self-contained, interactive HTML file (plotly.js inline, opens offline)."""
    title = html.unescape(str(fig.layout.title.text or "")) or "chart"
    fig = go.Figure(fig).update_layout(width=None)
    return _page(title, _figure_div(fig), lang).encode("utf-8")


def export_figure(fig: go.Figure, fmt: str, lang: str = "en", *, reuse: bool = True) -> bytes:
    """A chart as PNG, SVG, PDF or HTML bytes."""
    if fmt == "html":
        return figure_to_html(fig, lang)
    return figure_to_image(fig, fmt, reuse=reuse)


def chart_filename(plan_name: str, chart_id: str, fmt: str, when: date | None = None) -> str:
    return safe_filename(f"{plan_name}-{chart_id}", fmt, when)


def report_filename(plan_name: str, fmt: str, when: date | None = None) -> str:
    return safe_filename(f"{plan_name}-report", fmt, when)


# ---------------------------------------------------------------- analysis


@dataclass(frozen=True)
class Analysis:
    """Everything the charts and the report show, computed once."""

    plan: Plan
    model: BusinessModel
    models: dict[str, BusinessModel]
    report: CoverageReport
    fits: dict[str, float]
    steps: list[HireStep]
    pipeline: Pipeline
    catalog: Catalog
    lang: str


def analyse_plan(plan: Plan, catalog: Catalog, lang: str, model_id: str | None = None) -> Analysis:
    """Score the plan's team against its (or the given) business model."""
    models = {**catalog.business_models, **plan.custom_models}
    model_id = model_id or plan.business_model
    if model_id not in models:
        raise KeyError(model_id)
    model = models[model_id]
    report = analyze(plan.team, model)
    return Analysis(
        plan=plan,
        model=model,
        models=models,
        report=report,
        fits=fit_by_model(plan.team, models),
        steps=plan_hires(plan.team, model, catalog.roles),
        pipeline=build_pipeline(plan.team, report, catalog, lang),
        catalog=catalog,
        lang=lang,
    )


def build_chart(a: Analysis, chart_id: str) -> go.Figure:
    """One of charts.CHART_IDS for the analysis, in its language."""
    builders: dict[str, Callable[[], go.Figure]] = {
        "model_fit_chart": lambda: charts.fit_comparison(a.fits, a.models, a.model.id, a.lang),
        "coverage_radar": lambda: charts.coverage_radar(a.report, a.catalog, a.lang),
        "coverage_heatmap": lambda: charts.coverage_heatmap(
            a.plan.team, a.model, a.catalog, a.lang
        ),
        "coverage_gaps": lambda: charts.coverage_gaps(a.report, a.catalog, a.lang),
        "bus_factor": lambda: charts.bus_factor(a.report, a.catalog, a.lang),
        "hiring_plan": lambda: charts.hiring_plan(
            a.steps, a.report.fit, a.catalog.roles, a.catalog, a.lang
        ),
        "pipeline_diagram": lambda: charts.pipeline_diagram(a.pipeline, a.lang),
    }
    if chart_id not in builders:
        raise KeyError(chart_id)
    return builders[chart_id]()


# ---------------------------------------------------------------- tables


def coverage_rows(report: CoverageReport, catalog: Catalog, lang: str) -> list[dict]:
    """The coverage table: one row per required skill."""
    return [
        {
            "skill_id": s.skill_id,
            "area": catalog.area_label(area_of(s.skill_id), lang),
            "skill": catalog.skill_label(s.skill_id, lang),
            "target_level": s.target,
            "depth": s.depth,
            "supply": round(s.supply, 3),
            "coverage": round(s.coverage, 3),
            "gap": round(s.gap, 3),
            "experts": s.experts,
            "expert_names": "; ".join(s.expert_names),
        }
        for s in report.skills.values()
    ]


def coverage_csv(report: CoverageReport, catalog: Catalog, lang: str) -> bytes:
    """The coverage table as CSV (UTF-8 with BOM, so spreadsheets read Chinese right)."""
    rows = coverage_rows(report, catalog, lang)
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=list(rows[0]) if rows else ["skill_id"], lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _tables(a: Analysis) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Report tables as (header, rows) of plain (unescaped) text."""
    lang, cat = a.lang, a.catalog
    models = (
        [t("export_col_model", lang), t("export_col_fit", lang)],
        [
            [a.models[m].label(lang) + (" ★" if m == a.model.id else ""), _pct(f)]
            for m, f in sorted(a.fits.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
    )
    gaps = (
        [
            t("export_col_skill", lang),
            t("export_col_target", lang),
            t("export_col_depth", lang),
            t("export_col_supply", lang),
            t("export_col_coverage", lang),
            t("export_col_gap", lang),
            t("export_col_experts", lang),
        ],
        [
            [
                cat.skill_label(s.skill_id, lang),
                str(s.target),
                f"{s.depth:g}",
                f"{s.supply:.2f}",
                _pct(s.coverage),
                f"{s.gap:.2f}",
                ", ".join(s.expert_names) or "—",
            ]
            for s in sorted(a.report.skills.values(), key=lambda s: (-s.gap, s.skill_id))
        ],
    )
    hires = (
        [
            "#",
            t("export_col_role", lang),
            t("export_col_fit_after", lang),
            t("export_col_closes", lang),
        ],
        [
            [
                str(i),
                cat.roles[s.role_id].label(lang),
                _pct(s.fit_after),
                ", ".join(cat.skill_label(c, lang) for c in s.closes) or "—",
            ]
            for i, s in enumerate(a.steps, start=1)
        ],
    )
    skills = cat.skill_ids
    team = (
        [t("export_col_name", lang), t("export_col_role", lang), "FTE"]
        + [cat.skill_label(s, lang) for s in skills],
        [
            [m.name, m.role, f"{m.fte:g}", *(str(m.level(s)) for s in skills)]
            for m in a.plan.team.members
        ],
    )
    stages = (
        [t("export_col_stage", lang), t("export_col_coverage", lang), t("export_col_people", lang)],
        [
            [s.label, _pct(s.coverage), ", ".join(s.people) or "—"]
            for s in a.pipeline.stages.values()
        ],
    )
    return {"models": models, "gaps": gaps, "hires": hires, "team": team, "stages": stages}


def _html_table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# ---------------------------------------------------------------- report


_SECTIONS = (
    ("export_section_models", "model_fit_chart", "models"),
    ("export_section_coverage", "coverage_radar", None),
    ("export_section_gaps", "coverage_gaps", "gaps"),
    ("export_section_skills", "coverage_heatmap", None),
    ("export_section_bus", "bus_factor", None),
    ("export_section_hiring", "hiring_plan", "hires"),
    ("export_section_pipeline", "pipeline_diagram", "stages"),
)


def _meta_lines(a: Analysis, when: date) -> list[str]:
    lang = a.lang
    return [
        f"{t('export_plan', lang)}: {a.plan.name}",
        f"{t('export_model', lang)}: {a.model.label(lang)}",
        f"{t('export_fit', lang)}: {_pct(a.report.fit)}",
        f"{t('export_members', lang)}: {len(a.plan.team)}",
        f"{t('export_date', lang)}: {when.isoformat()}",
    ]


def report_html(a: Analysis, when: date | None = None) -> bytes:
    """The full report as one self-contained, interactive HTML file."""
    when = when or date.today()
    lang = a.lang
    tables = _tables(a)
    title = f"{t('export_report_title', lang)} — {a.plan.name}"
    parts = [
        f"<h1>{html.escape(title)}</h1>",
        '<p class="meta">'
        + " · ".join(html.escape(line) for line in _meta_lines(a, when))
        + "</p>",
    ]
    for heading, chart_id, table in _SECTIONS:
        if chart_id == "hiring_plan" and not a.steps:
            body = f"<p>{html.escape(t('export_no_hires', lang))}</p>"
        else:
            body = _figure_div(build_chart(a, chart_id))
        if table and tables[table][1]:
            body += _html_table(*tables[table])
        if chart_id == "pipeline_diagram":
            body += f"<h3>Mermaid</h3><pre>{html.escape(to_mermaid(a.pipeline, lang))}</pre>"
        parts.append(f"<section><h2>{html.escape(t(heading, lang))}</h2>{body}</section>")
    parts.append(
        f"<section><h2>{html.escape(t('export_section_team', lang))}</h2>"
        f"{_html_table(*tables['team'])}</section>"
    )
    return _page(title, "\n".join(parts), lang).encode("utf-8")


def _wrap(text: str, width: int = 7) -> str:
    """Hard line breaks for narrow table headers: a CJK character counts two, so
    Chinese labels (no spaces to break at) still fit their column. Plotly wraps
    texts with spaces itself."""
    if not any(ord(ch) > 0x2E80 for ch in text):
        return charts.plain(text)
    lines, line, used = [], "", 0
    for ch in text:
        w = 2 if ord(ch) > 0x2E80 else 1
        if used + w > width and line:
            lines.append(line)
            line, used = "", 0
        line += ch
        used += w
    return "<br>".join(charts.plain(part) for part in [*lines, line])


def _table_figure(
    header: list[str], rows: list[list[str]], lang: str, widths: list[float] | None = None
) -> go.Table:
    esc = charts.plain
    return go.Table(
        columnwidth=widths,
        header={
            # Many columns (the team's skills) are narrow: break CJK headers.
            "values": [f"<b>{_wrap(h) if len(header) > 8 else esc(h)}</b>" for h in header],
            "fill_color": "#eceff1",
            "align": "left",
            "font": {"size": 11},
        },
        cells={
            "values": [[esc(r[i]) for r in rows] for i in range(len(header))],
            "align": "left",
            "font": {"size": 11},
            "height": 24,
        },
    )


def _page_layout(fig: go.Figure, title: str | None = None) -> go.Figure:
    fig.update_layout(
        width=PAGE_WIDTH,
        height=min(MAX_HEIGHT, max(PAGE_HEIGHT, int(fig.layout.height or 0))),
        font={"family": charts.FONT},
        margin={"l": 40, "r": 40, "t": 80, "b": 50},
        template="plotly_white",
    )
    if title is not None:
        fig.update_layout(title={"text": charts.plain(title), "x": 0.01, "xanchor": "left"})
    return fig


def _cover_page(a: Analysis, when: date) -> go.Figure:
    lang = a.lang
    header, rows = _tables(a)["models"]
    fig = go.Figure(_table_figure(header, rows, lang, [3, 1]))
    fig.update_traces(domain={"x": [0, 0.6], "y": [0, 0.45]})
    lines = _meta_lines(a, when)
    fig.add_annotation(
        text="<br>".join(charts.plain(line) for line in lines),
        xref="paper",
        yref="paper",
        x=0,
        y=0.95,
        xanchor="left",
        yanchor="top",
        align="left",
        showarrow=False,
        font={"size": 18},
    )
    fig.add_annotation(
        text=charts.plain(t("export_section_models", lang)),
        xref="paper",
        yref="paper",
        x=0,
        y=0.5,
        xanchor="left",
        yanchor="bottom",
        showarrow=False,
        font={"size": 16},
    )
    title = f"{t('export_report_title', lang)} — {a.plan.name}"
    _page_layout(fig, title)
    fig.update_layout(title_font_size=26)
    return fig


# Relative column widths of the report's tables (names and lists get room).
_WIDTHS = {
    "gaps": [3, 1, 1, 1, 1, 1, 3],
    "hires": [0.4, 3, 1.2, 4],
    "stages": [2, 1, 6],
}


def _table_pages(
    title_key: str, title: str, table: tuple[list[str], list[list[str]]], lang: str, per_page: int
):
    header, rows = table
    chunks = [rows[i : i + per_page] for i in range(0, len(rows), per_page)] or [[]]
    pages = []
    for n, chunk in enumerate(chunks, start=1):
        suffix = f" ({n}/{len(chunks)})" if len(chunks) > 1 else ""
        widths = _WIDTHS.get(title_key) or [3, 3, 1] + [1.4] * (len(header) - 3)
        pages.append(
            _page_layout(go.Figure(_table_figure(header, chunk, lang, widths)), title + suffix)
        )
    return pages


def report_figures(a: Analysis, when: date | None = None) -> list[go.Figure]:
    """The report's PDF pages as figures: cover, one page per chart and table, team."""
    when = when or date.today()
    lang = a.lang
    tables = _tables(a)
    pages = [_cover_page(a, when)]
    for heading, chart_id, table in _SECTIONS:
        if chart_id == "hiring_plan" and not a.steps:
            continue
        fig = go.Figure(build_chart(a, chart_id))
        pages.append(_page_layout(fig))
        if table and table != "models" and tables[table][1]:
            title = t(heading, lang)
            pages.extend(_table_pages(table, title, tables[table], lang, TEAM_ROWS_PER_PAGE))
    pages.extend(
        _table_pages(
            "team", t("export_section_team", lang), tables["team"], lang, TEAM_ROWS_PER_PAGE
        )
    )
    return pages


def _page_number_overlay(width: float, height: float, text: str):
    """A transparent PDF page with `text` at the bottom right (ASCII, Helvetica)."""
    from pypdf import PageObject
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    page = PageObject.create_blank_page(width=width, height=height)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
    )
    x = width - 30 - 5 * len(text)
    stream = DecodedStreamObject()
    stream.set_data(f"BT /F1 10 Tf 0.38 0.49 0.55 rg {x:.1f} 16 Td ({text}) Tj ET".encode())
    page[NameObject("/Contents")] = stream
    return page


def report_pdf(a: Analysis, when: date | None = None, *, reuse: bool = True) -> bytes:
    """The full report as a multi-page PDF: charts as vectors, pages numbered n / N."""
    from pypdf import PdfReader, PdfWriter

    pages = report_figures(a, when)
    writer = PdfWriter()
    for fig in pages:
        data = figure_to_image(fig, "pdf", reuse=reuse)
        for page in PdfReader(io.BytesIO(data)).pages:
            writer.add_page(page)
    total = len(writer.pages)
    for number, page in enumerate(writer.pages, start=1):
        box = page.mediabox
        page.merge_page(
            _page_number_overlay(float(box.width), float(box.height), f"{number} / {total}")
        )
    writer.add_metadata(
        {"/Title": f"{t('export_report_title', a.lang)} — {a.plan.name}", "/Producer": "planner"}
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def export_report(
    plan: Plan,
    catalog: Catalog,
    lang: str,
    fmt: str,
    *,
    model_id: str | None = None,
    when: date | None = None,
) -> bytes:
    """The full report (HTML or PDF) of a plan, in the given language."""
    if fmt not in REPORT_FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; use html or pdf")
    a = analyse_plan(plan, catalog, lang, model_id)
    return report_html(a, when) if fmt == "html" else report_pdf(a, when)
