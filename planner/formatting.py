"""User text made inert for Streamlit Markdown: the one escaper.

Alerts, captions, ``st.markdown``, widget labels and radio options all render
Markdown. `md` makes a name show as typed there, never as markup, a link or an
image. (A selectbox shows its options as plain text: no escaping there.)
Percentages have their one format in ``planner.numbers.percent``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# Every ASCII punctuation character: CommonMark lets each be backslash-escaped,
# and escaping them all leaves no construct (emphasis, code, links, images,
# headings, lists, tables, HTML, entities, Streamlit's $math$ and :color[...])
# a way to start.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")

# Backslashes only act while Markdown is tokenised. The GFM autolink step and the
# emoji shortcodes run later, on the unescaped text, and would still turn
# "http://x", "www.x" or "a@b.c" into links (and ":smile:" into an emoji). A
# word joiner (U+2060, invisible, no line break) after ":" and "@" and inside
# "www." breaks those patterns without changing what the reader sees.
_JOINER = "\u2060"
_AUTOLINK_TRIGGER = re.compile(r"(?<=[:@])|(?<=www)(?=\\\.)", re.IGNORECASE)


def md(text: object) -> str:
    """User text made inert inside Streamlit Markdown: shown as typed, never as
    markup, a link or an image."""
    escaped = _PUNCTUATION.sub(r"\\\1", str(text))
    # The joiner goes after the escaped character ("\:" + joiner), so the
    # backslash escape still applies to the character itself.
    return _AUTOLINK_TRIGGER.sub(_JOINER, escaped)


def md_params(params: Mapping[str, object]) -> dict[str, object]:
    """Message parameters for a Markdown message: every text value escaped by `md`,
    numbers kept (a format spec like {n:,} still applies)."""
    return {key: md(value) if isinstance(value, str) else value for key, value in params.items()}
