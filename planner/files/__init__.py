"""Files in and out: team CSV, XLSX and plan JSON, validated and bounded (every file
is untrusted), and safe download names.

- `team`: `parse_team` / `read_team` (any format) and `team_to_bytes`;
- `cells`, `rows`: one cell, and rows to a team; `delimited`, `xlsx`, `plan_json`: the formats;
- `limits`: the formats, their columns and every bound; `errors`: what a refused file raises;
- `naming`: file names safe on every file system.

Not named `io`: that would shadow the standard library's module of that name.
"""

from planner.files.cells import (
    XML_ILLEGAL,
    cell_text,
    control_char,
    csv_cell,
    csv_uncell,
    parse_cost,
    parse_fte,
    parse_level,
)
from planner.files.delimited import (
    decode_text,
    parse_csv,
)
from planner.files.errors import (
    ImportResult,
    PlanFieldError,
    TeamImportError,
    escaped_params,
)
from planner.files.limits import (
    BASE_COLUMNS,
    COST_COLUMN,
    EXCEL_MAX_ROW,
    FORMATS,
    MAX_COLUMNS,
    MAX_CUSTOM_MODELS,
    MAX_ERRORS_SHOWN,
    MAX_FIELD_VALUES,
    MAX_ITEM_VALUES,
    MAX_JSON_CONTAINERS,
    MAX_JSON_DEPTH,
    MAX_MEMBERS,
    MAX_UPLOAD_BYTES,
    MAX_XLSX_BYTES,
    MAX_XLSX_CELLS,
    MAX_XLSX_OTHER,
    MAX_XLSX_PART_BYTES,
    MAX_XLSX_PARTS,
    MAX_XLSX_ROWS,
    MAX_XLSX_SHEETS,
    MIME,
)
from planner.files.naming import (
    MAX_STEM,
    safe_filename,
)
from planner.files.plan_json import (
    json_shape,
    load_json,
    parse_json,
    plan_from_data,
)
from planner.files.rows import (
    RowErrors,
    team_from_rows,
    within_columns,
)
from planner.files.team import (
    detect_format,
    parse_team,
    read_team,
    team_rows,
    team_to_bytes,
)
from planner.files.xlsx import (
    parse_xlsx,
    xlsx_bytes,
    xlsx_limits,
)

__all__ = [
    "BASE_COLUMNS",
    "COST_COLUMN",
    "EXCEL_MAX_ROW",
    "FORMATS",
    "MAX_COLUMNS",
    "MAX_CUSTOM_MODELS",
    "MAX_ERRORS_SHOWN",
    "MAX_FIELD_VALUES",
    "MAX_ITEM_VALUES",
    "MAX_JSON_CONTAINERS",
    "MAX_JSON_DEPTH",
    "MAX_MEMBERS",
    "MAX_STEM",
    "MAX_UPLOAD_BYTES",
    "MAX_XLSX_BYTES",
    "MAX_XLSX_CELLS",
    "MAX_XLSX_OTHER",
    "MAX_XLSX_PARTS",
    "MAX_XLSX_PART_BYTES",
    "MAX_XLSX_ROWS",
    "MAX_XLSX_SHEETS",
    "MIME",
    "XML_ILLEGAL",
    "ImportResult",
    "PlanFieldError",
    "RowErrors",
    "TeamImportError",
    "cell_text",
    "control_char",
    "csv_cell",
    "csv_uncell",
    "decode_text",
    "detect_format",
    "escaped_params",
    "json_shape",
    "load_json",
    "parse_cost",
    "parse_csv",
    "parse_fte",
    "parse_json",
    "parse_level",
    "parse_team",
    "parse_xlsx",
    "plan_from_data",
    "read_team",
    "safe_filename",
    "team_from_rows",
    "team_rows",
    "team_to_bytes",
    "within_columns",
    "xlsx_bytes",
    "xlsx_limits",
]
