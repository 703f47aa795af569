"""JSON, bounded: depth and containers counted before json.loads, then a plan's
fields validated with the values each may hold."""

from __future__ import annotations

import json
import re
from itertools import accumulate, repeat

from pydantic import ValidationError

from planner.catalog import Catalog
from planner.domain import (
    PLAN_SCHEMA,
    BusinessModel,
    Member,
    Plan,
    Team,
    first_error,
)
from planner.files.cells import control_char
from planner.files.delimited import decode_text
from planner.files.errors import ImportResult, PlanFieldError, TeamImportError
from planner.files.limits import (
    COST_COLUMN,
    MAX_CUSTOM_MODELS,
    MAX_FIELD_VALUES,
    MAX_ITEM_VALUES,
    MAX_JSON_CONTAINERS,
    MAX_JSON_DEPTH,
    MAX_MEMBERS,
)
from planner.files.rows import team_from_rows

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


def parse_json(data: bytes, catalog: Catalog) -> ImportResult:
    try:
        raw = load_json(decode_text(data))
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
