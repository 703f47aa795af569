"""What the report says, section by section, shared by its HTML and PDF forms: the
charts of the analysis in order, each with its table, the budget and roadmap
sections, the team and the self-assessed ratings, as tables of plain text (each
form escapes them its own way)."""

from __future__ import annotations

from datetime import date

from planner import charts
from planner.budget.charts import BudgetSection, budget_section
from planner.i18n import t
from planner.numbers import people, percent
from planner.roadmap.section import RoadmapSection, roadmap_section
from planner.scoring import SOURCE_KEYS, PlanAnalysis, explain_step, from_self_assessment

Table = tuple[list[str], list[list[str]]]

# (heading, chart id, table of `tables`): the analysis' sections in report order.
SECTIONS = (
    ("export_section_models", "model_fit_chart", "models"),
    ("export_section_coverage", "coverage_radar", None),
    ("export_section_gaps", "coverage_gaps", "gaps"),
    ("export_section_skills", "coverage_heatmap", None),
    ("export_section_bus", "bus_factor", None),
    ("export_section_hiring", "hiring_plan", "hires"),
    ("export_section_pipeline", "pipeline_diagram", "stages"),
)


def tables(a: PlanAnalysis) -> dict[str, Table]:
    """Report tables as (header, rows) of plain (unescaped) text."""
    lang, cat = a.lang, a.catalog
    models = (
        [t("export_col_model", lang), t("export_col_fit", lang), t("export_col_resilience", lang)],
        [
            [
                a.models[m].label(lang) + (" ★" if m == a.model.id else ""),
                percent(f),
                percent(a.resilience[m]),
            ]
            for m, f in sorted(a.fits.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
    )
    gaps = (
        [
            t("export_col_skill", lang),
            t("export_col_target", lang),
            t("export_col_depth", lang),
            t("export_col_filled", lang),
            t("export_col_coverage", lang),
            t("export_col_gap", lang),
            t("export_col_experts", lang),
            t("export_col_resilience", lang),
        ],
        [
            [
                cat.skill_label(s.skill_id, lang),
                str(s.target),
                f"{s.depth:g}",
                people(s.filled),
                percent(s.coverage),
                people(s.gap),
                t(
                    "export_experts_of",
                    lang,
                    names=", ".join(s.expert_names) or "—",
                    count=s.experts,
                    needed=s.experts_needed,
                ),
                percent(s.resilience),
            ]
            for s in sorted(a.report.skills.values(), key=lambda s: (-s.gap, s.skill_id))
        ],
    )
    hires = (
        [
            t("export_col_role", lang),
            t("export_col_fit_after", lang),
            t("export_col_resilience_after", lang),
            t("export_col_why", lang),
        ],
        [
            [
                charts.hire_label(s, i, cat.roles, lang),
                percent(s.fit_after, 1),
                percent(s.resilience_after, 1),
                explain_step(s, cat, lang),
            ]
            for i, s in enumerate(a.steps, start=1)
        ],
    )
    skills = cat.skill_ids
    team = (
        [t("export_col_name", lang), t("export_col_role", lang), "FTE"]
        + [cat.skill_label(s, lang) for s in skills],
        [
            [m.name, m.role, f"{m.fte:g}", *(str(m.level(s)) for s in skills)]
            for m in a.plan.team.members
        ],
    )
    stages = (
        [
            t("export_col_stage", lang),
            t("export_col_coverage", lang),
            t("export_col_resilience", lang),
            t("export_col_people", lang),
        ],
        [
            [s.label, percent(s.coverage), percent(s.resilience), ", ".join(s.people) or "—"]
            for s in a.pipeline.stages.values()
        ],
    )
    return {
        "models": models,
        "gaps": gaps,
        "hires": hires,
        "team": team,
        "stages": stages,
        "self_assessed": _self_assessed(a),
    }


def _self_assessed(a: PlanAnalysis) -> Table:
    """The ratings that came from self-assessments: member, skill, level, source, date."""
    lang = a.lang
    header = [
        t("export_col_name", lang),
        t("export_col_skill", lang),
        t("export_col_level", lang),
        t("export_col_source", lang),
        t("export_col_confirmed", lang),
    ]
    rows = [
        [
            r.member,
            a.catalog.skill_label(r.skill_id, lang),
            str(r.level),
            t(SOURCE_KEYS[r.meta.source], lang),
            r.meta.confirmed.isoformat() if r.meta.confirmed else "—",
        ]
        for r in from_self_assessment(a.plan.team)
    ]
    return header, rows


def _rows_table(rows: list[dict[str, str]]) -> Table:
    """A table given as one dict per row (the budget's tables) as (header, rows)."""
    header = list(rows[0]) if rows else []
    return header, [[row[h] for h in header] for row in rows]


def budget(a: PlanAnalysis, when: date) -> BudgetSection:
    return budget_section(a.plan, a.catalog, a.lang, a.model, when)


def budget_tables(b: BudgetSection) -> list[Table]:
    return [_rows_table(rows) for rows in (b.kpis, b.compute, b.scenarios) if rows]


def roadmap(a: PlanAnalysis, when: date) -> RoadmapSection:
    return roadmap_section(a.plan, a.catalog, a.model, a.lang, when)


def roadmap_tables(r: RoadmapSection, with_closes: bool = True) -> list[Table]:
    """The actions (month, who, skill, cost, why), the modes side by side, when each
    skill closes, and the succession table: every table the page shows."""
    shown = [{k: str(v) for k, v in row.items() if k not in ("index", "kind")} for row in r.actions]
    closes = r.closes if with_closes else []
    return [_rows_table(rows) for rows in (shown, r.compare, closes, r.succession) if rows]


def meta_lines(a: PlanAnalysis, when: date) -> list[str]:
    lang = a.lang
    return [
        f"{t('export_plan', lang)}: {a.plan.name}",
        f"{t('export_model', lang)}: {a.model.label(lang)}",
        f"{t('export_fit', lang)}: {percent(a.report.fit)}",
        f"{t('export_resilience', lang)}: {percent(a.report.resilience)}",
        f"{t('export_members', lang)}: {len(a.plan.team)}",
        f"{t('export_date', lang)}: {when.isoformat()}",
        t("export_article", lang),  # "the article" named once, with its title
    ]
