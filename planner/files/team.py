"""Team and plan import/export: CSV (wide), JSON (plan) and XLSX, validated.

Import never raises anything but TeamImportError, whose message exists in both
languages and names the row and column at fault; unknown skill columns are
ignored with a warning. What `team_to_bytes` writes, `parse_team` reads back to
the same team.

Every file is untrusted: the work is bounded before a parser runs (JSON nesting
depth; an XLSX zip's unpacked size, parts, sheets, rows, cells and other XML
elements; CSV members and columns), so that no file within MAX_UPLOAD_BYTES
takes more than a few seconds or a few hundred MB.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate, islice, repeat
from pathlib import Path

from pydantic import ValidationError

from planner.catalog import Catalog, load_catalog
from planner.domain import (
    LEVEL_MAX,
    LEVEL_MIN,
    MAX_MONEY,
    MAX_NAME_LEN,
    PLAN_SCHEMA,
    BusinessModel,
    Member,
    Plan,
    Team,
    first_error,
    plan_to_json,
)
from planner.i18n import t

FORMATS = ("csv", "json", "xlsx")
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_MEMBERS = 2000
MAX_ERRORS_SHOWN = 8
BASE_COLUMNS = ("name", "role", "fte")
# Optional, written last so the skill columns keep their place: blank = the role's band.
COST_COLUMN = "monthly_cost"
MIME = {
    "csv": "text/csv",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# Bounds checked before the work they bound. The audit's worst files: a 5.6 kB workbook
# whose <dimension> claimed A1:XFD1048576 (1.9 GB), a 436 kB JSON team with a new skill
# key per member (rows padded to every key: quadratic), a 1.2 MB zip bomb (150 s+).
MAX_COLUMNS = 512  # name, role, fte, cost and one column per skill, with room to spare
MAX_JSON_DEPTH = 32  # a plan nests 6 deep; json.loads recurses once per level
# Lists and objects in one JSON file: a member is two, a plan of 2,000 a few thousand.
# Checked before parsing, as an object costs ~100 bytes parsed ("[{},{},...]": 1.7 M).
MAX_JSON_CONTAINERS = 50_000
MAX_CUSTOM_MODELS = 100
# JSON values in one member, one custom model or one other plan field. pydantic reports
# every problem at once, and 100,000 of them (one per key of a hostile file) take
# seconds and ~80 MB; a member or a model is a few dozen values.
MAX_ITEM_VALUES = 2_000
MAX_FIELD_VALUES = 20_000
MAX_XLSX_PARTS = 256
MAX_XLSX_PART_BYTES = 16 * 2**20  # unpacked, one part
MAX_XLSX_BYTES = 40 * 2**20  # unpacked, all parts
MAX_XLSX_SHEETS = 64
# openpyxl reads about 150,000 cells a second and builds a Python object for every other
# XML element (a style, a theme entry) at ~30 us each: 2,000 members x 50 columns, and
# room for what Excel writes besides, cost well under a second.
MAX_XLSX_CELLS = 100_000
MAX_XLSX_ROWS = 20_000  # <row> elements
MAX_XLSX_OTHER = 20_000  # any other element
EXCEL_MAX_ROW = 1_048_576  # the last row a sheet can have


class TeamImportError(ValueError):
    """Bad team input. `message(lang)` says what is wrong, in the user's language."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(t(key, "en", **params))
        self.key = key
        self.params = params

    def message(self, lang: str, escape: Callable[[str], str] | None = None) -> str:
        """The message in lang; `escape` is applied to every value from the file."""
        return t(self.key, lang, **_escaped(self.params, escape))


def _escaped(params: dict, escape: Callable[[str], str] | None) -> dict:
    if escape is None:
        return params
    return {k: escape(v) if isinstance(v, str) else v for k, v in params.items()}


@dataclass
class ImportResult:
    team: Team
    warnings: list[tuple[str, dict]] = field(default_factory=list)  # (string key, params)
    plan: Plan | None = None  # set when the file was a whole plan (JSON)

    def warning_texts(self, lang: str, escape: Callable[[str], str] | None = None) -> list[str]:
        return [t(key, lang, **_escaped(params, escape)) for key, params in self.warnings]


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


def _cell_text(raw: object) -> str:
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return ""
    return str(raw).strip()


