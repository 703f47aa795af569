"""Every visible string exists in both languages, with the same placeholders."""

from __future__ import annotations

import string

import pytest

from planner.i18n import pick_lang, strings, t


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("key", sorted(strings()))
def test_every_string_has_both_languages_and_the_same_placeholders(key):
    texts = strings()[key]
    assert set(texts) == {"en", "zh"}, key
    assert texts["en"].strip() and texts["zh"].strip(), key
    assert _fields(texts["en"]) == _fields(texts["zh"]), key


def test_lookup_and_fallback():
    assert t("nav_team", "zh") == "团队"
    assert t("nav_team", "fr") == "Team"
    assert t("err_row_no_name", "en", row=3) == "Row 3: the name is missing."
    assert pick_lang("zh") == "zh" and pick_lang("de") == "en" and pick_lang(None, "zh") == "zh"
