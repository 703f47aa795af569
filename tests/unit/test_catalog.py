"""Data files are validated on load; errors name the file, the key and the problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from planner.catalog import DATA_DIR, CatalogError, load_business_models, load_catalog


def test_builtin_catalog_loads(catalog):
    assert list(catalog.areas) == ["research", "data", "product", "market"]
    assert set(catalog.business_models) == {"service", "product", "platform"}
    assert "research.alignment" in catalog.skill_ids and len(catalog.skill_ids) == 15
    assert catalog.skill_label("research.alignment", "zh") == "对齐（SFT/RLHF）"
    assert catalog.area_label("data", "zh") == "数据处理"
    assert len(catalog.roles) >= 7


def _copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        (
            "x:\n  label: {en: X, zh: X}\n  weights: {research: 1}\n"
            "  requirements:\n    research.alignment: {level: 7, depth: 1}\n",
            ["x.requirements.research.alignment.level", "less than or equal to 5"],
        ),
        (
            "x:\n  label: {en: X, zh: X}\n  weights: {research: 1}\n"
            "  requirements:\n    research.alignment: {level: 3, depth: 0}\n",
            ["x.requirements.research.alignment.depth", "greater than 0"],
        ),
        (
            "x:\n  label: {en: X, zh: X}\n  weights: {research: -1}\n"
            "  requirements:\n    research.alignment: {level: 3, depth: 1}\n",
            ["x.weights", "negative"],
        ),
        (
            "x:\n  label: {en: X}\n  weights: {research: 1}\n"
            "  requirements:\n    research.alignment: {level: 3, depth: 1}\n",
            ["x.label.zh", "Field required"],
        ),
        ("x: [1, 2]\n", ["x: expected a mapping"]),
        (
            "x: {label: {en: X, zh: X}, weights: {research: 1}, requirements: {}}\n",
            ["x", "no requirement lies in an area with a positive weight"],
        ),
        ("{ not yaml", ["not valid YAML"]),
    ],
)
def test_bad_business_model_files_name_file_key_and_problem(tmp_path, yaml_text, expected):
    path = tmp_path / "models.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_business_models(path)
    assert str(path) in str(info.value)
    for fragment in expected:
        assert fragment in str(info.value)


def test_unknown_skill_id_in_a_model_is_rejected(tmp_path):
    data = _copy_data(tmp_path)
    path = data / "business_models.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("market.devrel:", "market.telepathy:"),
        encoding="utf-8",
    )
    with pytest.raises(CatalogError, match=r"platform: requirements\.market\.telepathy: unknown"):
        load_catalog(data)


def test_role_with_level_out_of_range_is_rejected(tmp_path):
    data = _copy_data(tmp_path)
    path = data / "roles.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "research.pretraining: 4", "research.pretraining: 9", 1
        ),
        encoding="utf-8",
    )
    with pytest.raises(
        CatalogError,
        match=r"roles\.yaml: research_scientist: skills\.research\.pretraining: level 9",
    ):
        load_catalog(data)


def test_missing_file_is_named(tmp_path):
    data = _copy_data(tmp_path)
    (data / "roles.yaml").unlink()
    with pytest.raises(CatalogError, match=r"roles\.yaml: file not found"):
        load_catalog(data)
