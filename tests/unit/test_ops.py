"""What the operator status view and the load bench read of a process."""

from __future__ import annotations

import os

import pytest

from planner.ops import cpu_seconds, database_label, replica_name, rss_bytes


@pytest.mark.parametrize(
    ("url", "label"),
    [
        (
            "postgresql+psycopg://planner:s3cret@db.internal:5432/planner",
            "postgresql at db.internal:5432/planner",
        ),
        ("postgresql://u:p@10.0.0.5/plans?sslmode=require", "postgresql at 10.0.0.5/plans"),
        ("sqlite:////data/planner.db", "sqlite (planner.db)"),
        ("not a url", "unparsable URL"),
    ],
)
def test_the_database_is_named_without_credentials(url: str, label: str) -> None:
    assert database_label(url) == label
    assert "s3cret" not in database_label(url)


def test_memory_and_cpu_of_this_process_and_none_for_a_missing_one() -> None:
    assert 10 * 2**20 < (rss_bytes() or 0) < 64 * 2**30
    before = cpu_seconds()
    sum(i * i for i in range(300_000))  # some work to count
    assert before is not None and (cpu_seconds() or 0) >= before
    assert rss_bytes(2**22 + 1) is None and cpu_seconds(2**22 + 1) is None


def test_a_replica_is_named_by_the_operator_or_by_host_and_port(monkeypatch) -> None:
    monkeypatch.setenv("PLANNER_REPLICA_NAME", "app2")
    assert replica_name(8501) == "app2"
    monkeypatch.delenv("PLANNER_REPLICA_NAME")
    assert replica_name(8501).endswith(":8501")
    assert os.uname().nodename in replica_name(8501)
