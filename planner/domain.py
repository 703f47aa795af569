"""Validated domain types: members, teams, requirements, business models, plans.

Everything that crosses a boundary (a file, a form, the database) becomes one of
these types first, so the rest of the core can trust its inputs.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_serializer,
    field_validator,
    model_serializer,
    model_validator,
)

from planner.gpus import GPUS
from planner.i18n import LANGS
from planner.text import Label

LEVEL_MIN, LEVEL_MAX = 0, 5
SKILL_ID = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
MODEL_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
PLAN_SCHEMA = 1
MAX_NAME_LEN = 120
# Money: the largest amount a plan holds (a trillion); 1e20 of cash is a typo, not a plan.
MAX_MONEY = 1e12
MARKETS = {"cn": "CNY", "us": "USD"}  # market -> currency
BANDS = ("low", "mid", "high")
HORIZON_MONTHS = 36
MAX_SCENARIOS = 4
MAX_PLANNED_HIRES = 50
WEEKS_PER_MONTH = 52 / 12
ROADMAP_MAX_MONTHS = 36  # the roadmap's horizon: months 0..N, N at most this
ROADMAP_DEFAULT_MONTHS = 24
MAX_ROADMAP_ACTIONS = 60
MFU_MIN, MFU_MAX = 0.1, 0.6


def first_error(exc: ValidationError) -> tuple[str, str]:
    """Where the first validation problem is (dotted path, may be empty) and what it is,
    without pydantic's "Value error, " prefix: the part a user can act on."""
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err.get("loc", ()))
    return where, err["msg"].removeprefix("Value error, ")


def area_of(skill_id: str) -> str:
    """The area a skill belongs to: the part before the dot."""
    return skill_id.split(".", 1)[0]


RatingSource = Literal["founder", "self", "calibrated"]


