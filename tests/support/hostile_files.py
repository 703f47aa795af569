"""Hostile and malformed import files, shared by the fuzz tests and bench/fuzz.py.

Two kinds: the files a reliability audit found (a 5.6 KB workbook whose
`<dimension>` claims the whole sheet, a JSON team with a distinct skill key per
member, a zip bomb) rebuilt byte for byte in shape, and seeded mutations of valid
files for fuzzing. Everything here is plain Python (no pytest), so the bench can
import it too.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHEET = "xl/worksheets/sheet1.xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

# ---------------------------------------------------------------- valid samples


def sample_files() -> dict[str, list[bytes]]:
    """Valid files per format ('plan' is a whole plan for the plan importer)."""
    from planner.domain import Member, Plan, Team
    from planner.files import read_team, team_to_bytes

    team = read_team(ROOT / "data" / "sample_team.csv")
    odd = Team(
        members=(
            Member(name="=1+1", role="@admin", fte=0.5, skills={"data.quality": 2}),
            Member(name="王小明", role="-", skills={"research.alignment": 5}),
        )
    )
    plan = Plan(name="Seed round", business_model="platform", team=team, lang="zh", notes="先做")
    files: dict[str, list[bytes]] = {}
    for fmt in ("json", "xlsx"):
        files[fmt] = [team_to_bytes(team, fmt), team_to_bytes(odd, fmt)]
    # CSV written plainly (no formula guard), so the corpus is the same before and after it.
    files["csv"] = [_plain_csv(team), _plain_csv(odd)]
    files["json"].append(json.dumps([m.model_dump() for m in team.members]).encode())
    files["plan"] = [team_to_bytes(team, "json", plan=plan), team_to_bytes(odd, "json")]
    return files


def _plain_csv(team) -> bytes:
    from planner.catalog import load_catalog
    from planner.files import team_rows

    header, rows = team_rows(team, load_catalog())
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


# ---------------------------------------------------------------- the audit's three files


def dimension_bomb_xlsx(valid_xlsx: bytes) -> bytes:
    """A valid team workbook whose sheet claims A1:XFD1048576 (16,384 x 1,048,576 cells)."""
    return replace_part(
        valid_xlsx,
        SHEET,
        lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml),
    )


def distinct_skills_json(size: int = 436_000) -> bytes:
    """`[{"skills":{"0":0}},{"skills":{"1":0}},...]` up to about `size` bytes."""
    parts, total, i = [], 2, 0
    while total < size:
        item = f'{{"skills":{{"{i}":0}}}}'
        parts.append(item)
        total += len(item) + 1
        i += 1
    return ("[" + ",".join(parts) + "]").encode()


def distinct_skills_team_json(members: int = 2000, keys_per_member: int = 10) -> bytes:
    """The same trick within the member limit: named members, each with its own unknown
    skill keys (the rows were padded to every key ever seen: members x keys cells)."""
    team = [
        {
            "name": f"m{i}",
            "skills": {f"x{i * keys_per_member + k}": 1 for k in range(keys_per_member)},
        }
        for i in range(members)
    ]
    return json.dumps(team, separators=(",", ":")).encode()


def zip_bomb_xlsx(valid_xlsx: bytes, chunks: int = 380, lie: bool = False) -> bytes:
    """A workbook whose sheet deflates to `chunks` MB of rows (380: a 1.2 MB file holding
    400 MB of XML, 6.5 million rows). With `lie`, the directory declares only the first
    10 kB (with the CRC of those bytes): the shape that slips past a size check alone,
    since zipfile inflates the whole stream before cutting it to the declared size."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<worksheet xmlns="' + MAIN_NS.encode() + b'"><sheetData>'
    )
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c><c><v>3</v></c></row>'
    chunk = row * (2**20 // len(row))
    tail = b"</sheetData></worksheet>"
    # Each piece is deflated alone and ends on a full flush (byte aligned, no back
    # references across pieces), so one compressed chunk can be repeated verbatim.
    body = _deflate(head, final=False) + _deflate(chunk, final=False) * chunks
    body += _deflate(tail, final=True)
    size = len(head) + len(chunk) * chunks + len(tail)
    crc = zlib.crc32(head)
    for _ in range(chunks):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    if lie:
        prefix = (head + chunk)[:10_000]
        size, crc = len(prefix), zlib.crc32(prefix)
    parts = [(info.filename, *_deflated_part(data)) for info, data in _parts(valid_xlsx)]
    parts = [p if p[0] != SHEET else (SHEET, body, crc, size) for p in parts]
    return write_zip(parts)


# ---------------------------------------------------------------- more hostile shapes


def sheet_xml(rows: bytes, dimension: bytes = b"") -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="'
        + MAIN_NS.encode()
        + b'">'
        + dimension
        + b"<sheetData>"
        + rows
        + b"</sheetData></worksheet>"
    )


