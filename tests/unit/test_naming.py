import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.files import safe_filename

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


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        # U+202E (right-to-left override) makes "\u202egnp.exe" display as "exe.png".
        ("\u202egnp.exe", "gnp.exe-2026-11-28.pdf"),
        ("a\u202ab\u202bc\u202cd\u202de", "abcde-2026-11-28.pdf"),
        ("\u2066evil\u2067x\u2068y\u2069", "evilxy-2026-11-28.pdf"),
        ("left\u200eright\u200fmark\u061c", "leftrightmark-2026-11-28.pdf"),
        ("zero\u200bwidth\ufeff", "zerowidth-2026-11-28.pdf"),
        # Look-alike slashes become what a real slash becomes.
        ("a\u2215b", "a_b-2026-11-28.pdf"),
        ("a\u2044b", "a_b-2026-11-28.pdf"),
        ("a\u29f8b\u29f9c", "a_b_c-2026-11-28.pdf"),
        ("计划\uff0f草稿\uff3c旧", "计划_草稿_旧-2026-11-28.pdf"),
        ("a\ufe68b\u2216c", "a_b_c-2026-11-28.pdf"),
        ("C1\x85control\x9b", "C1_control-2026-11-28.pdf"),
        ("lone\ud800surrogate", "lone_surrogate-2026-11-28.pdf"),
        # What joins letters stays: emoji sequences and Persian need ZWJ and ZWNJ.
        ("👩\u200d💻 team", "👩\u200d💻-team-2026-11-28.pdf"),
        ("می\u200cخواهم", "می\u200cخواهم-2026-11-28.pdf"),
    ],
)
def test_bidi_controls_and_lookalike_slashes(stem, expected):
    assert safe_filename(stem, "pdf", DAY) == expected


@settings(max_examples=300, deadline=None)
# Plain text, and the categories that hide or break a name: surrogates, format and
# control characters, math symbols (the look-alike slashes are Sm).
@given(stem=st.text(st.characters() | st.characters(categories=["Cs", "Cf", "Cc", "Sm"])))
def test_no_file_name_holds_an_invisible_or_path_character(stem):
    name = safe_filename(stem, "png", DAY)
    assert name.endswith("-2026-11-28.png")
    for char in name:
        assert char not in '<>:"/\\|?*'
        assert unicodedata.category(char) not in ("Cc", "Cs")
        assert unicodedata.category(char) != "Cf" or char in "\u200c\u200d"
        assert char not in "\u2215\u2044\u29f8\uff0f\uff3c"
