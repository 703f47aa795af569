"""Chart, data and report export: PNG, SVG, PDF (kaleido + Chromium) and HTML.

- `browser`: the shared headless Chromium (finding, starting, reusing, idle
  shutdown, one render at a time, no outside requests);
- `figures`: one chart as an image or an interactive HTML file;
- `coverage_table`: the coverage table as rows and CSV;
- `sections`: what the report says, section by section; `report` writes it as HTML,
  `pdf` as a numbered multi-page PDF.

The plan scored once is planner.scoring's `PlanAnalysis`; its charts by id are
planner.charts' `build_chart` (both re-exported here for the export callers).

This package re-exports the public names, so callers write `export.export_figure`.
A test that replaces `find_browser` patches `planner.export.browser`, where the
renderer looks it up; patching the re-export here changes nothing.
"""

from planner.charts import build_chart
from planner.export.browser import (
    INSTALL_HINT,
    BrowserMissing,
    ExportError,
    browser_available,
    find_browser,
    shutdown,
)
from planner.export.coverage_table import coverage_csv, coverage_rows
from planner.export.figures import (
    CHART_FORMATS,
    EXPORT_WIDTH,
    IMAGE_FORMATS,
    MIME,
    PNG_SCALE,
    chart_filename,
    export_figure,
    figure_to_html,
    figure_to_image,
)
from planner.export.pdf import report_figures, report_pdf
from planner.export.report import (
    REPORT_FORMATS,
    export_report,
    report_filename,
    report_html,
)
from planner.scoring import PlanAnalysis, analyse_plan

__all__ = [
    "CHART_FORMATS",
    "EXPORT_WIDTH",
    "IMAGE_FORMATS",
    "INSTALL_HINT",
    "MIME",
    "PNG_SCALE",
    "REPORT_FORMATS",
    "BrowserMissing",
    "ExportError",
    "PlanAnalysis",
    "analyse_plan",
    "browser_available",
    "build_chart",
    "chart_filename",
    "coverage_csv",
    "coverage_rows",
    "export_figure",
    "export_report",
    "figure_to_html",
    "figure_to_image",
    "find_browser",
    "report_figures",
    "report_filename",
    "report_html",
    "report_pdf",
    "shutdown",
]
