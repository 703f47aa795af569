"""What-if analysis and the article's risks (section 8.2) beside the gaps."""

from __future__ import annotations

import streamlit as st

from components.state import Ctx
from components.ui import md
from planner.domain import Team
from planner.numbers import people, percent, points
from planner.scoring import EPS, CoverageReport, SkillCoverage, hire_member, shortfall

# Literal keys (tests find every key the code uses): risk -> (name, what it is about).
_RISK_TEXT = {
    "privacy": ("risk_privacy", "risk_privacy_why"),
    "compute": ("risk_compute", "risk_compute_why"),
    "talent": ("risk_talent", "risk_talent_why"),
}
_LEVEL_TEXT = {"high": "risk_level_high", "medium": "risk_level_medium", "low": "risk_level_low"}
_SHORT_TEXT = {
    "uncovered": "risk_short_uncovered",
    "single": "risk_short_single",
    "part_time": "risk_short_part_time",
    "capacity": "risk_short_capacity",
}


def _short_text(ctx: Ctx, skill: SkillCoverage) -> str:
    """One skill that falls short, with the number and the reason behind it."""
    params = {
        "skill": ctx.catalog.skill_label(skill.skill_id, ctx.lang),
        "coverage": percent(skill.coverage),
        "level": skill.target,
    }
    reason = shortfall(skill)
    if reason == "single":
        name = md(skill.expert_names[0])  # user text: inert in markdown
        key = "risk_short_single_part_time" if skill.part_time_only else "risk_short_single"
        return ctx.t(key, name=name, **params)
    return ctx.t(_SHORT_TEXT[reason], **params)


def risk_panel(ctx: Ctx) -> None:
    """The article's risks of the plan's analysis, each with the skills behind it."""
    report = ctx.analysis.report
    st.markdown(f"**{ctx.t('risks_title')}**")
    # Markdown badges, not emoji: emoji fonts are often missing on servers.
    colours = {"high": "red", "medium": "orange", "low": "green"}
    for risk in ctx.analysis.risks:
        badge = f":{colours[risk.level]}-badge[{ctx.t(_LEVEL_TEXT[risk.level])}]"
        name, why = _RISK_TEXT[risk.id]
        st.markdown(f"{badge} **{ctx.t(name)}**: {ctx.t(why)}")
        # Only the skills that fall short, each with the number that says so.
        if not risk.required:
            st.caption(ctx.t("risk_not_required"))
        elif risk.skills:
            st.caption(
                ctx.t("hire_why_join").join(_short_text(ctx, report.skills[s]) for s in risk.skills)
            )
        else:
            st.caption(ctx.t("risk_all_clear"))


def _summary(report: CoverageReport) -> dict[str, float]:
    return {
        "fit": report.fit,
        "resilience": report.resilience,
        "gap": sum(g.gap for g in report.gaps()),
        "spof": len(report.single_points_of_failure()),
        "uncovered": len(report.uncovered()),
    }


def what_if_team(team: Team, leaving: list[str], hires: list[str], ctx: Ctx) -> Team:
    changed = team
    for name in leaving:
        changed = changed.without(name)
    for number, role_id in enumerate(hires, start=1):
        changed = changed.with_member(hire_member(ctx.catalog.roles[role_id], number))
    return changed


def what_if(ctx: Ctx) -> None:
    """The team with people gone or hired: the plan's analysis of that other team."""
    report = ctx.analysis.report
    st.subheader(ctx.t("whatif_title"))
    st.caption(ctx.t("whatif_help"))
    left, right = st.columns(2)
    leaving = left.multiselect(
        ctx.t("whatif_leave"),
        ctx.plan.team.names(),
        key="whatif_leave",
        placeholder=ctx.t("choose_placeholder"),
    )
    hires = right.multiselect(
        ctx.t("whatif_hire"),
        sorted(ctx.catalog.roles),
        format_func=lambda r: ctx.catalog.roles[r].label(ctx.lang),
        key="whatif_hire",
        placeholder=ctx.t("choose_placeholder"),
    )
    if not leaving and not hires:
        return
    after = ctx.analysis.with_team(what_if_team(ctx.plan.team, leaving, hires, ctx)).report
    before_s, after_s = _summary(report), _summary(after)
    cols = st.columns(5)
    for col, key, label in (
        (cols[0], "fit", "kpi_fit"),
        (cols[1], "resilience", "kpi_resilience"),
    ):
        change = after_s[key] - before_s[key]
        # A change too small to show shows no arrow and no colour.
        col.metric(
            ctx.t(label),
            percent(after_s[key]),
            points(change) if abs(change) >= 0.0005 else None,
        )
    gap_change = after_s["gap"] - before_s["gap"]
    cols[2].metric(
        ctx.t("kpi_gap_total"),
        people(after_s["gap"]),
        people(gap_change, signed=True) if abs(gap_change) >= 0.005 else None,
        delta_color="inverse",
    )
    for col, key, label in ((cols[3], "spof", "kpi_spof"), (cols[4], "uncovered", "kpi_uncovered")):
        change = int(after_s[key] - before_s[key])
        col.metric(
            ctx.t(label), int(after_s[key]), change if change else None, delta_color="inverse"
        )
    changed = [
        {
            ctx.t("col_skill"): ctx.catalog.skill_label(sid, ctx.lang),
            ctx.t("whatif_cov_before"): percent(s.coverage),
            ctx.t("whatif_cov_after"): percent(after.skills[sid].coverage),
            ctx.t("whatif_experts_before"): s.experts,
            ctx.t("whatif_experts_after"): after.skills[sid].experts,
            ctx.t("whatif_res_before"): percent(s.resilience),
            ctx.t("whatif_res_after"): percent(after.skills[sid].resilience),
        }
        for sid, s in report.skills.items()
        if abs(s.coverage - after.skills[sid].coverage) > EPS
        or s.experts != after.skills[sid].experts
    ]
    if changed:
        st.dataframe(changed, hide_index=True, width="stretch", key="whatif_table")
    else:
        st.info(ctx.t("whatif_no_change"))