def with_sheet(valid_xlsx: bytes, xml: bytes) -> bytes:
    return replace_part(valid_xlsx, SHEET, lambda _old: xml)


def member_rows_xml(count: int, first: int = 2) -> bytes:
    """`count` member rows (name and one skill) starting at sheet row `first`."""
    return b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>m%d</t></is></c><c r="B%d"><v>1</v></c>'
        b"</row>" % (r, r, r, r)
        for r in range(first, first + count)
    )


HEADER_ROW = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>data.quality</t></is></c></row>'
)


def _styles_bomb(valid: bytes) -> bytes:
    xfs = (
        b'<cellXfs count="100000">'
        + b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>' * 100_000
        + b"</cellXfs>"
    )
    return replace_part(
        valid, "xl/styles.xml", lambda xml: re.sub(rb"<cellXfs.*?</cellXfs>", xfs, xml, flags=re.S)
    )


def _billion_laughs(valid: bytes) -> bytes:
    entities = b"".join(
        b'<!ENTITY %s "%s">' % (bytes([98 + i]), b"&%s;" % bytes([97 + i]) * 10) for i in range(6)
    )
    strings = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY a "'
        + b"x" * 1000
        + b'">'
        + entities
        + b']><sst xmlns="'
        + MAIN_NS.encode()
        + b'"><si><t>&g;</t></si></sst>'
    )
    return add_part(valid, "xl/sharedStrings.xml", strings)


def _wide_rows(valid: bytes) -> bytes:
    rows = b"".join(b'<row r="%d"><c r="XFD%d" s="0"/></row>' % (r, r) for r in range(1, 20_001))
    return with_sheet(valid, sheet_xml(rows))


def _fit(make: Callable[[int], bytes], limit: int = 990_000) -> bytes:
    """make(n) for about the largest n that stays within limit bytes (items grow slowly
    with n, so a linear estimate from 10,000 items lands a few percent over at most)."""
    n = int(limit / len(make(10_000)) * 10_000)
    while len(data := make(n)) > limit:
        n = int(n * 0.97)
    return data


