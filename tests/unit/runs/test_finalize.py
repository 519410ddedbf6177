"""Finalization as a journal (RunFolder.finalize): a kill or a full disk at each step, then --resume gives the same files.

The batch stops through its test hook (simulator/runs/stops.py): ``PLANSIM_STOP_AT=STEP`` ends the
process there with ``os._exit`` (as a ``kill -9`` would), ``STEP:fill:PATH`` fills the disk there.
The full-disk cases need a small file system of their own: a tmpfs the test mounts (root only).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import xarray as xr
from click.testing import CliRunner

from run import cli
from simulator.errors import RunDirError
from simulator.runs import stops
from simulator.runs.batch import run_batch
from simulator.runs.runstore import read_results

ROOT = Path(__file__).resolve().parents[3]
COOLING = ROOT / "tests" / "fixtures" / "batch" / "scenarios" / "teacup_town" / "cooling.yaml"
STEPS = [f"finalize-{step}" for step in stops.FINAL_STEPS]
#: Steps that write (a full disk there fails the batch); the others rename or remove.
WRITING = {"finalize-goals", "finalize-inputs", "finalize-manifest"}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The uninterrupted run (60 scenarios, chunks of 20)."""
    return run_batch([COOLING], n=60, out=tmp_path_factory.mktemp("ref") / "run", chunk_size=20)[0]


def assert_same_run(folder: Path, reference: Path) -> None:
    assert sorted(p.name for p in folder.iterdir()) == ["goals.csv", "inputs.csv", "manifest.json", "results.zarr"]
    assert (folder / "goals.csv").read_bytes() == (reference / "goals.csv").read_bytes()
    assert (folder / "inputs.csv").read_bytes() == (reference / "inputs.csv").read_bytes()
    assert json.loads((folder / "manifest.json").read_text())["complete"] is True
    with read_results(reference) as a, read_results(folder) as b:
        xr.testing.assert_identical(a, b)


def resume(folder: Path):
    return CliRunner().invoke(cli, ["batch", "--resume", str(folder), "--quiet"])


def test_the_steps_are_the_ones_finalize_reaches(tmp_path, monkeypatch):
    reached = []
    monkeypatch.setattr(stops, "reached", reached.append)
    run_batch([COOLING], n=10, out=tmp_path / "run", chunk_size=5)
    assert [step for step in reached if step.startswith("finalize-")] == STEPS
    assert [step for step in reached if step.startswith("chunk-")] == ["chunk-recorded-1", "chunk-recorded-2"]


@pytest.mark.parametrize("step", STEPS)
def test_a_kill_at_each_finalization_step_resumes_to_the_same_files(step, reference, tmp_path):
    folder = tmp_path / "run"
    process = subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "batch", str(COOLING), "-n", "60", "--chunk-size", "20",
         "--out", str(folder), "--quiet"],
        cwd=ROOT, env=dict(os.environ, **{stops.ENV: step}), capture_output=True, text=True, timeout=600)
    assert process.returncode == stops.STOP_EXIT, process.stderr
    assert (folder / "PARTIAL").exists()
    shown = CliRunner().invoke(cli, ["show", str(folder)])
    assert shown.output == (f"Error: {folder}: batch is incomplete (PARTIAL); finish it with: "
                            f"python run.py batch --resume {folder}\n")
    result = resume(folder)
    assert result.exit_code == 0 and result.output == f"wrote {folder}\n", result.output
    assert_same_run(folder, reference)


@pytest.fixture
def small_disk(tmp_path):
    """A 16 MiB tmpfs mounted for the test (skipped where mounting is not allowed)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (the full-disk cases run in CI as root)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.strip() or done.returncode}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.parametrize("step", STEPS)
def test_a_full_disk_at_each_finalization_step_resumes_to_the_same_files(step, reference, small_disk, monkeypatch):
    folder, ballast = small_disk / "run", small_disk / "ballast"
    monkeypatch.setenv(stops.ENV, f"{step}:fill:{ballast}")
    if step in WRITING:
        with pytest.raises(RunDirError) as err:
            run_batch([COOLING], n=60, out=folder, chunk_size=20)
        message = str(err.value)
        assert "\n" not in message and message.startswith(f"{folder}: disk full while writing ")
        assert message.endswith(f"free space or move the folder, then finish it with: python run.py batch --resume {folder}")
        monkeypatch.delenv(stops.ENV)
        still_full = resume(folder)                       # before the space is freed: the same one line, still resumable
        assert still_full.exit_code == 1 and still_full.output.count("\n") == 1 and "disk full" in still_full.output
        assert (folder / "PARTIAL").exists()
        ballast.unlink()
        result = resume(folder)
        assert result.exit_code == 0 and result.output == f"wrote {folder}\n", result.output
    else:                                                 # renames and removals need no space
        run_batch([COOLING], n=60, out=folder, chunk_size=20)
        ballast.unlink()
    assert_same_run(folder, reference)
