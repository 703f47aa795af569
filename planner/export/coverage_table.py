"""The coverage table (one row per required skill) as rows and as CSV."""

from __future__ import annotations

import csv
import io

from planner.catalog import Catalog
from planner.domain import area_of
from planner.files import csv_cell
from planner.scoring import CoverageReport


def coverage_rows(report: CoverageReport, catalog: Catalog, lang: str) -> list[dict]:
    """The coverage table: one row per required skill."""
    return [
        {
            "skill_id": s.skill_id,
            "area": catalog.area_label(area_of(s.skill_id), lang),
            "skill": catalog.skill_label(s.skill_id, lang),
            "target_level": s.target,
            "depth": s.depth,
            "filled": round(s.filled, 3),
            "coverage": round(s.coverage, 3),
            "gap": round(s.gap, 3),
            "experts": s.experts,
            "experts_needed": s.experts_needed,
            "resilience": round(s.resilience, 3),
            "expert_names": "; ".join(s.expert_names),
        }
        for s in report.skills.values()
    ]


def coverage_csv(report: CoverageReport, catalog: Catalog, lang: str) -> bytes:
    """The coverage table as CSV (UTF-8 with BOM, so spreadsheets read Chinese right)."""
    rows = coverage_rows(report, catalog, lang)
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=list(rows[0]) if rows else ["skill_id"], lineterminator="\n"
    )
    writer.writeheader()
    # Skill labels and member names are user text: guarded against CSV injection.
    writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
    return buffer.getvalue().encode("utf-8-sig")
