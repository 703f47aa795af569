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
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

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
class ModelServer:
    """The llama.cpp OpenAI-compatible server on a fixed port: stopped and started
    again by the fault tests, the replicas keep its address."""

    port: int
    log_path: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 90) -> None:
        from tests.support.textgen import start_llama_process

        self.process = start_llama_process(self.port, self.log_path)
        deadline = time.monotonic() + timeout_s
        while True:
            if self.process.poll() is not None or time.monotonic() > deadline:
                tail = self.log_path.read_text(errors="replace")[-600:]
                raise RuntimeError(f"the llama.cpp server did not start: {tail}")
            try:
                with urllib.request.urlopen(self.url + "/v1/models", timeout=2):
                    return
            except OSError:
                time.sleep(0.3)  # polling until it answers

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """The server frozen (SIGSTOP): requests connect and wait for their first
        token, as on a busy server, until the block ends. Keep it shorter than the
        replicas' read timeout (30 s)."""
        assert self.process is not None and self.process.poll() is None
        os.kill(self.process.pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


@dataclass
class Cluster:
    url: str  # nginx, what browsers open
    replicas: list[Replica]
    database_url: str
    postgres: PgServer
    model: ModelServer | None
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
        """A planner_route cookie value that nginx sends to replica `index` while
        every replica is up (the table is made once, see `learn_routes`)."""
        if not self._routes:
            self.learn_routes()
        return self._routes[index]

    def learn_routes(self, timeout_s: float = 60) -> None:
        """Which cookie value goes to which replica, learnt while all are up.

        With a replica down (killed, restarting, or out for fail_timeout after a
        failed try) nginx hashes its cookies onto another one: a table learnt then
        would send a test to the wrong replica for good. So every value must land
        on the same replica three times running, else the whole table is learnt
        again (until `timeout_s`)."""
        deadline = time.monotonic() + timeout_s
        while True:
            for replica in self.replicas:
                replica.wait_healthy()
            routes: dict[int, str] = {}
            stable = True
            for n in range(1000):
                value = f"route-{n}"
                landed = {self.probe(value) for _ in range(3)}
                stable = len(landed) == 1
                if not stable:
                    break
                routes.setdefault(landed.pop(), value)
                if len(routes) == len(self.replicas):
                    break
            if stable and len(routes) == len(self.replicas):
                self._routes = routes
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"nginx routes unsteadily: {self.log_tails()}")
            time.sleep(1)  # a replica is out for fail_timeout: ask again

    def routed(self, index: int) -> bool:
        """nginx sends replica `index`'s cookie to it (not rehashed elsewhere)."""
        return self.probe(self.route_to(index)) == index

    def _poll_nginx(self, ready, timeout_s: float, failure: str) -> None:
        deadline = time.monotonic() + timeout_s
        while not ready():
            if time.monotonic() > deadline:
                raise AssertionError(failure)
            time.sleep(0.5)  # polling nginx's choice, not a guessed delay

    def wait_routed(self, index: int, timeout_s: float = 60) -> None:
        """Until nginx sends replica `index`'s cookie to it again: after a replica
        restarted, nginx keeps it out for fail_timeout (10 s) after a failed try."""
        self.replicas[index].wait_healthy()
        failure = f"nginx does not route to replica {index + 1} again"
        self._poll_nginx(lambda: self.routed(index), timeout_s, failure)

    def wait_spare(self, victim: int, timeout_s: float = 60) -> None:
        """Replica `victim` and at least one other in nginx's rotation, so that when
        the victim dies there is one to land on (a replica restarted moments ago
        may still be out for fail_timeout)."""
        self.wait_routed(victim, timeout_s)
        others = [i for i in range(len(self.replicas)) if i != victim]
        failure = f"no replica besides {victim + 1} in nginx's rotation"
        self._poll_nginx(lambda: any(self.routed(i) for i in others), timeout_s, failure)

    def heal(self) -> None:
        """Every replica running and back in nginx's rotation: a test that failed
        half-way through a fault leaves none for the next one."""
        for replica in self.replicas:
            if replica.process is None or replica.process.poll() is not None:
                replica.start()
        for index in range(len(self.replicas)):
            self.wait_routed(index)

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
    model: ModelServer | None = None,
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
            model_url = model.url if model else None
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
            f"http://127.0.0.1:{port}", started, database_url, postgres, model, folder, nginx
        )
        deadline = time.monotonic() + 30
        while not healthy(cluster.url):
            if nginx.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("nginx did not start: " + cluster.log_tails())
            time.sleep(0.1)
        cluster.learn_routes()
        yield cluster
    finally:
        if cluster is not None and cluster.nginx is not None:
            stop_process(cluster.nginx)
        for replica in started:
            replica.stop()
        postgres_gen.close()
        shutil.rmtree(folder, ignore_errors=True)


