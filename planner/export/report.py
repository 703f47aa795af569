"""The full report of a plan, in its language: one self-contained interactive HTML
file, or a multi-page PDF (A4 landscape) whose pages are Plotly figures rendered
by the export browser and joined, and numbered, with pypdf.

Every user text reaching a figure goes through `planner.charts.plain`; every user
text written into HTML goes through `html.escape`.
"""

from __future__ import annotations

import html
import io
from datetime import date

import plotly.graph_objects as go

from planner import charts
from planner.budget.charts import BudgetSection, budget_section
from planner.catalog import Catalog
from planner.domain import Plan
from planner.export.figures import MAX_HEIGHT, figure_div, figure_to_image, html_page
from planner.files import safe_filename
from planner.i18n import t
from planner.numbers import people, percent
from planner.roadmap.section import RoadmapSection, roadmap_section
from planner.scoring import (
    SOURCE_KEYS,
    explain_step,
    from_self_assessment,
    to_mermaid,
)
from planner.scoring.analysis import Analysis, analyse_plan, build_chart

REPORT_FORMATS = ("html", "pdf")
# One report page: A4 landscape at 96 dpi (842 x 595 pt in the PDF).
PAGE_WIDTH, PAGE_HEIGHT = 1123, 794
TEAM_ROWS_PER_PAGE = 20


def report_filename(plan_name: str, fmt: str, when: date | None = None) -> str:
    return safe_filename(f"{plan_name}-report", fmt, when)


