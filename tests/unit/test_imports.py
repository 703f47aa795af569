"""Wiring reads top-down: no import cycles in planner/ or components/, every module
imports on its own, and torch/transformers stay out of every path but generation."""

from __future__ import annotations

import ast
import subprocess
import sys
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


# Each module is imported in a process of its own, forked from one interpreter that
# has loaded only third-party libraries the app always uses (never torch, never a
# project module): "alone" as far as the project is concerned, without paying
# streamlit's and pandas' import ninety times over.
IMPORT_ALONE = """
import importlib, multiprocessing, sys
import numpy, pandas, plotly.graph_objects, pydantic, sqlalchemy, streamlit, yaml
assert not [m for m in sys.modules if m.split(".")[0] in ("torch", "transformers", *PACKAGES)]

def alone(name):
    try:
        importlib.import_module(name)
    except BaseException as exc:
        return name, 1, f"{type(exc).__name__}: {exc}"
    heavy = sorted(m for m in ("torch", "transformers") if m in sys.modules)
    return name, 0, ",".join(heavy)

if __name__ == "__main__":
    names = sys.argv[1:]
    with multiprocessing.get_context("fork").Pool(2, maxtasksperchild=1) as pool:
        for name, code, out in pool.imap(alone, names):
            print(name, code, out.replace("\\n", " ") or "-", sep="\\t")
"""


def imports_alone(names: list[str]) -> list[tuple[str, int, str]]:
    code = f"PACKAGES = {PACKAGES!r}\n" + IMPORT_ALONE
    done = subprocess.run(
        [sys.executable, "-c", code, *names], cwd=ROOT, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    rows = [line.split("\t") for line in done.stdout.splitlines()]
    return [(name, int(code), "" if out == "-" else out) for name, code, out in rows]


# Where torch/transformers may load: the generation engines and the attention view.
HEAVY_ALLOWED = ("planner.textgen.local", "planner.textgen.loader", "planner.textgen.attention")


def test_every_module_imports_alone() -> None:
    names = sorted(n for n in project_modules() if not n.endswith("__main__"))
    results = imports_alone(names)
    assert [name for name, _, _ in results] == names
    failures = {name: out[-600:] for name, code, out in results if code != 0}
    assert not failures
    heavy = {
        name: out
        for name, code, out in results
        if code == 0 and out and not name.startswith(HEAVY_ALLOWED)
    }
    assert not heavy, f"torch/transformers imported on a light path: {heavy}"
    # The check can fail: a heavy module does load torch, and a broken one is reported.
    assert any(out for name, _, out in results if name.startswith(HEAVY_ALLOWED))


def test_a_module_that_fails_to_import_is_reported() -> None:
    (result,) = imports_alone(["planner.no_such_module"])
    assert result[:2] == ("planner.no_such_module", 1) and "No module named" in result[2]


def core_package_graph() -> dict[str, set[str]]:
    """Which planner.X imports which planner.Y (X, Y: top-level modules and packages
    of the core; imports within one package left out)."""

    def top(name: str) -> str:
        return ".".join(name.split(".")[:2])

    graph: dict[str, set[str]] = {}
    for name, deps in import_graph().items():
        if name.startswith("planner.") and not name.endswith("__main__"):
            graph.setdefault(top(name), set()).update(
                top(d) for d in deps if d.startswith("planner.") and top(d) != top(name)
            )
    return graph


def test_the_core_packages_import_only_downwards() -> None:
    assert find_cycle(core_package_graph()) is None


def test_scoring_stands_on_the_domain_alone() -> None:
    """Charts, exports, budgets and roadmaps draw on scoring, never the reverse."""
    below = {"planner.catalog", "planner.domain", "planner.i18n", "planner.numbers"}
    assert core_package_graph()["planner.scoring"] <= below


# What a page never computes itself: the plan's analysis (Ctx.analysis) holds it.
SCORING_WORK = {
    "analyze",
    "analyse_plan",
    "PlanAnalysis",
    "plan_hires",
    "scores_by_model",
    "fit_by_model",
    "build_pipeline",
    "assess_risks",
    "next_hire_verdict",
    "hire_verdict",
    "small_gaps",
    "team_after",
}


def scoring_work(source: str) -> set[str]:
    """Scoring functions a script imports from the core or calls as attributes."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("planner"):
            found.update(alias.name for alias in node.names if alias.name in SCORING_WORK)
        elif isinstance(node, ast.Attribute) and node.attr in SCORING_WORK:
            found.add(node.attr)
    return found


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("from planner.scoring import analyze, explain_step", {"analyze"}),
        ("from planner.scoring.hiring import plan_hires", {"plan_hires"}),
        ("from planner import scoring\nscoring.build_pipeline(t, r, c, 'en')", {"build_pipeline"}),
        ("report = ctx.analysis.report", set()),
    ],
)
def test_scoring_work_is_seen(source: str, found: set[str]) -> None:
    assert scoring_work(source) == found


def test_pages_read_the_analysis_and_never_score_the_plan_themselves() -> None:
    pages = sorted((ROOT / "pages").glob("*.py"))
    assert pages
    scoring = {p.name: scoring_work(p.read_text(encoding="utf-8")) for p in pages}
    assert not {name: names for name, names in scoring.items() if names}
