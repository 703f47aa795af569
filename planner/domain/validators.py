"""The rules every domain type checks its input against: ids, levels and names, and
the first problem of a failed validation in words a user can act on."""

from __future__ import annotations

import re

from pydantic import ValidationError

LEVEL_MIN, LEVEL_MAX = 0, 5
SKILL_ID = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
MODEL_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_NAME_LEN = 120


def first_error(exc: ValidationError) -> tuple[str, str]:
    """Where the first validation problem is (dotted path, may be empty) and what it is,
    without pydantic's "Value error, " prefix: the part a user can act on."""
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err.get("loc", ()))
    return where, err["msg"].removeprefix("Value error, ")


def area_of(skill_id: str) -> str:
    """The area a skill belongs to: the part before the dot."""
    return skill_id.split(".", 1)[0]


def check_levels(skills: dict[str, int]) -> None:
    """Every key a skill id (area.skill), every level 0-5; ValueError names the first bad one."""
    for skill_id, level in skills.items():
        if not SKILL_ID.match(skill_id):
            raise ValueError(f"{skill_id!r} is not a skill id of the form area.skill")
        if not LEVEL_MIN <= level <= LEVEL_MAX:
            raise ValueError(f"level {level} of {skill_id} is outside 0-5")
