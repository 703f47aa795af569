"""Loads the taxonomy, business models and hire roles from YAML in data/.

The built-in content is data, not code. Every file is validated on load, and an
error names the file, the key and the problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from planner.domain import (
    BANDS,
    LEVEL_MAX,
    LEVEL_MIN,
    MARKETS,
    MAX_MONEY,
    BusinessModel,
    Label,
    area_of,
    first_error,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


class CatalogError(ValueError):
    """A data file is malformed: the message names file, key and problem."""


@dataclass(frozen=True)
class Area:
    id: str
    label: Label
    skills: dict[str, Label]  # skill id (area.skill) -> label


@dataclass(frozen=True)
class SalaryBand:
    """Annual salary in one market's currency, with where each figure comes from."""

    low: float
    mid: float
    high: float
    source: str

    def amount(self, band: str) -> float:
        return {"low": self.low, "mid": self.mid, "high": self.high}[band]


@dataclass(frozen=True)
class Role:
    id: str
    label: Label
    skills: dict[str, int]
    salary: dict[str, SalaryBand] = field(default_factory=dict)  # market -> band
    weeks_to_hire: int = 8
    weeks_source: str = ""


@dataclass(frozen=True)
class Catalog:
    areas: dict[str, Area]
    levels: dict[int, Label]
    business_models: dict[str, BusinessModel]
    roles: dict[str, Role]
    skill_labels: dict[str, Label] = field(default_factory=dict)

    def __post_init__(self) -> None:
        labels = {sid: lbl for area in self.areas.values() for sid, lbl in area.skills.items()}
        object.__setattr__(self, "skill_labels", labels)

    @property
    def skill_ids(self) -> list[str]:
        return list(self.skill_labels)

    def skill_label(self, skill_id: str, lang: str) -> str:
        label = self.skill_labels.get(skill_id)
        return label(lang) if label else skill_id

    def area_label(self, area_id: str, lang: str) -> str:
        area = self.areas.get(area_id)
        return area.label(lang) if area else area_id

    def check_business_model(self, model: BusinessModel, where: str) -> None:
        """Raise CatalogError if the model names skills or areas outside the taxonomy."""
        for skill_id in model.requirements:
            if skill_id not in self.skill_labels:
                raise CatalogError(f"{where}: requirements.{skill_id}: unknown skill id")
        for area_id in model.weights:
            if area_id not in self.areas:
                raise CatalogError(f"{where}: weights.{area_id}: unknown area")


def _read_yaml(path: Path) -> dict:
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(content, dict):
        raise CatalogError(f"{path}: expected a mapping at the top level")
    return content


def _label(raw: object, where: str) -> Label:
    try:
        return Label.model_validate(raw)
    except ValidationError:
        raise CatalogError(f"{where}: needs a label with both 'en' and 'zh' texts") from None


def load_taxonomy(path: Path) -> tuple[dict[str, Area], dict[int, Label]]:
    raw = _read_yaml(path)
    levels = {int(k): _label(v, f"{path}: levels.{k}") for k, v in raw.get("levels", {}).items()}
    if sorted(levels) != list(range(LEVEL_MIN, LEVEL_MAX + 1)):
        raise CatalogError(f"{path}: levels: needs exactly the levels 0 to 5")
    areas: dict[str, Area] = {}
    for area_id, body in (raw.get("areas") or {}).items():
        where = f"{path}: areas.{area_id}"
        if not isinstance(body, dict) or not body.get("skills"):
            raise CatalogError(f"{where}: needs a label and at least one skill")
        skills = {
            f"{area_id}.{sid}": _label(lbl, f"{where}.skills.{sid}")
            for sid, lbl in body["skills"].items()
        }
        areas[area_id] = Area(area_id, _label(body.get("label"), f"{where}.label"), skills)
    if not areas:
        raise CatalogError(f"{path}: areas: no areas defined")
    return areas, levels


