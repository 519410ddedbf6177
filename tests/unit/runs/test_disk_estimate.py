"""The space a stopped batch still needs (simulator.runs.limits.still_needed), against what finishing it really took.

Issue 26: a full disk was reported as "about 1.1 GiB more needed" for a run that needed about
33 MiB (the whole folder, inputs.npy included, counted per finished scenario and twice). Here the
estimate is compared with the measured peak of the finish: every chunk file, goals.csv and
inputs.csv on disk at once, just before the store is renamed into place.
"""

from pathlib import Path

import pytest

from interrupted import interrupted_batch
from simulator.runs import integrity, limits, stops
from simulator.runs.batch import prepare_job, run_batch
from simulator.runs.runstore import RunFolder

ROOT = Path(__file__).resolve().parents[3]
COOLING = ROOT / "tests" / "fixtures" / "batch" / "scenarios" / "teacup_town" / "cooling.yaml"


class Peak(Exception):
    pass


def size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


@pytest.mark.parametrize("keep, low, high", [(0, 0.8, 4.0), (2, 0.9, 1.2)])   # before any chunk: the front door's bound
def test_the_space_still_needed_is_close_to_what_finishing_takes(keep, low, high, tmp_path, monkeypatch):
    job = prepare_job(COOLING, n=600, chunk_size=100, out=tmp_path / "probe")
    per = limits.bytes_per_scenario(job.scenario, job.template)
    folder = interrupted_batch(COOLING, tmp_path / "run", n=600, chunk=100, keep=max(keep, 1))
    if keep == 0:                                    # as if stopped before its first chunk: chunk 0 removed
        run = RunFolder(folder)
        integrity.discard(run.work, 0, run.chunk_files(0))
    done = 100 * sum(RunFolder(folder).chunk_done(i) for i in range(6))
    assert done == 100 * keep
    estimate = limits.still_needed(folder, done, 600, per)
    before = size(folder)

    def reached(step):
        if step == "finalize-store":
            raise Peak

    monkeypatch.setattr(stops, "reached", reached)
    with pytest.raises(Peak):
        run_batch([], resume=folder)
    needed = size(folder) - before
    assert low <= estimate / needed <= high, (estimate, needed)
