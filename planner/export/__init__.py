"""Chart, data and report export: PNG, SVG, PDF (kaleido + Chromium) and HTML.

- `browser`: the shared headless Chromium (finding, starting, reusing, idle
  shutdown, one render at a time, no outside requests);
- `figures`: one chart as an image or an interactive HTML file;
- `analysis`: a plan scored once, its charts by id, the coverage table;
- `report`: the full report as HTML or PDF.

This package re-exports the public names, so callers write `export.export_figure`.
A test that replaces `find_browser` patches `planner.export.browser`, where the
renderer looks it up; patching the re-export here changes nothing.
"""

from planner.export.browser import (
    INSTALL_HINT,
    BrowserMissing,
    ExportError,
    browser_available,
    find_browser,
    shutdown,
)
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
from planner.export.report import (
    REPORT_FORMATS,
    export_report,
    report_figures,
    report_filename,
    report_html,
    report_pdf,
)
from planner.scoring.analysis import (
    Analysis,
    analyse_plan,
    build_chart,
    coverage_csv,
    coverage_rows,
)

__all__ = [
    "CHART_FORMATS",
    "EXPORT_WIDTH",
    "IMAGE_FORMATS",
    "INSTALL_HINT",
    "MIME",
    "PNG_SCALE",
    "REPORT_FORMATS",
    "Analysis",
    "BrowserMissing",
    "ExportError",
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
