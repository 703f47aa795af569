"""A folder cache whose entries are complete or absent.

An entry is built in a temporary folder next to its final place, described by a
manifest (size and sha256 of every file) written last, then renamed into place
(atomic on one file system). Loading checks the manifest; an entry with a missing
manifest, a missing file, a wrong size or a wrong hash is removed and rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

MANIFEST = "manifest.json"
FORMAT = 1


T = TypeVar("T")


class CacheCorrupt(Exception):
    """The entry is not what its manifest says (or has no manifest)."""


def sha256_file(path: Path, chunk: int = 1 << 22) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(folder: Path, meta: dict) -> dict:
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != MANIFEST:
            rel = path.relative_to(folder).as_posix()
            files[rel] = {"size": path.stat().st_size, "sha256": sha256_file(path)}
    manifest = {"format": FORMAT, "meta": meta, "files": files}
    tmp = folder / (MANIFEST + ".part")
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    with tmp.open("rb") as handle:
        os.fsync(handle.fileno())
    tmp.replace(folder / MANIFEST)
    return manifest


def read_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CacheCorrupt(f"no readable manifest: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise CacheCorrupt("unknown manifest format")
    if not isinstance(manifest.get("files"), dict) or not manifest["files"]:
        raise CacheCorrupt("manifest lists no files")
    return manifest


def check_sizes(folder: Path) -> dict:
    """The manifest, if every listed file exists with its size (cheap)."""
    manifest = read_manifest(folder)
    for rel, info in manifest["files"].items():
        path = folder / rel
        if not path.is_file():
            raise CacheCorrupt(f"{rel} is missing")
        if path.stat().st_size != info.get("size"):
            raise CacheCorrupt(f"{rel} has {path.stat().st_size} bytes, expected {info['size']}")
    return manifest


def check_hashes(folder: Path, manifest: dict | None = None) -> None:
    """Every listed file has its sha256 (reads everything)."""
    manifest = manifest or read_manifest(folder)
    for rel, info in manifest["files"].items():
        if sha256_file(folder / rel) != info.get("sha256"):
            raise CacheCorrupt(f"{rel} does not match its sha256")


def verify(folder: Path) -> dict:
    manifest = check_sizes(folder)
    check_hashes(folder, manifest)
    return manifest


def open_verified(folder: Path, open_entry: Callable[[Path], T]) -> tuple[T, dict]:
    """(open_entry(folder), manifest), with every file's sha256 checked meanwhile.

    Hashing a model takes about as long as loading it, so both run at once; a
    mismatch raises CacheCorrupt after the load, and the caller drops what it opened."""
    manifest = check_sizes(folder)
    failure: list[BaseException] = []

    def hash_check() -> None:
        try:
            check_hashes(folder, manifest)
        except BaseException as exc:
            failure.append(exc)

    checker = threading.Thread(target=hash_check, daemon=True)
    checker.start()
    try:
        opened = open_entry(folder)
    finally:
        checker.join()
    if failure:
        raise failure[0]
    return opened, manifest


def remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def build(final: Path, fill: Callable[[Path], dict]) -> dict:
    """Fill a temporary folder with fill(tmp) -> meta, add the manifest, move it to final.

    If another process published `final` meanwhile, that entry is kept and ours dropped.
    """
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.parent / f".tmp-{final.name}-{uuid.uuid4().hex[:8]}"
    try:
        tmp.mkdir()
        meta = fill(tmp)
        manifest = write_manifest(tmp, meta)
        if final.exists():
            try:  # another process (a second test worker, say) published it meanwhile:
                return verify(final)  # keep theirs; it may be loading from it now
            except CacheCorrupt:
                remove(final)  # a broken entry
        try:
            tmp.rename(final)
        except OSError:
            if not final.exists():
                raise
        return manifest
    finally:
        remove(tmp)


def stale_temp_dirs(root: Path) -> list[Path]:
    return sorted(root.glob(".tmp-*")) if root.is_dir() else []