# name -> (file name, builder from a valid workbook, expected outcome). An outcome is
# "refused:<message key>" ("refused:*": any refusal) or "accepted:<members>". Each of
# these once cost seconds or gigabytes, or would have: the audit's three files first,
# then the shapes found while bounding them.
HOSTILE: dict[str, tuple[str, Callable[[bytes], bytes], str]] = {
    "dimension_bomb.xlsx": ("team.xlsx", dimension_bomb_xlsx, "accepted:7"),
    "distinct_skills.json": (
        "team.json",
        lambda _v: distinct_skills_json(),
        "refused:err_too_many_members",
    ),
    "zip_bomb.xlsx": ("team.xlsx", zip_bomb_xlsx, "refused:err_xlsx_limits"),
    "zip_bomb_lying.xlsx": (
        "team.xlsx",
        lambda v: zip_bomb_xlsx(v, chunks=50, lie=True),
        "refused:err_xlsx",
    ),
    "distinct_skills_2000.json": (
        "team.json",
        lambda _v: distinct_skills_team_json(),
        "accepted:2000",
    ),
    "rows_past_dimension.xlsx": (
        "team.xlsx",
        lambda v: with_sheet(
            v, sheet_xml(HEADER_ROW + member_rows_xml(1500), b'<dimension ref="A1:B8"/>')
        ),
        "accepted:1500",
    ),
    "60000_rows.xlsx": (
        "team.xlsx",
        lambda v: with_sheet(
            v, sheet_xml(HEADER_ROW + member_rows_xml(60_000), b'<dimension ref="A1:B8"/>')
        ),
        "refused:err_xlsx_limits",
    ),
    "million_cells_one_row.xlsx": (
        "team.xlsx",
        lambda v: with_sheet(v, sheet_xml(b"<row>" + b"<c/>" * 1_000_000 + b"</row>")),
        "refused:err_xlsx_limits",
    ),
    "row_index_1e15.xlsx": (
        "team.xlsx",
        lambda v: with_sheet(
            v, sheet_xml(HEADER_ROW + member_rows_xml(2) + b'<row r="1000000000000000"/>')
        ),
        "refused:err_xlsx_limits",
    ),
    "wide_rows.xlsx": ("team.xlsx", _wide_rows, "refused:err_xlsx_limits"),
    "empty_rows.xlsx": (
        "team.xlsx",
        lambda v: with_sheet(v, sheet_xml(HEADER_ROW + b"<row/>" * 1_000_000)),
        "refused:err_xlsx_limits",
    ),
    "styles_bomb.xlsx": ("team.xlsx", _styles_bomb, "refused:err_xlsx_limits"),
    "billion_laughs.xlsx": ("team.xlsx", _billion_laughs, "refused:err_xlsx_unsafe"),
    "many_parts.xlsx": (
        "team.xlsx",
        lambda _v: write_zip([(f"p{i}.xml", *_deflated_part(b"<a/>")) for i in range(50_000)]),
        "refused:err_xlsx_limits",
    ),
    "deep.json": (
        "team.json",
        lambda _v: b"[" * 2_500_000 + b"]" * 2_500_000,
        "refused:err_json_deep",
    ),
    "empty_objects.json": (
        "team.json",
        lambda _v: b"[" + b"{}," * 1_700_000 + b"{}]",
        "refused:err_json_containers",
    ),
    "extra_keys.json": (
        "team.json",
        lambda _v: json.dumps(
            {"team": [{"name": "a"}], **{f"k{i}": 0 for i in range(350_000)}}
        ).encode(),
        "refused:err_plan_field",
    ),
    "huge_int.json": (
        "team.json",
        lambda _v: b'[{"name": "a", "fte": ' + b"9" * 4_000_000 + b"}]",
        "refused:err_json_number",
    ),
    "blank_lines.csv": (
        "team.csv",
        lambda _v: b"name\n" + b"\n" * 5_000_000,
        "refused:err_no_members",
    ),
    "one_column.csv": (
        "team.csv",
        lambda _v: b"name\n" + b"a\n" * 2_500_000,
        "refused:err_members_over_limit",
    ),
    "wide_header.csv": (
        "team.csv",
        lambda _v: b"name" + b"," * 5_000_000 + b"x\n",
        "refused:err_too_many_columns",
    ),
    "long_field.csv": (
        "team.csv",
        lambda _v: b"name\n" + b"a" * 4_000_000 + b"\n",
        "refused:err_csv_field",
    ),
    "sniffer.csv": (
        "team.csv",
        lambda _v: (b'a,"' * 1400 + b"\n") * 3,
        "refused:*",
    ),
    "bare_cr.csv": ("team.csv", lambda _v: b"name\rAnn\r", "accepted:1"),
    "nul.csv": (
        "team.csv",
        lambda _v: b"name,role\n" + b"a" * 5000 + b"\x00,b\n",
        "refused:err_binary",
    ),
}

# Plan-importer inputs, each just under its 1 MB limit. (Lists of empty objects are
# refused earlier, by the count of lists and objects: "empty_objects.json".)
HOSTILE_PLANS: dict[str, tuple[Callable[[], bytes], str]] = {
    "deep_plan": (lambda: b"[" * 495_000 + b"]" * 495_000, "refused:err_json_deep"),
    "extra_keys_plan": (
        lambda: _fit(lambda n: json.dumps({f"k{i}": 0 for i in range(n)}).encode()),
        "refused:store_import_invalid",
    ),
    "bad_skills_plan": (
        lambda: _fit(
            lambda n: json.dumps(
                {"team": [{"name": "a", "skills": {f"s{i}": "x" for i in range(n)}}]}
            ).encode()
        ),
        "refused:err_plan_item_too_big",
    ),
    "custom_models_plan": (
        lambda: _fit(
            lambda n: json.dumps({"custom_models": {f"m{i}": 0 for i in range(n)}}).encode()
        ),
        "refused:err_too_many_models",
    ),
    "members_plan": (
        lambda: _fit(lambda n: json.dumps({"team": [0] * n}).encode()),
        "refused:err_too_many_members",
    ),
    "member_keys_plan": (
        lambda: _fit(
            lambda n: json.dumps(
                {"team": [{"name": "a", **{f"k{i}": 0 for i in range(n)}}]}
            ).encode()
        ),
        "refused:err_plan_item_too_big",
    ),
}


