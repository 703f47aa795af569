"""Team and plan import/export: CSV (wide), JSON (plan) and XLSX, validated.

Import never raises anything but TeamImportError, whose message exists in both
languages and names the row and column at fault; unknown skill columns are
ignored with a warning. What `team_to_bytes` writes, `parse_team` reads back to
the same team.
"""

from __future__ import annotations

import csv
import io
import json
import math
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from planner.catalog import Catalog, load_catalog
from planner.domain import (
    LEVEL_MAX,
    LEVEL_MIN,
    MAX_NAME_LEN,
    PLAN_SCHEMA,
    Member,
    Plan,
    Team,
    first_error,
)
from planner.i18n import t

FORMATS = ("csv", "json", "xlsx")
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_MEMBERS = 2000
MAX_ERRORS_SHOWN = 8
BASE_COLUMNS = ("name", "role", "fte")
MIME = {
    "csv": "text/csv",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


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


def _cell_text(raw: object) -> str:
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return ""
    return str(raw).strip()


# ---------------------------------------------------------------- rows -> team


def team_from_rows(
    header: list[str], rows: list[list[object]], catalog: Catalog, first_row: int = 2
) -> ImportResult:
    """Validate wide rows (name, role, fte, <skill id>...) into a team."""
    columns = [_cell_text(h) for h in header]
    lowered = [c.lower() for c in columns]
    if "name" not in lowered:
        raise TeamImportError("err_no_name_column")
    warnings: list[tuple[str, dict]] = []
    known = set(catalog.skill_ids)
    unknown = [c for c in columns if c and c.lower() not in BASE_COLUMNS and c not in known]
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

    for offset, row in enumerate(rows):
        line = first_row + offset
        if all(_cell_text(v) == "" for v in row):
            continue  # blank lines are not members
        name = _cell_text(cell(row, lower_index.get("name")))
        role = _cell_text(cell(row, lower_index.get("role")))
        row_errors: list[tuple[str, dict]] = []
        if not name:
            row_errors.append(("err_row_no_name", {"row": line}))
        elif len(name) > MAX_NAME_LEN or len(role) > MAX_NAME_LEN:
            row_errors.append(("err_row_too_long", {"row": line, "limit": MAX_NAME_LEN}))
        elif name.casefold() in seen:
            row_errors.append(
                ("err_row_duplicate", {"row": line, "name": name, "first": seen[name.casefold()]})
            )
        try:
            fte = parse_fte(cell(row, lower_index.get("fte")))
        except ValueError as exc:
            row_errors.append(("err_row_fte", {"row": line, "value": str(exc)[:20]}))
            fte = 1.0
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
        seen[name.casefold()] = line
        members.append(Member(name=name, role=role, fte=fte, skills=levels))

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
    if b"\x00" in data[:4096]:
        raise TeamImportError("err_binary")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TeamImportError("err_encoding") from None


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    """Comma unless the header only makes sense split otherwise (a European
    Excel writes ';'). The header decides, not the data: a name such as
    '"; DROP TABLE' must not turn a comma file into a semicolon one."""
    header = next(csv.reader(io.StringIO(text.split("\n", 1)[0])), [])
    if "name" in (h.strip().lower() for h in header):
        return csv.excel
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _parse_csv(data: bytes, catalog: Catalog) -> ImportResult:
    text = _decode_text(data)
    rows = list(csv.reader(io.StringIO(text), _dialect(text)))
    if not rows:
        raise TeamImportError("err_empty")
    return team_from_rows(rows[0], rows[1:], catalog)


def _parse_xlsx(data: bytes, catalog: Catalog) -> ImportResult:
    import openpyxl  # only imports pay for it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise TeamImportError("err_xlsx") from None
    sheet = book["team"] if "team" in book.sheetnames else book.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    book.close()
    if not rows or all(v is None for v in rows[0]):
        raise TeamImportError("err_empty")
    return team_from_rows(list(rows[0]), rows[1:], catalog)


def _member_rows(raw_team: object) -> tuple[list[str], list[list[object]]]:
    if not isinstance(raw_team, list):
        raise TeamImportError("err_json_shape")
    header = ["name", "role", "fte"]
    rows: list[list[object]] = []
    skill_cols: dict[str, int] = {}
    for item in raw_team:
        if not isinstance(item, dict):
            raise TeamImportError("err_json_shape")
        skills = item.get("skills") or {}
        if not isinstance(skills, dict):
            raise TeamImportError("err_json_shape")
        row: list[object] = [item.get("name"), item.get("role", ""), item.get("fte", 1)]
        for skill_id, level in skills.items():
            if skill_id not in skill_cols:
                skill_cols[skill_id] = len(header)
                header.append(skill_id)
            row += [None] * (len(header) - len(row))
            row[skill_cols[skill_id]] = level
        rows.append(row)
    return header, [r + [None] * (len(header) - len(r)) for r in rows]


def _parse_json(data: bytes, catalog: Catalog) -> ImportResult:
    try:
        raw = json.loads(_decode_text(data))
    except json.JSONDecodeError as exc:
        raise TeamImportError("err_json", line=exc.lineno, column=exc.colno) from None
    if isinstance(raw, dict) and raw.get("schema", PLAN_SCHEMA) > PLAN_SCHEMA:
        raise TeamImportError("err_schema", found=raw.get("schema"), supported=PLAN_SCHEMA)
    members = raw.get("team") if isinstance(raw, dict) else raw
    result = team_from_rows(*_member_rows(members), catalog, first_row=1)
    if isinstance(raw, dict):
        try:
            result.plan = Plan.model_validate({**raw, "team": result.team.members})
        except ValidationError as exc:
            where, problem = first_error(exc)
            raise TeamImportError("err_plan_field", field=where, problem=problem) from None
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


def team_rows(team: Team, catalog: Catalog) -> tuple[list[str], list[list[object]]]:
    header = [*BASE_COLUMNS, *catalog.skill_ids]
    rows = [[m.name, m.role, m.fte, *(m.level(s) for s in catalog.skill_ids)] for m in team.members]
    return header, rows


def plan_to_json(plan: Plan) -> bytes:
    return json.dumps(
        plan.model_dump(by_alias=True, mode="json"), ensure_ascii=False, indent=2
    ).encode("utf-8")


def team_to_bytes(
    team: Team, fmt: str, catalog: Catalog | None = None, plan: Plan | None = None
) -> bytes:
    """Serialise a team as CSV, XLSX, or JSON (the whole plan when one is given)."""
    catalog = catalog or load_catalog()
    if fmt == "json":
        return plan_to_json((plan or Plan()).model_copy(update={"team": team}))
    header, rows = team_rows(team, catalog)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
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
            cell = sheet.cell(row=r, column=c, value=value)
            # A name like "=1+1" must stay text, never become a formula.
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
