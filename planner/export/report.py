"""The full report of a plan, in its language: one self-contained interactive HTML
file (here), or a multi-page PDF (planner/export/pdf.py). Both show the sections of
planner/export/sections.py.

Every user text reaching a figure goes through `planner.charts.plain`; every user
text written into HTML goes through `html.escape`.
"""

from __future__ import annotations

import html
from datetime import date

from planner.catalog import Catalog
from planner.charts import build_chart
from planner.domain import Plan
from planner.export import sections
from planner.export.figures import figure_div, html_page
from planner.export.pdf import report_pdf
from planner.files import safe_filename
from planner.i18n import t
from planner.scoring import PlanAnalysis, analyse_plan, to_mermaid

REPORT_FORMATS = ("html", "pdf")


def report_filename(plan_name: str, fmt: str, when: date | None = None) -> str:
    return safe_filename(f"{plan_name}-report", fmt, when)


def _html_table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def report_html(a: PlanAnalysis, when: date | None = None) -> bytes:
    """The full report as one self-contained, interactive HTML file."""
    when = when or date.today()
    lang = a.lang
    tables = sections.tables(a)
    title = f"{t('export_report_title', lang)} — {a.plan.name}"
    parts = [
        f"<h1>{html.escape(title)}</h1>",
        '<p class="meta">'
        + " · ".join(html.escape(line) for line in sections.meta_lines(a, when))
        + "</p>",
    ]
    for heading, chart_id, table in sections.SECTIONS:
        if chart_id == "hiring_plan" and not a.steps:
            body = f"<p>{html.escape(t('export_no_hires', lang))}</p>"
        else:
            body = figure_div(build_chart(a, chart_id))
        if table and tables[table][1]:
            body += _html_table(*tables[table])
        if chart_id == "pipeline_diagram":
            body += f"<h3>Mermaid</h3><pre>{html.escape(to_mermaid(a.pipeline, lang))}</pre>"
        parts.append(f"<section><h2>{html.escape(t(heading, lang))}</h2>{body}</section>")
    budget = sections.budget(a, when)
    body = f"<p>{html.escape(budget.note)}</p>"
    body += "".join(figure_div(fig) for fig in budget.figures.values())
    body += "".join(_html_table(*table) for table in sections.budget_tables(budget))
    parts.append(f"<section><h2>{html.escape(budget.title)}</h2>{body}</section>")
    roadmap = sections.roadmap(a, when)
    body = "".join(f"<p>{html.escape(text)}</p>" for text in (roadmap.note, *roadmap.problems))
    body += figure_div(roadmap.figure)
    body += "".join(_html_table(*table) for table in sections.roadmap_tables(roadmap))
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
