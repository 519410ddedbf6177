"""Test helper beside the batch flow: a run folder interrupted after a given number of chunks (a resumable PARTIAL folder)."""

from pathlib import Path

import pytest

from simulator.errors import RunDirError
from simulator.runs.batch import run_batch


def interrupted_batch(scenario, folder: Path, n: int = 60, chunk: int = 20, keep: int = 1) -> Path:
    """Run ``scenario`` into ``folder`` and stop it (as Ctrl-C would) once ``keep`` chunks are written."""
    calls = []

    def progress(done, total, label):
        calls.append(done)
        if len(calls) > keep:
            raise KeyboardInterrupt

    with pytest.raises(RunDirError):
        run_batch([scenario], n=n, out=folder, chunk_size=chunk, progress=progress)
    return folder
