"""Hostile run-folder situations (issue 14): concurrency, interruption, damaged chunks and folders, full disk.

Each refusal is one exact ``Error:`` line and leaves nothing that claims to be complete; each
recovery (--resume after a truncated chunk, after a full disk) gives the same files as an
uninterrupted run.
"""
# ruff: noqa: E501, F811  (exact one-line messages; the project fixture is imported from hostile.py)

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hostile import project  # noqa: F401  (the fixture)
from hostile import assert_clean, claims_complete, invoke
from interrupted import interrupted_batch
from simulator.runs.batch import run_batch

ROOT = Path(__file__).resolve().parents[2]
COOL = "scenarios/teacup_town/cooling.yaml"
HOLD = ("import sys, time; from pathlib import Path; from simulator.runs.lock import RunLock; "
        "RunLock.acquire(Path(sys.argv[1]), Path(sys.argv[1]).parent); print('held', flush=True); time.sleep(3600)")


def _partial(project, n=60, chunk=20, keep=1, name="run") -> Path:
    """A run folder interrupted after ``keep`` chunks."""
    return interrupted_batch(COOL, project / name, n=n, chunk=chunk, keep=keep)


@pytest.fixture
def holder(project):
    """A separate process holding the lock of a partial run folder: (folder, its pid)."""
    folder = _partial(project)
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(folder / "_chunks")], cwd=ROOT,
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline() == "held\n"
    yield folder, process.pid
    process.kill()
    process.wait()
    process.stdout.close()


def test_resume_while_another_batch_holds_the_folder(holder):
    folder, pid = holder
    busy = f"another batch is running in this folder (pid {pid}: -c {folder / '_chunks'})"
    assert_clean(invoke("batch", "--resume", folder, "--quiet"),
                 f"{folder}: {busy}; wait for it to finish or stop it, then run: python run.py batch --resume {folder}", folder)


def test_new_batch_into_a_folder_another_batch_holds(holder):
    folder, pid = holder
    busy = f"another batch is running in this folder (pid {pid}: -c {folder / '_chunks'})"
    assert_clean(invoke("batch", COOL, "--out", folder, "--quiet"),
                 f"{folder}: {busy}; wait for it to finish or stop it, then run: python run.py batch --resume {folder}", folder)


def test_two_resumes_at_once_one_finishes_the_other_refuses(project, tmp_path):
    """Kill a batch, start two --resume together: one line from the loser, identical files from the winner."""
    folder = _partial(project, n=4000, chunk=200, keep=2)
    command = [sys.executable, str(ROOT / "run.py"), "batch", "--resume", str(folder), "--quiet"]
    first, second = (subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                     for _ in range(2))
    results = [p.communicate() + (p.returncode,) for p in (first, second)]
    winners = [r for r in results if r[2] == 0]
    losers = [r for r in results if r[2] != 0]
    if len(winners) == 2:
        pytest.skip("the two resumes did not overlap (the first finished before the second started)")
    assert len(winners) == 1 and len(losers) == 1
    assert losers[0][0] == ""
    stderr = losers[0][1]
    assert stderr.count("\n") == 1 and (
        stderr.startswith(f"Error: {folder}: another batch is running in this folder (pid ")
        or stderr == f"Error: {folder}: this batch is already complete; nothing to resume\n"), stderr
    whole = run_batch([COOL], n=4000, out=tmp_path / "whole", chunk_size=200)[0]
    for name in ("goals.csv", "inputs.csv"):
        assert (folder / name).read_bytes() == (whole / name).read_bytes()


