"""Several app replicas behind nginx on loopback, sharing one PostgreSQL (and a
model server): the deployment of deploy/ without containers.

`start_cluster` starts PostgreSQL (its own server, so a test may stop it), N
``streamlit run app.py`` replicas with the settings of deploy/replica.env and one
cookie secret, and nginx with deploy/nginx/planner.conf in front. The nginx
config is the shipped one; only the upstream's addresses and the listen address
differ, and for tests each response names the replica that served it
(X-Planner-Upstream), which is how a test proves where a browser landed.

Affinity is keyed on the planner_route cookie (see planner.conf): `route_to(i)`
finds a cookie value that nginx sends to replica i, so a test can put a browser
on the replica it wants.

The ``cluster`` fixture (session scope, tests/scale/) and bench/load.py use it.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from planner.ops import rss_bytes
from tests.support.browser import _free_port as free_port
from tests.support.browser import _healthy as healthy
from tests.support.browser import _stop as stop_process
from tests.support.pg import PgServer, start_postgres

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COOKIE = "planner_route"
UPSTREAM_HEADER = "X-Planner-Upstream"
OPERATOR_TOKEN = "scale-test-operator-token"
STARTUP_S = 120


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of an env file (comments and blank lines skipped)."""
    pairs = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def nginx_config(folder: Path, listen: str, upstreams: list[str], served_by: bool = False) -> Path:
    """A whole nginx.conf running deploy/nginx/ in `folder` against these addresses."""
    upstream = (DEPLOY / "nginx" / "upstream.conf").read_text()
    servers = "".join(f"    server {a} max_fails=1 fail_timeout=10s;\n" for a in upstreams)
    upstream = re.sub(r"(    server \S+ [^\n]*\n)+", servers, upstream)
    proxy = (DEPLOY / "nginx" / "planner.conf").read_text()
    proxy = proxy.replace("    listen 80;", f"    listen {listen};")
    if served_by:
        header = f"    add_header {UPSTREAM_HEADER} $upstream_addr always;\n"
        proxy = proxy.replace("    add_header Set-Cookie", header + "    add_header Set-Cookie")
    (folder / "upstream.conf").write_text(upstream)
    (folder / "planner.conf").write_text(proxy)
    for temp in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / temp).mkdir(exist_ok=True)
    conf = folder / "nginx.conf"
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf.write_text(
        f"{user}worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        f"  access_log {folder}/access.log;\n"
        f"  client_body_temp_path {folder}/client_body;\n  proxy_temp_path {folder}/proxy;\n"
        f"  fastcgi_temp_path {folder}/fastcgi;\n  uwsgi_temp_path {folder}/uwsgi;\n"
        f"  scgi_temp_path {folder}/scgi;\n"
        f"  include {folder}/upstream.conf;\n  include {folder}/planner.conf;\n"
        "}\n"
    )
    return conf


@dataclass
class Replica:
    name: str
    port: int
    log_path: Path
    env: dict[str, str]
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        cmd = [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.port", str(self.port), "--server.address", "127.0.0.1",
            "--server.fileWatcherType", "none",
        ]  # fmt: skip
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                cmd, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def wait_healthy(self, timeout_s: float = STARTUP_S) -> None:
        deadline = time.monotonic() + timeout_s
        while not healthy(self.url):
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log_tail()}")
            if time.monotonic() > deadline:
                tail = self.log_tail()
                raise RuntimeError(f"{self.name} not healthy after {timeout_s} s: {tail}")
            time.sleep(0.2)  # polling the health endpoint, not a guessed delay

    def kill(self) -> None:
        """kill -9: no shutdown, no goodbye to its websockets."""
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, 9)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)

    def rss(self) -> int | None:
        return rss_bytes(self.process.pid) if self.process else None

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError as exc:
            return f"(no log: {exc})"


