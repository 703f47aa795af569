"""Fuzz the importers: N seeded inputs per format, count the exceptions that are not a refusal.

Every input goes through `planner.files.parse_team` (csv, json, xlsx) or the plan
importer `planner.store.parse_plan_json` (plan). A refusal (TeamImportError,
PlanImportError) is the expected way to say no; anything else is counted as an
unexpected exception, and so are inputs that run longer than --timeout seconds.
Inputs are random bytes or mutations of valid files (tests/support/hostile_files.py),
the same for every run with the same --seed.

Run: .venv/bin/python -m bench.fuzz [--n 10000] [--seed 15] [--formats csv,json,xlsx,plan]
     .venv/bin/python -m bench.fuzz --against HEAD   # the committed importers, for a before figure
"""

from __future__ import annotations

import argparse
import collections
import importlib
import io
import pickle
import random
import resource
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path

from planner.catalog import load_catalog
from tests.support.hostile_files import fuzz_input, sample_files

ROOT = Path(__file__).resolve().parent.parent

FORMATS = ("csv", "json", "xlsx", "plan")


class InputTimeout(BaseException):
    """An input ran past --timeout (a BaseException, so no `except Exception` eats it)."""


def _on_alarm(_signum, _frame) -> None:
    raise InputTimeout


def importers() -> tuple[dict[str, Callable[[bytes], object]], tuple[type, ...]]:
    """The team and plan importers of the `planner` this process imports: the working
    tree's, or a revision's (`--against`). The team importer is `planner.files` since
    the core was split by concept, `planner.io` before."""
    try:
        team_files = importlib.import_module("planner.files")
    except ModuleNotFoundError as exc:
        if exc.name != "planner.files":
            raise
        team_files = importlib.import_module("planner.io")
    store = importlib.import_module("planner.store")
    catalog = load_catalog()
    calls = {
        fmt: (lambda data, fmt=fmt: team_files.parse_team(data, f"team.{fmt}", catalog))
        for fmt in ("csv", "json", "xlsx")
    }
    calls["plan"] = store.parse_plan_json
    return calls, (team_files.TeamImportError, store.PlanImportError)


def fuzz_revision(rev: str, argv: list[str]) -> int:
    """Fuzz the importers as they are at `rev`: its planner/ and data/ go into a
    temporary folder that a child process imports `planner` from (the working tree is
    left alone). The inputs stay the working tree's, pickled for the child to read, so
    both runs see the same files."""
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        archive = subprocess.run(
            ["git", "archive", rev, "planner", "data"], cwd=ROOT, capture_output=True, check=True
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        # bench/ and tests/ are the working tree's, beside the revision's planner/. Not
        # the working tree on sys.path: its planner would win over an older planner/
        # without __init__.py (a namespace package).
        for name in ("bench", "tests"):
            (Path(tmp) / name).symlink_to(ROOT / name, target_is_directory=True)
        samples = Path(tmp) / "samples.pickle"
        samples.write_bytes(pickle.dumps(sample_files()))
        child = [sys.executable, "-m", "bench.fuzz", *argv]
        child += ["--samples", str(samples), "--label", f"planner at {rev}"]
        return subprocess.run(child, cwd=tmp).returncode  # `-m`: sys.path starts at tmp


def where(exc: BaseException) -> str:
    """The innermost frame in the project, else the innermost frame: where it broke."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "planner" in f.filename and ".venv" not in f.filename]
    frame = (ours or frames or [None])[-1]
    if frame is None:
        return "?"
    return f"{Path(frame.filename).name}:{frame.name}"


def _qualname(kind: type) -> str:
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


def run(fmt: str, call, refusals, n: int, seed: int, timeout: float, samples) -> dict:
    rng = random.Random(f"{seed}-{fmt}")
    outcome = collections.Counter()
    kinds: collections.Counter[tuple[str, str]] = collections.Counter()
    slowest = (0.0, b"")
    for _ in range(n):
        data = fuzz_input(rng, fmt, samples)
        signal.setitimer(signal.ITIMER_REAL, timeout)
        start = time.perf_counter()
        try:
            call(data)
            outcome["accepted"] += 1
        except refusals:
            outcome["refused"] += 1
        except InputTimeout:
            outcome["unexpected"] += 1
            kinds[("Timeout", f">{timeout:g} s")] += 1
        except (Exception, RecursionError, MemoryError) as exc:
            outcome["unexpected"] += 1
            kinds[(_qualname(type(exc)), where(exc))] += 1
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        elapsed = time.perf_counter() - start
        if elapsed > slowest[0]:
            slowest = (elapsed, data[:40])
    return {"outcome": outcome, "kinds": kinds, "slowest": slowest}


def without_against(argv: list[str]) -> list[str]:
    """The arguments for the child that fuzzes a revision: all but --against."""
    kept, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--against":
            skip = True
        elif not arg.startswith("--against="):
            kept.append(arg)
    return kept


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="inputs per format")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--against", metavar="REV", help="fuzz the importers as they are at REV")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per input")
    parser.add_argument("--memory-mb", type=int, default=3072, help="address-space cap")
    # Set by --against for its child: the inputs and what to call the importers.
    parser.add_argument("--samples", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--label", default="working tree", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.against:
        return fuzz_revision(args.against, without_against(argv))

    # A runaway input must fail with MemoryError here, not take the machine down.
    cap = args.memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    signal.signal(signal.SIGALRM, _on_alarm)
    # openpyxl warns about every odd part it skips; the counts are what this prints.
    warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
    calls, refusals = importers()
    samples = pickle.loads(args.samples.read_bytes()) if args.samples else sample_files()
    print(f"fuzz: {args.n} inputs per format, seed {args.seed}, {args.label}")
    total = 0
    for fmt in args.formats.split(","):
        start = time.perf_counter()
        result = run(fmt, calls[fmt], refusals, args.n, args.seed, args.timeout, samples)
        seconds = time.perf_counter() - start
        o = result["outcome"]
        total += o["unexpected"]
        print(
            f"{fmt:5} unexpected exceptions: {o['unexpected']}"
            f"   (refused {o['refused']}, accepted {o['accepted']}, {seconds:.0f} s,"
            f" slowest input {result['slowest'][0]:.2f} s)"
        )
        for (kind, place), count in result["kinds"].most_common(8):
            print(f"      {count:6}  {kind} at {place}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
