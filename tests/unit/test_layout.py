"""The narrow-screen stylesheet: rows of columns wrap, chart columns keep a readable
width, and nothing but constant CSS is emitted."""

from __future__ import annotations

from components.layout import RESPONSIVE_CSS


def test_rows_wrap_and_chart_columns_keep_a_readable_width() -> None:
    assert '[data-testid="stHorizontalBlock"] {flex-wrap: wrap}' in RESPONSIVE_CSS
    assert '[class*="st-key-charts_"]' in RESPONSIVE_CSS and "26rem" in RESPONSIVE_CSS
    assert "<" not in RESPONSIVE_CSS
