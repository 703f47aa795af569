"""Team import/export: every bad input gets a clear message; good data round-trips."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.domain import Member, Plan, Team
from planner.files import (
    MAX_UPLOAD_BYTES,
    RowErrors,
    TeamImportError,
    csv_cell,
    csv_uncell,
    json_shape,
    parse_team,
    read_team,
    team_to_bytes,
)
from planner.store import PlanImportError, parse_plan_json

HEADER = "name,role,fte,research.alignment,data.quality\n"


def csv_bytes(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode("utf-8")


@pytest.mark.parametrize(
    ("data", "filename", "key", "fragment_en", "fragment_zh"),
    [
        (
            csv_bytes(",CTO,1,3,3"),
            "t.csv",
            "err_rows",
            "Row 2: the name is missing",
            "第 2 行：缺少姓名",
        ),
        (
            csv_bytes("Ann,CTO,1,7,3"),
            "t.csv",
            "err_rows",
            'Row 2, column research.alignment: level "7"',
            "等级 “7”",
        ),
        (csv_bytes("Ann,CTO,1,abc,3"), "t.csv", "err_rows", 'level "abc"', "“abc”"),
        (csv_bytes("Ann,CTO,1,2.5,3"), "t.csv", "err_rows", 'level "2.5"', "“2.5”"),
        (csv_bytes("Ann,CTO,0,3,3"), "t.csv", "err_rows", 'Row 2: FTE "0"', "FTE “0”"),
        (csv_bytes("Ann,CTO,3,3,3"), "t.csv", "err_rows", 'FTE "3"', "FTE “3”"),
        (
            csv_bytes("Ann,CTO,1,3,3", "ann,CEO,1,1,1"),
            "t.csv",
            "err_rows",
            'Row 3: the name "ann" already appears in row 2',
            "已在第 2 行出现",
        ),
        (b"", "t.csv", "err_empty", "The file is empty", "文件为空"),
        (b"   \n\n", "t.csv", "err_empty", "The file is empty", "文件为空"),
        (HEADER.encode(), "t.csv", "err_no_members", "no members", "没有成员"),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
            "t.csv",
            "err_binary",
            "not a text file",
            "不是文本文件",
        ),
        ("name;fte\nÄnne;1\n".encode("latin-1"), "t.csv", "err_encoding", "not UTF-8", "UTF-8"),
        (b"role,fte\nCTO,1\n", "t.csv", "err_no_name_column", 'no "name" column', "缺少 “name” 列"),
        (b"PK\x03\x04 not really a zip", "t.xlsx", "err_xlsx", "not a readable Excel", "Excel"),
        (b"{not json", "t.json", "err_json", "not valid JSON (line 1", "不是有效的 JSON"),
        (
            b'{"schema": 99, "team": []}',
            "t.json",
            "err_schema",
            "newer version (schema 99)",
            "schema 99",
        ),
        (b'{"schema": 1, "team": "Ann"}', "t.json", "err_json_shape", '"team" list', "team"),
        (b"x", "team.txt", "err_format", "Files of type .txt are not supported", ".txt"),
    ],
)
def test_bad_input_gets_a_clear_message_in_both_languages(
    data, filename, key, fragment_en, fragment_zh, catalog
):
    with pytest.raises(TeamImportError) as info:
        parse_team(data, filename, catalog)
    assert info.value.key == key
    assert fragment_en in info.value.message("en")
    assert fragment_zh in info.value.message("zh")


def test_all_row_problems_are_reported_together(catalog):
    with pytest.raises(RowErrors) as info:
        parse_team(csv_bytes(",x,1,1,1", "Bo,x,5,1,1", "Cy,x,1,9,1"), "t.csv", catalog)
    assert len(info.value.items) == 3
    assert "3 problems" in info.value.message("en")


def test_a_50_mb_upload_is_refused_before_parsing(catalog):
    big = HEADER.encode() + b"a" * (50 * 1024 * 1024)
    with pytest.raises(TeamImportError) as info:
        parse_team(big, "big.csv", catalog)
    assert info.value.key == "err_too_big"
    assert "50.0 MB" in info.value.message("en") and "5 MB" in info.value.message("en")
    assert len(big) > MAX_UPLOAD_BYTES


def test_unknown_skill_columns_are_ignored_with_a_warning(catalog):
    data = b"name,fte,research.alignment,research.telepathy,favourite_colour\nAnn,1,4,5,blue\n"
    result = parse_team(data, "t.csv", catalog)
    assert result.team.members[0].skills == {"research.alignment": 4}
    [(key, params)] = result.warnings
    assert key == "warn_unknown_columns"
    assert params["columns"] == "research.telepathy, favourite_colour"
    assert "favourite_colour" in result.warning_texts("zh")[0]


def test_blank_cells_mean_level_zero_and_full_time(catalog):
    team = parse_team(b"name,role,fte,research.alignment\nAnn,,,\n\n", "t.csv", catalog).team
    assert team.members == (Member(name="Ann", role="", fte=1.0, skills={}),)


def test_semicolon_csv_from_a_european_excel_is_read(catalog):
    data = "name;role;fte;research.alignment\nAnn;CTO;0,5;4\n".replace("0,5", "1").encode()
    assert parse_team(data, "t.csv", catalog).team.members[0].level("research.alignment") == 4


def test_read_team_reports_a_missing_file(tmp_path):
    with pytest.raises(TeamImportError, match="No such file"):
        read_team(tmp_path / "nope.csv")


def test_plan_json_carries_the_whole_plan(catalog, sample_team):
    plan = Plan(
        name="Seed round", business_model="platform", team=sample_team, lang="zh", notes="先做平台"
    )
    result = parse_team(team_to_bytes(sample_team, "json", catalog, plan), "p.json", catalog)
    assert result.team == sample_team
    assert result.plan is not None
    assert (result.plan.name, result.plan.business_model, result.plan.lang, result.plan.notes) == (
        "Seed round",
        "platform",
        "zh",
        "先做平台",
    )
    raw = json.loads(team_to_bytes(sample_team, "json", catalog, plan))
    assert raw["schema"] == 1 and isinstance(raw["team"], list)
    assert set(raw["team"][0]) == {"name", "role", "fte", "skills"}


HOSTILE = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    '"; DROP TABLE plans; --',
    "O'Brien, Jr.",
    "王小明",
    "Zoë 🚀 Ünal",
    '=HYPERLINK("http://x")',
    "line\u2028sep",
]


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_hostile_names_round_trip_through_every_format(fmt, catalog):
    team = Team(
        members=tuple(
            Member(name=n, role=f'role {i}, "quoted"', fte=0.5, skills={"data.quality": i % 6})
            for i, n in enumerate(HOSTILE)
        )
    )
    assert parse_team(team_to_bytes(team, fmt, catalog), f"t.{fmt}", catalog).team == team


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_sample_team_round_trips(fmt, catalog, sample_team):
    data = team_to_bytes(sample_team, fmt, catalog)
    assert parse_team(data, f"team.{fmt}", catalog).team == sample_team


names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30
).filter(lambda s: s.strip() == s and s.strip() != "")
team_strategy = st.lists(
    st.builds(
        lambda name, fte, lv: Member(
            name=name, fte=fte, skills={"research.alignment": lv, "market.sales": 5 - lv}
        ),
        names,
        st.sampled_from([0.1, 0.5, 0.75, 1.0]),
        st.integers(0, 5),
    ),
    min_size=1,
    max_size=6,
    unique_by=lambda m: m.name.casefold(),
).map(lambda ms: Team(members=tuple(ms)))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(team=team_strategy, fmt=st.sampled_from(["csv", "json", "xlsx"]))
def test_any_team_round_trips(team, fmt, catalog):
    assert parse_team(team_to_bytes(team, fmt, catalog), f"t.{fmt}", catalog).team == team


def test_a_semicolon_inside_a_quoted_name_keeps_the_comma_dialect(catalog):
    team = Team(
        members=(
            Member(name='"; DROP TABLE plans; --', skills={"data.quality": 2}),
            Member(name="a;b;c", role="x;y"),
        )
    )
    data = team_to_bytes(team, "csv", catalog)
    assert parse_team(data, "t.csv", catalog).team == team


# ---------------------------------------------------------------- CSV injection

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+49 30 123", "'+49 30 123"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=x", "''=x"),  # already quoted: one more quote, so import gives it back
        ("'plain", "'plain"),
        ("a=b", "a=b"),
        ("", ""),
        (3, 3),
        (0.5, 0.5),
    ],
)
def test_csv_cells_a_spreadsheet_would_run_get_a_leading_quote(value, written):
    assert csv_cell(value) == written
    if isinstance(value, str):
        assert csv_uncell(written) == value


@settings(max_examples=200, deadline=None)
@given(text=st.text())
def test_the_csv_guard_is_undone_exactly(text):
    guarded = csv_cell(text)
    assert not guarded.startswith(TRIGGERS)
    assert csv_uncell(guarded) == text


def test_the_team_csv_neutralises_formulas_and_reads_them_back(catalog):
    team = Team(
        members=(
            Member(name="=1+1", role="@admin"),
            Member(name="-Dash", role="+plus"),
            Member(name="'=quoted"),
            Member(name="O'Brien"),
        )
    )
    data = team_to_bytes(team, "csv", catalog)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert [row[:2] for row in rows[1:]] == [
        ["'=1+1", "'@admin"],
        ["'-Dash", "'+plus"],
        ["''=quoted", ""],
        ["O'Brien", ""],
    ]
    assert not any(cell.startswith(TRIGGERS) for row in rows for cell in row)
    assert parse_team(data, "t.csv", catalog).team == team


def test_the_coverage_csv_neutralises_formulas(catalog):
    from planner.export import coverage_csv
    from planner.scoring import (
        analyze,
    )

    name = "=cmd|' /C calc'!A0"
    team = Team(members=(Member(name=name, skills=dict.fromkeys(catalog.skill_ids, 5)),))
    report = analyze(team, catalog.business_models["product"])
    rows = list(
        csv.DictReader(io.StringIO(coverage_csv(report, catalog, "en").decode("utf-8-sig")))
    )
    assert rows and all(row["expert_names"] == "'" + name for row in rows)
    assert not any(cell.startswith(TRIGGERS) for row in rows for cell in row.values())


# ---------------------------------------------------------------- control characters


def _one_member_file(fmt: str, name: str) -> bytes:
    if fmt == "csv":
        return f"name,data.quality\n{name},1\n".encode("utf-8", "surrogatepass")
    if fmt == "json":
        return json.dumps([{"name": name, "skills": {"data.quality": 1}}]).encode()
    import openpyxl  # written by hand: team_to_bytes would not write such a name

    book = openpyxl.Workbook()
    book.active.append(["name", "data.quality"])
    book.active.append([name, 1])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("fmt", "name", "key"),
    [
        ("csv", "A\x0fB", "err_rows"),
        ("csv", "Tab\there", "err_rows"),
        ("csv", "A\x85B", "err_rows"),
        ("csv", "A\x00B", "err_binary"),  # a NUL byte: not a text file at all
        ("csv", "A\ud800B", "err_encoding"),  # a lone surrogate is not UTF-8
        ("json", "A\x0fB", "err_rows"),
        ("json", "A\x00B", "err_rows"),
        ("json", "Tab\there", "err_rows"),
        ("json", "A\ud800B", "err_rows"),  # "\ud800" in JSON text is one
        ("xlsx", "Tab\there", "err_rows"),
        ("xlsx", "A\x85B", "err_rows"),
    ],
)
def test_a_name_with_a_control_character_is_refused(fmt, name, key, catalog):
    with pytest.raises(TeamImportError) as refused:
        parse_team(_one_member_file(fmt, name), f"t.{fmt}", catalog)
    assert refused.value.key == key
    if key == "err_rows":
        row = 1 if fmt == "json" else 2  # JSON members count from 1, sheet rows from 2
        assert f"Row {row}: the name or role contains an invisible control character" in (
            refused.value.message("en")
        )
        assert "控制字符" in refused.value.message("zh")


def test_the_plan_importer_refuses_a_control_character_in_a_name():
    plan = {"schema": 1, "team": [{"name": "A\x0fB"}]}
    with pytest.raises(PlanImportError) as refused:
        parse_plan_json(json.dumps(plan))
    assert refused.value.key == "err_plan_control"
    assert "team.0" in refused.value.message("en") and "U+000F" in refused.value.message("zh")


def test_a_team_saved_with_a_control_character_still_exports_to_xlsx(catalog):
    team = Team(members=(Member(name="A\x0fB", role="x\x01"),))
    data = team_to_bytes(team, "xlsx", catalog)
    assert parse_team(data, "t.xlsx", catalog).team.names() == ["A\ufffdB"]


# ---------------------------------------------------------------- bounded readers


def test_a_csv_with_bare_carriage_returns_is_read(catalog):
    team = parse_team(b"name,data.quality\rAnn,3\rBo,2\r", "t.csv", catalog).team
    assert team.names() == ["Ann", "Bo"]


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (b"name\n" + b"a" * 200_000 + b"\n", "err_csv_field"),
        (b"name,role\n" + b"a" * 5000 + b"\x00,b\n", "err_binary"),
        (b"name" + b",x" * 600 + b"\n", "err_too_many_columns"),
        (b"name\n" + b"a\n" * 2001 + b"\n" * 10, "err_members_over_limit"),
    ],
    ids=["long-field", "nul-late", "wide", "members"],
)
def test_csv_bounds(data, key, catalog):
    with pytest.raises(TeamImportError) as refused:
        parse_team(data, "t.csv", catalog)
    assert refused.value.key == key
    assert refused.value.message("zh") != refused.value.message("en")


def test_a_csv_header_with_empty_trailing_columns_is_read(catalog):
    data = b"name" + b"," * 5000 + b"\nAnn\n"
    assert parse_team(data, "t.csv", catalog).team.names() == ["Ann"]


def test_blank_csv_lines_keep_the_row_numbers_of_errors(catalog):
    with pytest.raises(RowErrors) as refused:
        parse_team(b"name,fte\n\n\nAnn,7\n", "t.csv", catalog)
    assert "Row 4" in refused.value.message("en")


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (b"[" * 40 + b"]" * 40, "err_json_deep"),
        (b'[{"name": "a", "fte": ' + b"9" * 5000 + b"}]", "err_json_number"),
        (b"[" + b"{}," * 60_000 + b"{}]", "err_json_containers"),
        (b"[" + b'{"name": "a"},' * 2001 + b'{"name": "b"}]', "err_too_many_members"),
        (b'{"schema": "x", "team": [{"name": "a"}]}', "err_plan_field"),
        (b'{"team": [{"name": "a"}], "surprise": 1}', "err_plan_field"),
    ],
    ids=["deep", "long-number", "containers", "members", "schema-text", "unknown-key"],
)
def test_json_bounds(data, key, catalog):
    with pytest.raises(TeamImportError) as refused:
        parse_team(data, "t.json", catalog)
    assert refused.value.key == key
    assert refused.value.message("zh") != refused.value.message("en")


def test_unknown_json_skill_keys_are_not_columns(catalog):
    """A new skill key per member once padded every row to every key (quadratic)."""
    team = [{"name": f"m{i}", "skills": {f"x{i}": 1, "data.quality": 2}} for i in range(2000)]
    result = parse_team(json.dumps(team).encode(), "t.json", catalog)
    assert len(result.team) == 2000
    assert result.team.members[0].skills == {"data.quality": 2}
    [(key, params)] = result.warnings
    assert key == "warn_unknown_columns"
    assert params["columns"].split(", ") == [f"x{i}" for i in range(10)]


def test_json_depth_skips_brackets_inside_strings():
    assert json_shape('{"a": "[[[\\"{", "b": [[1], {}]}') == (3, 4)
    assert json_shape('"unterminated [[[') == (0, 0)


def _sheet(rows: str, dimension: str) -> bytes:
    from tests.support.hostile_files import sample_files, sheet_xml, with_sheet

    xml = sheet_xml(rows.encode(), f'<dimension ref="{dimension}"/>'.encode())
    return with_sheet(sample_files()["xlsx"][0], xml)


def _row(r: int, *cells: str) -> str:
    inner = "".join(
        f'<c r="{chr(65 + i)}{r}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(cells)
    )
    return f'<row r="{r}">{inner}</row>'


def test_xlsx_rows_past_the_declared_dimension_are_read(catalog):
    rows = _row(1, "name", "data.quality") + "".join(_row(r, f"m{r}", "2") for r in range(2, 52))
    team = parse_team(_sheet(rows, "A1:B3"), "t.xlsx", catalog).team
    assert len(team) == 50


def test_an_xlsx_dimension_of_the_whole_sheet_allocates_nothing(catalog):
    rows = _row(1, "name") + _row(2, "Ann")
    team = parse_team(_sheet(rows, "A1:XFD1048576"), "t.xlsx", catalog).team
    assert team.names() == ["Ann"]


def test_xlsx_errors_name_the_sheet_row(catalog):
    rows = _row(1, "name", "fte") + _row(5, "Ann", "7")
    with pytest.raises(RowErrors) as refused:
        parse_team(_sheet(rows, "A1:B2"), "t.xlsx", catalog)
    assert "Row 5" in refused.value.message("en")


def _laughs(encoding: str) -> bytes:
    entities = "".join(f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, 6))
    xml = (
        f'<?xml version="1.0" encoding="{encoding}"?>'
        f'<!DOCTYPE sst [<!ENTITY e0 "{"x" * 100}">{entities}]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<si><t>&e5;</t></si></sst>"
    )
    if encoding == "cp037":  # EBCDIC: the declaration must be readable before it applies
        declaration, rest = xml.split("?>", 1)
        return (declaration + "?>").encode() + rest.encode(encoding)
    return xml.encode("utf-16" if encoding == "UTF-16" else encoding)


@pytest.mark.parametrize("encoding", ["UTF-8", "UTF-16", "cp037"])
def test_xlsx_entities_are_refused_in_any_encoding(encoding, catalog):
    from tests.support.hostile_files import add_part, sample_files

    data = add_part(sample_files()["xlsx"][0], "xl/sharedStrings.xml", _laughs(encoding))
    with pytest.raises(TeamImportError) as refused:
        parse_team(data, "t.xlsx", catalog)
    assert refused.value.key == "err_xlsx_unsafe"
    assert "DOCTYPE" in refused.value.message("zh")


def test_a_zip_part_longer_than_it_declares_is_refused(catalog):
    """zipfile inflates a whole stream and cuts it to the declared size afterwards: a part
    that declares 10 kB could expand to gigabytes first."""
    from tests.support.hostile_files import sample_files, zip_bomb_xlsx

    data = zip_bomb_xlsx(sample_files()["xlsx"][0], chunks=5, lie=True)
    with pytest.raises(TeamImportError) as refused:
        parse_team(data, "t.xlsx", catalog)
    assert refused.value.key == "err_xlsx"
