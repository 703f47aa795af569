"""Every visible string exists in both languages, with the same placeholders; every key
the code looks up exists, and every key defined is used."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from planner.i18n import forms, pick_lang, strings, t

ROOT = Path(__file__).resolve().parents[2]
CODE = [
    ROOT / "app.py",
    *sorted(p for d in ("pages", "components", "planner") for p in (ROOT / d).rglob("*.py")),
]
KEY = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+")


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("key", sorted(strings()))
def test_every_string_has_both_languages_and_the_same_placeholders(key):
    texts = strings()[key]
    assert set(texts) == {"en", "zh"}, key
    every = forms(texts["en"]) + forms(texts["zh"])
    assert all(text.strip() for text in every), key
    fields = [_fields(text) for text in every]
    assert all(f == fields[0] for f in fields), key


@pytest.mark.parametrize(
    "key", sorted(k for k, v in strings().items() if isinstance(v["en"], dict))
)
def test_plural_forms_are_one_and_other_and_take_a_count(key):
    assert set(strings()[key]["en"]) == {"one", "other"}
    assert "count" in _fields(strings()[key]["en"]["one"])


def test_lookup_and_fallback():
    assert t("nav_team", "zh") == "团队"
    assert t("nav_team", "fr") == "Team"
    assert t("err_row_no_name", "en", row=3) == "Row 3: the name is missing."
    assert pick_lang("zh") == "zh" and pick_lang("de") == "en" and pick_lang(None, "zh") == "zh"


@pytest.mark.parametrize(
    ("count", "text"), [(1, "Loaded 1 member from a.csv."), (2, "Loaded 2 members from a.csv.")]
)
def test_plurals_follow_the_count(count, text):
    assert t("team_uploaded", "en", count=count, file="a.csv") == text


def _lookups(tree: ast.AST) -> tuple[set[str], list[str]]:
    """Keys passed literally to t()/ctx.t(), and lookups whose key is built (f-strings,
    concatenation) instead of taken from a table of literal keys."""
    keys, built = set(), []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if name != "t":
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            keys.add(first.value)
        elif isinstance(first, ast.JoinedStr | ast.BinOp):
            built.append(ast.unparse(first))
    return keys, built


def _code_literals() -> tuple[set[str], set[str], dict[str, list[str]]]:
    looked_up, literals, built = set(), set(), {}
    for path in CODE:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        keys, dynamic = _lookups(tree)
        looked_up |= keys
        if dynamic:
            built[str(path.relative_to(ROOT))] = dynamic
        literals |= {
            n.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
        }
    return looked_up, literals, built


def test_every_key_the_code_looks_up_exists():
    looked_up, _, _ = _code_literals()
    assert sorted(k for k in looked_up if k not in strings()) == []


def test_no_key_is_built_with_an_f_string():
    _, _, built = _code_literals()
    assert built == {}


def test_every_key_defined_is_used():
    _, literals, _ = _code_literals()
    data = " ".join(p.read_text(encoding="utf-8") for p in (ROOT / "data").glob("*.yaml"))
    unused = [k for k in strings() if k not in literals and not re.search(rf"\b{k}\b", data)]
    assert unused == []
