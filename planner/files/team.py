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
from pathlib import Path

from planner.catalog import Catalog, load_catalog
from planner.domain import (
    Member,
    Plan,
    Team,
    plan_to_json,
)
from planner.files.cells import csv_cell
from planner.files.delimited import parse_csv
from planner.files.errors import ImportResult, TeamImportError
from planner.files.limits import BASE_COLUMNS, COST_COLUMN, FORMATS, MAX_UPLOAD_BYTES
from planner.files.plan_json import parse_json
from planner.files.xlsx import parse_xlsx, xlsx_bytes


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
    parser = {"csv": parse_csv, "json": parse_json, "xlsx": parse_xlsx}[fmt]
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
        return xlsx_bytes(header, rows)
    raise ValueError(f"unknown format {fmt!r}")
