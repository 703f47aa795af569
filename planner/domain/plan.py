"""The plan: everything a founder works on, loaded and saved as a whole, with its
roadmap choices; and its one JSON form."""

from __future__ import annotations

import json
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_serializer,
    field_validator,
    model_serializer,
    model_validator,
)

from planner.domain.finances import Finances
from planner.domain.model import BusinessModel
from planner.domain.team import Team
from planner.domain.validators import MAX_NAME_LEN
from planner.i18n import LANGS

PLAN_SCHEMA = 1
ROADMAP_MAX_MONTHS = 36  # the roadmap's horizon: months 0..N, N at most this
ROADMAP_DEFAULT_MONTHS = 24
MAX_ROADMAP_ACTIONS = 60

RoadmapMode = Literal["hire", "train", "mixed"]


class RoadmapAction(BaseModel):
    """One step of the roadmap: a hire whose search starts in `month`, or one training
    step (one level up in one skill) for a member, starting in `month`.

    Names and ids are checked against the team and the catalog when projected, not
    here: a member removed after the action was chosen must not make the plan unreadable
    (the page says which action no longer applies and keeps it)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["hire", "train"]
    month: int = Field(ge=0, le=ROADMAP_MAX_MONTHS)
    role: str | None = Field(default=None, min_length=1, max_length=60)
    member: str | None = Field(default=None, min_length=1, max_length=MAX_NAME_LEN)
    skill: str | None = Field(default=None, min_length=1, max_length=60)
    # Training from level 0 is a hire unless the founder says otherwise.
    override: bool = False

    @model_validator(mode="after")
    def _fields_of_kind(self) -> RoadmapAction:
        if self.kind == "hire" and (not self.role or self.member or self.skill):
            raise ValueError("a hire names a role (and no member or skill)")
        if self.kind == "train" and (not self.member or not self.skill or self.role):
            raise ValueError("a training step names a member and a skill (and no role)")
        return self


class Roadmap(BaseModel):
    """The roadmap page's choices: the planner's mode, the horizon, the cash reserve,
    and the actions the founder chose (None: follow the planner's suggestion)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mode: RoadmapMode = "mixed"
    months: int = Field(default=ROADMAP_DEFAULT_MONTHS, ge=1, le=ROADMAP_MAX_MONTHS)
    reserve_months: float = Field(default=3.0, ge=0, le=24, allow_inf_nan=False)
    actions: tuple[RoadmapAction, ...] | None = Field(default=None, max_length=MAX_ROADMAP_ACTIONS)


class Plan(BaseModel):
    """Everything a founder works on, loaded and saved as a whole."""

    model_config = ConfigDict(extra="forbid")

    schema_: int = Field(default=PLAN_SCHEMA, alias="schema")
    name: str = Field(default="My plan", min_length=1, max_length=MAX_NAME_LEN)
    business_model: str = "product"
    team: Team = Team()
    custom_models: dict[str, BusinessModel] = Field(default_factory=dict)
    lang: str = "en"
    notes: str = Field(default="", max_length=20_000)
    finances: Finances = Field(default_factory=Finances)
    roadmap: Roadmap = Field(default_factory=Roadmap)

    @field_validator("team", mode="before")
    @classmethod
    def _team_from_list(cls, value: object) -> object:
        # The file format keeps the team as a plain list of members.
        return {"members": value} if isinstance(value, list | tuple) else value

    @field_serializer("team")
    def _team_as_list(self, team: Team) -> list[dict]:
        # exclude_none: a member without a monthly cost is written as before finances existed.
        return [m.model_dump(exclude_none=True) for m in team.members]

    @model_serializer(mode="wrap")
    def _without_default_roadmap(self, handler):
        # A plan that never opened the roadmap is written exactly as before it existed:
        # stored versions keep their text, and older releases still read the file.
        data = handler(self)
        if self.roadmap == Roadmap() and isinstance(data, dict):
            data.pop("roadmap", None)
        return data

    @field_validator("schema_")
    @classmethod
    def _known_schema(cls, value: int) -> int:
        if value > PLAN_SCHEMA:
            raise ValueError(f"schema {value} is newer than this app understands ({PLAN_SCHEMA})")
        return value

    @field_validator("lang")
    @classmethod
    def _known_lang(cls, value: str) -> str:
        return value if value in LANGS else "en"


def plan_to_json(plan: Plan, *, indent: int | None = None) -> str:
    """A plan as JSON text, the one form every file and the database use.

    Keys are sorted so that equal plans give equal text (the store compares
    texts to skip saves that change nothing); compact by default, as stored;
    `indent=2` for a file a person may read.
    """
    return json.dumps(
        plan.model_dump(by_alias=True, mode="json"),
        ensure_ascii=False,
        sort_keys=True,
        indent=indent,
        separators=(",", ":") if indent is None else (",", ": "),
    )
