"""Batch → run folder, the test hook: stop the batch at a named step, as a kill, a full disk or a Ctrl-C would.

The batch calls ``reached(step)`` at each step boundary (``chunk-recorded-K`` after the K-th chunk
is recorded; ``finalize-goals``, ``finalize-inputs``, ``finalize-manifest``, ``finalize-store``,
``finalize-cleanup``, ``finalize-partial`` before each finalization step, :data:`FINAL_STEPS`).
Nothing happens unless the environment variable ``PLANSIM_STOP_AT`` names that step:

- ``PLANSIM_STOP_AT=STEP`` — the process ends at once (``os._exit``, no clean-up: a ``kill -9``);
- ``PLANSIM_STOP_AT=STEP:fill:PATH`` — ``PATH`` is written until its disk is full, then the batch
  goes on (a disk that fills up at that step);
- ``PLANSIM_STOP_AT=STEP:wait:PATH`` — ``PATH`` is created and the process waits (up to
  :data:`WAIT_SECONDS`) for a signal such as Ctrl-C: a test interrupts on this event, not after a sleep.

Tests use it to prove that ``batch --resume`` finishes from every step with the same files.
"""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path

#: The environment variable naming the step (and what to do there).
ENV = "PLANSIM_STOP_AT"

#: The finalization steps, in order (simulator.runs.runstore.RunFolder.finalize).
FINAL_STEPS = ("goals", "inputs", "manifest", "store", "cleanup", "partial")

#: Exit status of a process stopped by the hook.
STOP_EXIT = 75

#: The longest a ``wait`` stop waits before the batch goes on.
WAIT_SECONDS = 600.0


def reached(step: str) -> None:
    """The batch reached ``step``: stop, fill the disk or wait if ``PLANSIM_STOP_AT`` says so."""
    spec = os.environ.get(ENV)
    if not spec:
        return
    name, _, rest = spec.partition(":")
    if name != step:
        return
    action, _, target = rest.partition(":")
    if action == "fill":
        fill_disk(Path(target))
    elif action == "wait":
        Path(target).touch()
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(0.01)
    else:
        os._exit(STOP_EXIT)


def fill_disk(path: Path, block: int = 1 << 16) -> int:
    """Append to ``path`` until its file system is full; return the bytes written."""
    written = 0
    data = b"\0" * block
    with open(path, "ab", buffering=0) as fh:
        while True:
            try:
                written += fh.write(data) or 0
            except OSError as err:
                if err.errno not in (errno.ENOSPC, errno.EDQUOT):
                    raise
                if block == 1:
                    return written
                block = max(block // 16, 1)
                data = b"\0" * block
