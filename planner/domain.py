"""Validated domain types: members, teams, requirements, business models, plans.

Everything that crosses a boundary (a file, a form, the database) becomes one of
these types first, so the rest of the core can trust its inputs.
"""

from __future__ import annotations

import re

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_serializer,
    field_validator,
    model_validator,
)

LEVEL_MIN, LEVEL_MAX = 0, 5
SKILL_ID = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
MODEL_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
PLAN_SCHEMA = 1
MAX_NAME_LEN = 120
LANGS = ("en", "zh")


def first_error(exc: ValidationError) -> tuple[str, str]:
    """Where the first validation problem is (dotted path, may be empty) and what it is,
    without pydantic's "Value error, " prefix: the part a user can act on."""
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err.get("loc", ()))
    return where, err["msg"].removeprefix("Value error, ")


def area_of(skill_id: str) -> str:
    """The area a skill belongs to: the part before the dot."""
    return skill_id.split(".", 1)[0]


class Label(BaseModel):
    """A text in both languages."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    en: str
    zh: str

    def __call__(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Member(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=MAX_NAME_LEN)
    role: str = Field(default="", max_length=MAX_NAME_LEN)
    fte: float = Field(default=1.0, gt=0, le=1)
    skills: dict[str, int] = Field(default_factory=dict)

    @field_validator("name", "role")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        if not value:
            raise ValueError("name is empty")
        return value

    @field_validator("skills")
    @classmethod
    def _levels_in_range(cls, skills: dict[str, int]) -> dict[str, int]:
        for skill_id, level in skills.items():
            if not SKILL_ID.match(skill_id):
                raise ValueError(f"{skill_id!r} is not a skill id of the form area.skill")
            if not LEVEL_MIN <= level <= LEVEL_MAX:
                raise ValueError(f"level {level} of {skill_id} is outside 0-5")
        # Level 0 is the same as absent: drop it so equal teams compare equal.
        return {s: lvl for s, lvl in sorted(skills.items()) if lvl > 0}

    def level(self, skill_id: str) -> int:
        return self.skills.get(skill_id, 0)


class Team(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    members: tuple[Member, ...] = ()

    @model_validator(mode="after")
    def _unique_names(self) -> Team:
        seen: set[str] = set()
        for member in self.members:
            key = member.name.casefold()
            if key in seen:
                raise ValueError(f"the name {member.name!r} appears more than once")
            seen.add(key)
        return self

    def __len__(self) -> int:
        return len(self.members)

    def names(self) -> list[str]:
        return [m.name for m in self.members]

    def without(self, name: str) -> Team:
        return Team(members=tuple(m for m in self.members if m.name != name))

    def with_member(self, member: Member) -> Team:
        return Team(members=(*self.members, member))


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

    @field_validator("team", mode="before")
    @classmethod
    def _team_from_list(cls, value: object) -> object:
        # The file format keeps the team as a plain list of members.
        return {"members": value} if isinstance(value, list | tuple) else value

    @field_serializer("team")
    def _team_as_list(self, team: Team) -> list[dict]:
        return [m.model_dump() for m in team.members]

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
