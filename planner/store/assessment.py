"""What a person submits through a self-assessment link: their own ratings,
validated like a member (planner.domain.Rated) and bounded, before anything is
stored."""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from typing import ClassVar

from pydantic import Field, StrictInt, ValidationError, ValidationInfo, field_validator

from planner.domain import Rated, first_error
from planner.files import control_char
from planner.store.errors import StoreError

MAX_NOTE_LEN = 500


class InvalidAssessment(StoreError):
    """A submitted form is not valid; `where` and `problem` say why (for the log)."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


_NOTE_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def one_line(text: str) -> str:
    """Line breaks and other control characters as spaces, runs of spaces as one."""
    return " ".join(_NOTE_CONTROL.sub(" ", text).split())


class SelfAssessment(Rated):
    """One person's own ratings: a level 0-5 per skill, an optional evidence note per
    skill, their FTE; the name (and role) matter for an open link only. Name, role,
    FTE and levels are validated as a member's (stripped, a name not blank, levels
    0-5 of skill ids), and more strictly: typed by a stranger, they may hold no
    control character, and a level is a JSON integer."""

    # Zeros are kept: "I have none of this" is an answer, unlike a skipped skill.
    keep_zero_levels: ClassVar[bool] = True
    fte: float = Field(default=1.0, gt=0, le=1, allow_inf_nan=False)
    # Strict: a JSON true is not a level.
    skills: dict[str, StrictInt] = Field(default_factory=dict)
    notes: dict[str, str] = Field(default_factory=dict)

    @field_validator("name", "role")
    @classmethod
    def _plain_text(cls, value: str) -> str:
        if char := control_char(value):
            raise ValueError(f"holds the control character {char}")
        return value

    @field_validator("notes")
    @classmethod
    def _notes(cls, notes: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        skills = info.data.get("skills") or {}
        kept = {}
        for skill_id, note in sorted(notes.items()):
            if skill_id not in skills:
                raise ValueError(f"a note for {skill_id!r}, which is not rated")
            # Line breaks and other control characters become spaces: a note is one line.
            text = one_line(note)
            if len(text) > MAX_NOTE_LEN:
                raise ValueError(f"the note for {skill_id} is over {MAX_NOTE_LEN} characters")
            if text:
                kept[skill_id] = text
        return kept


def parse_assessment(data: dict, skill_ids: Collection[str] | None = None) -> SelfAssessment:
    """A SelfAssessment from form data, or InvalidAssessment. With skill_ids (the
    catalog's), a skill outside it is refused."""
    try:
        assessment = SelfAssessment.model_validate(data)
    except ValidationError as exc:
        raise InvalidAssessment(*first_error(exc)) from None
    if skill_ids is not None:
        unknown = sorted(set(assessment.skills) - set(skill_ids))
        if unknown:
            raise InvalidAssessment("skills", f"unknown skill {unknown[0]!r}")
    return assessment


def read_assessment(data: str) -> SelfAssessment:
    """A stored submission."""
    return SelfAssessment.model_validate(json.loads(data))
