"""One chart out of the app: PNG, SVG and PDF through the export browser, and a
self-contained interactive HTML file, with their download names.

Every user text reaching a figure is already escaped by `planner.charts.plain`;
every user text this module writes into HTML goes through `html.escape`.
"""

from __future__ import annotations

import html
from datetime import date

import plotly.graph_objects as go
import plotly.io as pio

from planner import charts
from planner.export import browser
from planner.files import safe_filename

IMAGE_FORMATS = ("png", "svg", "pdf")
CHART_FORMATS = (*IMAGE_FORMATS, "html")
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
# Charts grow with the team (the heatmap has a row per member); past this, a
# browser canvas or a PDF page gets too large, so very tall charts are squeezed.
MAX_HEIGHT = 6000
# In PDFs Chromium embeds Noto Sans CJK as Type 3 fonts whose digits carry no
# Unicode mapping: numbers could not be searched or copied. Latin text and digits
# therefore use a Latin font first; CJK characters fall back to Noto Sans CJK.
PDF_FONT = "Liberation Sans, Arial, Helvetica, " + charts.FONT


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
    return browser.render(spec, opts, reuse=reuse)


_CONFIG = {"displaylogo": False, "responsive": True}


def figure_div(fig: go.Figure) -> str:
    """A chart as an HTML fragment; the page must load plotly.js (see `html_page`)."""
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


def html_page(title: str, body: str, lang: str) -> str:
    """A whole HTML document around `body` (already escaped), plotly.js inline."""
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
    return html_page(title, figure_div(fig), lang).encode("utf-8")


def export_figure(fig: go.Figure, fmt: str, lang: str = "en", *, reuse: bool = True) -> bytes:
    """A chart as PNG, SVG, PDF or HTML bytes."""
    if fmt == "html":
        return figure_to_html(fig, lang)
    return figure_to_image(fig, fmt, reuse=reuse)


def chart_filename(plan_name: str, chart_id: str, fmt: str, when: date | None = None) -> str:
    return safe_filename(f"{plan_name}-{chart_id}", fmt, when)
