"""Shared fixtures for the planner's tests. Feature fixtures live in
tests/support/<feature>.py and are registered once here through pytest_plugins."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from planner.catalog import Catalog, load_catalog
from planner.domain import Team
from planner.files import read_team

pytest_plugins = [
    "tests.support.browser",
    "tests.support.export",
    "tests.support.pg",
    "tests.support.textgen",
    "tests.support.cluster",
]

ROOT = Path(__file__).resolve().parent.parent

# Tests never reach a model hub; a test that tries fails instead of downloading.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

# A property test proves an invariant, not a speed: Hypothesis's 200 ms deadline per
# example fails a test on a busy machine, or where an example's first call imports a
# library. Speed is measured in bench/.
settings.register_profile("planner", deadline=None)
settings.load_profile("planner")


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="session")
def sample_team(catalog: Catalog) -> Team:
    return read_team(ROOT / "data" / "sample_team.csv", catalog)


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    """Every test writes plans into a fresh folder, never the developer's var/."""
    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path_factory.mktemp("data")))