def test_truncated_chunk_is_recomputed_on_resume(project, tmp_path):
    folder = _partial(project, keep=2)
    from simulator.runs.runstore import RunFolder

    chunk = next(f for f in RunFolder(folder).chunk_files(1) if "results" in f.as_posix() and f.stat().st_size > 16)
    chunk.write_bytes(chunk.read_bytes()[: f_size // 2] if (f_size := chunk.stat().st_size) else b"")
    result = invoke("batch", "--resume", folder, "--quiet")
    assert result.exit_code == 0, result.output
    whole = run_batch([COOL], n=60, out=tmp_path / "whole", chunk_size=20)[0]
    assert (folder / "goals.csv").read_bytes() == (whole / "goals.csv").read_bytes()


#: Damaged or misused run folders: (id, damage(folder) -> extra argv, expected with {d} = the folder).
DAMAGED = [
    ("scenario_changed", lambda d: (d.parents[0] / COOL).write_text((d.parents[0] / COOL).read_text() + "# edited\n") and [],
     "{d}: {c} changed since the batch started; start a new batch instead of --resume"),
    ("chunk_size_changed", lambda d: ["--chunk-size", "7"],
     "--chunk-size 7 differs from the 20 this batch started with; leave it out"),
    ("manifest_garbage", lambda d: (d / "manifest.json").write_text("{not json") and [],
     "{d}/manifest.json: not valid JSON (Expecting property name enclosed in double quotes: line 1 column 2 (char 1)); the run folder is damaged"),
    ("manifest_missing", lambda d: (d / "manifest.json").unlink() or [],
     "{d}: no manifest.json, so this is not a plansim run folder"),
    ("inputs_missing", lambda d: (d / "_chunks" / "inputs.npy").unlink() or [],
     "{d}: _chunks/inputs.npy is missing, so the batch cannot be resumed; run it again"),
    ("model_gone", lambda d: (d.parents[0] / "models" / "teacup" / "teacup.mdl").unlink() or [],
     "{d}: {m} (used by this batch) is gone; the batch cannot be resumed"),
]


@pytest.mark.parametrize("damage, expected", [c[1:] for c in DAMAGED], ids=[c[0] for c in DAMAGED])
def test_damaged_run_folder(project, damage, expected):
    folder = _partial(project)
    extra = damage(folder)
    want = expected.replace("{d}", str(folder)).replace("{c}", str(project / COOL)).replace(
        "{m}", str(project / "models" / "teacup" / "teacup.mdl"))
    assert_clean(invoke("batch", "--resume", folder, "--quiet", *extra), want, folder)


def test_show_of_an_interrupted_folder(project):
    folder = _partial(project)
    assert_clean(invoke("show", folder), f"{folder}: batch is incomplete (PARTIAL); finish it with: python run.py batch --resume {folder}", folder)


def test_resume_of_a_complete_folder(project):
    folder = run_batch([COOL], n=20, out=project / "done", chunk_size=20)[0]
    result = invoke("batch", "--resume", folder)
    assert result.exit_code == 1 and result.output == f"Error: {folder}: this batch is already complete; nothing to resume\n"


def test_every_scenario_non_finite_is_news(project):
    (project / "scenarios/teacup_town/zero.yaml").write_text(
        "name: zero\nextends: cooling.yaml\nset:\n  characteristic_time: 0\n", encoding="utf-8")
    result = invoke("batch", "scenarios/teacup_town/zero.yaml", "--out", "z", "--quiet")
    assert result.exit_code == 1
    assert result.output == (
        "wrote z\n"
        "z: 50 of 50 scenarios failed (non-finite values); commonest: non-finite value in 'Heat Loss to Room' at time 0 (50)\n"
        "Error: every scenario failed in z; check the model and the inputs' ranges (python run.py show DIR)\n")
    shown = invoke("show", "z").output.splitlines()
    assert shown[3] == "status:   0 ok, 50 failed"
    assert len(shown) == 12 and all("  0.0% (50 failed)  " in line for line in shown[7:])


# --- a full disk (a 2 MiB tmpfs; needs root) ------------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path):
    mount = tmp_path / "tiny"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a full disk is simulated with a 2 MiB tmpfs, which needs root (mount -t tmpfs)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_disk_too_small_is_refused_before_the_folder_exists(project, tiny_disk):
    out = tiny_disk / "r"
    result = invoke("batch", COOL, "-n", "3000", "--out", out, "--quiet")
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {COOL}: 3,000 scenarios need about ") and result.output.count("\n") == 1
    assert result.output.endswith(f"of disk in {tiny_disk}, 2.0 MiB is free; free space, choose another --out, or lower -n\n")
    assert not out.exists()


def test_disk_full_mid_run_is_one_line_and_resumable(project, tiny_disk, tmp_path):
    out = tiny_disk / "r"
    result = invoke("batch", COOL, "-n", "1200", "--chunk-size", "10", "--out", out, "--quiet")   # estimate fits, chunk files do not
    assert result.exit_code == 1
    line = result.output
    assert line.count("\n") == 1 and line.startswith(f"Error: {out}: disk full while writing ")
    assert line.endswith(f"more needed); free space or move the folder, then finish it with: python run.py batch --resume {out}\n")
    assert (out / "PARTIAL").exists() and not claims_complete(out)
    assert not [p for p in out.rglob("*.tmp")]
    assert json.loads((out / "manifest.json").read_text())["complete"] is False
    subprocess.run(["mount", "-o", "remount,size=16m", str(tiny_disk)], check=True)
    resumed = invoke("batch", "--resume", out, "--quiet")
    assert resumed.exit_code == 0, resumed.output
    whole = run_batch([COOL], n=1200, out=tmp_path / "whole", chunk_size=10)[0]
    assert (out / "goals.csv").read_bytes() == (whole / "goals.csv").read_bytes()