# Control characters (C0, DEL, C1), lone surrogates and the two non-characters XML
# forbids: invisible on screen, and a name holding one cannot be written to XLSX
# (openpyxl raises IllegalCharacterError) or, for a surrogate, to UTF-8 at all.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# XML 1.0 forbids these in a workbook (tab, LF and CR are allowed).
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


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


# ---------------------------------------------------------------- rows -> team


def _within_columns(header: list) -> list:
    """The header cut to MAX_COLUMNS, or a refusal when a column past that has a name
    (empty trailing cells are common: spreadsheets write them)."""
    if len(header) <= MAX_COLUMNS:
        return header
    if any(_cell_text(h) for h in islice(header, MAX_COLUMNS, None)):
        raise TeamImportError("err_too_many_columns", limit=MAX_COLUMNS)
    return header[:MAX_COLUMNS]


def team_from_rows(
    header: list[str],
    rows: list[list[object]],
    catalog: Catalog,
    first_row: int = 2,
    lines: list[int] | None = None,
) -> ImportResult:
    """Validate wide rows (name, role, fte, <skill id>...) into a team.

    Rows are numbered from `first_row` in messages, or by `lines` (one number per row)
    when the reader skipped blank ones."""
    header = _within_columns(header)
    columns = [_cell_text(h) for h in header]
    lowered = [c.lower() for c in columns]
    if "name" not in lowered:
        raise TeamImportError("err_no_name_column")
    warnings: list[tuple[str, dict]] = []
    known = set(catalog.skill_ids)
    unknown = [
        c for c in columns if c and c.lower() not in (*BASE_COLUMNS, COST_COLUMN) and c not in known
    ]
    if unknown:
        warnings.append(("warn_unknown_columns", {"columns": ", ".join(unknown[:10])}))
    index = {c: i for i, c in reversed(list(enumerate(columns)))}
    lower_index = {c: i for i, c in reversed(list(enumerate(lowered)))}
    skill_cols = [(c, index[c]) for c in catalog.skill_ids if c in index]
    if len(rows) > MAX_MEMBERS:
        raise TeamImportError("err_too_many_members", count=len(rows), limit=MAX_MEMBERS)

    errors: list[tuple[str, dict]] = []
    members: list[Member] = []
    seen: dict[str, int] = {}

    def cell(row: list[object], i: int | None) -> object:
        return row[i] if i is not None and i < len(row) else None

    numbers = lines if lines is not None else range(first_row, first_row + len(rows))
    for line, row in zip(numbers, rows, strict=True):
        if all(_cell_text(v) == "" for v in row):
            continue  # blank lines are not members
        name = _cell_text(cell(row, lower_index.get("name")))
        role = _cell_text(cell(row, lower_index.get("role")))
        row_errors: list[tuple[str, dict]] = []
        if not name:
            row_errors.append(("err_row_no_name", {"row": line}))
        elif len(name) > MAX_NAME_LEN or len(role) > MAX_NAME_LEN:
            row_errors.append(("err_row_too_long", {"row": line, "limit": MAX_NAME_LEN}))
        elif char := control_char(name + role):
            row_errors.append(("err_row_control", {"row": line, "char": char}))
        elif name.casefold() in seen:
            row_errors.append(
                ("err_row_duplicate", {"row": line, "name": name, "first": seen[name.casefold()]})
            )
        try:
            fte = parse_fte(cell(row, lower_index.get("fte")))
        except ValueError as exc:
            row_errors.append(("err_row_fte", {"row": line, "value": str(exc)[:20]}))
            fte = 1.0
        try:
            cost = parse_cost(cell(row, lower_index.get(COST_COLUMN)))
        except ValueError as exc:
            row_errors.append(("err_row_cost", {"row": line, "value": str(exc)[:20]}))
            cost = None
        levels: dict[str, int] = {}
        for skill_id, i in skill_cols:
            try:
                levels[skill_id] = parse_level(cell(row, i))
            except ValueError as exc:
                row_errors.append(
                    ("err_row_level", {"row": line, "column": skill_id, "value": str(exc)[:20]})
                )
        if row_errors:
            errors.extend(row_errors)
            continue
        try:
            member = Member(name=name, role=role, fte=fte, skills=levels, monthly_cost=cost)
        except ValidationError as exc:  # the checks above should leave nothing; if not, say so
            errors.append(("err_row_invalid", {"row": line, "problem": first_error(exc)[1]}))
            continue
        seen[name.casefold()] = line
        members.append(member)

    if errors:
        raise RowErrors(errors)
    if not members:
        raise TeamImportError("err_no_members")
    return ImportResult(Team(members=tuple(members)), warnings)


