"""Validated domain types: members, teams, requirements, business models, plans.

Everything that crosses a boundary (a file, a form, the database) becomes one of
these types first, so the rest of the core can trust its inputs.

- `validators`: ids, levels and names, and a failed validation's first problem;
- `team`: Person, Member (levels and where they came from), Team;
- `model`: Requirement, BusinessModel;
- `finances`: planned hires, compute, funding, scenarios;
- `plan`: Plan with its roadmap choices, and `plan_to_json`.

Callers import from here: `from planner.domain import Member, Plan`.
"""

from planner.domain.finances import (
    BANDS,
    HORIZON_MONTHS,
    MARKETS,
    MAX_MONEY,
    MAX_PLANNED_HIRES,
    MAX_SCENARIOS,
    MFU_MAX,
    MFU_MIN,
    WEEKS_PER_MONTH,
    ComputeInputs,
    Finances,
    Funding,
    InferenceInputs,
    PlannedHire,
    Scenario,
    TrainingInputs,
    earliest_start,
)
from planner.domain.model import BusinessModel, Requirement
from planner.domain.plan import (
    MAX_ROADMAP_ACTIONS,
    PLAN_SCHEMA,
    ROADMAP_DEFAULT_MONTHS,
    ROADMAP_MAX_MONTHS,
    Plan,
    Roadmap,
    RoadmapAction,
    RoadmapMode,
    plan_to_json,
)
from planner.domain.team import Member, Person, Rated, RatingMeta, RatingSource, Team
from planner.domain.validators import (
    LEVEL_MAX,
    LEVEL_MIN,
    MAX_NAME_LEN,
    MODEL_ID,
    SKILL_ID,
    area_of,
    check_levels,
    first_error,
)
from planner.i18n import LANGS
from planner.text import Label

__all__ = [
    "BANDS",
    "HORIZON_MONTHS",
    "LANGS",
    "LEVEL_MAX",
    "LEVEL_MIN",
    "MARKETS",
    "MAX_MONEY",
    "MAX_NAME_LEN",
    "MAX_PLANNED_HIRES",
    "MAX_ROADMAP_ACTIONS",
    "MAX_SCENARIOS",
    "MFU_MAX",
    "MFU_MIN",
    "MODEL_ID",
    "PLAN_SCHEMA",
    "ROADMAP_DEFAULT_MONTHS",
    "ROADMAP_MAX_MONTHS",
    "SKILL_ID",
    "WEEKS_PER_MONTH",
    "BusinessModel",
    "ComputeInputs",
    "Finances",
    "Funding",
    "InferenceInputs",
    "Label",
    "Member",
    "Person",
    "Plan",
    "PlannedHire",
    "Rated",
    "RatingMeta",
    "RatingSource",
    "Requirement",
    "Roadmap",
    "RoadmapAction",
    "RoadmapMode",
    "Scenario",
    "Team",
    "TrainingInputs",
    "area_of",
    "check_levels",
    "earliest_start",
    "first_error",
    "plan_to_json",
]
