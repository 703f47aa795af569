"""Wiring reads top-down: no import cycles in planner/ or components/, every module
imports on its own, and torch/transformers stay out of every path but generation."""

from __future__ import annotations

import ast
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("planner", "components")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {
        module_name(p): p
        for package in PACKAGES
        for p in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in p.parts
    }


def imports_of(path: Path, name: str, known: set[str]) -> set[str]:
    """Project modules a module imports anywhere in its body (lazy imports count)."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(t for t in targets if t in known and t != name)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    known = set(modules)
    return {name: imports_of(path, name, known) for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle as a list of modules (first == last), or None. Iterative DFS."""
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    for start in sorted(graph):
        if state.get(start):
            continue
        stack: list[tuple[str, list[str]]] = [(start, sorted(graph[start]))]
        path = [start]
        state[start] = 1
        while stack:
            node, todo = stack[-1]
            if not todo:
                stack.pop()
                path.pop()
                state[node] = 2
                continue
            nxt = todo.pop()
            # A package's __init__ importing its own submodules is not a cycle of concern.
            if nxt.startswith(node + ".") or node.startswith(nxt + "."):
                continue
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, sorted(graph[nxt])))
    return None


def test_the_graph_sees_real_imports() -> None:
    graph = import_graph()
    assert "planner.domain" in graph["planner.scoring.coverage"]
    assert "components.state" in graph["components.ui"]


@pytest.mark.parametrize(
    ("graph", "cycle"),
    [
        ({"a": {"b"}, "b": {"a"}}, ["a", "b", "a"]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
    ],
)
def test_find_cycle_finds_loops(graph, cycle) -> None:
    assert find_cycle(graph) == cycle


def test_no_import_cycles() -> None:
    assert find_cycle(import_graph()) is None


def _import_alone(name: str) -> tuple[str, int, str]:
    code = (
        f"import sys, {name}\n"
        "heavy = sorted(m for m in ('torch', 'transformers') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    return name, done.returncode, (done.stdout.strip() if done.returncode == 0 else done.stderr)


# Where torch/transformers may load: the generation engines and the attention view.
HEAVY_ALLOWED = ("planner.textgen.local", "planner.textgen.loader", "planner.textgen.attention")


def test_every_module_imports_alone_in_a_fresh_interpreter() -> None:
    names = sorted(n for n in project_modules() if not n.endswith("__main__"))
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(_import_alone, names))
    failures = {name: out[-600:] for name, code, out in results if code != 0}
    assert not failures
    heavy = {
        name: out
        for name, code, out in results
        if code == 0 and out and not name.startswith(HEAVY_ALLOWED)
    }
    assert not heavy, f"torch/transformers imported on a light path: {heavy}"
