"""Streamlit's own English texts are replaced in Chinese mode; the uploader's advertised
limit is the app's real one."""

from __future__ import annotations

import tomllib
from pathlib import Path

from components.localize import streamlit_texts_css
from planner.files import MAX_UPLOAD_BYTES

ROOT = Path(__file__).resolve().parents[2]


def test_the_configured_upload_limit_is_the_apps_own() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * 2**20 == MAX_UPLOAD_BYTES


def test_chinese_mode_replaces_the_uploader_texts() -> None:
    css = streamlit_texts_css("zh")
    assert '"\\u4e0a\\u4f20"' in css  # "上传" as an escaped CSS string
    assert "5 MB" in css
    assert "</" not in css and "<" not in css


def test_english_mode_keeps_streamlits_own_texts() -> None:
    assert streamlit_texts_css("en") == ""
