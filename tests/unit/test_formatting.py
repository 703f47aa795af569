"""The one Markdown escaper: user text shows as typed, never as markup, a link or an image.

Streamlit renders Markdown with GFM (autolinks for bare URLs, www. and e-mail
addresses, found on the text after backslash escapes are resolved) and emoji
shortcodes. A browser check on Streamlit 1.67 rendered every case below through
st.markdown, st.info, st.caption, a button label and a radio option: 0 links,
0 images and 0 markup elements with `md`, against 4–5 links per URL case raw and
with backslash escapes alone.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.formatting import md

JOINER = "\u2060"

# The patterns mdast-util-gfm-autolink-literal and the emoji plugin apply to text
# nodes, i.e. after backslash escapes are resolved.
GFM_URL = re.compile(r"(https?:\/\/|www(?=\.))([-.\w]+)", re.IGNORECASE)
GFM_EMAIL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)")
EMOJI = re.compile(r":[-+\w]+:")
ASCII_PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def visible(escaped: str) -> str:
    """The text Markdown shows: every backslash escape resolved (joiners stay)."""
    return re.sub(r"\\(.)", r"\1", escaped)


def unescaped_punctuation(escaped: str) -> list[str]:
    """Punctuation characters that reach the Markdown parser without a backslash."""
    found, i = [], 0
    while i < len(escaped):
        if escaped[i] == "\\":
            i += 2
            continue
        if escaped[i] in ASCII_PUNCTUATION:
            found.append(escaped[i])
        i += 1
    return found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ann", "Ann"),
        ("我喜欢编程和人工智能", "我喜欢编程和人工智能"),
        ("王小明（产品）", "王小明（产品）"),  # full-width punctuation is not Markdown
        ("http://evil.example/x", f"http\\:{JOINER}\\/\\/evil\\.example\\/x"),
        ("HTTPS://EVIL.EXAMPLE", f"HTTPS\\:{JOINER}\\/\\/EVIL\\.EXAMPLE"),
        ("[a](http://x)", f"\\[a\\]\\(http\\:{JOINER}\\/\\/x\\)"),
        ("![i](http://x/y.png)", f"\\!\\[i\\]\\(http\\:{JOINER}\\/\\/x\\/y\\.png\\)"),
        ("<http://x>", f"\\<http\\:{JOINER}\\/\\/x\\>"),
        ("www.evil.com", f"www{JOINER}\\.evil\\.com"),
        ("WWW.Evil.com", f"WWW{JOINER}\\.Evil\\.com"),
        ("ann@evil.com", f"ann\\@{JOINER}evil\\.com"),
        (":smile:", f"\\:{JOINER}smile\\:{JOINER}"),
        ("**b** _i_", "\\*\\*b\\*\\* \\_i\\_"),
        ("$x^2$", "\\$x\\^2\\$"),
        ("&amp;", "\\&amp\\;"),
        ("a\\b", "a\\\\b"),
        ("1. item", "1\\. item"),
        ("<img src=x onerror=alert(1)>", "\\<img src\\=x onerror\\=alert\\(1\\)\\>"),
        ("数据 http://x.cn 平台", f"数据 http\\:{JOINER}\\/\\/x\\.cn 平台"),
        (3, "3"),
    ],
)
def test_md_escapes(text: object, expected: str) -> None:
    assert md(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "http://evil.example/x",
        "see https://evil.example and www.evil.com",
        "[a](http://x)",
        "![i](http://x/y.png)",
        "<http://x>",
        "www.evil.com",
        "mail ann@evil.com",
        "mailto:ann@evil.com",
        ":smile: :material/home: :red[x]",
        "访问 www.example.cn 了解",
    ],
)
def test_no_link_image_or_emoji_pattern_survives(text: str) -> None:
    escaped = md(text)
    shown = visible(escaped)
    assert not GFM_URL.search(shown)
    assert not GFM_EMAIL.search(shown)
    assert not EMOJI.search(shown)
    assert unescaped_punctuation(escaped) == []


@given(st.text())
def test_md_shows_any_text_as_typed_and_inert(text: str) -> None:
    escaped = md(text)
    shown = visible(escaped)
    assert shown.replace(JOINER, "") == text.replace(JOINER, "")
    assert unescaped_punctuation(escaped) == []
    assert not GFM_URL.search(shown)
    assert not GFM_EMAIL.search(shown)
    assert not EMOJI.search(shown)
