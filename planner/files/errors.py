"""What a refused file raises: a message in both languages that names the row
and column at fault; and what an accepted one returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from planner.domain import (
    Plan,
    Team,
)
from planner.i18n import t


class TeamImportError(ValueError):
    """Bad team input. `message(lang)` says what is wrong, in the user's language."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(t(key, "en", **params))
        self.key = key
        self.params = params

    def message(self, lang: str, escape: Callable[[str], str] | None = None) -> str:
        """The message in lang; `escape` is applied to every value from the file."""
        return t(self.key, lang, **escaped_params(self.params, escape))


def escaped_params(params: dict, escape: Callable[[str], str] | None) -> dict:
    if escape is None:
        return params
    return {k: escape(v) if isinstance(v, str) else v for k, v in params.items()}


@dataclass
class ImportResult:
    team: Team
    warnings: list[tuple[str, dict]] = field(default_factory=list)  # (string key, params)
    plan: Plan | None = None  # set when the file was a whole plan (JSON)

    def warning_texts(self, lang: str, escape: Callable[[str], str] | None = None) -> list[str]:
        return [t(key, lang, **escaped_params(params, escape)) for key, params in self.warnings]


class PlanFieldError(ValueError):
    """A plan field is not valid: where (a dotted path) and pydantic's words for it."""

    def __init__(self, where: str, problem: str) -> None:
        self.where = where if len(where) <= 80 else where[:79] + "…"
        self.problem = problem
        super().__init__(f"{self.where}: {problem}")
