"""One spreadsheet cell: levels, FTE and costs parsed; control characters found;
the CSV-injection guard (a cell a spreadsheet would run as a formula) and its undo."""

from __future__ import annotations

import math
import re

from planner.domain import (
    LEVEL_MAX,
    LEVEL_MIN,
    MAX_MONEY,
)

# ---------------------------------------------------------------- parsing cells


def parse_level(raw: object) -> int:
    """A level 0-5 from a cell: blank is 0; '3', 3 and 3.0 are 3; anything else fails."""
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return 0
    text = str(raw).strip()
    if text == "":
        return 0
    try:
        value = float(text)
    except ValueError:
        raise ValueError(text) from None
    if not value.is_integer() or not LEVEL_MIN <= value <= LEVEL_MAX:
        raise ValueError(text)
    return int(value)


def parse_fte(raw: object) -> float:
    """An FTE share in (0, 1]: blank means full time."""
    text = "" if raw is None else str(raw).strip()
    if text == "" or text.lower() == "nan":
        return 1.0
    try:
        value = float(text)
    except ValueError:
        raise ValueError(text) from None
    if not (0 < value <= 1) or math.isnan(value):
        raise ValueError(text)
    return value


def parse_cost(raw: object) -> float | None:
    """A member's monthly cost, all in: blank is None (the role's band decides).

    A float NaN is an empty spreadsheet cell; the text "nan" is a typo, refused."""
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return None
    text = str(raw).strip().replace(",", "")
    if text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(text) from None
    if math.isnan(value) or not 0 <= value <= MAX_MONEY:
        raise ValueError(text)
    return value


def cell_text(raw: object) -> str:
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return ""
    return str(raw).strip()


# Control characters (C0, DEL, C1), lone surrogates and the two non-characters XML
# forbids: invisible on screen, and a name holding one cannot be written to XLSX
# (openpyxl raises IllegalCharacterError) or, for a surrogate, to UTF-8 at all.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# XML 1.0 forbids these in a workbook (tab, LF and CR are allowed).
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def control_char(text: str) -> str | None:
    """The first control character in text, as U+XXXX, or None."""
    found = _CONTROL.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


# A spreadsheet runs a CSV cell that starts with = + - @ tab or CR as a formula (CSV
# injection). Quotes before such a character are included, so that the guard can be
# undone exactly: a name that really starts with "'=" gets one more quote, not none.
_FORMULA_START = re.compile(r"'*[=+\-@\t\r]")


def csv_cell(value: object) -> object:
    """A value safe to write to a CSV cell: text a spreadsheet would run as a formula gets
    a leading single quote, as OWASP advises (the spreadsheet shows the text, unrun)."""
    if isinstance(value, str) and _FORMULA_START.match(value):
        return "'" + value
    return value


def csv_uncell(text: str) -> str:
    """Undo `csv_cell` on import: one leading quote before a formula character goes."""
    if text.startswith("'") and _FORMULA_START.match(text, 1):
        return text[1:]
    return text
