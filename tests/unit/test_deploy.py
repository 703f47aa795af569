"""The deployment files in deploy/ validate with the tools' own offline validators
and agree with each other. (Docker has no engine here: Compose is checked against
the Compose specification's JSON schema as vendored by check-jsonschema, the
Kubernetes manifests with kubernetes-validate's bundled schemas; nginx checks its
own configuration with `nginx -t`. tests/scale/ runs nginx and the replicas.)"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.cluster import nginx_config, read_env_file

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
KUBE = DEPLOY / "kubernetes"
BIN = Path(sys.executable).parent


def run(*cmd: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kwargs)


def test_compose_file_follows_the_compose_specification() -> None:
    done = run(
        str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.compose-spec",
        str(DEPLOY / "compose.yaml"),
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_compose_services_start_in_an_order_that_exists() -> None:
    services = compose()["services"]
    graph = {name: set(spec.get("depends_on") or {}) for name, spec in services.items()}
    assert all(dep in services for deps in graph.values() for dep in deps)
    done: set[str] = set()
    while graph.keys() - done:
        ready = {n for n, deps in graph.items() if n not in done and deps <= done}
        assert ready, f"depends_on has a cycle among {sorted(graph.keys() - done)}"
        done |= ready


def test_every_compose_replica_shares_the_settings_and_the_secret() -> None:
    services = compose()["services"]
    replicas = [s for n, s in services.items() if n.startswith("app")]
    assert len(replicas) == 3
    names = {s["environment"]["PLANNER_REPLICA_NAME"] for s in replicas}
    assert names == {"app1", "app2", "app3"}
    for spec in replicas:
        assert spec["env_file"] == "replica.env"
        env = spec["environment"]
        secret = env["STREAMLIT_SERVER_COOKIE_SECRET"]
        assert secret == "${PLANNER_COOKIE_SECRET:?set PLANNER_COOKIE_SECRET}"
        assert env["PLANNER_DATABASE_URL"].startswith("postgresql://")
    upstream = (DEPLOY / "nginx" / "upstream.conf").read_text()
    for name in names:
        assert f"server {name}:8501" in upstream


def kube_files() -> list[Path]:
    return sorted(KUBE.glob("*.yaml"))


def test_kubernetes_manifests_validate_strictly() -> None:
    secret = run(
        str(KUBE / "make-secret.sh"),
        env={**os.environ, "DATABASE_URL": "postgresql://planner:pw@db.internal:5432/planner"},
    )
    assert secret.returncode == 0, secret.stderr
    made = Path(os.environ.get("TMPDIR", "/tmp")) / f"planner-secret-{os.getpid()}.yaml"
    made.write_text(secret.stdout)
    try:
        done = run(
            str(BIN / "kubernetes-validate"), "--strict", "--no-warn",
            *map(str, kube_files()), str(made),
        )  # fmt: skip
    finally:
        made.unlink()
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("passed") == 7, done.stdout


def kube_docs() -> dict[tuple[str, str], dict]:
    docs = {}
    for path in kube_files():
        for doc in yaml.safe_load_all(path.read_text()):
            docs[(doc["kind"], doc["metadata"]["name"])] = doc
    return docs


def test_kubernetes_replicas_are_probed_sticky_and_configured_like_compose() -> None:
    docs = kube_docs()
    app = docs[("Deployment", "planner")]["spec"]["template"]["spec"]["containers"][0]
    for probe in ("readinessProbe", "livenessProbe"):
        assert app[probe]["httpGet"]["path"] == "/_stcore/health"
    refs = [e["valueFrom"]["secretKeyRef"] for e in app["env"] if "secretKeyRef" in str(e)]
    secret_keys = {ref["key"] for ref in refs}
    assert secret_keys == {"database-url", "cookie-secret", "operator-token"}
    notes = docs[("Ingress", "planner")]["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert int(notes["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600
    data = dict(docs[("ConfigMap", "planner-replica")]["data"])
    assert data.pop("PLANNER_TEXTGEN_REMOTE_URL") == "http://model-server:8080"
    assert data == read_env_file(DEPLOY / "replica.env")


def test_replica_settings_match_the_apps_real_limits() -> None:
    from planner.files import MAX_UPLOAD_BYTES

    env = read_env_file(DEPLOY / "replica.env")
    assert int(env["STREAMLIT_SERVER_MAX_UPLOAD_SIZE"]) * 2**20 == MAX_UPLOAD_BYTES
    assert env["STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION"] == "true"
    assert env["PLANNER_TEXTGEN_BACKEND"] == "remote"


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx missing (make test installs it)")
def test_nginx_accepts_the_shipped_proxy_configuration(tmp_path: Path) -> None:
    conf = nginx_config(tmp_path, listen="127.0.0.1:1", upstreams=["127.0.0.1:2", "127.0.0.1:3"])
    done = run("nginx", "-t", "-p", str(tmp_path), "-c", str(conf))
    assert done.returncode == 0, done.stderr
