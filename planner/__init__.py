"""The planner's core: plain Python, no Streamlit. Its public face (design.md) is
this package itself; the modules inside may move:

    from planner import read_team, load_catalog, load_business_models, analyze

The names are resolved on first use, so importing one module of the package does
not load the file readers for it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from planner.catalog import load_business_models, load_catalog
    from planner.files import read_team
    from planner.scoring import (
        CoverageReport,
        analyze,
    )

_PUBLIC = {
    "read_team": "planner.files",
    "load_catalog": "planner.catalog",
    "load_business_models": "planner.catalog",
    "analyze": "planner.scoring",
    "CoverageReport": "planner.scoring",
}

__all__ = ["CoverageReport", "analyze", "load_business_models", "load_catalog", "read_team"]


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'planner' has no attribute {name!r}")
    return getattr(importlib.import_module(_PUBLIC[name]), name)
