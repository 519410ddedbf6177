"""Robustness measurement of resuming a cluster batch (issue 26): interrupt, resume on the cluster, compare with a local run.

Repeats tests/unit/runs/test_cluster.py::test_resume_a_run_started_on_the_cluster ``--tries``
times: a batch of tests/fixtures/.../cooling.yaml (50 scenarios, chunks of 7) on a Dask
``LocalCluster`` of 2 worker processes is stopped once 14 scenarios are recorded (its progress
callback raises, leaving tasks in flight on the workers), then resumed on the same cluster. A try
is *identical* when the resumed folder's goals.csv and inputs.csv have the bytes of the local,
single-process run measured once at the start, and its results.zarr is ``xarray``-identical to it
(coordinates included: the issue's failure was ``time`` all NaN after a repair of chunk 0).
``--busy K`` runs K CPU-bound processes beside it (the failure showed on a loaded machine).

Usage::

    python benchmarks/cluster_resume.py --tries 20 --busy 2     # the issue's measurement
    python benchmarks/cluster_resume.py --tries 2                # quick
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SCENARIO = ROOT / "tests" / "fixtures" / "batch" / "scenarios" / "teacup_town" / "cooling.yaml"


class Interrupt(Exception):
    pass


def _spin() -> None:                     # a busy process: the load the suite must stand
    while True:
        pass


def one_try(folder: Path, address: str, reference: Path) -> str:
    import xarray as xr

    from simulator.runs.batch import run_batch
    from simulator.runs.runstore import read_results

    def stop(done, total, label):
        if done >= 14:
            raise Interrupt

    try:
        run_batch([SCENARIO], out=folder, chunk_size=7, scheduler=address, progress=stop)
        return "not interrupted"
    except Interrupt:
        pass
    try:
        run_batch([], resume=folder, scheduler=address)
    except Exception as err:  # noqa: BLE001 - a failed resume is the outcome being counted
        return f"resume failed: {err}"
    for name in ("goals.csv", "inputs.csv"):
        if (folder / name).read_bytes() != (reference / name).read_bytes():
            return f"{name} differs"
    with read_results(reference) as a, read_results(folder) as b:
        try:
            xr.testing.assert_identical(a, b)
        except AssertionError as err:
            return "results.zarr differs: " + str(err).splitlines()[0]
    return "identical"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=20)
    parser.add_argument("--busy", type=int, default=0, help="CPU-bound processes to run beside it")
    args = parser.parse_args()
    import distributed

    from simulator.runs.batch import run_batch

    busy = [multiprocessing.Process(target=_spin, daemon=True) for _ in range(args.busy)]
    for process in busy:
        process.start()
    base = Path(tempfile.mkdtemp(prefix="plansim-cluster-resume-"))
    try:
        reference = run_batch([SCENARIO], out=base / "reference", chunk_size=7)[0]
        counts: dict[str, int] = {}
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                      dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR) as cluster:
            for index in range(args.tries):
                outcome = one_try(base / f"try-{index}", cluster.scheduler_address, reference)
                counts[outcome] = counts.get(outcome, 0) + 1
                print(f"try {index + 1:2d}: {outcome}", flush=True)
        print(f"{counts.get('identical', 0)}/{args.tries} resumed cluster runs identical to the local run "
              f"({args.busy} busy processes beside)")
        for outcome, count in sorted(counts.items()):
            print(f"  {count:3d}  {outcome}")
    finally:
        for process in busy:
            process.terminate()
            process.join()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
