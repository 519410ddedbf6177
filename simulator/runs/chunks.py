"""Batch, the chunk loop: run chunk ``index`` of a job and write its files, here or in worker processes.

One :class:`ChunkRunner` per process; worker processes (``spawn``) load the scenario and
compile the model once each, and ignore Ctrl-C (the parent turns it into a resumable stop).
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import pickle
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from simulator.plans.goals import evaluate_goals
from simulator.runs.runstore import RunFolder
from simulator.scenarios.outputs import stored


def run_chunk_dataset(model, scenario, inputs: pd.DataFrame, outputs: list, start: int, seed=None) -> xr.Dataset:
    """Run the model for the scenarios ``inputs`` (rows ``start…``) and attach their inputs.

    RANDOM functions draw from streams keyed by the batch ``seed`` and each scenario's global index,
    so a scenario's noise is the same whatever chunk it falls in.
    """
    kwargs = scenario.run_kwargs(inputs)
    kwargs["scenarios"] = np.arange(start, start + len(inputs), dtype=np.int64)
    kwargs["seed"] = int(seed or 0)
    if outputs:
        kwargs["return_columns"] = list(outputs)
    ds = model.run(**kwargs)
    ds = ds.assign_coords(scenario=np.arange(start, start + len(inputs), dtype=np.int64))
    for column in inputs.columns:
        ds[f"input__{column}"] = ("scenario", np.asarray(inputs[column].values, dtype=float))
    return ds


def model_of(scenario):
    """The compiled model the scenario was checked against (compiled now if it was not)."""
    if getattr(scenario, "model", None) is not None:
        return scenario.model
    from simulator.engine.simulate import load_model

    return load_model(scenario.model_path)


@dataclass
class ChunkRunner:
    """Everything needed to run chunk ``index`` and write its files; one per process."""

    model: Any
    scenario: Any
    folder: RunFolder           # the chunk's input rows are read from it
    columns: list
    outputs: list
    goals: list
    attrs: dict                 # results.nc attributes (seed, hashes, …)
    bounds: list

    def __call__(self, index: int) -> int:
        start, stop = self.bounds[index]
        frame = pd.DataFrame(self.folder.input_rows(start, stop), columns=self.columns)
        ds = run_chunk_dataset(self.model, self.scenario, frame, self.outputs, start, self.attrs.get("seed"))
        ds.attrs.update(self.attrs)
        goals = evaluate_goals(ds, self.goals)                  # on the full float64 series
        self.folder.write_chunk(index, stored(ds, self.scenario.output_form), goals)
        return index


#: The worker process's ChunkRunner (set once by ``_init_worker``).
_WORKER: dict = {}


def _init_worker(scenario_path: str, folder: str, columns: list, outputs: list, goal_ids: list, attrs: dict,
                 bounds: list) -> None:
    """Pool initializer: load the scenario and compile its model once per worker process.

    Workers ignore Ctrl-C: the parent alone turns it into a resumable stop (the chunks in
    flight still finish and are written).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()
    _WORKER["runner"] = build_runner(scenario_path, folder, columns, outputs, goal_ids, attrs, bounds)


def build_runner(scenario_path: str | bytes, folder: str, columns: list, outputs: list, goal_ids: list, attrs: dict,
                 bounds: list) -> ChunkRunner:
    """Load the scenario, compile its model and open the run folder: a worker's :class:`ChunkRunner`.

    ``scenario_path`` may instead be the client's pickled, checked :class:`Scenario` (the local
    pool sends it: a worker then neither parses the files nor compiles the model again).
    """
    if isinstance(scenario_path, bytes):
        scenario = pickle.loads(scenario_path)
    else:
        from simulator.scenarios.scenario import load_scenario

        scenario = load_scenario(scenario_path, allow_outside_range=True)   # the client checked the ranges
    run_folder = RunFolder(Path(folder))
    goals = [g for g in scenario.goals if g.id in set(goal_ids)]
    return ChunkRunner(model_of(scenario), scenario, run_folder, columns, outputs, goals, attrs, bounds)


def die_with_parent(interval: float = 0.5) -> None:
    """Exit this worker process as soon as its parent is gone (even after a SIGKILL of the parent).

    A daemon thread polls ``os.getppid()``: an orphan is re-parented, so a change means the batch
    process died and nobody will collect this worker's chunks.
    """
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, name="plansim-parent-watch", daemon=True).start()


def _chunk_in_worker(index: int) -> int:
    return _WORKER["runner"](index)


def run_chunks(job, folder: RunFolder, manifest: dict, results_attrs: dict, todo: list[int], workers: int,
               record) -> None:
    """Write the chunks ``todo``, in this process or a pool of ``workers`` processes."""
    columns = manifest["inputs"]
    attrs = results_attrs
    if workers == 1 or len(todo) <= 1:
        runner = ChunkRunner(job.model or model_of(job.scenario), job.scenario, folder,
                             columns, job.outputs, job.goals, attrs, job.bounds)
        for index in todo:
            record(runner(index))
        return
    context = multiprocessing.get_context("spawn")
    initargs = (pickle.dumps(job.scenario), str(folder.path), columns, job.outputs, [g.id for g in job.goals],
                attrs, job.bounds)
    with concurrent.futures.ProcessPoolExecutor(min(workers, len(todo)), mp_context=context,
                                                initializer=_init_worker, initargs=initargs) as pool:
        futures = [pool.submit(_chunk_in_worker, index) for index in todo]
        try:
            for future in concurrent.futures.as_completed(futures):
                record(future.result())
        except BaseException:
            for future in futures:
                future.cancel()
            raise

