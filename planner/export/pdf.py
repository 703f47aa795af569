"""The full report as a multi-page PDF (A4 landscape): the sections of
planner/export/sections.py as Plotly figures (charts, and tables drawn as figures),
rendered by the export browser, joined and numbered with pypdf."""

from __future__ import annotations

import io
from datetime import date

import plotly.graph_objects as go

from planner import charts
from planner.export import sections
from planner.export.figures import MAX_HEIGHT, figure_to_image
from planner.i18n import t
from planner.scoring import PlanAnalysis

# One report page: A4 landscape at 96 dpi (842 x 595 pt in the PDF).
PAGE_WIDTH, PAGE_HEIGHT = 1123, 794
TEAM_ROWS_PER_PAGE = 20


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


def _cover_page(a: PlanAnalysis, when: date) -> go.Figure:
    lang = a.lang
    header, rows = sections.tables(a)["models"]
    fig = go.Figure(_table_figure(header, rows, lang, [3, 1]))
    fig.update_traces(domain={"x": [0, 0.6], "y": [0, 0.45]})
    lines = sections.meta_lines(a, when)
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
    "gaps": [3, 1, 1, 1, 1, 1, 3, 1],
    "hires": [2.4, 1, 1, 5],
    "stages": [2, 1, 1, 5],
    "self_assessed": [3, 3, 1, 2, 2],
}


def _table_pages(
    title_key: str, title: str, table: tuple[list[str], list[list[str]]], lang: str, per_page: int
):
    header, rows = table
    chunks = [rows[i : i + per_page] for i in range(0, len(rows), per_page)] or [[]]
    pages = []
    for n, chunk in enumerate(chunks, start=1):
        suffix = f" ({n}/{len(chunks)})" if len(chunks) > 1 else ""
        widths = _WIDTHS.get(title_key) or (
            [2] + [1] * (len(header) - 1)
            if title_key == "budget"
            else [3, 3, 1] + [1.4] * (len(header) - 3)
        )
        pages.append(
            _page_layout(go.Figure(_table_figure(header, chunk, lang, widths)), title + suffix)
        )
    return pages


def report_figures(a: PlanAnalysis, when: date | None = None) -> list[go.Figure]:
    """The report's PDF pages as figures: cover, one page per chart and table, team."""
    when = when or date.today()
    lang = a.lang
    tables = sections.tables(a)
    pages = [_cover_page(a, when)]
    for heading, chart_id, table in sections.SECTIONS:
        if chart_id == "hiring_plan" and not a.steps:
            continue
        fig = go.Figure(charts.build_chart(a, chart_id))
        pages.append(_page_layout(fig))
        if table and table != "models" and tables[table][1]:
            title = t(heading, lang)
            pages.extend(_table_pages(table, title, tables[table], lang, TEAM_ROWS_PER_PAGE))
    budget = sections.budget(a, when)
    for fig in budget.figures.values():
        pages.append(_page_layout(go.Figure(fig)))
    for table in sections.budget_tables(budget):
        pages.extend(_table_pages("budget", budget.title, table, lang, TEAM_ROWS_PER_PAGE))
    roadmap = sections.roadmap(a, when)
    pages.append(_page_layout(go.Figure(roadmap.figure)))
    # The PDF leaves out "when each skill is covered" (in the HTML): one page less to render.
    for table in sections.roadmap_tables(roadmap, with_closes=False):
        pages.extend(_table_pages("budget", roadmap.title, table, lang, TEAM_ROWS_PER_PAGE))
    pages.extend(
        _table_pages(
            "team", t("export_section_team", lang), tables["team"], lang, TEAM_ROWS_PER_PAGE
        )
    )
    if tables["self_assessed"][1]:
        title = t("export_section_self_assessed", lang)
        pages.extend(
            _table_pages("self_assessed", title, tables["self_assessed"], lang, TEAM_ROWS_PER_PAGE)
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


def report_pdf(a: PlanAnalysis, when: date | None = None, *, reuse: bool = True) -> bytes:
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
