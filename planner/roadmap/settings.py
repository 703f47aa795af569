"""Training and ramp-up settings from data/training.yaml (every figure an estimate,
with its reasoning), validated on load: an error names the file, the key and the problem."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from planner.catalog import DATA_DIR, CatalogError
from planner.domain import LEVEL_MAX, MARKETS, MAX_MONEY

TRAINABLE_LEVELS = tuple(range(2, LEVEL_MAX + 1))  # a step reaches one of these levels


@dataclass(frozen=True)
class TrainingSettings:
    step_months: dict[int, int]  # level a step reaches -> months it takes
    step_reasoning: dict[int, str]
    time_share: float  # share of the learner's time a running step takes
    ramp_up: tuple[float, ...]  # a new hire's FTE share in their first months
    course_budget: dict[str, dict[int, float]]  # market -> level reached -> money per step
    budget_source: dict[str, str]  # market -> where the figures come from
    time_share_reasoning: str = ""
    ramp_up_reasoning: str = ""

    def months_to(self, level: int) -> int:
        """Months of the step that reaches `level` (an override from 0 to 1 takes the
        time of the first real step)."""
        return self.step_months[max(level, TRAINABLE_LEVELS[0])]

    def months_between(self, level: int, target: int) -> int:
        """Months of the chain of steps from `level` up to `target`."""
        return sum(self.months_to(lv) for lv in range(level + 1, target + 1))

    def course_cost(self, market: str, level: int) -> float:
        return self.course_budget[market][max(level, TRAINABLE_LEVELS[0])]

    @property
    def ramp_months(self) -> int:
        """Months after joining until a hire counts fully (and as an expert)."""
        return len(self.ramp_up)

    def ramp_share(self, months_since_join: int) -> float:
        if months_since_join < 0:
            return 0.0
        if months_since_join < len(self.ramp_up):
            return self.ramp_up[months_since_join]
        return 1.0


def _number(raw: object, where: str, low: float, high: float) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not low <= raw <= high:
        raise CatalogError(f"{where}: {raw!r} is not a number in {low:g}-{high:g}")
    return float(raw)


def _steps(raw: object, path: Path) -> tuple[dict[int, int], dict[int, str]]:
    if not isinstance(raw, dict) or sorted(raw) != list(TRAINABLE_LEVELS):
        raise CatalogError(f"{path}: steps: needs the levels 2, 3, 4 and 5")
    months, reasoning = {}, {}
    for level, body in raw.items():
        where = f"{path}: steps.{level}"
        if not isinstance(body, dict) or not str(body.get("reasoning", "")).strip():
            raise CatalogError(f"{where}: needs months and a reasoning")
        value = body.get("months")
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 60:
            raise CatalogError(f"{where}.months: {value!r} is not a whole number of months 1-60")
        months[level], reasoning[level] = value, str(body["reasoning"]).strip()
    return months, reasoning


def _budgets(raw: object, path: Path) -> tuple[dict[str, dict[int, float]], dict[str, str]]:
    if not isinstance(raw, dict) or set(raw) != set(MARKETS):
        raise CatalogError(f"{path}: course_budget: needs the markets {', '.join(MARKETS)}")
    budgets, sources = {}, {}
    for market, body in raw.items():
        where = f"{path}: course_budget.{market}"
        if not isinstance(body, dict) or not str(body.get("source", "")).strip():
            raise CatalogError(f"{where}: needs an amount per level and a source")
        budgets[market] = {
            lv: _number(body.get(lv), f"{where}.{lv}", 0, MAX_MONEY) for lv in TRAINABLE_LEVELS
        }
        sources[market] = str(body["source"]).strip()
    return budgets, sources


def _ramp(raw: object, path: Path) -> tuple[float, ...]:
    if not isinstance(raw, list) or len(raw) > 24:
        raise CatalogError(f"{path}: ramp_up: needs a list of at most 24 shares")
    shares = tuple(_number(v, f"{path}: ramp_up[{i}]", 0, 1) for i, v in enumerate(raw))
    if list(shares) != sorted(shares):
        raise CatalogError(f"{path}: ramp_up: shares must not fall")
    return shares


def load_training(path: Path | str | None = None) -> TrainingSettings:
    """The training settings (data/training.yaml by default)."""
    return _load(Path(path) if path else DATA_DIR / "training.yaml")


@lru_cache(maxsize=4)
def _load(path: Path) -> TrainingSettings:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(raw, dict):
        raise CatalogError(f"{path}: expected a mapping at the top level")
    months, reasoning = _steps(raw.get("steps"), path)
    budgets, sources = _budgets(raw.get("course_budget"), path)
    return TrainingSettings(
        step_months=months,
        step_reasoning=reasoning,
        time_share=_number(raw.get("time_share"), f"{path}: time_share", 0, 0.9),
        ramp_up=_ramp(raw.get("ramp_up", []), path),
        course_budget=budgets,
        budget_source=sources,
        time_share_reasoning=str(raw.get("time_share_reasoning", "")),
        ramp_up_reasoning=str(raw.get("ramp_up_reasoning", "")),
    )