def model_server_here(folder: Path) -> ModelServer | None:
    """The model server, when llama-cpp-python[server] was built here (make test does)."""
    try:
        import llama_cpp  # noqa: F401
    except Exception as exc:  # not built, or its native library does not load
        print(f"\nscale tests run without a model server: {exc}", file=sys.stderr)
        return None
    server = ModelServer(free_port(), folder / "llama-server.log")
    server.start()
    return server


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    """Three replicas, nginx, PostgreSQL and (when it can run here) the model server."""
    if shutil.which("nginx") is None:
        pytest.fail("nginx is not installed: run `make system-deps` (apt-get install nginx-light)")
    folder = Path(tempfile.mkdtemp(prefix="planner-model-"))
    model = model_server_here(folder)
    # One generation at a time per replica (what 2 cores give), so the queue test
    # does not depend on how many cores the machine reports.
    gen = start_cluster(3, model, extra_env={"PLANNER_TEXTGEN_MAX_CONCURRENT": "1"})
    try:
        yield next(gen)
    finally:
        gen.close()
        if model is not None:
            model.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def open_on(browser, cluster: Cluster, request) -> Iterator:
    """Factory: ``open_on(i, path="", query="")`` -> a new visitor's tab whose
    affinity cookie sends it to replica i; it checks that replica i served it."""
    from tests.support.browser import _REPORTER, ARTIFACTS, AppPage, _failed, _slug

    if not request.config.pluginmanager.is_registered(_REPORTER):
        request.config.pluginmanager.register(_REPORTER, "browser-server-log")
    journey = "scale-" + _slug(request.node.name.removeprefix("test_"))
    shutil.rmtree(ARTIFACTS / journey, ignore_errors=True)
    opened: list[AppPage] = []

    cluster.heal()

    def _open(index: int, path: str = "", query: str = "", **ctx) -> AppPage:
        cluster.wait_routed(index)
        context = browser.new_context(
            viewport={"width": 1400, "height": 1000}, accept_downloads=True, **ctx
        )
        context.set_default_timeout(20_000)
        host = urlsplit(cluster.url).hostname
        cookie = {"name": COOKIE, "value": cluster.route_to(index), "domain": host, "path": "/"}
        context.add_cookies([cookie])
        page = context.new_page()
        app = AppPage(page=page, base_url=cluster.url, journey=journey)
        page.on("dialog", lambda d: (app.dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))
        page.on("pageerror", lambda err: app.page_errors.append(str(err)))
        opened.append(app)
        app.open(path, query)
        assert served_by(cluster, app) == index
        return app

    yield _open
    failed = _failed(request.node)
    for i, app in enumerate(opened):
        if failed:
            with contextlib.suppress(Exception):
                app.shot(f"FAILED-user{i}")
        with contextlib.suppress(Exception):
            app.page.context.close()
    if failed:
        print(cluster.log_tails(), file=sys.stderr)


def served_by(cluster: Cluster, app) -> int:
    """Which replica serves this tab now: its own request through nginx, with its
    cookies (the affinity cookie among them), as its websocket is routed."""
    response = app.page.request.get(cluster.url + "/_stcore/health")
    return cluster.served_by(response.headers)
