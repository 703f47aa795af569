"""A text in both languages: the one small type that data and domain modules share."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Label(BaseModel):
    """A text in both languages."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    en: str
    zh: str

    def __call__(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en
