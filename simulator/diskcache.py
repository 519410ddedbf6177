"""Below every wing: a per-user cache of derived objects on disk (parsed YAML, compiled models), keyed by content.

An entry is a pickle named by the SHA-256 of its key parts: what the object is (``kind``), the bytes
of the file it was made from, and a digest of the code that made it (:func:`code_digest`: plansim's
version, Python's, and the source of the modules named). Other files the object was made from
(a model's spreadsheets) are recorded in the entry with their digests and checked on every read,
so an entry is used only while its file, every file it read and the code are unchanged. Writes
are atomic (a temporary file renamed), so concurrent processes never read half an entry; a
damaged or unreadable entry is ignored and rebuilt.

The cache lives in ``$PLANSIM_CACHE`` (default ``~/.cache/plansim/objects``); ``PLANSIM_CACHE=off``
turns it off. Like the kernel cache, it holds pickles this user's processes wrote: trust it as
you trust your home folder.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

_ROOT = Path(__file__).resolve().parent

#: Bumped when the layout of an entry changes.
FORMAT = 1


def cache_dir() -> Path | None:
    """The cache folder, or None when ``PLANSIM_CACHE=off``."""
    configured = os.environ.get("PLANSIM_CACHE", "")
    if configured.lower() in ("off", "0", "no", "false"):
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "plansim" / "objects"


def file_digest(path: Path | str) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@lru_cache(maxsize=None)
def code_digest(*packages: str) -> str:
    """SHA-256 over plansim's version, Python's version and the source of every ``.py`` file of the
    named parts of ``simulator`` (``"engine"``, ``"errors.py"``, …), so any change to that code,
    however small, makes new entries."""
    from simulator import __version__ as plansim     # (importlib.metadata would cost ~0.15 s per process)

    digest = hashlib.sha256(f"{FORMAT} {plansim} {sys.version}".encode())
    for part in packages:
        target = _ROOT / part
        files = sorted(target.rglob("*.py")) if target.is_dir() else [target]
        for path in files:
            digest.update(str(path.relative_to(_ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def entry_key(kind: str, path: Path | str, code: str, extra: str = "", content: bytes | None = None) -> str:
    """The key of the entry made from ``path`` (its bytes — ``content`` when already read — and its
    absolute path) by ``code``."""
    digest = hashlib.sha256(content).hexdigest() if content is not None else file_digest(path)
    parts = [kind, os.path.abspath(path), digest, code, extra]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def read(kind: str, key: str):
    """The cached object under ``key``, or None (missing, damaged, or a file it read has changed)."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        with open(folder / kind / f"{key}.pkl", "rb") as fh:
            entry = pickle.load(fh)
        for dependency, digest in entry["files"]:
            if file_digest(dependency) != digest:
                return None
        return entry["value"]
    except Exception:  # noqa: BLE001 - any unreadable entry is a cache miss
        return None


def write(kind: str, key: str, value, files=()) -> None:
    """Store ``value`` under ``key`` (with the digests of the other ``files`` it was made from);
    a cache that cannot be written is skipped silently (the result is still correct)."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        entry = {"value": value, "files": [(str(f), file_digest(f)) for f in files]}
        target = folder / kind
        target.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target, suffix=".tmp")
        with os.fdopen(handle, "wb") as fh:
            pickle.dump(entry, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, target / f"{key}.pkl")
    except Exception:  # noqa: BLE001 - unpicklable value, full disk, read-only home: no cache
        try:
            os.unlink(temporary)
        except (OSError, UnboundLocalError):
            pass
