"""The startup pipeline of the article (section 2.5), coloured by team coverage.

market research -> team building -> {research, data, product, market} -> technical innovation

Area stages carry their coverage, resilience and who covers them; the first stage
(in flow order) that is red blocks the flow. A stage's colour is the worst of its
skills' lights by planner.scoring.coverage.skill_status, the one rule the risks and the
legend use too, so they never disagree (a stage's coverage is the mean of its
skills', so it is under 50 % only when a skill is, and under 80 % likewise). The same graph
renders as a Plotly figure (planner.charts) and as Mermaid text (here), which
parses back to the same graph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from planner.catalog import Catalog
from planner.domain import Team, area_of
from planner.i18n import t
from planner.scoring.coverage import (
    CoverageReport,
    SkillCoverage,
    percent,
    skill_status,
)

AREAS = ("research", "data", "product", "market")
MERMAID_IDS = {
    "market_research": "A",
    "team_building": "B",
    "research": "C",
    "data": "D",
    "product": "E",
    "market": "F",
    "innovation": "G",
}
EDGES = (
    ("market_research", "team_building"),
    *(("team_building", a) for a in AREAS),
    *((a, "innovation") for a in AREAS),
)
# Flow order by column: a stage in an earlier column blocks before a later one.
LEVELS = (("market_research",), ("team_building",), AREAS, ("innovation",))


@dataclass(frozen=True)
class Stage:
    id: str
    label: str
    status: str  # "green" | "amber" | "red" | "neutral" (no requirement / not scored)
    coverage: float | None
    people: tuple[str, ...]  # who covers it, strongest first
    blocking: bool = False
    resilience: float | None = None  # None exactly when coverage is None


@dataclass(frozen=True)
class Pipeline:
    stages: dict[str, Stage]
    edges: tuple[tuple[str, str], ...]

    @property
    def blocker(self) -> Stage | None:
        return next((s for s in self.stages.values() if s.blocking), None)


STATUS_ORDER = ("green", "amber", "red")


def stage_status(skills: list[SkillCoverage]) -> str:
    """The worst light of the stage's skills; neutral when it has no requirement."""
    if not skills:
        return "neutral"
    return max((skill_status(s) for s in skills), key=STATUS_ORDER.index)


def _area_people(report: CoverageReport, area_id: str) -> tuple[str, ...]:
    """Members contributing to the area's required skills, most person-equivalents first."""
    totals: dict[str, float] = {}
    for skill in report.skills.values():
        if area_of(skill.skill_id) == area_id:
            for name, amount in skill.contributions.items():
                totals[name] = totals.get(name, 0.0) + amount
    return tuple(sorted(totals, key=lambda n: (-totals[n], n)))


def build_pipeline(team: Team, report: CoverageReport, catalog: Catalog, lang: str) -> Pipeline:
    stages: dict[str, Stage] = {
        "market_research": Stage(
            "market_research", t("stage_market_research", lang), "neutral", None, ()
        ),
        "team_building": Stage(
            "team_building",
            t("stage_team_building", lang),
            "red" if len(team) == 0 else "neutral",
            None,
            tuple(team.names()),
        ),
    }
    for area_id in AREAS:
        area = report.areas.get(area_id)
        coverage = area.coverage if area else None
        in_area = [s for s in report.skills.values() if area_of(s.skill_id) == area_id]
        stages[area_id] = Stage(
            area_id,
            catalog.area_label(area_id, lang),
            stage_status(in_area),
            coverage,
            _area_people(report, area_id),
            resilience=area.resilience if area else None,
        )
    stages["innovation"] = Stage(
        "innovation",
        t("stage_innovation", lang),
        stage_status(list(report.skills.values())),
        report.fit,
        (),
        resilience=report.resilience,
    )
    blocker = _first_blocker(stages)
    if blocker:
        stages[blocker] = Stage(**{**stages[blocker].__dict__, "blocking": True})
    return Pipeline(stages, EDGES)


