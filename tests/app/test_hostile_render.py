"""Every page rendered with hostile labels, names, roles and notes: none of that
text becomes a link, an image or HTML wherever Streamlit renders Markdown.

The check reads what the browser would receive (the element protos), parses each
Markdown string with a CommonMark parser and looks for links and images to the
hostile host, for GFM autolinks (bare URLs, www., e-mail) and for raw HTML an
element allows. The browser journey tests/browser/test_browser_hostile.py checks
the same from the rendered page for member names.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from google.protobuf.message import Message
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from planner.domain import BusinessModel, Finances, Member, Plan, Requirement, Scenario, Team
from tests.support.apptest import no_exception, open_page

HOST = "evil.example"
# Each field gets what fits its length limit; together they try every construct.
IMAGE = f"![l](http://{HOST}/label.png)"
LINK = f"[a](http://{HOST}/a)"
BARE = f"http://{HOST}/b www.{HOST} x@{HOST}"
HTML = f"<img src=http://{HOST}/h.png onerror=alert(1)><script>alert(1)</script>"
HOSTILE_PLAN = Plan(
    name=f"{IMAGE} {LINK}",
    business_model="evil",
    team=Team(
        members=(
            Member(name=f"{IMAGE} Ann", role=HTML, skills={"product.backend": 4}),
            Member(name=f"{LINK} Bo", role=BARE, skills={"product.backend": 2}),
            Member(name=HTML, role=f"{IMAGE} {LINK}", skills={"data.quality": 3}),
        )
    ),
    custom_models={
        "evil": BusinessModel(
            id="evil",
            label={"en": IMAGE, "zh": IMAGE},
            description={"en": f"{LINK} {BARE}", "zh": HTML},
            weights={"product": 2, "data": 1},
            requirements={
                "product.backend": Requirement(level=4, depth=2),
                "data.quality": Requirement(level=3, depth=1),
            },
        )
    },
    notes=f"{IMAGE} {LINK} {BARE} {HTML}",
    finances=Finances(scenarios=(Scenario(name=IMAGE[:60]),)),
)
PAGES = ["overview", "team", "model", "coverage", "budget", "pipeline", "share"]

# Proto fields Streamlit renders as Markdown (labels, help tooltips, captions,
# alert and Markdown bodies, radio and button-group options, tab and expander labels).
MARKDOWN_FIELDS = {"body", "label", "help", "content", "captions", "title", "delta"}
# Messages whose text is shown as plain text (or is the app's own CSS).
PLAIN_MESSAGES = {"Text", "Code", "Json", "Exception", "Html", "Selectbox", "MultiSelect"}
AUTOLINK = re.compile(rf"(https?://|www\.|@){re.escape(HOST)}", re.IGNORECASE)
PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def markdown_strings(message: Message) -> Iterator[tuple[str, str, bool]]:
    """(message name, text, raw HTML allowed) for every Markdown string in a proto."""
    name = message.DESCRIPTOR.name
    if name in PLAIN_MESSAGES:
        return
    allow_html = bool(getattr(message, "allow_html", False))
    for field, value in message.ListFields():
        if field.message_type is not None:
            for item in _each(value):
                yield from markdown_strings(item)
        elif field.name in MARKDOWN_FIELDS or (name == "Radio" and field.name == "options"):
            for text in _each(value):
                if isinstance(text, str):
                    yield name, text, allow_html


def _each(value: object) -> list:
    """A field's values: a repeated field's items, or the one value."""
    return [value] if isinstance(value, str | Message) else list(value)


def protos(at: AppTest) -> Iterator[Message]:
    stack = [at._tree]
    while stack:
        node = stack.pop()
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message):
            yield proto
        stack.extend(getattr(node, "children", {}).values())


def markup_from_hostile_text(text: str, allow_html: bool) -> list[str]:
    """What a browser would make of text that reaches the hostile host."""
    found = [m.group(0) for m in AUTOLINK.finditer(text)]
    for token in PARSER.parse(text):
        for child in [token, *(token.children or [])]:
            target = str(child.attrGet("href") or child.attrGet("src") or "")
            if child.type in ("link_open", "image") and HOST in target:
                found.append(f"{child.type} {target}")
            if allow_html and child.type in ("html_inline", "html_block"):
                found.append(child.content)
    return found


def hostile_markup(at: AppTest) -> list[tuple[str, str, list[str]]]:
    bad = []
    for proto in protos(at):
        for name, text, allow_html in markdown_strings(proto):
            if found := markup_from_hostile_text(text, allow_html):
                bad.append((name, text, found))
    return bad


def hostile_chart_markup(at: AppTest) -> list[str]:
    """Plotly draws <a href> and <img>-free rich text: a name must not open a link there."""
    specs = [json.dumps(c.proto.spec) for c in at.get("plotly_chart")]
    return [s for s in specs if re.search(rf"<a [^>]*{re.escape(HOST)}", s)]


def test_the_checker_finds_each_construct() -> None:
    """The check itself: each hostile construct is found unescaped, none escaped."""
    from planner.formatting import md

    for text in (IMAGE, LINK, *BARE.split()):
        assert markup_from_hostile_text(text, False), text
        assert not markup_from_hostile_text(md(text), False), md(text)
    assert markup_from_hostile_text(HTML, True)
    assert not markup_from_hostile_text(md(HTML), True)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", PAGES)
def test_hostile_text_is_never_markup_on_any_page(name: str, lang: str) -> None:
    at = open_page(name, lang=lang, state={"plan": HOSTILE_PLAN})
    no_exception(at)
    assert at.session_state["plan"].business_model == "evil"  # the hostile label is in use
    assert hostile_markup(at) == []
    assert hostile_chart_markup(at) == []


def test_a_share_viewer_sees_no_markup_either() -> None:
    owner = open_page("share", state={"plan": HOSTILE_PLAN})
    owner.button(key="share_create").click().run()
    link = [c.value for c in owner.get_by_key("share_link").children.values() if c.type == "code"]
    token = parse_qs(urlsplit(link[0]).query)["share"][0]
    for name in PAGES[:-1]:
        viewer = open_page(name, query_params={"share": token})
        no_exception(viewer)
        assert viewer.session_state["read_only"]
        assert hostile_markup(viewer) == [], name
