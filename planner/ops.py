"""What an operator sees of one app process (replica): who it is, its memory, and
what it depends on. Plain Python, read by the operator status view
(components/operator.py) and by the load bench.
"""

from __future__ import annotations

import os
import socket
from dataclasses import asdict, dataclass
from pathlib import Path

import sqlalchemy as sa


def rss_bytes(pid: int | str = "self") -> int | None:
    """Resident memory of a process (Linux /proc), or None where it cannot be read."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024  # reported in kB
    return None


def cpu_seconds(pid: int | str = "self") -> float | None:
    """CPU time a process has used (user + system), or None where it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime


def replica_name(port: int | None = None) -> str:
    """PLANNER_REPLICA_NAME, else host name and port: one name per replica."""
    if name := os.environ.get("PLANNER_REPLICA_NAME", "").strip():
        return name
    host = socket.gethostname()
    return f"{host}:{port}" if port else host


def database_label(url: str) -> str:
    """The database kind and where it is, without user or password."""
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        return "unparsable URL"
    if parsed.get_backend_name() == "sqlite":
        return f"sqlite ({Path(parsed.database or '').name or 'memory'})"
    where = f"{parsed.host or 'local socket'}" + (f":{parsed.port}" if parsed.port else "")
    return f"{parsed.get_backend_name()} at {where}/{parsed.database or ''}"


@dataclass(frozen=True)
class ReplicaStatus:
    replica: str
    pid: int
    sessions_connected: int | None  # websockets open now
    sessions_kept: int | None  # incl. disconnected ones kept for disconnectedSessionTTL
    rss_mb: float | None
    database: str
    textgen_backend: str
    model_server: str  # the URL, or "" when none is configured
    model_server_up: bool | None  # None: not configured

    def as_dict(self) -> dict[str, object]:
        return asdict(self)