def _first_blocker(stages: dict[str, Stage]) -> str | None:
    """The red stage of the earliest column; within a column, the lowest coverage."""
    for column in LEVELS:
        red = [stages[s] for s in column if stages[s].status == "red"]
        if red:
            return min(red, key=lambda s: (s.coverage or 0.0, s.id)).id
    return None


# ---------------------------------------------------------------- Mermaid


def mermaid_escape(text: str) -> str:
    """Text safe inside a quoted Mermaid label: anything but plain letters and
    digits and a few punctuation marks becomes an entity code (#NNN;)."""
    return "".join(
        ch if (ch.isalnum() or ch in " .,:()/-+_·") and ch not in "#;" else f"#{ord(ch)};"
        for ch in text
    )


def _mermaid_unescape(text: str) -> str:
    return re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), text)


def node_parts(stage: Stage, lang: str, max_people: int = 4) -> list[str]:
    """The lines of a stage's label: name, coverage and resilience, who covers it,
    blocking mark."""
    parts = [stage.label]
    if stage.coverage is not None:
        parts.append(stage_scores(stage, lang))
    if stage.people and stage.id != "team_building":
        shown = ", ".join(stage.people[:max_people])
        more = len(stage.people) - max_people
        parts.append(shown + (f" +{more}" if more > 0 else ""))
    if stage.blocking:
        parts.append(t("stage_blocking", lang))
    return parts


def stage_scores(stage: Stage, lang: str) -> str:
    """Coverage (the fit, for the last stage) and resilience, as one line."""
    key = "stage_scores_fit" if stage.id == "innovation" else "stage_scores"
    return t(
        key,
        lang,
        coverage=percent(stage.coverage or 0.0),
        resilience=percent(stage.resilience or 0.0),
    )


def to_mermaid(pipeline: Pipeline, lang: str) -> str:
    lines = ["graph TD"]
    for stage in pipeline.stages.values():
        label = "<br/>".join(mermaid_escape(part) for part in node_parts(stage, lang))
        lines.append(f'    {MERMAID_IDS[stage.id]}["{label}"]')
    for src, dst in pipeline.edges:
        lines.append(f"    {MERMAID_IDS[src]} --> {MERMAID_IDS[dst]}")
    lines += [
        "    classDef green fill:#c8e6c9,stroke:#2e7d32,color:#1b5e20",
        "    classDef amber fill:#ffe0b2,stroke:#ef6c00,color:#7a3b00",
        "    classDef red fill:#ffcdd2,stroke:#c62828,color:#7f0000",
        "    classDef neutral fill:#eceff1,stroke:#607d8b,color:#263238",
        "    classDef blocking stroke-width:4px",
    ]
    for status in ("green", "amber", "red", "neutral"):
        ids = [MERMAID_IDS[s.id] for s in pipeline.stages.values() if s.status == status]
        if ids:
            lines.append(f"    class {','.join(ids)} {status}")
    if pipeline.blocker:
        lines.append(f"    class {MERMAID_IDS[pipeline.blocker.id]} blocking")
    return "\n".join(lines) + "\n"


NODE_RE = re.compile(r'^\s*([A-Za-z][\w]*)\["(.*)"\]\s*$')
EDGE_RE = re.compile(r"^\s*([A-Za-z][\w]*)\s*-->\s*([A-Za-z][\w]*)\s*$")


def parse_mermaid(text: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Nodes (id -> label lines joined by newlines) and edges of a `graph` written by to_mermaid."""
    nodes: dict[str, str] = {}
    edges: list[tuple[str, str]] = []
    for line in text.splitlines():
        if m := NODE_RE.match(line):
            nodes[m.group(1)] = "\n".join(
                _mermaid_unescape(part) for part in m.group(2).split("<br/>")
            )
        elif m := EDGE_RE.match(line):
            edges.append((m.group(1), m.group(2)))
    return nodes, edges
