"""A business model: a requirement profile of target levels and depths per skill,
and a weight per area."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from planner.domain.validators import LEVEL_MAX, MODEL_ID, SKILL_ID, area_of
from planner.text import Label


class Requirement(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    level: int = Field(ge=1, le=LEVEL_MAX)
    depth: float = Field(gt=0, le=100)


class BusinessModel(BaseModel):
    """A requirement profile: target level and depth per skill, weight per area."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    label: Label
    description: Label = Label(en="", zh="")
    weights: dict[str, float]
    requirements: dict[str, Requirement]

    @field_validator("id")
    @classmethod
    def _id_form(cls, value: str) -> str:
        if not MODEL_ID.match(value):
            raise ValueError(
                f"{value!r} is not a model id (lower-case letters, digits, _; starts with a letter)"
            )
        return value

    @field_validator("weights")
    @classmethod
    def _weights_not_negative(cls, weights: dict[str, float]) -> dict[str, float]:
        for area, weight in weights.items():
            if weight < 0:
                raise ValueError(f"weight of {area} is negative ({weight})")
        return weights

    @model_validator(mode="after")
    def _scorable(self) -> BusinessModel:
        for skill_id in self.requirements:
            if not SKILL_ID.match(skill_id):
                raise ValueError(f"{skill_id!r} is not a skill id of the form area.skill")
        if not any(self.weights.get(area_of(s), 0) > 0 for s in self.requirements):
            raise ValueError("no requirement lies in an area with a positive weight")
        return self

    def areas(self) -> list[str]:
        """Areas with at least one requirement, in first-seen order."""
        return list(dict.fromkeys(area_of(s) for s in self.requirements))
