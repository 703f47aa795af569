"""Every page test runs AppTest as a started server runs (see tests/support/apptest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.apptest import server_steady_state


@pytest.fixture(autouse=True)
def _server_steady_state() -> Iterator[list[str]]:
    with server_steady_state() as pages_directory_runs:
        yield pages_directory_runs
