"""Business model: pick one, see what it requires, compare the team's fit for each."""

import streamlit as st

from components.custom_model import custom_model_editor
from components.plans import update_plan
from components.state import is_read_only, page_setup
from components.team_actions import start_actions
from components.ui import md, show_chart, static_table
from planner import charts
from planner.numbers import percent

ctx = page_setup()
read_only = is_read_only()
st.title(ctx.t("model_title"))
st.caption(ctx.t("model_purpose"))


def choose_model() -> None:
    update_plan(business_model=st.session_state["business_model"])


models = ctx.models
# The widget mirrors the plan: its state is dropped when another page is shown.
st.session_state["business_model"] = ctx.model.id
st.radio(
    ctx.t("model_pick"),
    options=list(models),
    format_func=lambda m: (
        f"{md(models[m].label(ctx.lang))} — {md(models[m].description(ctx.lang))}"
    ),
    key="business_model",
    on_change=choose_model,
    disabled=read_only,
)
model = models[st.session_state["business_model"]]

st.subheader(ctx.t("model_requirements", model=md(model.label(ctx.lang))))
rows = [
    {
        ctx.t("col_area"): ctx.catalog.area_label(skill_id.split(".")[0], ctx.lang),
        ctx.t("col_skill"): ctx.catalog.skill_label(skill_id, ctx.lang),
        ctx.t("col_target"): req.level,
        ctx.t("col_depth"): req.depth,
        ctx.t("col_weight"): model.weights.get(skill_id.split(".")[0], 0),
    }
    for skill_id, req in model.requirements.items()
]
# Static: a founder reads the profile whole, every row and column at every width (a
# data frame hid the depth and weight columns on a phone). Labels stay inert text.
static_table(rows, user_text={ctx.t("col_area"), ctx.t("col_skill")})
st.caption(ctx.t("model_requirements_help"))

if len(ctx.plan.team) == 0:
    start_actions(ctx, "overview_empty")
else:
    fits, resilience = ctx.analysis.fits, ctx.analysis.resilience
    best = ctx.analysis.best_model  # best fit; on a tie the more resilient, then the chosen
    st.markdown(
        ctx.t(
            "model_best",
            model=md(models[best].label(ctx.lang)),
            fit=percent(fits[best]),
            resilience=percent(resilience[best]),
        )
    )
    show_chart(
        charts.fit_comparison(fits, models, model.id, ctx.lang, resilience),
        "model_fit_chart",
        ctx,
    )

if not read_only:
    custom_model_editor(ctx)
