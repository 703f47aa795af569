"""XLSX, bounded: the zip and its XML parts are counted before openpyxl opens
the workbook (the zip-bomb guard), and a team written as a one-sheet workbook."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

from planner.catalog import Catalog
from planner.files.cells import XML_ILLEGAL
from planner.files.errors import ImportResult, TeamImportError
from planner.files.limits import (
    EXCEL_MAX_ROW,
    MAX_COLUMNS,
    MAX_MEMBERS,
    MAX_XLSX_BYTES,
    MAX_XLSX_CELLS,
    MAX_XLSX_OTHER,
    MAX_XLSX_PART_BYTES,
    MAX_XLSX_PARTS,
    MAX_XLSX_ROWS,
    MAX_XLSX_SHEETS,
)
from planner.files.rows import team_from_rows

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


def xlsx_limits() -> TeamImportError:
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
        raise xlsx_limits()
    sizes = [info.file_size for info in infos]
    if max(sizes, default=0) > MAX_XLSX_PART_BYTES or sum(sizes) > MAX_XLSX_BYTES:
        raise xlsx_limits()
    counts = dict.fromkeys(["other", *_TAGS], 0)
    for info in infos:
        _check_xml_part(_part_bytes(data, info), counts)
    if (
        counts["cells"] > MAX_XLSX_CELLS
        or counts["rows"] > MAX_XLSX_ROWS
        or counts["sheets"] > MAX_XLSX_SHEETS
        or counts["other"] > MAX_XLSX_OTHER
    ):
        raise xlsx_limits()


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
                raise xlsx_limits()
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


def parse_xlsx(data: bytes, catalog: Catalog) -> ImportResult:
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


def xlsx_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "team"
    for r, values in enumerate([header, *rows], start=1):
        for c, value in enumerate(values, start=1):
            if isinstance(value, str):
                # Imports refuse these now; a team saved before that must still export.
                value = XML_ILLEGAL.sub("\ufffd", value)
            cell = sheet.cell(row=r, column=c, value=value)
            # A name like "=1+1" must stay text, never become a formula.
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
