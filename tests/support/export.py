"""Fixtures and checks of the export suites (unit/test_export.py, app/test_export_app.py,
unit/test_cli.py).

The renderer (one Chromium kept open by planner.export) is shared by the whole
test session and closed at its end. Without a browser the image tests fail with
what to install: `make test` installs Chromium (scripts/system-deps.sh).

The fixtures (``export_browser``, ``tricky_team``, ``tricky_plan``, ``analyses``)
are registered through ``pytest_plugins`` in tests/conftest.py.
"""

from __future__ import annotations

import io
import os
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest

from planner import export
from planner.catalog import Catalog
from planner.domain import Member, Plan, Team

SVG_NS = "{http://www.w3.org/2000/svg}"
# Names that must come out escaped and intact in every format.
SCRIPT_NAME = "<script>alert('x')</script>"
QUOTE_NAME = 'Zoë "Q" O\'Neil & 张伟'
PLAN_NAME = 'Plan <b>"α"</b> 王 / Q3'


@pytest.fixture(scope="session")
def export_browser() -> Iterator[str]:
    """The shared export browser. Without Chromium: a failure under `make test` (which
    installs it), a skip that says what to install under `make check`."""
    path = export.find_browser()
    if path is None:
        if os.environ.get("PLANNER_REQUIRE_BROWSER"):
            pytest.fail(export.INSTALL_HINT)
        pytest.skip(f"no Chromium for image export: {export.INSTALL_HINT}")
    yield path
    export.shutdown()


@pytest.fixture(scope="session")
def tricky_team(sample_team: Team) -> Team:
    """The sample team plus two members whose names need escaping; both hold skills
    that the models require, so they appear in heatmap, bus factor and pipeline."""
    extra = (
        Member(
            name=SCRIPT_NAME,
            role="<i>role</i>",
            skills={"market.devrel": 5, "market.success": 5, "product.mlops": 4},
        ),
        Member(name=QUOTE_NAME, role='"quoted" 角色', skills={"data.governance": 5}),
    )
    return Team(members=(*sample_team.members, *extra))


@pytest.fixture(scope="session")
def tricky_plan(tricky_team: Team) -> Plan:
    return Plan(name=PLAN_NAME, team=tricky_team, business_model="platform")


@pytest.fixture(scope="session")
def analyses(tricky_plan: Plan, catalog: Catalog) -> dict[str, export.PlanAnalysis]:
    return {lang: export.analyse_plan(tricky_plan, catalog, lang) for lang in ("en", "zh")}


def svg_texts(data: bytes) -> list[str]:
    """Every text run of an SVG (it must parse as XML)."""
    root = ET.fromstring(data)
    assert root.tag == f"{SVG_NS}svg"
    return ["".join(el.itertext()) for el in root.iter(f"{SVG_NS}text")]


def pdf_pages_text(data: bytes) -> list[str]:
    """Text of each PDF page. NFKC folds the CJK radical code points some fonts'
    maps yield (⽂ U+2F42 for 文) back to the ideographs a reader sees."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return [unicodedata.normalize("NFKC", p.extract_text() or "") for p in reader.pages]


def squash(text: str) -> str:
    """Text without whitespace: PDF extraction adds spaces where the font changes."""
    return "".join(text.split())


def png_image(data: bytes):
    from PIL import Image

    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.convert("RGB")


def not_blank(image) -> bool:
    """More than 2% of the pixels differ from the background and there are many colours."""
    background = image.getpixel((0, 0))
    flat = getattr(image, "get_flattened_data", None) or image.getdata  # Pillow 14 rename
    pixels = list(flat())
    differing = sum(1 for p in pixels if p != background)
    return differing > 0.02 * len(pixels) and len(set(pixels[::7])) > 20
