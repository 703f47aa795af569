"""Readable tokens: a tokenizer's pieces merged into the words and characters a
reader sees, and the labels of the attention view's axes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from planner.textgen.figures import visible_token

# ---- readable tokens ---------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """Whole characters shown as one label, made of the tokens [start, end)."""

    text: str
    start: int
    end: int
    special: bool = False

    @property
    def tokens(self) -> int:
        return self.end - self.start

    @property
    def label(self) -> str:
        return visible_token(self.text)


def merge_pieces(
    ids: Sequence[int],
    decode: Callable[[list[int]], str],
    special_ids: frozenset[int] | set[int] = frozenset(),
) -> list[Unit]:
    """Group tokens into units that decode to whole characters.

    Byte-level tokenizers split a Chinese character (3 UTF-8 bytes) over up to three
    tokens, and a token may even end inside the next character; a piece alone decodes
    to U+FFFD. A unit grows token by token until its text decodes without a trailing
    replacement character, so every unit is the shortest run of tokens that ends on a
    character boundary. Special tokens (BOS) are units of their own. `decode` maps ids
    to text the way the tokenizer does (bytes joined, then UTF-8 with replacement).
    """
    units: list[Unit] = []
    start = 0
    n = len(ids)
    for k in range(n):
        if ids[k] in special_ids:
            if start < k:  # an unfinished character before a special token stays as is
                units.append(Unit(decode(list(ids[start:k])), start, k))
            units.append(Unit(decode([ids[k]]), k, k + 1, special=True))
            start = k + 1
            continue
        text = decode(list(ids[start : k + 1]))
        if not text.endswith("\ufffd") or k == n - 1:
            units.append(Unit(text, start, k + 1))
            start = k + 1
    return units


def token_labels(units: Sequence[Unit]) -> list[str]:
    """One label per token: the unit's text, with "k/n" when the unit has n tokens."""
    labels: list[str] = []
    for unit in units:
        if unit.tokens == 1:
            labels.append(unit.label)
        else:
            labels.extend(f"{unit.label} {i + 1}/{unit.tokens}" for i in range(unit.tokens))
    return labels


def split_units(units: Sequence[Unit]) -> list[Unit]:
    """The units that span several tokens (what the page notes under the text)."""
    return [u for u in units if u.tokens > 1]