def _tables(a: Analysis) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Report tables as (header, rows) of plain (unescaped) text."""
    lang, cat = a.lang, a.catalog
    models = (
        [t("export_col_model", lang), t("export_col_fit", lang), t("export_col_resilience", lang)],
        [
            [
                a.models[m].label(lang) + (" ★" if m == a.model.id else ""),
                percent(f),
                percent(a.resilience[m]),
            ]
            for m, f in sorted(a.fits.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
    )
    gaps = (
        [
            t("export_col_skill", lang),
            t("export_col_target", lang),
            t("export_col_depth", lang),
            t("export_col_filled", lang),
            t("export_col_coverage", lang),
            t("export_col_gap", lang),
            t("export_col_experts", lang),
            t("export_col_resilience", lang),
        ],
        [
            [
                cat.skill_label(s.skill_id, lang),
                str(s.target),
                f"{s.depth:g}",
                people(s.filled),
                percent(s.coverage),
                people(s.gap),
                t(
                    "export_experts_of",
                    lang,
                    names=", ".join(s.expert_names) or "—",
                    count=s.experts,
                    needed=s.experts_needed,
                ),
                percent(s.resilience),
            ]
            for s in sorted(a.report.skills.values(), key=lambda s: (-s.gap, s.skill_id))
        ],
    )
    hires = (
        [
            t("export_col_role", lang),
            t("export_col_fit_after", lang),
            t("export_col_resilience_after", lang),
            t("export_col_why", lang),
        ],
        [
            [
                charts.hire_label(s, i, cat.roles, lang),
                percent(s.fit_after, 1),
                percent(s.resilience_after, 1),
                explain_step(s, cat, lang),
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
        [
            t("export_col_stage", lang),
            t("export_col_coverage", lang),
            t("export_col_resilience", lang),
            t("export_col_people", lang),
        ],
        [
            [s.label, percent(s.coverage), percent(s.resilience), ", ".join(s.people) or "—"]
            for s in a.pipeline.stages.values()
        ],
    )
    return {
        "models": models,
        "gaps": gaps,
        "hires": hires,
        "team": team,
        "stages": stages,
        "self_assessed": _self_assessed(a),
    }


def _self_assessed(a: Analysis) -> tuple[list[str], list[list[str]]]:
    """The ratings that came from self-assessments: member, skill, level, source, date."""
    lang = a.lang
    header = [
        t("export_col_name", lang),
        t("export_col_skill", lang),
        t("export_col_level", lang),
        t("export_col_source", lang),
        t("export_col_confirmed", lang),
    ]
    rows = [
        [
            r.member,
            a.catalog.skill_label(r.skill_id, lang),
            str(r.level),
            t(SOURCE_KEYS[r.meta.source], lang),
            r.meta.confirmed.isoformat() if r.meta.confirmed else "—",
        ]
        for r in from_self_assessment(a.plan.team)
    ]
    return header, rows


def _rows_table(rows: list[dict[str, str]]) -> tuple[list[str], list[list[str]]]:
    """A table given as one dict per row (the budget's tables) as (header, rows)."""
    header = list(rows[0]) if rows else []
    return header, [[row[h] for h in header] for row in rows]


def _budget(a: Analysis, when: date) -> BudgetSection:
    return budget_section(a.plan, a.catalog, a.lang, a.model, when)


def _budget_tables(b: BudgetSection) -> list[tuple[list[str], list[list[str]]]]:
    return [_rows_table(rows) for rows in (b.kpis, b.compute, b.scenarios) if rows]


def _roadmap(a: Analysis, when: date) -> RoadmapSection:
    return roadmap_section(a.plan, a.catalog, a.model, a.lang, when)


def _roadmap_tables(
    r: RoadmapSection, with_closes: bool = True
) -> list[tuple[list[str], list[list[str]]]]:
    """The actions (month, who, skill, cost, why), the modes side by side, when each
    skill closes, and the succession table: every table the page shows."""
    shown = [{k: str(v) for k, v in row.items() if k not in ("index", "kind")} for row in r.actions]
    closes = r.closes if with_closes else []
    return [_rows_table(rows) for rows in (shown, r.compare, closes, r.succession) if rows]


def _html_table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


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
        f"{t('export_fit', lang)}: {percent(a.report.fit)}",
        f"{t('export_resilience', lang)}: {percent(a.report.resilience)}",
        f"{t('export_members', lang)}: {len(a.plan.team)}",
        f"{t('export_date', lang)}: {when.isoformat()}",
        t("export_article", lang),  # "the article" named once, with its title
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
            body = figure_div(build_chart(a, chart_id))
        if table and tables[table][1]:
            body += _html_table(*tables[table])
        if chart_id == "pipeline_diagram":
            body += f"<h3>Mermaid</h3><pre>{html.escape(to_mermaid(a.pipeline, lang))}</pre>"
        parts.append(f"<section><h2>{html.escape(t(heading, lang))}</h2>{body}</section>")
    budget = _budget(a, when)
    body = f"<p>{html.escape(budget.note)}</p>"
    body += "".join(figure_div(fig) for fig in budget.figures.values())
    body += "".join(_html_table(*table) for table in _budget_tables(budget))
    parts.append(f"<section><h2>{html.escape(budget.title)}</h2>{body}</section>")
    roadmap = _roadmap(a, when)
    body = "".join(f"<p>{html.escape(text)}</p>" for text in (roadmap.note, *roadmap.problems))
    body += figure_div(roadmap.figure)
    body += "".join(_html_table(*table) for table in _roadmap_tables(roadmap))
    body += f"<p>{html.escape(roadmap.defaults)}</p>"
    parts.append(f"<section><h2>{html.escape(roadmap.title)}</h2>{body}</section>")
    parts.append(
        f"<section><h2>{html.escape(t('export_section_team', lang))}</h2>"
        f"{_html_table(*tables['team'])}</section>"
    )
    if tables["self_assessed"][1]:
        parts.append(
            f"<section><h2>{html.escape(t('export_section_self_assessed', lang))}</h2>"
            f"{_html_table(*tables['self_assessed'])}</section>"
        )
    return html_page(title, "\n".join(parts), lang).encode("utf-8")


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
    budget = _budget(a, when)
    for fig in budget.figures.values():
        pages.append(_page_layout(go.Figure(fig)))
    for table in _budget_tables(budget):
        pages.extend(_table_pages("budget", budget.title, table, lang, TEAM_ROWS_PER_PAGE))
    roadmap = _roadmap(a, when)
    pages.append(_page_layout(go.Figure(roadmap.figure)))
    # The PDF leaves out "when each skill is covered" (in the HTML): one page less to render.
    for table in _roadmap_tables(roadmap, with_closes=False):
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
