"""Bilingual user-visible strings (en, zh) from data/strings/*.yaml.

Every key exists in both languages (tested). Each feature keeps its strings in a
file of its own, so features can grow without editing one shared file.

Plurals have one form: a text that depends on a number is a mapping
``{one: ..., other: ...}`` chosen by the ``count`` parameter (Chinese needs none,
so its text is a plain string).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

LANGS = ("en", "zh")
STRINGS_DIR = Path(__file__).resolve().parent.parent / "data" / "strings"


@lru_cache(maxsize=1)
def strings() -> dict[str, dict[str, str]]:
    """All strings: key -> {lang: text}. Duplicate keys across files are an error."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(STRINGS_DIR.glob("*.yaml")):
        for key, texts in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if key in merged:
                raise ValueError(f"{path}: {key}: defined twice")
            merged[key] = texts
    return merged


def t(key: str, lang: str, /, **params: object) -> str:
    """The text for key in lang, with {placeholders} filled in."""
    texts = strings()[key]
    text = texts.get(lang if lang in LANGS else "en") or texts["en"]
    if isinstance(text, dict):
        text = text["one" if params.get("count") == 1 else "other"]
    return text.format(**params) if params else text


def forms(text: str | dict[str, str]) -> list[str]:
    """Every form of a text: itself, or its plural forms."""
    return list(text.values()) if isinstance(text, dict) else [text]


def pick_lang(value: object, default: str = "en") -> str:
    """A supported language code, or the default for anything else."""
    return value if isinstance(value, str) and value in LANGS else default
