"""Batches on a Dask cluster (simulator.runs.cluster): same files as a local run, retries, resume, no orphans.

Starts a real ``LocalCluster`` (2 worker processes, loopback) once for the module; batches reach it
through ``--scheduler tcp://127.0.0.1:PORT`` like a remote cluster. Small n throughout.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import xarray as xr

from simulator.runs.runstore import read_results
from simulator.errors import BatchOptionError
from simulator.runs import stops
from simulator.runs.batch import run_batch
from simulator.runs.cluster import cap_to_cpus, parse_scheduler

distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[3]
COOLING = ROOT / "tests" / "fixtures" / "batch" / "scenarios" / "teacup_town" / "cooling.yaml"


@pytest.fixture(scope="module")
def cluster():
    import logging

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR) as local, \
            distributed.Client(local) as client:
        yield local.scheduler_address, client


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The local, single-process run of cooling.yaml (50 scenarios, chunks of 7)."""
    return run_batch([COOLING], out=tmp_path_factory.mktemp("ref") / "run", chunk_size=7)[0]


def assert_same_run(folder: Path, reference: Path) -> None:
    assert (folder / "goals.csv").read_bytes() == (reference / "goals.csv").read_bytes()
    assert (folder / "inputs.csv").read_bytes() == (reference / "inputs.csv").read_bytes()
    with read_results(reference) as a, read_results(folder) as b:
        xr.testing.assert_identical(a, b)


@pytest.mark.parametrize("chunk_size", [5, 50])
def test_cluster_run_equals_the_local_run(cluster, reference, tmp_path, chunk_size):
    address, _ = cluster
    folder = run_batch([COOLING], out=tmp_path / "run", chunk_size=chunk_size, scheduler=address)[0]
    assert_same_run(folder, reference)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["scheduler"] == address and manifest["complete"] is True


def test_both_workers_run_chunks_and_compile_once(cluster, tmp_path):
    address, client = cluster
    run_batch([COOLING], out=tmp_path / "run", chunk_size=2, scheduler=address)
    cached = client.run(lambda: __import__("simulator.runs.cluster", fromlist=["_CACHE"])._CACHE.get("key"))
    assert len(cached) == 2 and all(cached.values())      # each worker built (and kept) its runner


def test_a_killed_worker_has_its_chunks_retried(cluster, reference, tmp_path):
    address, client = cluster
    pids = list(client.run(os.getpid).values())
    killed = []

    def kill_one(done, total, label):
        if done > 0 and not killed:
            os.kill(pids[0], signal.SIGKILL)
            killed.append(pids[0])

    folder = run_batch([COOLING], out=tmp_path / "run", chunk_size=1, scheduler=address, progress=kill_one)[0]
    assert killed
    assert_same_run(folder, reference)
    client.wait_for_workers(2, timeout=60)                  # the nanny restarts it for the next test


class Interrupt(Exception):
    pass


def test_resume_a_run_started_on_the_cluster(cluster, reference, tmp_path):
    address, _ = cluster
    folder = tmp_path / "run"

    def stop(done, total, label):
        if done >= 14:
            raise Interrupt

    with pytest.raises(Interrupt):
        run_batch([COOLING], out=folder, chunk_size=7, scheduler=address, progress=stop)
    assert (folder / "PARTIAL").exists()
    run_batch([], resume=folder, scheduler=address)
    assert_same_run(folder, reference)


def test_local_cluster_option(reference, tmp_path):
    folder = run_batch([COOLING], out=tmp_path / "run", chunk_size=25, scheduler="local:2")[0]
    assert_same_run(folder, reference)


@pytest.mark.parametrize("text", ["local:0", "local:", "8786", "http://x:1", "local:two"])
def test_bad_scheduler_is_refused_before_any_folder(text, tmp_path):
    with pytest.raises(BatchOptionError, match="give tcp://HOST:PORT"):
        run_batch([COOLING], out=tmp_path / "run", scheduler=text)
    assert not (tmp_path / "run").exists()


def test_scheduler_forms():
    assert parse_scheduler("local:3") == ("local", 3)
    assert parse_scheduler("tcp://10.0.0.5:8786") == ("address", "tcp://10.0.0.5:8786")


def test_workers_with_scheduler_is_refused(tmp_path):
    with pytest.raises(BatchOptionError, match="--workers applies to the local process pool"):
        run_batch([COOLING], out=tmp_path / "run", workers=2, scheduler="local:2")


def test_workers_are_capped_at_the_cpu_count_with_one_line():
    lines = []
    cpus = os.cpu_count()
    assert cap_to_cpus(cpus, "--workers", lines.append) == cpus and lines == []
    assert cap_to_cpus(cpus + 5, f"--workers {cpus + 5}", lines.append) == cpus
    assert lines == [f"note: --workers {cpus + 5} capped at {cpus}, the number of CPUs of this machine"]


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to list a process's children")
@pytest.mark.parametrize("option", [["--workers", "2"], ["--scheduler", "local:2"]])
def test_workers_die_with_a_killed_client(tmp_path, option):
    folder, flag = tmp_path / "run", tmp_path / "reached"
    process = subprocess.Popen(          # waits once a chunk is recorded (simulator/runs/stops.py): killed on that event
        [sys.executable, str(ROOT / "run.py"), "batch", str(COOLING), "-n", "20000", "--chunk-size", "20",
         "--out", str(folder), "--quiet", *option],
        cwd=ROOT, env=dict(os.environ, **{stops.ENV: f"chunk-recorded-1:wait:{flag}"}),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not flag.exists() and process.poll() is None:
        time.sleep(0.05)
    assert process.poll() is None, "the batch ended before it recorded a chunk"
    workers = descendants(process.pid)
    assert len(workers) >= 2
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 300           # die_with_parent polls every 0.5 s; generous for a loaded machine
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in workers if alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == []
