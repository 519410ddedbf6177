"""Batch → run folder, the guard: one OS file lock per run folder, held by the batch for the run's life.

``batch`` (creating a folder) and ``batch --resume`` (finishing one) take an exclusive
``flock`` on ``<run>/_chunks/.lock`` before they write anything and keep it until they stop; the
operating system drops it when the process ends, however it ends (SIGKILL included), so a stale
lock cannot outlive its holder. A second batch on the same folder does not wait: it refuses at
once with one line naming the process that holds the lock (its pid and command, which the holder
writes into the lock file). The lock file lives in the work folder, so a finished run folder,
whose work folder is removed, holds no trace of it.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from pathlib import Path

from simulator.errors import RunDirError

#: The lock file's name inside a run folder's work folder.
LOCK_NAME = ".lock"


def _holder_text(lock_file: Path) -> str:
    """The holder's ``pid N: command`` line (waiting briefly while a new holder is still writing it)."""
    for _ in range(50):
        try:
            text = lock_file.read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            text = ""
        if text:
            return text.splitlines()[0][:200]
        time.sleep(0.01)
    return "another process"


class RunLock:
    """An exclusive, non-blocking lock on one run folder; ``release()`` (or process exit) frees it."""

    def __init__(self, work: Path, fd: int):
        self.work = Path(work)
        self._fd: int | None = fd

    @classmethod
    def acquire(cls, work: Path, run_dir: Path) -> "RunLock":
        """Lock ``work/.lock`` (creating it) or raise at once naming the holder.

        Raises
        ------
        RunDirError
            Another live process holds the lock on ``run_dir``.
        """
        lock_file = Path(work) / LOCK_NAME
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise RunDirError(busy_message(run_dir, _holder_text(lock_file))) from None
        command = " ".join(os.path.basename(a) if i == 0 else a for i, a in enumerate(sys.argv))
        line = f"pid {os.getpid()}: {command}\n".encode("utf-8", "replace")
        os.pwrite(fd, line, 0)              # write, then cut: the file is never empty while a holder exists
        os.ftruncate(fd, len(line))
        return cls(work, fd)

    def release(self) -> None:
        """Drop the lock (idempotent)."""
        if self._fd is not None:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            finally:
                os.close(self._fd)
                self._fd = None


def busy_message(run_dir: Path, holder: str) -> str:
    """The one line a second batch on a locked folder prints."""
    return (f"{run_dir}: another batch is running in this folder ({holder}); "
            f"wait for it to finish or stop it, then run: python run.py batch --resume {run_dir}")


def holder(work: Path) -> str | None:
    """Who holds the lock on the run folder whose work folder is ``work`` (None: nobody, or no lock file)."""
    lock_file = Path(work) / LOCK_NAME
    try:
        fd = os.open(lock_file, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return _holder_text(lock_file)
    finally:
        os.close(fd)
    return None


def check_empty(path: Path) -> None:
    """Refuse an output folder that exists and is not empty, naming the batch that holds it, if any."""
    path = Path(path)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        busy = holder(path / "_chunks") if path.is_dir() else None
        if busy:
            raise RunDirError(busy_message(path, busy))
        raise RunDirError(f"{path}: output folder exists and is not empty; choose another --out or remove it")


def create_locked(path: Path, work: Path) -> RunLock:
    """Make the (empty or new) run folder ``path`` and its work folder ``work``, and lock it."""
    check_empty(path)
    path.mkdir(parents=True, exist_ok=True)
    try:
        work.mkdir()
    except FileExistsError:
        check_empty(path)   # another batch got here first: name it
        raise
    return RunLock.acquire(work, path)
