"""A throwaway PostgreSQL server on loopback for the store tests.

``postgres_server`` (session scope) runs initdb into a temporary folder and starts
``postgres`` with pg_ctl on a free port. PostgreSQL refuses to run as root, so
as root the server runs as the ``postgres`` system user (or ``nobody``) via
runuser, in a folder that user owns. When no server can be started the tests
that need one are skipped with the reason, never faked.

``database_url`` is parametrised over ``sqlite`` and ``postgres``: each test gets
an empty database of its own (a file in tmp_path, or a fresh PostgreSQL database).

The fixtures are registered through ``pytest_plugins`` in tests/conftest.py.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class PgServer:
    host: str
    port: int
    user: str
    # How to stop and start this server again (the fault tests take it away).
    pg_ctl: tuple[str, ...] = ()
    data: Path | None = None
    options: str = ""

    def stop(self) -> None:
        """A fast shutdown: open connections are ended, new ones refused."""
        self._ctl("-m", "fast", "stop")

    def start(self) -> None:
        """Start it again on the same port and data; returns once it accepts connections."""
        self._ctl("-o", self.options, "-w", "start")

    def _ctl(self, *args: str) -> None:
        assert self.data is not None, "this server was not started by start_postgres"
        done = subprocess.run(
            [*self.pg_ctl, "-D", str(self.data), "-l", str(self.data.parent / "server.log"), *args],
            cwd=self.data.parent,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl {args[-1]} failed: {done.stderr[-800:]}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{database}"

    def admin(self):
        import psycopg

        return psycopg.connect(
            host=self.host, port=self.port, user=self.user, dbname="postgres", autocommit=True
        )


def _bin_dir() -> Path | None:
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run_as(user: str | None) -> list[str]:
    return ["runuser", "-u", user, "--"] if user else []


def _server_user() -> str | None:
    """None when we are not root; else a system user postgres may run as."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root and neither a postgres nor a nobody user exists")


def start_postgres() -> Iterator[PgServer]:
    """Generator: yields a running server, stops it and removes its files after."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL server binaries (pg_ctl, initdb) are not installed")
    user = _server_user()
    if user and not shutil.which("runuser"):
        raise RuntimeError("running as root, but runuser is missing to drop privileges")
    root = Path(tempfile.mkdtemp(prefix="planner-pg-"))
    data, log = root / "data", root / "server.log"
    if user:
        entry = pwd.getpwnam(user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    port = _free_port()
    prefix = _run_as(user)

    def run(*args: str) -> None:
        done = subprocess.run(
            [*prefix, *args], cwd=root, capture_output=True, text=True, timeout=120
        )
        if done.returncode != 0:
            tail = log.read_text()[-1500:] if log.exists() else ""
            raise RuntimeError(f"{args[0]} failed: {done.stderr[-1500:]} {tail}")

    try:
        run(
            str(bin_dir / "initdb"),
            "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync",
        )  # fmt: skip
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1"
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start")
        try:
            yield PgServer(
                host="127.0.0.1",
                port=port,
                user="postgres",
                pg_ctl=(*prefix, str(bin_dir / "pg_ctl")),
                data=data,
                options=options,
            )
        finally:
            subprocess.run(
                [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
                cwd=root,
                capture_output=True,
                timeout=60,
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PgServer]:
    gen = start_postgres()
    try:
        server = next(gen)
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        reason = f"PostgreSQL could not be started here: {exc}"
        print(reason)
        pytest.skip(reason)
    yield server
    gen.close()


def fresh_database(server: PgServer) -> Iterator[str]:
    name = "t_" + uuid.uuid4().hex[:12]
    with server.admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.url(name)
    finally:
        with server.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each back end."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'planner.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    yield from fresh_database(server)
