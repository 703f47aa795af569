"""Fuzz the importers: N seeded inputs per format, count the exceptions that are not a refusal.

Every input goes through `planner.io.parse_team` (csv, json, xlsx) or the plan
importer `planner.store.parse_plan_json` (plan). A refusal (TeamImportError,
PlanImportError) is the expected way to say no; anything else is counted as an
unexpected exception, and so are inputs that run longer than --timeout seconds.
Inputs are random bytes or mutations of valid files (tests/support/hostile_files.py),
the same for every run with the same --seed.

Run: .venv/bin/python bench/fuzz.py [--n 10000] [--seed 15] [--formats csv,json,xlsx,plan]
     .venv/bin/python bench/fuzz.py --against HEAD   # the committed importers, for a before figure
"""

from __future__ import annotations

import argparse
import collections
import random
import resource
import signal
import subprocess
import sys
import time
import traceback
import types
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planner.catalog import load_catalog  # noqa: E402
from tests.support.hostile_files import fuzz_input, sample_files  # noqa: E402

FORMATS = ("csv", "json", "xlsx", "plan")


class InputTimeout(BaseException):
    """An input ran past --timeout (a BaseException, so no `except Exception` eats it)."""


def _on_alarm(_signum, _frame) -> None:
    raise InputTimeout


def load_revision(rev: str) -> tuple[types.ModuleType, types.ModuleType]:
    """planner/io.py and planner/store.py as they are at `rev`, as modules of their own
    (the working tree is left alone)."""
    modules = []
    for name in ("io", "store"):
        path = f"planner/{name}.py"
        source = subprocess.run(
            ["git", "show", f"{rev}:{path}"], cwd=ROOT, capture_output=True, check=True
        ).stdout
        module = types.ModuleType(f"fuzz_{rev}_{name}".replace("~", "_").replace("^", "_"))
        module.__file__ = f"{rev}:{path}"
        sys.modules[module.__name__] = module  # dataclasses look their module up
        exec(compile(source, module.__file__, "exec"), module.__dict__)
        modules.append(module)
    return modules[0], modules[1]


def importers(rev: str | None) -> tuple[dict[str, Callable[[bytes], object]], tuple[type, ...]]:
    if rev:
        io_module, store_module = load_revision(rev)
    else:
        from planner import files as io_module
        from planner import store as store_module
    catalog = load_catalog()
    calls = {
        fmt: (lambda data, fmt=fmt: io_module.parse_team(data, f"team.{fmt}", catalog))
        for fmt in ("csv", "json", "xlsx")
    }
    calls["plan"] = store_module.parse_plan_json
    return calls, (io_module.TeamImportError, store_module.PlanImportError)


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="inputs per format")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--against", metavar="REV", help="fuzz planner/io.py and store.py at REV")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per input")
    parser.add_argument("--memory-mb", type=int, default=3072, help="address-space cap")
    args = parser.parse_args(argv)

    # A runaway input must fail with MemoryError here, not take the machine down.
    cap = args.memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    signal.signal(signal.SIGALRM, _on_alarm)
    # openpyxl warns about every odd part it skips; the counts are what this prints.
    warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
    calls, refusals = importers(args.against)
    samples = sample_files()
    label = f"planner at {args.against}" if args.against else "working tree"
    print(f"fuzz: {args.n} inputs per format, seed {args.seed}, {label}")
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