@dataclass
class Cluster:
    url: str  # nginx, what browsers open
    replicas: list[Replica]
    database_url: str
    postgres: PgServer
    model_url: str | None
    folder: Path
    nginx: subprocess.Popen | None = None
    _routes: dict[int, str] = field(default_factory=dict)

    def served_by(self, headers: dict[str, str]) -> int:
        """Which replica answered a response that came through nginx."""
        address = headers.get(UPSTREAM_HEADER.lower()) or headers.get(UPSTREAM_HEADER) or ""
        # After a failed try nginx lists every address it tried: the last one answered.
        last = address.split(",")[-1].strip()
        return next(i for i, r in enumerate(self.replicas) if r.address == last)

    def probe(self, cookie: str | None) -> int:
        request = urllib.request.Request(self.url + "/_stcore/health")
        if cookie is not None:
            request.add_header("Cookie", f"{COOKIE}={cookie}")
        with urllib.request.urlopen(request, timeout=10) as response:
            return self.served_by(dict(response.headers.items()))

    def route_to(self, index: int) -> str:
        """A planner_route cookie value that nginx sends to replica `index`."""
        if index not in self._routes:
            for n in range(1000):
                value = f"route-{n}"
                self._routes.setdefault(self.probe(value), value)
                if index in self._routes:
                    break
        return self._routes[index]

    def log_tails(self) -> str:
        parts = [f"--- {r.name} ({r.url})\n{r.log_tail()}" for r in self.replicas]
        nginx_log = self.folder / "nginx" / "error.log"
        if nginx_log.exists():
            parts.append("--- nginx error.log\n" + nginx_log.read_text()[-3000:])
        return "\n".join(parts)


def replica_env(
    name: str, database_url: str, data_dir: Path, model_url: str | None
) -> dict[str, str]:
    """What a replica of deploy/compose.yaml gets, on loopback."""
    env = {**os.environ, **read_env_file(DEPLOY / "replica.env")}
    env.update(
        PLANNER_REPLICA_NAME=name,
        PLANNER_DATABASE_URL=database_url,
        # Nothing listens on port 1: a replica without a model server says it is down.
        PLANNER_TEXTGEN_REMOTE_URL=model_url or "http://127.0.0.1:1",
        PLANNER_OPERATOR_TOKEN=OPERATOR_TOKEN,
        STREAMLIT_SERVER_COOKIE_SECRET="one-secret-for-every-replica-of-the-test",
        PLANNER_DATA_DIR=str(data_dir),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        PYTHONUNBUFFERED="1",
    )
    return env


def start_cluster(
    replicas: int = 3,
    model_url: str | None = None,
    nginx_port: int | None = None,
    extra_env: dict[str, str] | None = None,
) -> Iterator[Cluster]:
    """Generator: PostgreSQL, the replicas and nginx running; all stopped after.

    `extra_env` overrides replica settings (the bench shortens the session TTL)."""
    folder = Path(tempfile.mkdtemp(prefix="planner-cluster-"))
    postgres_gen = start_postgres()
    postgres = next(postgres_gen)
    nginx_folder = folder / "nginx"
    nginx_folder.mkdir()
    started: list[Replica] = []
    cluster = None
    try:
        with postgres.admin() as conn:
            conn.execute('CREATE DATABASE "planner"')
        database_url = postgres.url("planner")
        for i in range(replicas):
            name = f"replica-{i + 1}"
            data_dir = folder / name
            data_dir.mkdir()
            env = {**replica_env(name, database_url, data_dir, model_url), **(extra_env or {})}
            replica = Replica(name, free_port(), folder / f"{name}.log", env)
            replica.start()
            started.append(replica)
        for replica in started:
            replica.wait_healthy()
        port = nginx_port or free_port()
        conf = nginx_config(
            nginx_folder, f"127.0.0.1:{port}", [r.address for r in started], served_by=True
        )
        nginx = subprocess.Popen(
            [shutil.which("nginx") or "nginx", "-p", str(nginx_folder), "-c", str(conf),
             "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=(nginx_folder / "stderr.log").open("wb"),
            start_new_session=True,
        )  # fmt: skip
        cluster = Cluster(
            f"http://127.0.0.1:{port}", started, database_url, postgres, model_url, folder, nginx
        )
        deadline = time.monotonic() + 30
        while not healthy(cluster.url):
            if nginx.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("nginx did not start: " + cluster.log_tails())
            time.sleep(0.1)
        yield cluster
    finally:
        if cluster is not None and cluster.nginx is not None:
            stop_process(cluster.nginx)
        for replica in started:
            replica.stop()
        postgres_gen.close()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def cluster(request: pytest.FixtureRequest) -> Iterator[Cluster]:
    """Three replicas, nginx, PostgreSQL and (when it can run here) the model server."""
    if shutil.which("nginx") is None:
        pytest.fail("nginx is not installed: run `make system-deps` (apt-get install nginx-light)")
    try:
        model_url = request.getfixturevalue("llama_server").url
    except pytest.skip.Exception as exc:
        print(f"\nscale tests run without a model server: {exc}", file=sys.stderr)
        model_url = None
    gen = start_cluster(3, model_url)
    running = next(gen)
    yield running
    gen.close()
