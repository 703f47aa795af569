"""Streamlit's own English texts are replaced in Chinese mode; the uploader's advertised
limit is the app's real one."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from components.localize import streamlit_texts_css
from planner.files import MAX_UPLOAD_BYTES

ROOT = Path(__file__).resolve().parents[2]


def test_the_configured_upload_limit_is_the_apps_own() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * 2**20 == MAX_UPLOAD_BYTES


def css_strings(css: str) -> list[str]:
    """The `content` strings of a style sheet, unescaped as CSS reads them (CSS Syntax
    Level 3, 4.3.7: a backslash, 1-6 hex digits and one optional space, or a backslash
    and any other character, which stands for itself)."""

    def unescape(body: str) -> str:
        return re.sub(
            r"\\([0-9a-fA-F]{1,6}) ?|\\(.)",
            lambda m: chr(int(m[1], 16)) if m[1] else m[2],
            body,
        )

    return [unescape(body) for body in re.findall(r'content: *"((?:[^"\\]|\\.)*)"', css)]


@pytest.mark.parametrize(
    ("lang", "texts"),
    [("zh", ["上传", "每个文件不超过 5 MB"])],
)
def test_chinese_mode_replaces_the_uploader_texts(lang, texts) -> None:
    css = streamlit_texts_css(lang)
    # What a browser reads, not escape codes: JSON's "\\u4e0a" reads as "u4e0a" in CSS.
    assert css_strings(css) == texts
    assert "\\u" not in css
    assert "<" not in css


def test_english_mode_keeps_streamlits_own_texts() -> None:
    assert streamlit_texts_css("en") == ""