def load_business_models(yaml_path: Path | str) -> dict[str, BusinessModel]:
    """Read and validate a business model file (the design's YAML form)."""
    path = Path(yaml_path)
    models: dict[str, BusinessModel] = {}
    for model_id, body in _read_yaml(path).items():
        if not isinstance(body, dict):
            raise CatalogError(f"{path}: {model_id}: expected a mapping")
        try:
            models[str(model_id)] = BusinessModel.model_validate({"id": str(model_id), **body})
        except ValidationError as exc:
            where, problem = first_error(exc)
            raise CatalogError(
                f"{path}: {model_id}.{where}: {problem}"
                if where
                else f"{path}: {model_id}.{problem}"
            ) from None
    return models


def load_roles(path: Path) -> dict[str, Role]:
    roles: dict[str, Role] = {}
    for role_id, body in _read_yaml(path).items():
        where = f"{path}: {role_id}"
        if not isinstance(body, dict) or not isinstance(body.get("skills"), dict):
            raise CatalogError(f"{where}: needs a label and a skills mapping")
        for skill_id, level in body["skills"].items():
            if not isinstance(level, int) or not LEVEL_MIN <= level <= LEVEL_MAX:
                raise CatalogError(f"{where}: skills.{skill_id}: level {level!r} is outside 0-5")
        roles[role_id] = Role(
            role_id,
            _label(body.get("label"), f"{where}.label"),
            body["skills"],
            salary=_salary_bands(body.get("salary") or {}, where),
            weeks_to_hire=_weeks(body.get("weeks_to_hire", 8), where),
            weeks_source=str(body.get("weeks_source", "")),
        )
    return roles


def _salary_bands(raw: object, where: str) -> dict[str, SalaryBand]:
    """Per market: low <= mid <= high, positive, below MAX_MONEY, with a named source."""
    if not isinstance(raw, dict):
        raise CatalogError(f"{where}: salary: expected a mapping of market to band")
    bands: dict[str, SalaryBand] = {}
    for market, body in raw.items():
        at = f"{where}: salary.{market}"
        if market not in MARKETS:
            raise CatalogError(f"{at}: unknown market (known: {', '.join(MARKETS)})")
        if not isinstance(body, dict) or not str(body.get("source", "")).strip():
            raise CatalogError(f"{at}: needs low, mid, high and a source")
        values = [body.get(k) for k in BANDS]
        if not all(isinstance(v, int | float) and 0 < v <= MAX_MONEY for v in values):
            raise CatalogError(f"{at}: low, mid and high must be positive numbers")
        if not values[0] <= values[1] <= values[2]:
            raise CatalogError(f"{at}: needs low <= mid <= high")
        bands[market] = SalaryBand(*map(float, values), source=str(body["source"]).strip())
    return bands


def _weeks(raw: object, where: str) -> int:
    if not isinstance(raw, int) or isinstance(raw, bool) or not 0 <= raw <= 104:
        raise CatalogError(f"{where}: weeks_to_hire: {raw!r} is not a whole number of weeks 0-104")
    return raw


def load_catalog(data_dir: Path | str | None = None) -> Catalog:
    """Load and cross-check taxonomy, business models and roles."""
    return _load_catalog(Path(data_dir) if data_dir else DATA_DIR)


@lru_cache(maxsize=8)
def _load_catalog(data_dir: Path) -> Catalog:
    areas, levels = load_taxonomy(data_dir / "skills.yaml")
    catalog = Catalog(
        areas=areas,
        levels=levels,
        business_models=load_business_models(data_dir / "business_models.yaml"),
        roles=load_roles(data_dir / "roles.yaml"),
    )
    for model_id, model in catalog.business_models.items():
        catalog.check_business_model(model, f"{data_dir / 'business_models.yaml'}: {model_id}")
    for role in catalog.roles.values():
        for skill_id in role.skills:
            if skill_id not in catalog.skill_labels:
                raise CatalogError(
                    f"{data_dir / 'roles.yaml'}: {role.id}.skills.{skill_id}: unknown skill id"
                )
    return catalog


__all__ = [
    "Area",
    "Catalog",
    "CatalogError",
    "Role",
    "SalaryBand",
    "area_of",
    "load_business_models",
    "load_catalog",
]
