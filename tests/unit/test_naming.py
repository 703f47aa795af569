from datetime import date

import pytest

from planner.naming import safe_filename

DAY = date(2026, 11, 28)


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("Seed plan", "Seed-plan-2026-11-28.pdf"),
        ("种子轮 计划", "种子轮-计划-2026-11-28.pdf"),
        ('a/b\\c:d*e?f"g<h>i|j', "a_b_c_d_e_f_g_h_i_j-2026-11-28.pdf"),
        ("..", "plan-2026-11-28.pdf"),
        ("CON", "_CON-2026-11-28.pdf"),
        ("x" * 300, "x" * 80 + "-2026-11-28.pdf"),
        ("<script>alert(1)</script>", "script_alert(1)_script-2026-11-28.pdf"),
    ],
)
def test_safe_filename(stem, expected):
    assert safe_filename(stem, "pdf", DAY) == expected
