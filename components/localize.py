"""Streamlit's own words in the user's language.

Streamlit 1.67 writes a few texts of its own in English only: the file uploader's
"Upload" button and its "5MB per file • CSV…" line. In Chinese mode a style sheet
puts our translations in their place (the English text stays in the page for
screen readers, at size 0). Only constant strings of ours go into the CSS, never
user text.
"""

from __future__ import annotations

import streamlit as st

from planner.files import MAX_UPLOAD_BYTES
from planner.i18n import t

_UPLOADER = '[data-testid="stFileUploaderDropzone"]'


def _css_text(text: str) -> str:
    """A CSS string literal: every character but ASCII letters and digits as a CSS
    escape (a backslash, its hex code point and a space that ends the escape).

    CSS has no \\uXXXX escape (JSON's): it reads "\\u4e0a" as the letters u4e0a.
    Escaping the rest keeps quotes, backslashes and "<" out of the style element."""
    return '"' + "".join(c if c.isascii() and c.isalnum() else f"\\{ord(c):x} " for c in text) + '"'


def streamlit_texts_css(lang: str) -> str:
    """The style sheet for lang ('' for English: Streamlit's own texts are English)."""
    if lang == "en":
        return ""
    button = _css_text(t("st_upload_button", lang))
    limit = _css_text(t("st_upload_limit", lang, limit_mb=MAX_UPLOAD_BYTES // 2**20))
    return (
        f"{_UPLOADER} button p {{font-size: 0}}"
        f"{_UPLOADER} button p::after {{content: {button}; font-size: 0.875rem}}"
        f'{_UPLOADER} [data-testid="stFileUploaderDropzoneInstructions"] span {{font-size: 0}}'
        f'{_UPLOADER} [data-testid="stFileUploaderDropzoneInstructions"] span::after '
        f"{{content: {limit}; font-size: 0.875rem}}"
    )


def localize_streamlit(lang: str) -> None:
    if css := streamlit_texts_css(lang):
        st.html(f"<style>{css}</style>")
