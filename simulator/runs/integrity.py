"""Batch → run folder, chunk integrity: a checksum of every file a chunk wrote, recorded when written, verified on resume.

Format-agnostic on purpose: ``record(work, index, files)`` hashes whatever files the store wrote
for chunk ``index`` (NetCDF and CSV today, anything tomorrow) into ``<work>/sum-<index>.json``
(``{"files": {name: {"bytes": n, "sha256": hex}}}``, written last and atomically, so its presence
commits the chunk). ``problem(work, index)`` re-reads the files and says what is wrong (missing,
truncated, changed), or None; ``discard`` removes a bad chunk so that ``--resume`` recomputes it.
A chunk without a checksum record (a kill between its files and its record) counts as not done.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

_BLOCK = 1 << 20


def record_path(work: Path, index: int | str) -> Path:
    """The checksum record of chunk ``index`` (or of a named set of files, e.g. ``"layout"``)."""
    return Path(work) / (f"sum-{index}.json" if isinstance(index, str) else f"sum-{index:06d}.json")


def file_digest(path: Path) -> tuple[int, str]:
    """(bytes, hex sha256) of a file."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(_BLOCK), b""):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()


def record(work: Path, index: int | str, files: list[Path]) -> None:
    """Hash ``files`` (all inside ``work``) and write chunk ``index``'s record atomically."""
    entries = {}
    for file in files:
        size, digest = file_digest(Path(file))
        entries[Path(file).relative_to(work).as_posix()] = {"bytes": size, "sha256": digest}
    target = record_path(work, index)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_text(json.dumps({"files": entries}, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def recorded(work: Path, index: int | str) -> bool:
    """Whether chunk ``index`` has a checksum record (cheap; no hashing)."""
    return record_path(work, index).is_file()


def problem(work: Path, index: int | str) -> str | None:
    """What is wrong with chunk ``index``'s files (None: every file is as recorded)."""
    try:
        entries = json.loads(record_path(work, index).read_text(encoding="utf-8"))["files"]
    except FileNotFoundError:
        return "no checksum record"
    except (OSError, ValueError, KeyError, TypeError):
        return "checksum record unreadable"
    for name, want in entries.items():
        file = Path(work) / name
        if not file.is_file():
            return f"{name} is missing"
        size, digest = file_digest(file)
        if size != want.get("bytes"):
            return f"{name} has {size} bytes, {want.get('bytes')} were written (truncated or overwritten)"
        if digest != want.get("sha256"):
            return f"{name} does not match its checksum"
    return None


def discard(work: Path, index: int, files: list[Path]) -> None:
    """Remove chunk ``index``'s record first (un-committing it), then its files."""
    record_path(work, index).unlink(missing_ok=True)
    for file in files:
        Path(file).unlink(missing_ok=True)


def drop_bad(work: Path, n_chunks: int, files_of) -> list[tuple[int, str]]:
    """Verify chunks ``0…n_chunks-1`` (``files_of(index)``: their files); discard bad ones; [(index, why)]."""
    bad = []
    for index in range(n_chunks):
        files = files_of(index)
        if not any(Path(f).exists() for f in files) and not recorded(work, index):
            continue
        why = problem(work, index)
        if why is not None:
            discard(work, index, files)
            bad.append((index, why))
    return bad
