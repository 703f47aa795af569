"""The form where a founder defines (or deletes) a business model of their own."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from components.plans import update_plan
from components.state import Ctx
from components.ui import md
from planner.catalog import CatalogError
from planner.domain import BusinessModel, first_error
from planner.scoring import (
    AREAS,
)

FORM = "custom_model_form"


def build_custom_model(ctx: Ctx, values: dict, requirements: pd.DataFrame) -> BusinessModel:
    """Validate the form into a BusinessModel; raises ValueError with a user message
    (Markdown, the user's text in it escaped)."""
    model_id = values["id"].strip().lower()
    if model_id in ctx.catalog.business_models:
        raise ValueError(ctx.t("custom_builtin_id", id=md(model_id)))
    labels = {lbl(ctx.lang): sid for sid, lbl in ctx.catalog.skill_labels.items()}
    reqs = {}
    for row in requirements.to_dict("records"):
        if not row.get("skill"):
            continue
        skill_id = labels.get(row["skill"], row["skill"])
        if skill_id in reqs:
            raise ValueError(ctx.t("custom_duplicate_skill", skill=md(row["skill"])))
        reqs[skill_id] = {"level": row.get("level"), "depth": row.get("depth")}
    if not reqs:
        raise ValueError(ctx.t("custom_no_requirements"))
    name = values["label"].strip() or model_id
    try:
        model = BusinessModel.model_validate(
            {
                "id": model_id,
                "label": {"en": name, "zh": name},
                "description": {"en": values["description"], "zh": values["description"]},
                "weights": {a: values[f"w_{a}"] for a in AREAS},
                "requirements": reqs,
            }
        )
        ctx.catalog.check_business_model(model, model_id)
    except ValidationError as exc:
        where, problem = first_error(exc)
        raise ValueError(
            ctx.t("custom_invalid", problem=md(f"{where}: {problem}" if where else problem))
        ) from None
    except CatalogError as exc:
        raise ValueError(ctx.t("custom_invalid", problem=md(exc))) from None
    return model


def custom_model_editor(ctx: Ctx) -> None:
    with st.expander(ctx.t("custom_title"), expanded=False):
        st.caption(ctx.t("custom_help"))
        skill_names = [ctx.catalog.skill_label(s, ctx.lang) for s in ctx.catalog.skill_ids]
        with st.form(FORM):
            values = {
                "id": st.text_input(ctx.t("custom_id"), key="custom_model_id", max_chars=40),
                "label": st.text_input(
                    ctx.t("custom_label"), key="custom_model_label", max_chars=60
                ),
                "description": st.text_input(
                    ctx.t("custom_description"), key="custom_model_description", max_chars=200
                ),
            }
            cols = st.columns(len(AREAS))
            for col, area in zip(cols, AREAS, strict=True):
                values[f"w_{area}"] = col.number_input(
                    ctx.catalog.area_label(area, ctx.lang),
                    min_value=0.0,
                    max_value=10.0,
                    value=1.0,
                    step=0.5,
                    key=f"custom_model_w_{area}",
                )
            requirements = st.data_editor(
                pd.DataFrame(
                    {
                        "skill": pd.Series(dtype="string"),
                        "level": pd.Series(dtype="Int64"),
                        "depth": pd.Series(dtype="float"),
                    }
                ),
                key="custom_model_requirements",
                num_rows="dynamic",
                hide_index=True,
                column_config={
                    "skill": st.column_config.SelectboxColumn(
                        ctx.t("col_skill"), options=skill_names, required=True
                    ),
                    "level": st.column_config.NumberColumn(
                        ctx.t("col_target"), min_value=1, max_value=5, step=1, default=3
                    ),
                    "depth": st.column_config.NumberColumn(
                        ctx.t("col_depth"), min_value=0.1, max_value=20, step=0.5, default=1.0
                    ),
                },
                width="stretch",
            )
            submitted = st.form_submit_button(ctx.t("custom_save"), key="custom_model_save")
        if submitted:
            try:
                model = build_custom_model(ctx, values, requirements)
            except ValueError as exc:
                st.error(str(exc))
            else:
                update_plan(
                    custom_models={**ctx.plan.custom_models, model.id: model},
                    business_model=model.id,
                )
                st.success(ctx.t("custom_saved", model=md(model.label(ctx.lang))))
                st.rerun()
        if ctx.plan.custom_models:
            doomed = st.selectbox(
                ctx.t("custom_delete_pick"),
                list(ctx.plan.custom_models),
                key="custom_model_delete_pick",
            )
            if st.button(ctx.t("custom_delete"), key="custom_model_delete"):
                remaining = {k: v for k, v in ctx.plan.custom_models.items() if k != doomed}
                chosen = ctx.plan.business_model
                update_plan(
                    custom_models=remaining,
                    business_model="product" if chosen == doomed else chosen,
                )
                st.rerun()
