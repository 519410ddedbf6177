"""Run-folder lock (simulator/runs/lock.py) and chunk checksums (simulator/runs/integrity.py)."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import xarray as xr

from interrupted import interrupted_batch
from simulator.errors import RunDirError
from simulator.runs import integrity
from simulator.runs.batch import run_batch
from simulator.runs.lock import RunLock, holder
from simulator.runs.runstore import RunFolder, read_results

ROOT = Path(__file__).resolve().parents[3]
COOLING = ROOT / "tests" / "fixtures" / "batch" / "scenarios" / "teacup_town" / "cooling.yaml"


def _partial(tmp_path, n=60, chunk=20, keep=2):
    """A run folder interrupted after ``keep`` chunks (progress raises)."""
    return interrupted_batch(COOLING, tmp_path / "run", n=n, chunk=chunk, keep=keep)


def test_a_second_holder_is_refused_naming_the_first(tmp_path):
    work = tmp_path / "_chunks"
    work.mkdir()
    first = RunLock.acquire(work, tmp_path)
    with pytest.raises(RunDirError) as err:
        RunLock.acquire(work, tmp_path)
    assert str(err.value).startswith(f"{tmp_path}: another batch is running in this folder (pid {os.getpid()}: ")
    assert holder(work).startswith(f"pid {os.getpid()}: ")
    first.release()
    assert holder(work) is None
    RunLock.acquire(work, tmp_path).release()


def test_the_lock_dies_with_its_process(tmp_path):
    work = tmp_path / "_chunks"
    work.mkdir()
    code = ("import sys,time; from pathlib import Path; from simulator.runs.lock import RunLock; "
            "RunLock.acquire(Path(sys.argv[1]), Path(sys.argv[1])); print('held', flush=True); time.sleep(3600)")
    process = subprocess.Popen([sys.executable, "-c", code, str(work)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline() == "held\n"
    assert holder(work).startswith(f"pid {process.pid}: ")
    process.kill()
    process.wait()
    process.stdout.close()
    deadline = time.monotonic() + 300
    while holder(work) is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert holder(work) is None


def test_resume_of_a_locked_folder_refuses_at_once(tmp_path):
    folder = _partial(tmp_path)
    lock = RunLock.acquire(folder / "_chunks", folder)
    try:
        with pytest.raises(RunDirError, match="another batch is running in this folder"):
            run_batch([], resume=folder)
        assert json.loads((folder / "manifest.json").read_text())["complete"] is False
    finally:
        lock.release()
    assert run_batch([], resume=folder) == [folder]


def test_a_new_batch_into_a_locked_folder_names_the_holder(tmp_path):
    folder = _partial(tmp_path)
    lock = RunLock.acquire(folder / "_chunks", folder)
    try:
        with pytest.raises(RunDirError, match=r"another batch is running in this folder \(pid "):
            run_batch([COOLING], n=60, out=folder, chunk_size=20)
    finally:
        lock.release()


def test_chunk_checksums_catch_truncation_and_resume_recomputes(tmp_path):
    folder = _partial(tmp_path)
    run = RunFolder(folder)
    assert integrity.problem(run.work, 0) is None
    nc = next(f for f in run.chunk_files(0) if "results" in f.as_posix() and f.stat().st_size > 16)   # a results.zarr region file
    good = nc.read_bytes()
    nc.write_bytes(good[: len(good) // 2])
    name = nc.relative_to(run.work).as_posix()
    why = f"{name} has {len(good) // 2} bytes, {len(good)} were written (truncated or overwritten)"
    assert integrity.problem(run.work, 0) == why
    run_batch([], resume=folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["complete"] is True
    assert manifest["recomputed"] == [f"chunk 0: {why}"]
    whole = run_batch([COOLING], n=60, out=tmp_path / "whole", chunk_size=20)[0]
    assert (folder / "goals.csv").read_bytes() == (whole / "goals.csv").read_bytes()


def test_a_changed_chunk_and_a_chunk_without_record_are_not_done(tmp_path):
    folder = _partial(tmp_path)
    run = RunFolder(folder)
    goals = run.chunk_goals(1)
    text = goals.read_text()
    goals.write_text(text.replace("1", "2", 1))
    assert integrity.problem(run.work, 1) == f"{goals.name} does not match its checksum"
    integrity.record_path(run.work, 0).unlink()
    assert not run.chunk_done(0)
    assert integrity.problem(run.work, 0) == "no checksum record"


def test_repairing_chunk_0_keeps_the_coordinates(tmp_path):
    """Issue 26: a kill between chunk 0's files and its record; the repair removed ``time/c/0`` (time all NaN)."""
    folder = _partial(tmp_path)
    run = RunFolder(folder)
    integrity.record_path(run.work, 0).unlink()             # chunk 0 written, not committed
    region = {f.relative_to(run.store).parts[0] for f in run.chunk_files(0) if run.store in f.parents}
    assert "time" not in region and region >= {"status", "teacup_temperature"}
    run_batch([], resume=folder)
    whole = run_batch([COOLING], n=60, out=tmp_path / "whole", chunk_size=20)[0]
    with read_results(folder) as a, read_results(whole) as b:
        xr.testing.assert_identical(a, b)


def test_a_damaged_layout_is_refused_on_resume(tmp_path):
    folder = _partial(tmp_path)
    run = RunFolder(folder)
    coordinate = run.store / "time" / "c" / "0"
    coordinate.unlink()
    with pytest.raises(RunDirError) as err:
        run_batch([], resume=folder)
    assert str(err.value) == (f"{folder}: the results store's layout (coordinates, attributes) is damaged: "
                              f"results.zarr/time/c/0 is missing; the batch cannot be resumed, run it again")
