"""Plotly figure builders: core results in, `go.Figure` out.

The same figure is shown in the app, exported to PNG/SVG/PDF/HTML and put in
reports, so builders take the language and never touch Streamlit. Every text that
comes from a user (member names, roles, custom model labels) goes through
`plain()`: Plotly reads a subset of HTML in its texts, and a name must show as
itself, never as markup.

- `style`: the font, the colours, the layout and `plain`, shared by every figure
  (the budget, roadmap, calibration and attention figures too);
- `coverage`: fit by model, the radar, the heatmap, the gaps, the bus factor;
- `hiring`: the hiring plan; `pipeline`: the article's pipeline diagram;
- `by_id`: the charts of a plan analysis by id, for export and the report.

Charts import the scoring they draw (planner.scoring), never the reverse.
"""

from planner.charts.by_id import CHART_IDS, build_chart
from planner.charts.coverage import (
    bus_factor,
    coverage_gaps,
    coverage_heatmap,
    coverage_radar,
    fit_comparison,
)
from planner.charts.hiring import hire_label, hiring_plan
from planner.charts.pipeline import box_name, pipeline_diagram
from planner.charts.style import (
    AREA_COLOURS,
    FONT,
    RESILIENCE_COLOUR,
    RESILIENCE_LIGHT,
    STATUS_FILL,
    STATUS_LINE,
    TARGET_COLOUR,
    TEAM_COLOUR,
    layout,
    plain,
    wrap_label,
)

__all__ = [
    "AREA_COLOURS",
    "CHART_IDS",
    "FONT",
    "RESILIENCE_COLOUR",
    "RESILIENCE_LIGHT",
    "STATUS_FILL",
    "STATUS_LINE",
    "TARGET_COLOUR",
    "TEAM_COLOUR",
    "box_name",
    "build_chart",
    "bus_factor",
    "coverage_gaps",
    "coverage_heatmap",
    "coverage_radar",
    "fit_comparison",
    "hire_label",
    "hiring_plan",
    "layout",
    "pipeline_diagram",
    "plain",
    "wrap_label",
]