class RowErrors(TeamImportError):
    """Several row errors, each rendered in the user's language."""

    def __init__(self, items: list[tuple[str, dict]]) -> None:
        self.items = items
        super().__init__("err_rows", count=len(items), details="")

    def message(self, lang: str, escape: Callable[[str], str] | None = None) -> str:
        shown = [
            t(key, lang, **_escaped(params, escape))
            for key, params in self.items[:MAX_ERRORS_SHOWN]
        ]
        more = len(self.items) - len(shown)
        details = "\n".join(f"- {line}" for line in shown)
        if more:
            details += "\n- " + t("err_more", lang, count=more)
        return t("err_rows", lang, count=len(self.items), details=details)


# ---------------------------------------------------------------- formats


def _decode_text(data: bytes) -> str:
    if b"\x00" in data:
        raise TeamImportError("err_binary")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TeamImportError("err_encoding") from None


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    """Comma unless the header only makes sense split otherwise (a European
    Excel writes ';'). The header decides, not the data: a name such as
    '"; DROP TABLE' must not turn a comma file into a semicolon one."""
    try:
        header = next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error:
        header = []
    if "name" in (h.strip().lower() for h in header):
        return csv.excel
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _parse_csv(data: bytes, catalog: Catalog) -> ImportResult:
    text = _decode_text(data)
    # newline="": records end at CR, LF or CRLF, as the csv module expects; a file with
    # bare CRs (old Mac Excel) is read, not refused.
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    header: list[str] | None = None
    rows: list[list[object]] = []
    lines: list[int] = []
    try:
        # Streamed: blank records are dropped as they come and the member limit stops
        # the read, so five million empty lines cost no more than five.
        for number, record in enumerate(reader, start=1):
            if header is None:
                header = [csv_uncell(cell) for cell in _within_columns(record)]
            elif record and any(cell.strip() for cell in record):
                if len(rows) == MAX_MEMBERS:
                    raise TeamImportError("err_members_over_limit", limit=MAX_MEMBERS)
                # Cells past the header are never read: not copied either.
                rows.append([csv_uncell(cell) for cell in record[: len(header)]])
                lines.append(number)
    except csv.Error as exc:
        # The field limit is process-wide (csv.field_size_limit): read, never raised here.
        if "field limit" in str(exc):
            raise TeamImportError("err_csv_field", limit=csv.field_size_limit()) from None
        raise TeamImportError("err_csv", line=reader.line_num) from None
    if header is None:
        raise TeamImportError("err_empty")
    return team_from_rows(header, rows, catalog, lines=lines)


# ---------------------------------------------------------------- XLSX, bounded

# Counted in every XML part before openpyxl opens the workbook. Every start tag counts
# as an "other" element unless it is recognised as a cell, a row or a part of a cell
# (v, f, is, t, si: they cost what a cell costs), so a tag the counts miss is only held
# to the tighter limit. Without namespace prefixes, bytes.count does it (ten times
# faster than a regex); with them (the OpenXML SDK writes <x:c>), the regexes.
_PREFIXED_TAG = re.compile(rb"<[^\s<>/:!?=\"']++:")
_PREFIX = rb"(?:[^\s<>/:!?=\"']++:)?"  # possessive: the scan stays linear
_TAGS = {
    "cells": (b"c",),
    "rows": (b"row",),
    "sheets": (b"sheet",),
    "cell_parts": (b"v", b"f", b"is", b"t", b"si"),
}
_TAG_PATTERNS = {
    kind: re.compile(rb"<" + _PREFIX + rb"(?:" + b"|".join(names) + rb")[\s/>]")
    for kind, names in _TAGS.items()
}
_XML_DECLARED = re.compile(rb"\s*<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)")
# Encodings in which XML markup is plain ASCII bytes, so that the byte scans below see
# what expat will see (UTF-16 is transcoded first). Excel writes UTF-8; anything else
# (EBCDIC, UTF-7) could hide a DOCTYPE from a byte scan.
_ASCII_MARKUP = {b"utf-8", b"utf8", b"us-ascii", b"ascii", b"iso-8859-1", b"latin-1", b"latin1"}
_ASCII_MARKUP |= {b"windows-1252", b"cp1252"}


