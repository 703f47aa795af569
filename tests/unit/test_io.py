"""Team import/export: every bad input gets a clear message; good data round-trips."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.domain import Member, Plan, Team
from planner.io import (
    MAX_UPLOAD_BYTES,
    RowErrors,
    TeamImportError,
    parse_team,
    read_team,
    team_to_bytes,
)

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
