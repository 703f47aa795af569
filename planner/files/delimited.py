"""CSV (and TSV) text: its encoding and dialect detected, then rows to a team."""

from __future__ import annotations

import csv
import io

from planner.catalog import Catalog
from planner.files.cells import csv_uncell
from planner.files.errors import ImportResult, TeamImportError
from planner.files.limits import MAX_MEMBERS
from planner.files.rows import team_from_rows, within_columns

# ---------------------------------------------------------------- formats


def decode_text(data: bytes) -> str:
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


def parse_csv(data: bytes, catalog: Catalog) -> ImportResult:
    text = decode_text(data)
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
                header = [csv_uncell(cell) for cell in within_columns(record)]
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