def measure(names: list[str]) -> list[dict]:
    """Parse each named hostile input (HOSTILE or HOSTILE_PLANS) and measure it: wall and
    CPU time and growth of the peak resident size on a plain run, then the peak of traced
    Python memory on a second run (tracing slows allocation-heavy code tenfold, so times
    come from the plain run). Meant for a fresh process (see main)."""
    import gc
    import resource
    import time
    import tracemalloc

    from planner.catalog import load_catalog
    from planner.files import TeamImportError, parse_team
    from planner.store import PlanImportError, parse_plan_json

    catalog = load_catalog()
    samples = sample_files()
    valid = samples["xlsx"][0]
    for fmt in ("csv", "json", "xlsx"):  # warm: imports and caches are not the file's cost
        parse_team(samples[fmt][0], f"team.{fmt}", catalog)
    parse_plan_json(samples["plan"][0])

    def outcome(call: Callable[[], object]) -> str:
        try:
            result = call()
        except (TeamImportError, PlanImportError) as exc:
            return f"refused:{exc.key}"
        except Exception as exc:  # the measurement reports it; the test fails on it
            return f"unexpected:{type(exc).__name__}: {str(exc)[:200]}"
        team = result.team if hasattr(result, "team") else None
        return f"accepted:{len(team) if team is not None else 0}"

    results = []
    for name in names:
        if name in HOSTILE:
            filename, build, expected = HOSTILE[name]
            data = build(valid)
            call = lambda data=data, filename=filename: parse_team(data, filename, catalog)  # noqa: E731
        else:
            build_plan, expected = HOSTILE_PLANS[name]
            data = build_plan()
            call = lambda data=data: parse_plan_json(data)  # noqa: E731
        gc.collect()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start, cpu_start = time.perf_counter(), time.process_time()
        got = outcome(call)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        gc.collect()
        tracemalloc.start()
        outcome(call)
        traced_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        results.append(
            {
                "name": name,
                "bytes": len(data),
                "seconds": round(seconds, 3),
                "cpu_seconds": round(cpu, 3),
                "rss_growth_mb": round(rss_growth / 1024, 1),
                "traced_peak_mb": round(traced_peak / 2**20, 1),
                "outcome": got,
                "expected": expected,
            }
        )
        del data, call
    return results


def main(argv: list[str] | None = None) -> None:
    """`python -m tests.support.hostile_files [NAME...]`: one JSON list of measurements
    (of every input without names). The address space is capped, so that a regression
    fails here instead of taking the machine down."""
    import resource
    import sys

    cap = 4 * 2**30
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    names = (argv if argv is not None else sys.argv[1:]) or [*HOSTILE, *HOSTILE_PLANS]
    print(json.dumps(measure(names)))


# ---------------------------------------------------------------- zip plumbing


