"""What-if analysis and the article's risks (section 8.2) beside the gaps."""

from __future__ import annotations

import streamlit as st

from components.state import Ctx
from planner.coverage import CoverageReport, analyze
from planner.domain import Team
from planner.hiring import hire_member
from planner.risks import assess_risks


def risk_panel(ctx: Ctx, report: CoverageReport) -> None:
    st.markdown(f"**{ctx.t('risks_title')}**")
    # Markdown badges, not emoji: emoji fonts are often missing on servers.
    colours = {"high": "red", "medium": "orange", "low": "green"}
    for risk in assess_risks(report):
        badge = f":{colours[risk.level]}-badge[{ctx.t('risk_level_' + risk.level)}]"
        st.markdown(f"{badge} **{ctx.t('risk_' + risk.id)}**: {ctx.t('risk_' + risk.id + '_why')}")
        if risk.skills:
            st.caption(
                ", ".join(
                    f"{ctx.catalog.skill_label(s, ctx.lang)} {report.skills[s].coverage:.0%}"
                    for s in risk.skills
                )
            )


def _summary(report: CoverageReport) -> dict[str, float]:
    return {
        "fit": report.fit,
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


def what_if(ctx: Ctx, report: CoverageReport) -> None:
    st.subheader(ctx.t("whatif_title"))
    st.caption(ctx.t("whatif_help"))
    left, right = st.columns(2)
    leaving = left.multiselect(ctx.t("whatif_leave"), ctx.plan.team.names(), key="whatif_leave")
    hires = right.multiselect(
        ctx.t("whatif_hire"),
        sorted(ctx.catalog.roles),
        format_func=lambda r: ctx.catalog.roles[r].label(ctx.lang),
        key="whatif_hire",
    )
    if not leaving and not hires:
        return
    after = analyze(what_if_team(ctx.plan.team, leaving, hires, ctx), ctx.model)
    before_s, after_s = _summary(report), _summary(after)
    cols = st.columns(4)
    cols[0].metric(
        ctx.t("kpi_fit"),
        f"{after_s['fit']:.0%}",
        f"{(after_s['fit'] - before_s['fit']) * 100:+.1f} pp",
    )
    cols[1].metric(
        ctx.t("kpi_gap_total"),
        f"{after_s['gap']:.1f}",
        f"{after_s['gap'] - before_s['gap']:+.1f}",
        delta_color="inverse",
    )
    cols[2].metric(
        ctx.t("kpi_spof"),
        int(after_s["spof"]),
        int(after_s["spof"] - before_s["spof"]),
        delta_color="inverse",
    )
    cols[3].metric(
        ctx.t("kpi_uncovered"),
        int(after_s["uncovered"]),
        int(after_s["uncovered"] - before_s["uncovered"]),
        delta_color="inverse",
    )
    changed = [
        {
            ctx.t("col_skill"): ctx.catalog.skill_label(sid, ctx.lang),
            ctx.t("whatif_cov_before"): f"{s.coverage:.0%}",
            ctx.t("whatif_cov_after"): f"{after.skills[sid].coverage:.0%}",
            ctx.t("whatif_experts_before"): s.experts,
            ctx.t("whatif_experts_after"): after.skills[sid].experts,
        }
        for sid, s in report.skills.items()
        if abs(s.coverage - after.skills[sid].coverage) > 1e-9
        or s.experts != after.skills[sid].experts
    ]
    if changed:
        st.dataframe(changed, hide_index=True, width="stretch", key="whatif_table")
    else:
        st.info(ctx.t("whatif_no_change"))