def _xlsx_limits() -> TeamImportError:
    return TeamImportError(
        "err_xlsx_limits",
        parts=MAX_XLSX_PARTS,
        megabytes=MAX_XLSX_BYTES // 2**20,
        sheets=MAX_XLSX_SHEETS,
        rows=MAX_XLSX_ROWS,
        columns=MAX_COLUMNS,
        cells=MAX_XLSX_CELLS,
    )


def _check_xml_part(part: bytes, counts: dict[str, int]) -> None:
    """Refuse what expat would expand (entities) or read in an encoding these scans do
    not see; add the part's cells, rows, sheets and other elements to counts."""
    utf16 = None  # expat reads UTF-16 too: scanned as UTF-8 here
    if part.startswith((b"\xff\xfe", b"<\x00")):
        utf16 = "utf-16-le"
    elif part.startswith((b"\xfe\xff", b"\x00<")):
        utf16 = "utf-16-be"
    if utf16:
        try:
            part = part.decode(utf16).removeprefix("\ufeff").encode("utf-8")
        except UnicodeError:
            raise TeamImportError("err_xlsx_unsafe") from None
    body = part.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not body.startswith(b"<"):
        return  # not XML (an image, a printer setting): no parser reads it as XML
    declared = _XML_DECLARED.match(body)
    if b"\x00" in body or (declared and not utf16 and declared[1].lower() not in _ASCII_MARKUP):
        raise TeamImportError("err_xlsx_unsafe")
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        raise TeamImportError("err_xlsx_unsafe")  # entity expansion (a billion laughs)
    tags = body.count(b"<") - body.count(b"</") - body.count(b"<?") - body.count(b"<!")
    prefixed = _PREFIXED_TAG.search(body) is not None
    found = {}
    for kind, names in _TAGS.items():
        if prefixed:
            found[kind] = len(_TAG_PATTERNS[kind].findall(body))
        else:
            found[kind] = sum(
                body.count(b"<" + n + end) for n in names for end in (b" ", b"/", b">")
            )
        counts[kind] += found[kind]
    counts["other"] += max(0, tags - found["cells"] - found["rows"] - found["cell_parts"])