def _parts(xlsx: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src:
        return [(info, src.read(info.filename)) for info in src.infolist()]


def replace_part(xlsx: bytes, name: str, change: Callable[[bytes], bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in _parts(xlsx):
            dst.writestr(info.filename, change(data) if info.filename == name else data)
    return out.getvalue()


def add_part(xlsx: bytes, name: str, data: bytes) -> bytes:
    """Add xl/sharedStrings.xml, wired in (content type and relationship) so that
    openpyxl reads it."""
    assert name == "xl/sharedStrings.xml"
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, old in _parts(xlsx):
            if info.filename == "xl/_rels/workbook.xml.rels":
                old = old.replace(
                    b"</Relationships>",
                    f'<Relationship Id="rIdSST" Target="sharedStrings.xml" Type="{rel}"/>'
                    "</Relationships>".encode(),
                )
            elif info.filename == "[Content_Types].xml":
                old = old.replace(
                    b"</Types>",
                    f'<Override PartName="/{name}" ContentType="{kind}"/></Types>'.encode(),
                )
            dst.writestr(info.filename, old)
        dst.writestr(name, data)
    return out.getvalue()


def _deflate(data: bytes, final: bool) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)


def _deflated_part(data: bytes) -> tuple[bytes, int, int]:
    return _deflate(data, final=True), zlib.crc32(data), len(data)


def write_zip(parts: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip from already deflated parts: (name, raw deflate, crc32, declared size).
    Written by hand because zipfile cannot store a stream it did not compress."""
    out = bytearray()
    central = bytearray()
    for name, body, crc, size in parts:
        encoded = name.encode()
        offset = len(out)
        out += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(body), size, len(encoded), 0
        )
        out += encoded + body
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            8,
            0,
            0x21,
            crc,
            len(body),
            size,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += encoded
    start = len(out)
    out += central
    count = min(len(parts), 0xFFFF)
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central), start, 0)
    return bytes(out)


# ---------------------------------------------------------------- seeded mutations

TOKENS = {
    "csv": [
        b'"',
        b'""',
        b"\r",
        b"\r\n",
        b"\n",
        b",",
        b";",
        b"\t",
        b"\x00",
        b"=",
        b"'",
        b"\xff",
        b"\xef\xbb\xbf",
        b"a" * 200_000,
        b"\x0f",
        b"name",
        b"fte",
        b"1e999",
        b"nan",
        b"-1",
    ],
    "json": [
        b"[",
        b"]",
        b"{",
        b"}",
        b'"',
        b"\\",
        b"\\u0000",
        b"\\ud800",
        b"1e999",
        b"-0",
        b"9" * 5000,
        b"null",
        b"true",
        b"[]",
        b"{}",
        b'"skills"',
        b'"team"',
        b'"schema"',
        b'"name"',
        b"\x00",
        b",",
        b":",
        b"[" * 5000,
        b'"custom_models"',
        b"NaN",
    ],
    "xml": [
        b"<",
        b">",
        b"/>",
        b'"',
        b"&amp;",
        b"&#0;",
        b"&x;",
        b"<!DOCTYPE a>",
        b"<c/>",
        b'<c r="XFD1048576"><v>1</v></c>',
        b'<dimension ref="A1:XFD1048576"/>',
        b'<row r="1048577">',
        b'<c t="s"><v>99</v></c>',
        b'<c t="e"><v>#N/A</v></c>',
        b'<c t="b"><v>2</v></c>',
        b'<c t="d"><v>x</v></c>',
        b'<c t="n"><v>1e999</v></c>',
        b'r="0"',
        b'r="A0"',
        b"\x00",
        b"\xff",
        b"<sheetData>",
        b"</sheetData>",
        b'<sheet name="team" sheetId="1" r:id="rId9"/>',
        b' t="inlineStr"',
        b"<is><t>x</t></is>",
    ],
}


def mutate(rng: random.Random, data: bytes, tokens: list[bytes]) -> bytes:
    """A few random edits: flip, overwrite, insert (random bytes or a token), delete,
    duplicate a span, truncate."""
    buf = bytearray(data)
    for _ in range(rng.choice([1, 1, 2, 3, 8])):
        op = rng.randrange(7)
        pos = rng.randrange(len(buf) + 1)
        if op == 0 and buf:
            i = min(pos, len(buf) - 1)
            buf[i] ^= 1 << rng.randrange(8)
        elif op == 1 and buf:
            i = min(pos, len(buf) - 1)
            buf[i] = rng.randrange(256)
        elif op == 2:
            buf[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 16)))
        elif op == 3:
            buf[pos:pos] = rng.choice(tokens) * rng.choice([1, 1, 1, 2, 50])
        elif op == 4:
            del buf[pos : pos + rng.randrange(1, 64)]
        elif op == 5 and buf:
            start = rng.randrange(len(buf))
            span = bytes(buf[start : start + rng.randrange(1, 256)])
            buf[pos:pos] = span * rng.choice([1, 2, 10])
        else:
            del buf[pos:]
    return bytes(buf)


def mutate_xlsx_part(rng: random.Random, xlsx: bytes) -> bytes:
    """Unzip, mutate one XML part (most often the sheet), zip again: reaches the XML
    parser, which byte edits of the compressed file rarely do (the CRC fails first)."""
    parts = _parts(xlsx)
    names = [info.filename for info, _ in parts]
    target = SHEET if rng.random() < 0.6 else rng.choice(names)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in parts:
            if info.filename == target:
                data = mutate(rng, data, TOKENS["xml"])
            if rng.random() < 0.02:
                continue  # a part goes missing
            dst.writestr(info.filename, data)
    return out.getvalue()


def random_bytes(rng: random.Random, fmt: str) -> bytes:
    size = rng.choice([0, 1, 2, 3, 8, 64, 512, 4096])
    kind = rng.randrange(3)
    if kind == 0:
        data = bytes(rng.randrange(256) for _ in range(size))
    elif kind == 1:
        data = bytes(rng.choice(b'abc,;"\r\n\t{}[]:01-=.\\ ') for _ in range(size))
    else:
        data = b"".join(
            rng.choice(TOKENS["xml" if fmt == "xlsx" else fmt if fmt in TOKENS else "json"])
            for _ in range(max(1, size // 16))
        )
    if fmt == "xlsx" and rng.random() < 0.5:
        data = b"PK\x03\x04" + data
    return data


def fuzz_input(rng: random.Random, fmt: str, samples: dict[str, list[bytes]]) -> bytes:
    """One input for `fmt` (csv, json, xlsx or plan): random, or a mutated valid file."""
    roll = rng.random()
    if roll < 0.2:
        return random_bytes(rng, fmt)
    valid = rng.choice(samples[fmt])
    if fmt == "xlsx":
        return mutate_xlsx_part(rng, valid) if roll < 0.75 else mutate(rng, valid, TOKENS["xml"])
    if fmt in ("json", "plan") and roll < 0.6:
        return mutate_json_tree(rng, valid)
    return mutate(rng, valid, TOKENS["csv" if fmt == "csv" else "json"])


_DEEP = "\x00deep\x00"


def _random_value(rng: random.Random, depth: int = 0) -> object:
    kind = rng.randrange(12)
    if kind == 0:
        return rng.choice([None, True, False, 0, -1, 1.5, 7, 10**30, float("inf"), -0.0])
    if kind == 1:
        return rng.choice(
            [
                "",
                " ",
                "a\x0fb",
                "\ud800",
                "=cmd|' /C calc'!A0",
                "\u202eexe.png",
                "x" * 300,
                "\t",
                "0.5",
                "3",
                "nan",
                "data.quality",
                "a.b",
            ]
        )
    if kind == 2 and depth < 3:
        return [_random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    if kind == 3 and depth < 3:
        keys = [
            "name",
            "role",
            "fte",
            "skills",
            "team",
            "schema",
            "custom_models",
            "id",
            "label",
            "weights",
            "requirements",
            "level",
            "depth",
            "en",
            "zh",
            "x",
        ]
        return {rng.choice(keys): _random_value(rng, depth + 1) for _ in range(rng.randrange(4))}
    if kind == 4:
        return _DEEP
    if kind == 5:
        return {f"k{i}": rng.randrange(9) for i in range(rng.choice([1, 50, 3000]))}
    if kind == 6:
        return [{} for _ in range(rng.choice([1, 50, 3000]))]
    return rng.randrange(-2, 9)


def mutate_json_tree(rng: random.Random, data: bytes) -> bytes:
    """Parse a valid file, replace or add a few values anywhere in it (wrong types, huge
    or deep values, odd text), write it again."""
    tree = json.loads(data)
    for _ in range(rng.choice([1, 1, 2, 4])):
        node, path = tree, []
        while isinstance(node, dict | list) and node and rng.random() < 0.75:
            key = rng.choice(list(node)) if isinstance(node, dict) else rng.randrange(len(node))
            path.append((node, key))
            node = node[key]
        if not path:
            tree = _random_value(rng)
            continue
        parent, key = path[-1]
        choice = rng.randrange(4)
        if choice == 0 and isinstance(parent, dict):
            del parent[key]
        elif choice == 1 and isinstance(parent, dict):
            parent[rng.choice(["x", "skills", "name", "schema", "team", "lang"])] = _random_value(
                rng
            )
        elif choice == 2 and isinstance(parent, list):
            parent.append(_random_value(rng))
        else:
            parent[key] = _random_value(rng)
    text = json.dumps(tree, ensure_ascii=rng.random() < 0.8, allow_nan=True)
    depth = rng.choice([50, 1000, 100_000])
    text = text.replace(json.dumps(_DEEP), "[" * depth + "]" * depth)
    return text.encode("utf-8", "surrogatepass")


if __name__ == "__main__":
    main()
