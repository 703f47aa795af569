"""llama.cpp's own C++ decode speed: `llama-bench`, built once for the benchmark.

The reference for the local engine is llama.cpp itself, not its Python binding: the
sources come from the source archive of the pinned `llama-cpp-python`
(requirements-server.txt), which vendors llama.cpp, fetched with pip and built with
CMake into a cache folder outside git (`var/bench-cache/`, or `--cache`), with the
same CPU flags as the binding's build (Makefile: AVX2, FMA, F16C; AVX-512 and AMX
off, whose native build crashes on some CPUs). Only bench/textgen.py calls this;
`make test` never builds it.

    .venv/bin/python -m bench.llamacpp [--cache DIR]   # build (if needed) and print its path
"""

from __future__ import annotations

import argparse
import fcntl
import json
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "llama-cpp-python"
# As the Makefile builds llama-cpp-python: the same kernels on both sides of the ratio.
CMAKE_FLAGS = (
    "-DGGML_NATIVE=OFF",
    "-DGGML_AVX2=ON",
    "-DGGML_FMA=ON",
    "-DGGML_F16C=ON",
    "-DGGML_AVX512=OFF",
    "-DGGML_AMX_TILE=OFF",
    "-DGGML_AMX_INT8=OFF",
    "-DGGML_AMX_BF16=OFF",
)


def pinned_version() -> str:
    """The llama-cpp-python version requirements-server.txt pins."""
    text = (ROOT / "requirements-server.txt").read_text(encoding="utf-8")
    found = re.search(r"^llama-cpp-python(?:\[[^\]]*\])?==([\w.]+)", text, re.MULTILINE)
    if not found:
        raise RuntimeError("requirements-server.txt pins no llama-cpp-python version")
    return found.group(1)


def _run(cmd: list[str], log: Path) -> None:
    with log.open("a", encoding="utf-8") as out:
        out.write(f"$ {' '.join(cmd)}\n")
        out.flush()
        done = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-5:]
        raise RuntimeError(f"{cmd[0]} failed ({done.returncode}): {' | '.join(tail)}")


def _sources(folder: Path, version: str, log: Path) -> Path:
    """vendor/llama.cpp of the pinned source archive, downloaded and unpacked once."""
    unpacked = folder / f"{PACKAGE.replace('-', '_')}-{version}"
    vendor = unpacked / "vendor" / "llama.cpp"
    if (vendor / "CMakeLists.txt").is_file():
        return vendor
    archives = folder / "sdist"
    # The archive of this package only (its build tools may come as wheels: with
    # ":all:" pip compiled CMake itself from source to read the archive's metadata).
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", PACKAGE]
    _run([*cmd, "--dest", str(archives), f"{PACKAGE}=={version}"], log)
    archive = next(archives.glob("*.tar.gz"))
    shutil.rmtree(unpacked, ignore_errors=True)
    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="data")
    if not (vendor / "CMakeLists.txt").is_file():
        raise RuntimeError(f"{archive.name} carries no vendor/llama.cpp")
    return vendor


class BuildInProgress(RuntimeError):
    """Another process is building llama-bench (its log: <cache>/llama.cpp-*/build.log)."""


def build(cache: Path, wait: bool = True) -> Path:
    """The llama-bench binary for the pinned version, built on first use (one build at
    a time: a second caller waits for the first, or with wait=False says so)."""
    version = pinned_version()
    folder = cache / f"llama.cpp-{version}"
    binary = folder / "build" / "bin" / "llama-bench"
    if binary.is_file():
        return binary
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError as exc:
            log = folder / "build.log"
            raise BuildInProgress(f"another process is building it: {log}") from exc
        if binary.is_file():
            return binary
        return _build(folder, version, binary)


def _build(folder: Path, version: str, binary: Path) -> Path:
    log = folder / "build.log"
    vendor = _sources(folder, version, log)
    configure = ["cmake", "-S", str(vendor), "-B", str(folder / "build")]
    configure += ["-DCMAKE_BUILD_TYPE=Release", "-DLLAMA_CURL=OFF", "-DBUILD_SHARED_LIBS=OFF"]
    configure += ["-DLLAMA_BUILD_TESTS=OFF", "-DLLAMA_BUILD_TOOLS=ON", *CMAKE_FLAGS]
    _run(configure, log)
    _run(["cmake", "--build", str(folder / "build"), "--target", "llama-bench", "-j", "2"], log)
    if not binary.is_file():
        raise RuntimeError(f"the build left no {binary}")
    return binary


def decode_speed(binary: Path, gguf: Path, tokens: int, threads: int, reps: int) -> dict:
    """llama-bench's text-generation test: {"tps": mean, "runs": [...], "build": ...}."""
    cmd = [str(binary), "-m", str(gguf), "-p", "0", "-n", str(tokens)]
    cmd += ["-t", str(threads), "-r", str(reps), "-o", "json"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"llama-bench failed: {done.stderr.strip()[-300:]}")
    rows = [r for r in json.loads(done.stdout) if r.get("n_gen") == tokens]
    if not rows:
        raise RuntimeError("llama-bench printed no text-generation result")
    row = rows[0]
    return {
        "tps": float(row["avg_ts"]),
        "runs": [float(x) for x in row.get("samples_ts", [])],
        "build": f"{row.get('build_commit', '?')} ({row.get('cpu_info', '?')})",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=ROOT / "var" / "bench-cache")
    print(build(parser.parse_args().cache))


if __name__ == "__main__":
    main()