def _part_bytes(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """A part's bytes, inflated here with the output capped at its declared size.
    zipfile's own read() inflates the whole compressed stream in one call and cuts it to
    the declared size afterwards: a part that declares 10 kB and inflates to gigabytes
    (a lying zip bomb) would be expanded in memory by openpyxl's reads. A stream that
    does not end exactly at its declared size, or fails its CRC, is refused."""
    start = info.header_offset
    header = data[start : start + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04" or info.flag_bits & 0x1:  # encrypted
        raise TeamImportError("err_xlsx")
    name_len, extra_len = struct.unpack_from("<HH", header, 26)
    begin = start + 30 + name_len + extra_len
    raw = data[begin : begin + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        body = raw
    elif info.compress_type == zipfile.ZIP_DEFLATED:  # all Excel writes
        inflater = zlib.decompressobj(-15)
        try:
            body = inflater.decompress(raw, info.file_size + 1)
        except zlib.error:
            raise TeamImportError("err_xlsx") from None
        if not inflater.eof:
            raise TeamImportError("err_xlsx")
    else:
        raise TeamImportError("err_xlsx")
    if len(body) != info.file_size or zlib.crc32(body) != info.CRC:
        raise TeamImportError("err_xlsx")
    return body


def _check_xlsx(data: bytes) -> None:
    """Read the zip directory and every part within the limits before openpyxl does:
    sizes come from the directory, and each part is inflated no further than it says."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except MemoryError:
        raise
    except Exception:  # zipfile raises a dozen types on a broken directory; all mean that
        raise TeamImportError("err_xlsx") from None
    if len(infos) > MAX_XLSX_PARTS:
        raise _xlsx_limits()
    sizes = [info.file_size for info in infos]
    if max(sizes, default=0) > MAX_XLSX_PART_BYTES or sum(sizes) > MAX_XLSX_BYTES:
        raise _xlsx_limits()
    counts = dict.fromkeys(["other", *_TAGS], 0)
    for info in infos:
        _check_xml_part(_part_bytes(data, info), counts)
    if (
        counts["cells"] > MAX_XLSX_CELLS
        or counts["rows"] > MAX_XLSX_ROWS
        or counts["sheets"] > MAX_XLSX_SHEETS
        or counts["other"] > MAX_XLSX_OTHER
    ):
        raise _xlsx_limits()


def _xlsx_rows(data: bytes) -> tuple[list[object], list[list[object]], list[int]]:
    """The header, the non-blank rows and their sheet row numbers of the team sheet."""
    import openpyxl  # only imports pay for it

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheets = book.worksheets
        if not sheets:
            raise TeamImportError("err_empty")
        sheet = next((s for s in sheets if s.title == "team"), sheets[0])
        # Read what the sheet holds, not what its <dimension> claims: read-only mode pads
        # every row to the claimed width and height (A1:XFD1048576 allocated gigabytes)
        # and stops at the claimed last row (60,000 rows came in as 7 members).
        sheet.reset_dimensions()
        header: list[object] | None = None
        rows: list[list[object]] = []
        lines: list[int] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            # A row number past Excel's last row (r="1e15") would otherwise yield empty
            # rows for ever; a row wider than MAX_COLUMNS was padded by openpyxl already.
            if number > EXCEL_MAX_ROW or len(values) > MAX_COLUMNS:
                raise _xlsx_limits()
            if not values or not any(v is not None and v != "" for v in values):
                continue  # openpyxl yields an empty tuple for each row a gap skips
            if header is None:
                header = list(values)
                continue
            if len(rows) == MAX_MEMBERS:
                raise TeamImportError("err_members_over_limit", limit=MAX_MEMBERS)
            rows.append(list(values))
            lines.append(number)
    finally:
        book.close()
    if header is None:
        raise TeamImportError("err_empty")
    return header, rows, lines


def _parse_xlsx(data: bytes, catalog: Catalog) -> ImportResult:
    _check_xlsx(data)
    try:
        header, rows, lines = _xlsx_rows(data)
    except TeamImportError:
        raise
    except MemoryError:
        raise
    except Exception:
        # openpyxl raises a zoo of types on a malformed part (ParseError, ValueError,
        # KeyError, IndexError, TypeError, zlib.error, ...): all of them mean the file
        # is not a workbook it can read.
        raise TeamImportError("err_xlsx") from None
    return team_from_rows(header, rows, catalog, lines=lines)


# ---------------------------------------------------------------- JSON, bounded

# A JSON string, possibly unterminated; possessive, so the scan stays linear.
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*+(?:"|\\?\Z)', re.S)
_JSON_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_shape(text: str) -> tuple[int, int]:
    """How deep lists and objects nest in JSON text, and how many there are (brackets in
    strings skipped), in linear time and constant stack and memory."""
    outside = _JSON_STRING.sub("", text)
    depth = max(accumulate(map(_JSON_STEP.get, outside, repeat(0))), default=0)
    return depth, outside.count("[") + outside.count("{")


def load_json(text: str) -> object:
    """json.loads within bounds. Raises JSONDecodeError (with line and column) for text
    that is not JSON, and TeamImportError for nesting deeper than MAX_JSON_DEPTH (the
    parser recurses once per level), more than MAX_JSON_CONTAINERS lists and objects,
    or a number longer than Python converts."""
    depth, containers = json_shape(text)
    if depth > MAX_JSON_DEPTH:
        raise TeamImportError("err_json_deep", limit=MAX_JSON_DEPTH)
    if containers > MAX_JSON_CONTAINERS:
        raise TeamImportError("err_json_containers", limit=MAX_JSON_CONTAINERS)
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except ValueError:  # int() refuses more than sys.get_int_max_str_digits() digits
        raise TeamImportError("err_json_number") from None
    except RecursionError:
        raise TeamImportError("err_json_deep", limit=MAX_JSON_DEPTH) from None


class PlanFieldError(ValueError):
    """A plan field is not valid: where (a dotted path) and pydantic's words for it."""

    def __init__(self, where: str, problem: str) -> None:
        self.where = where if len(where) <= 80 else where[:79] + "…"
        self.problem = problem
        super().__init__(f"{self.where}: {problem}")


def _values_over(value: object, limit: int) -> bool:
    """Whether a parsed JSON value holds more than limit values (keys count too)."""
    stack, count = [value], 0
    while stack:
        item = stack.pop()
        count += 1
        if isinstance(item, dict | list):
            if len(item) > limit:
                return True
            count += len(item) if isinstance(item, dict) else 0
            stack.extend(item.values() if isinstance(item, dict) else item)
        if count > limit:
            return True
    return False


def _validated(model: type, value: object, where: str):
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        inner, problem = first_error(exc)
        raise PlanFieldError(".".join(p for p in (where, inner) if p), problem) from None


def _plan_members(raw: list) -> list[Member]:
    if len(raw) > MAX_MEMBERS:
        raise TeamImportError("err_too_many_members", count=len(raw), limit=MAX_MEMBERS)
    members = []
    for i, item in enumerate(raw):
        if _values_over(item, MAX_ITEM_VALUES):
            raise TeamImportError("err_plan_item_too_big", field=f"team.{i}", limit=MAX_ITEM_VALUES)
        member = _validated(Member, item, f"team.{i}")
        if char := control_char(member.name + member.role):
            raise TeamImportError("err_plan_control", field=f"team.{i}", char=char)
        members.append(member)
    return members


def _plan_models(raw: dict) -> dict[str, BusinessModel]:
    if len(raw) > MAX_CUSTOM_MODELS:
        raise TeamImportError("err_too_many_models", count=len(raw), limit=MAX_CUSTOM_MODELS)
    models = {}
    for key, item in raw.items():
        where = f"custom_models.{key}"
        if _values_over(item, MAX_ITEM_VALUES):
            raise TeamImportError("err_plan_item_too_big", field=where, limit=MAX_ITEM_VALUES)
        models[key] = _validated(BusinessModel, item, where)
    return models


def plan_from_data(data: dict, team: Team | None = None) -> Plan:
    """A Plan from parsed JSON, in bounded work: an unknown key is refused by name, members
    and custom models are validated one at a time (the first bad one is named), and no
    other field may hold more than MAX_FIELD_VALUES values. `team`, when given, replaces
    the file's team (already read and checked row by row).

    Raises PlanFieldError (where, pydantic's words) or TeamImportError (a bound)."""
    fields = {f.alias or name for name, f in Plan.model_fields.items()}
    unknown = next((key for key in data if key not in fields), None)
    if unknown is not None:
        _validated(Plan, {unknown: None}, "")  # pydantic's own words for an unknown field
    checked = dict(data)
    done = set()  # fields checked item by item
    raw_team = data.get("team")
    if isinstance(raw_team, dict) and set(raw_team) <= {"members"}:
        raw_team = raw_team.get("members", [])  # the Team model's own shape
    if team is not None:
        checked["team"], done = team.members, {"team"}
    elif isinstance(raw_team, list):
        checked["team"], done = _plan_members(raw_team), {"team"}
    if isinstance(data.get("custom_models"), dict):
        checked["custom_models"] = _plan_models(data["custom_models"])
        done.add("custom_models")
    for key, value in checked.items():
        if key not in done and _values_over(value, MAX_FIELD_VALUES):
            raise TeamImportError("err_plan_item_too_big", field=key, limit=MAX_FIELD_VALUES)
    return _validated(Plan, checked, "")


def _member_rows(raw_team: object, catalog: Catalog) -> tuple[list[str], list[list[object]]]:
    """Wide rows from a JSON member list. Only the catalog's skills become columns (a
    column per key ever seen padded every row to it: quadratic); the first unknown keys
    are kept in the header for the warning."""
    if not isinstance(raw_team, list):
        raise TeamImportError("err_json_shape")
    if len(raw_team) > MAX_MEMBERS:
        raise TeamImportError("err_too_many_members", count=len(raw_team), limit=MAX_MEMBERS)
    base = ["name", "role", "fte", COST_COLUMN]
    column = {skill_id: len(base) + i for i, skill_id in enumerate(catalog.skill_ids)}
    unknown: list[str] = []
    rows: list[list[object]] = []
    for item in raw_team:
        if not isinstance(item, dict):
            raise TeamImportError("err_json_shape")
        skills = item.get("skills") or {}
        if not isinstance(skills, dict):
            raise TeamImportError("err_json_shape")
        row: list[object] = [
            item.get("name"),
            item.get("role", ""),
            item.get("fte", 1),
            item.get(COST_COLUMN),
            *([None] * len(column)),
        ]
        for skill_id, level in skills.items():
            i = column.get(skill_id)
            if i is not None:
                row[i] = level
            elif len(unknown) < 10 and skill_id not in unknown:
                unknown.append(skill_id)
        rows.append(row)
    return [*base, *catalog.skill_ids, *unknown], rows


def _parse_json(data: bytes, catalog: Catalog) -> ImportResult:
    try:
        raw = load_json(_decode_text(data))
    except json.JSONDecodeError as exc:
        raise TeamImportError("err_json", line=exc.lineno, column=exc.colno) from None
    schema = raw.get("schema") if isinstance(raw, dict) else None
    if isinstance(schema, int) and not isinstance(schema, bool) and schema > PLAN_SCHEMA:
        raise TeamImportError("err_schema", found=schema, supported=PLAN_SCHEMA)
    members = raw.get("team") if isinstance(raw, dict) else raw
    result = team_from_rows(*_member_rows(members, catalog), catalog, first_row=1)
    if isinstance(raw, dict):
        try:
            result.plan = plan_from_data(raw, team=result.team)
        except PlanFieldError as exc:
            raise TeamImportError("err_plan_field", field=exc.where, problem=exc.problem) from None
    return result


def detect_format(filename: str) -> str:
    suffix = Path(filename).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise TeamImportError("err_format", suffix=suffix or "?", formats=", ".join(FORMATS))
    return suffix


def parse_team(data: bytes, filename: str, catalog: Catalog | None = None) -> ImportResult:
    """Read a team (CSV, JSON or XLSX, by file name) from bytes, validated."""
    catalog = catalog or load_catalog()
    fmt = detect_format(filename)
    if len(data) > MAX_UPLOAD_BYTES:
        raise TeamImportError(
            "err_too_big", size_mb=round(len(data) / 2**20, 1), limit_mb=MAX_UPLOAD_BYTES // 2**20
        )
    if not data.strip():
        raise TeamImportError("err_empty")
    parser = {"csv": _parse_csv, "json": _parse_json, "xlsx": _parse_xlsx}[fmt]
    return parser(data, catalog)


def read_team(path: Path | str, catalog: Catalog | None = None) -> Team:
    """Read a team file (CSV, JSON or XLSX) from disk."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        raise TeamImportError("err_no_file", path=str(path)) from None
    if size > MAX_UPLOAD_BYTES:
        raise TeamImportError(
            "err_too_big", size_mb=round(size / 2**20, 1), limit_mb=MAX_UPLOAD_BYTES // 2**20
        )
    return parse_team(path.read_bytes(), path.name, catalog).team


# ---------------------------------------------------------------- writing


def _cost_cell(member: Member) -> float | int | None:
    cost = member.monthly_cost
    return int(cost) if cost is not None and cost.is_integer() else cost


def team_rows(team: Team, catalog: Catalog) -> tuple[list[str], list[list[object]]]:
    header = [*BASE_COLUMNS, *catalog.skill_ids, COST_COLUMN]
    rows = [
        [m.name, m.role, m.fte, *(m.level(s) for s in catalog.skill_ids), _cost_cell(m)]
        for m in team.members
    ]
    return header, rows


def team_to_bytes(
    team: Team, fmt: str, catalog: Catalog | None = None, plan: Plan | None = None
) -> bytes:
    """Serialise a team as CSV, XLSX, or JSON (the whole plan when one is given)."""
    catalog = catalog or load_catalog()
    if fmt == "json":
        whole = (plan or Plan()).model_copy(update={"team": team})
        return plan_to_json(whole, indent=2).encode("utf-8")
    header, rows = team_rows(team, catalog)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([csv_cell(v) for v in row] for row in rows)
        return buffer.getvalue().encode("utf-8")
    if fmt == "xlsx":
        return _xlsx_bytes(header, rows)
    raise ValueError(f"unknown format {fmt!r}")


def _xlsx_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "team"
    for r, values in enumerate([header, *rows], start=1):
        for c, value in enumerate(values, start=1):
            if isinstance(value, str):
                # Imports refuse these now; a team saved before that must still export.
                value = _XML_ILLEGAL.sub("\ufffd", value)
            cell = sheet.cell(row=r, column=c, value=value)
            # A name like "=1+1" must stay text, never become a formula.
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
