"""The people of a plan: who someone is (`Person`), a member with levels per skill
and where each level came from, and the team."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from planner.domain.finances import MAX_MONEY
from planner.domain.validators import MAX_NAME_LEN, check_levels

RatingSource = Literal["founder", "self", "calibrated"]


class RatingMeta(BaseModel):
    """Where one level came from: the founder's own rating, the member's self-assessment
    accepted as given ("self"), or a self-assessment that agreed with the founder's
    ("calibrated"); and the day it was last confirmed (None: unknown)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: RatingSource = "founder"
    confirmed: date | None = None


class Person(BaseModel):
    """Who someone is in a plan: a name, a role and an FTE share. A member and a
    self-assessment (planner/store/assessment.py) validate them alike."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=MAX_NAME_LEN)
    role: str = Field(default="", max_length=MAX_NAME_LEN)
    fte: float = Field(default=1.0, gt=0, le=1)

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


class Rated(Person):
    """A person with a level 0-5 per skill (area.skill ids), kept in skill order. A
    member's level 0 is dropped, the same as absent, so equal teams compare equal; a
    self-assessment keeps it ("I have none of this" is an answer): `keep_zero_levels`."""

    keep_zero_levels: ClassVar[bool] = False
    skills: dict[str, int] = Field(default_factory=dict)

    @field_validator("skills")
    @classmethod
    def _levels_in_range(cls, skills: dict[str, int]) -> dict[str, int]:
        check_levels(skills)
        return {s: lvl for s, lvl in sorted(skills.items()) if lvl > 0 or cls.keep_zero_levels}


class Member(Rated):
    # What the member costs a month, all in (salary and on-costs); None: the role's mid band.
    monthly_cost: float | None = Field(default=None, ge=0, le=MAX_MONEY, allow_inf_nan=False)
    # Where each level came from and when it was last confirmed (skill id -> RatingMeta).
    # None, or a skill missing here: the founder's rating, date unknown (every plan made
    # before self-assessments existed); written only when set, so old plans stay as they were.
    ratings_meta: dict[str, RatingMeta] | None = None

    @field_validator("ratings_meta")
    @classmethod
    def _meta_of_rated_skills(
        cls, meta: dict[str, RatingMeta] | None, info: ValidationInfo
    ) -> dict[str, RatingMeta] | None:
        # Provenance of a level that is not there (0 or absent) says nothing, and the
        # default (founder, date unknown) is what a missing entry means: both are dropped
        # so that equal ratings compare equal.
        skills = info.data.get("skills") or {}
        kept = {s: m for s, m in sorted((meta or {}).items()) if s in skills and m != RatingMeta()}
        return kept or None

    def level(self, skill_id: str) -> int:
        return self.skills.get(skill_id, 0)

    def meta(self, skill_id: str) -> RatingMeta:
        """Where the level of skill_id came from (the founder, date unknown, by default)."""
        return (self.ratings_meta or {}).get(skill_id) or RatingMeta()


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