class RatingMeta(BaseModel):
    """Where one level came from: the founder's own rating, the member's self-assessment
    accepted as given ("self"), or a self-assessment that agreed with the founder's
    ("calibrated"); and the day it was last confirmed (None: unknown)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: RatingSource = "founder"
    confirmed: date | None = None


def check_levels(skills: dict[str, int]) -> None:
    """Every key a skill id (area.skill), every level 0-5; ValueError names the first bad one."""
    for skill_id, level in skills.items():
        if not SKILL_ID.match(skill_id):
            raise ValueError(f"{skill_id!r} is not a skill id of the form area.skill")
        if not LEVEL_MIN <= level <= LEVEL_MAX:
            raise ValueError(f"level {level} of {skill_id} is outside 0-5")


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


class Member(Person):
    skills: dict[str, int] = Field(default_factory=dict)
    # What the member costs a month, all in (salary and on-costs); None: the role's mid band.
    monthly_cost: float | None = Field(default=None, ge=0, le=MAX_MONEY, allow_inf_nan=False)
    # Where each level came from and when it was last confirmed (skill id -> RatingMeta).
    # None, or a skill missing here: the founder's rating, date unknown (every plan made
    # before self-assessments existed); written only when set, so old plans stay as they were.
    ratings_meta: dict[str, RatingMeta] | None = None

    @field_validator("skills")
    @classmethod
    def _levels_in_range(cls, skills: dict[str, int]) -> dict[str, int]:
        check_levels(skills)
        # Level 0 is the same as absent: drop it so equal teams compare equal.
        return {s: lvl for s, lvl in sorted(skills.items()) if lvl > 0}

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


def earliest_start(weeks_to_hire: int) -> int:
    """The first month (0 = the plan's start month) a hire can begin, recruiting
    having taken weeks_to_hire from the start."""
    return math.ceil(weeks_to_hire / WEEKS_PER_MONTH - 1e-9)


def _money(**kwargs: object):
    return Field(ge=0, le=MAX_MONEY, allow_inf_nan=False, **kwargs)


class PlannedHire(BaseModel):
    """One hire on the timeline: a role from data/roles.yaml, paid at a band."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: str = Field(min_length=1, max_length=60)
    band: Literal["low", "mid", "high"] = "mid"
    weeks_to_hire: int = Field(default=8, ge=0, le=104)
    start_month: int | None = Field(default=None, ge=0, lt=HORIZON_MONTHS)  # None: earliest
    annual_salary: float | None = _money(default=None)  # overrides the band
    # The share of a full-time person: a part-time step of the hiring plan is costed
    # (and scored) by its share, never as a full-time salary.
    fte: float = Field(default=1.0, gt=0, le=1, allow_inf_nan=False)

    @model_validator(mode="after")
    def _not_before_hired(self) -> PlannedHire:
        first = earliest_start(self.weeks_to_hire)
        if self.start_month is not None and self.start_month < first:
            raise ValueError(
                f"month {self.start_month} is too early: hiring takes {self.weeks_to_hire} "
                f"weeks, so month {first} at the earliest"
            )
        return self

    @property
    def start(self) -> int:
        return earliest_start(self.weeks_to_hire) if self.start_month is None else self.start_month


class TrainingInputs(BaseModel):
    """Training runs: N parameters on D tokens (None: the Chinchilla 20·N)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    params: float = Field(gt=0, le=1e15, allow_inf_nan=False)
    tokens: float | None = Field(default=None, gt=0, le=1e18, allow_inf_nan=False)
    # none: an estimate only, kept out of the burn; once: paid in `month`; monthly: from it on
    schedule: Literal["none", "once", "monthly"] = "once"
    runs: float = Field(default=1, ge=0, le=1000, allow_inf_nan=False)  # per month if monthly
    month: int = Field(default=0, ge=0, lt=HORIZON_MONTHS)  # a one-off run is paid then


class InferenceInputs(BaseModel):
    """Serving: users × requests a month × tokens a request, at 2·N FLOPs a token."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    params: float = Field(gt=0, le=1e15, allow_inf_nan=False)
    users: float = Field(default=0, ge=0, le=1e10, allow_inf_nan=False)
    requests_per_user: float = Field(default=0, ge=0, le=1e6, allow_inf_nan=False)
    tokens_per_request: float = Field(default=0, ge=0, le=1e7, allow_inf_nan=False)
    # Decoding is memory-bound: utilisation sits well below training's.
    mfu: float = Field(default=0.2, ge=MFU_MIN, le=MFU_MAX, allow_inf_nan=False)
    reserved_gpus: int = Field(default=0, ge=0, le=100_000)  # always on, billed all month


class ComputeInputs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    gpu: str = "h100"
    price_per_gpu_hour: float = Field(ge=0, le=1e5, allow_inf_nan=False)
    mfu: float = Field(default=0.4, ge=MFU_MIN, le=MFU_MAX, allow_inf_nan=False)
    gpus: int = Field(default=8, ge=1, le=100_000)
    training: TrainingInputs | None = None
    inference: InferenceInputs | None = None

    @field_validator("gpu")
    @classmethod
    def _known_gpu(cls, value: str) -> str:
        if value not in GPUS:
            raise ValueError(f"unknown GPU {value!r}; known: {', '.join(GPUS)}")
        return value


class Funding(BaseModel):
    """Money in and out besides people and compute."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cash: float = _money(default=0)
    monthly_burn: float = _money(default=0)  # non-payroll: rent, tools, services
    monthly_revenue: float = _money(default=0)
    revenue_growth: float = Field(default=0, ge=-0.5, le=1.0, allow_inf_nan=False)  # a month


class Scenario(BaseModel):
    """A named variant of the plan: hires and their timing, compute and funding."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=60)
    hires: tuple[PlannedHire, ...] = Field(default=(), max_length=MAX_PLANNED_HIRES)
    compute: ComputeInputs | None = None
    funding: Funding = Funding()

    @field_validator("name")
    @classmethod
    def _strip_name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the scenario name is empty")
        return value.strip()


class Finances(BaseModel):
    """What the plan costs and what pays for it (the budget page)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    market: Literal["cn", "us"] | None = None  # None: follows the language until chosen
    start_month: str | None = None  # "YYYY-MM"; None: the current month
    funding: Funding = Funding()
    loaded_multiplier: float = Field(default=1.3, ge=1.0, le=3.0, allow_inf_nan=False)
    default_annual_salary: float | None = _money(default=None)  # None: mean of the mid bands
    hires: tuple[PlannedHire, ...] = Field(default=(), max_length=MAX_PLANNED_HIRES)
    monthly_budget: float | None = _money(default=None)  # for new hires, all in
    # True while the hires are the hiring plan's ("Recommend hires"): the page then
    # says when the plan changes, and the report costs the plan as it is now.
    hires_follow_plan: bool = False
    compute: ComputeInputs | None = None  # None: the business model's default profile
    scenarios: tuple[Scenario, ...] = Field(default=(), max_length=MAX_SCENARIOS)

    @field_validator("start_month")
    @classmethod
    def _year_month(cls, value: str | None) -> str | None:
        if value is None:
            return None
        match = re.fullmatch(r"(\d{4})-(\d{2})", value.strip())
        if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2100:
            raise ValueError(f"{value!r} is not a month of the form YYYY-MM")
        return value.strip()

    @field_validator("scenarios")
    @classmethod
    def _unique_scenarios(cls, scenarios: tuple[Scenario, ...]) -> tuple[Scenario, ...]:
        names = [s.name.casefold() for s in scenarios]
        if len(set(names)) != len(names):
            raise ValueError("two scenarios have the same name")
        return scenarios

    def market_for(self, lang: str) -> str:
        return self.market or ("cn" if lang == "zh" else "us")

    def start(self, today: date | None = None) -> date:
        """The first day of the plan's first month."""
        if self.start_month:
            year, month = self.start_month.split("-")
            return date(int(year), int(month), 1)
        return (today or date.today()).replace(day=1)


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
