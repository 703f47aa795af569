"""Rows to a team: the header mapped to skills, every row validated, all the
problems reported at once."""

from __future__ import annotations

from collections.abc import Callable
from itertools import islice

from pydantic import ValidationError

from planner.catalog import Catalog
from planner.domain import (
    MAX_NAME_LEN,
    Member,
    Team,
    first_error,
)
from planner.files.cells import cell_text, control_char, parse_cost, parse_fte, parse_level
from planner.files.errors import ImportResult, TeamImportError, escaped_params
from planner.files.limits import (
    BASE_COLUMNS,
    COST_COLUMN,
    MAX_COLUMNS,
    MAX_ERRORS_SHOWN,
    MAX_MEMBERS,
)
from planner.i18n import t

# ---------------------------------------------------------------- rows -> team


def within_columns(header: list) -> list:
    """The header cut to MAX_COLUMNS, or a refusal when a column past that has a name
    (empty trailing cells are common: spreadsheets write them)."""
    if len(header) <= MAX_COLUMNS:
        return header
    if any(cell_text(h) for h in islice(header, MAX_COLUMNS, None)):
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
    header = within_columns(header)
    columns = [cell_text(h) for h in header]
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
        if all(cell_text(v) == "" for v in row):
            continue  # blank lines are not members
        name = cell_text(cell(row, lower_index.get("name")))
        role = cell_text(cell(row, lower_index.get("role")))
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
            t(key, lang, **escaped_params(params, escape))
            for key, params in self.items[:MAX_ERRORS_SHOWN]
        ]
        more = len(self.items) - len(shown)
        details = "\n".join(f"- {line}" for line in shown)
        if more:
            details += "\n- " + t("err_more", lang, count=more)
        return t("err_rows", lang, count=len(self.items), details=details)
