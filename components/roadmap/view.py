"""The roadmap section, computed once per plan and language (cached, bounded), and
the parts of it that other pages show: the succession table and the ready month."""

from __future__ import annotations

from datetime import date

import streamlit as st

from components.state import Ctx, catalog
from components.ui import show_chart, static_table
from planner.domain import Plan, plan_to_json
from planner.i18n import t
from planner.roadmap.charts import MODE_KEYS, month_text
from planner.roadmap.result import RoadmapResult, compare_modes, roadmap
from planner.roadmap.section import RoadmapSection, roadmap_section
from planner.roadmap.succession import succession
from planner.roadmap.world import world_for

# Plans differ per user: a bounded cache, so one visitor's plans cannot fill memory.
CACHE_ENTRIES, CACHE_TTL = 32, 3600


@st.cache_data(max_entries=CACHE_ENTRIES, ttl=CACHE_TTL, show_spinner=False)
def _modes(plan_json: str, model_id: str, lang: str, day: str) -> dict[str, RoadmapResult]:
    """The planner in its three modes: moving or adding an action does not rerun it."""
    plan, model = _plan_and_model(plan_json, model_id)
    return compare_modes(world_for(plan, catalog(), model, lang, today=date.fromisoformat(day)))


@st.cache_data(max_entries=CACHE_ENTRIES, ttl=CACHE_TTL, show_spinner=False)
def _section(plan_json: str, model_id: str, lang: str, day: str) -> RoadmapSection:
    plan, model = _plan_and_model(plan_json, model_id)
    # The modes' key leaves out what they do not depend on: the actions and the mode.
    general = plan.model_copy(
        update={"roadmap": plan.roadmap.model_copy(update={"actions": None, "mode": "mixed"})}
    )
    modes = _modes(plan_to_json(general), model_id, lang, day)
    return roadmap_section(plan, catalog(), model, lang, date.fromisoformat(day), modes)


def _plan_and_model(plan_json: str, model_id: str):
    plan = Plan.model_validate_json(plan_json)
    models = {**catalog().business_models, **plan.custom_models}
    return plan, models[model_id]


def _key(ctx: Ctx) -> tuple[str, str, str, str]:
    # The plan's name, notes and language do not change the roadmap: left out of the key.
    plan = ctx.plan.model_copy(update={"name": "-", "notes": "", "lang": "en"})
    return plan_to_json(plan), ctx.model.id, ctx.lang, date.today().isoformat()


def section_for(ctx: Ctx) -> RoadmapSection:
    """The roadmap of the plan as it is now (the planner runs once per change)."""
    with st.spinner(ctx.t("roadmap_planning")):
        return _section(*_key(ctx))


@st.cache_data(max_entries=CACHE_ENTRIES, ttl=CACHE_TTL, show_spinner=False)
def _ready(plan_json: str, model_id: str, lang: str, day: str) -> tuple[str, str, bool]:
    """(mode words, ready month words, ready within the horizon) of the plan's roadmap."""
    plan, model = _plan_and_model(plan_json, model_id)
    world = world_for(plan, catalog(), model, lang, today=date.fromisoformat(day))
    result = roadmap(world, plan.roadmap.mode, plan.roadmap.actions)
    mode = t("roadmap_yours", lang) if result.chosen else t(MODE_KEYS[result.mode], lang)
    return mode, month_text(result, result.ready_month, lang), result.ready_month is not None


def roadmap_figure(ctx: Ctx, section: RoadmapSection) -> None:
    show_chart(section.figure, "roadmap_chart", ctx)


def compare_table(ctx: Ctx, section: RoadmapSection) -> None:
    st.subheader(ctx.t("roadmap_compare_title"))
    with st.container(key="roadmap_compare"):
        # Static: seven columns cut the runway off a data frame at 1400 px.
        static_table(section.compare)
        st.caption(section.note)


def succession_table(ctx: Ctx) -> None:
    """Beside the bus factor: who could take over each skill that rests on one person."""
    from planner.roadmap.charts import succession_rows
    from planner.roadmap.settings import load_training

    rows = succession_rows(
        succession(ctx.plan.team, ctx.model, load_training()), ctx.catalog, ctx.lang
    )
    with st.container(key="succession_table"):
        st.markdown(f"**{ctx.t('succession_title')}**", help=ctx.t("succession_help"))
        if rows:
            # Static: in a half column a data frame cut "Level → target" and the
            # readiness column off, even at 1400 px.
            names = ("roadmap_col_skill", "roadmap_col_rests_on", "roadmap_col_successor")
            static_table(rows, user_text={ctx.t(k) for k in names})
        else:
            st.caption(ctx.t("succession_none"))


def ready_verdict(ctx: Ctx) -> str:
    """The overview's sentence: the month the team is ready under the plan's roadmap
    (only the plan's own mode is planned here, not all three)."""
    with st.spinner(ctx.t("roadmap_planning")):
        mode, ready, within = _ready(*_key(ctx))
    key = "roadmap_verdict_ready" if within else "roadmap_verdict_not_ready"
    return t(key, ctx.lang, mode=mode, ready=ready)
