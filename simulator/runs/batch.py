"""Scenario file → run folder: samples inputs, runs the compiled model chunk by chunk, evaluates goals.

Chunks run in this process or in worker processes.

``run_batch(paths, …)`` does, per scenario file:

1. validate everything at the front door, before any folder exists: the scenario (B1's
   ``load_scenario``), the options, the model (compiled once here), and a one-scenario trial run
   that checks the outputs and every goal (variable present, year inside the simulated time);
2. create the run folder (``simulator.runs.runstore.RunFolder``: ``PARTIAL``, manifest
   ``complete: false``, the empty results store) and sample the inputs into ``_chunks/inputs.npy``
   block by block (simulator.runs.inputs: rows ``[a, b)`` are drawn alone and equal the rows of
   the whole sample, so neither memory nor any value depends on ``n``, the chunk size or the
   worker count);
4. run chunk ``[a, b)`` = ``model.run(**sc.run_kwargs(inputs.iloc[a:b]))``, evaluate the goals on
   it, and write the chunk's region of ``results.zarr`` and its goal rows (``--workers W``: a
   process pool; ``--scheduler``: tasks on a Dask cluster, simulator.runs.cluster — either way
   the workers each load the scenario and compile the model once, then write their own chunks;
   only chunk indices travel back);
5. finalize (simulator.runs.runstore.RunFolder.finalize, a journal of idempotent steps):
   concatenate ``goals.csv``, write ``inputs.csv`` and the final manifest, rename the store into
   place, remove ``_chunks/``, drop ``PARTIAL``.

``--resume RUN_DIR`` re-opens step 4 (or 5, after every chunk; or only its clean-up, after the
store's rename): it checks that the model, scenario and plan files still hash as recorded and that
the store's layout is intact, skips every chunk whose files exist, and finishes — giving the same files as
an uninterrupted run (the inputs come from the saved matrix; the chunk bounds from the manifest).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from simulator.errors import BatchOptionError, RunDirError, SimulatorError
from simulator.plans.goals import check_goals
from simulator.runs import integrity, limits, stops
from simulator.runs.chunks import model_of, run_chunk_dataset, run_chunks
from simulator.runs.inputs import scenario_rows
from simulator.runs.cluster import cap_to_cpus, parse_scheduler, run_chunks_on_cluster
from simulator.runs.manifest import new_manifest, now, results_attrs, sha256_of
from simulator.runs.lock import check_empty
from simulator.runs.runstore import RunFolder
from simulator.yamlmarks import display_path
from simulator.scenarios.outputs import stored

#: Scenarios per chunk when the caller does not say (bounded memory: chunk × saved times × outputs).
DEFAULT_CHUNK_SIZE = 2_500

#: ``progress(done, total, label)``: called once before the first chunk and after every chunk.
Progress = Callable[[int, int, str], None]


# --- what one scenario batch needs -----------------------------------------------------------


@dataclass
class Job:
    """One scenario file's batch: its scenario, sampled inputs, goals, chunking and folder.

    ``inputs`` draws any rows of the sample (simulator.runs.inputs.InputRows); the run folder
    keeps them as ``_chunks/inputs.npy``, from which chunks read their rows.
    """

    scenario: Any
    inputs: Any
    goals: list
    outputs: list
    seed: int | None
    chunk_size: int
    folder_path: Path
    model: Any = field(default=None, repr=False)
    n: int = 0
    columns: list = field(default_factory=list)
    template: Any = field(default=None, repr=False)     # the trial run's dataset: shapes the results store

    def __post_init__(self):
        if self.inputs is not None:
            self.n = self.inputs.n
            self.columns = [str(c) for c in self.inputs.columns]

    @property
    def bounds(self) -> list[tuple[int, int]]:
        return chunk_bounds(self.n, self.chunk_size)


def chunk_bounds(n: int, chunk_size: int) -> list[tuple[int, int]]:
    """``[(0, k), (k, 2k), …, (…, n)]``: the scenario ranges of the chunks."""
    return [(a, min(a + chunk_size, n)) for a in range(0, n, chunk_size)]


# --- front door ------------------------------------------------------------------------------


def _check_options(n, seed, chunk_size, workers, scheduler=None) -> int:
    """Check the options (before any folder exists); return ``workers`` capped at the CPU count."""
    checks = [
        (n is not None and (not isinstance(n, (int, np.integer)) or n < 1), f"-n must be a whole number >= 1, got {n}"),
        (seed is not None and not isinstance(seed, (int, np.integer)), f"--seed must be a whole number, got {seed!r}"),
        (chunk_size is not None and (not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1),
         f"--chunk-size must be a whole number >= 1, got {chunk_size}"),
        (not isinstance(workers, (int, np.integer)) or workers < 1, f"--workers must be a whole number >= 1, got {workers}"),
    ]
    for failed, message in checks:
        if failed:
            raise BatchOptionError(message)
    limits.check_seed(seed)
    return _cluster_options(workers, scheduler)


def _cluster_options(workers: int, scheduler: str | None) -> int:
    """Check ``--scheduler`` (before any folder exists) and cap ``--workers`` at the CPU count."""
    if scheduler is not None:
        parse_scheduler(scheduler)
        if workers != 1:
            raise BatchOptionError("--workers applies to the local process pool; with --scheduler the cluster's "
                                   "workers run the chunks (use --scheduler local:N for N local workers)")
    return cap_to_cpus(workers, f"--workers {workers}", _note)


def _note(line: str) -> None:
    """One line for the user on stderr (not an error)."""
    print(line, file=sys.stderr, flush=True)


def prepare_job(path, n=None, seed=None, chunk_size=None, out=None, allow_outside_range: bool = False) -> Job:
    """Validate one scenario file and sample its inputs (no folder is created).

    Parameters
    ----------
    path : str or Path
        Scenario YAML.
    n, seed : int, optional
        Override the scenario's ``sampling: {n, seed}``.
    chunk_size : int, optional
        Scenarios per chunk (default :data:`DEFAULT_CHUNK_SIZE`).
    out : Path, optional
        The run folder to create (default ``out/<region>-<scenario>-<YYYYmmdd-HHMMSS>``).
    allow_outside_range : bool
        Accept values outside a model constant's declared range.

    Raises
    ------
    SimulatorError
        Any problem with the scenario, its model, its goals, or the options.
    """
    from simulator.scenarios.scenario import load_scenario

    scenario = load_scenario(path, allow_outside_range=allow_outside_range)
    if n is not None and scenario.sampling.method == "grid":
        raise BatchOptionError(f"{display_path(scenario.path)}: -n does not apply to grid sampling "
                               f"(the grid's levels fix its size); leave -n out")
    limits.check_batch(scenario, n, seed)                     # before anything is allocated
    seed = scenario.sampling.seed if seed is None else seed
    inputs = scenario_rows(scenario, n, seed)
    model = model_of(scenario)
    goals = list(scenario.goals)
    outputs = list(scenario.outputs or [])
    count = scenario.sampling.n if n is None else n
    trial = run_chunk_dataset(model, scenario, pd.DataFrame(inputs.rows(0, 1), columns=inputs.columns), outputs, 0)
    try:
        check_goals(trial, goals)
    except SimulatorError as err:
        raise type(err)(f"{display_path(scenario.path)}: {err}") from None
    label = f"{scenario.region}-{scenario.name}" if scenario.region else scenario.name
    folder_path = Path(out) if out is not None else default_folder(label)
    trial = stored(trial, scenario.output_form)              # the store keeps outputs.years / precision only
    limits.check_results_disk(scenario, count, trial, folder_path)
    check_empty(folder_path)
    return Job(scenario, inputs, goals, outputs, seed, chunk_size or DEFAULT_CHUNK_SIZE, folder_path, model,
               template=trial)


def default_folder(name: str, root: Path = Path("out")) -> Path:
    """``out/<name>-<YYYYmmdd-HHMMSS>`` (UTC), with ``-2``, ``-3``… if that folder is taken."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    candidate = root / f"{name}-{stamp}"
    suffix = 2
    while candidate.exists():
        candidate = root / f"{name}-{stamp}-{suffix}"
        suffix += 1
    return candidate


def _execute(job: Job, folder: RunFolder, manifest: dict, workers: int, progress: Progress | None,
             scheduler: str | None = None) -> Path:
    """Run every chunk not yet on disk, then merge; a Ctrl-C becomes a one-line RunDirError."""
    bounds = job.bounds
    todo = [i for i in range(len(bounds)) if not folder.chunk_done(i)]
    done = [i for i in range(len(bounds)) if i not in set(todo)]
    finished = sum(bounds[i][1] - bounds[i][0] for i in done)
    label = job.scenario.name
    if progress:
        progress(finished, job.n, label)

    def record(index: int) -> None:
        nonlocal finished
        done.append(index)
        finished += bounds[index][1] - bounds[index][0]
        manifest["chunks_done"] = sorted(done)
        folder.write_manifest(manifest)
        stops.reached(f"chunk-recorded-{len(done)}")
        if progress:
            progress(finished, job.n, label)

    started = time.perf_counter()
    try:
        if todo and scheduler:                              # (no todo: a resume after every chunk, finalize only)
            run_chunks_on_cluster(job, folder, manifest["inputs"], results_attrs(manifest), todo, scheduler, record, _note)
        elif todo:
            run_chunks(job, folder, manifest, results_attrs(manifest), todo, workers, record)
        manifest["status_counts"] = folder.status_counts()
        manifest["seconds"]["chunks"] = round(manifest["seconds"].get("chunks", 0.0) + time.perf_counter() - started, 3)
        manifest["finished"] = now()
        folder.finalize(manifest, len(bounds), manifest["inputs"])
    except KeyboardInterrupt:
        # chunks that workers finished while the pool shut down are on disk: count what is there
        done = [i for i in range(len(bounds)) if folder.chunk_done(i)]
        finished = sum(bounds[i][1] - bounds[i][0] for i in done)
        manifest["chunks_done"] = done
        folder.write_manifest(manifest)
        raise RunDirError(
            f"{folder.path}: batch interrupted after {finished:,} of {job.n:,} scenarios; "
            f"finish it with: python run.py batch --resume {folder.path}"
        ) from None
    except OSError as err:                                  # disk full, quota, permissions: one line, resumable
        finished = sum(bounds[i][1] - bounds[i][0] for i in range(len(bounds)) if folder.chunk_done(i))
        per = limits.bytes_per_scenario(job.scenario, job.template) if job.template is not None else None
        raise RunDirError(limits.os_error_line(err, folder.path, finished, job.n, per)) from None
    return folder.path


# --- public entry points ------------------------------------------------------------------------


def run_batch(scenario_paths: Sequence, n: int | None = None, seed: int | None = None, out=None,
              chunk_size: int | None = None, workers: int = 1, resume=False, progress: Progress | None = None,
              command: str | None = None, scheduler: str | None = None, allow_outside_range: bool = False) -> list[Path]:
    """Run every scenario file as a batch; return the run folders (docs/interfaces.md §4).

    Parameters
    ----------
    scenario_paths : sequence of str or Path
        Scenario YAML files (may be empty when resuming).
    n, seed : int, optional
        Override each scenario's ``sampling: {n, seed}``.
    out : str or Path, optional
        With one scenario: the run folder itself. With several: a parent folder that gets one
        ``<scenario name>`` folder each. Default: ``out/<scenario>-<YYYYmmdd-HHMMSS>``.
    chunk_size : int, optional
        Scenarios per chunk (memory is bounded by it); default :data:`DEFAULT_CHUNK_SIZE`.
    workers : int
        Local worker processes (each compiles the model once), capped at the CPU count.
    resume : bool or str or Path
        A run folder to finish (``True``: the folder given as ``out``).
    progress : callable, optional
        ``progress(done, total, label)``, called after every chunk; an exception it raises
        stops the batch and leaves a resumable folder.
    command : str, optional
        The command line to record in the manifest.
    scheduler : str, optional
        Run the chunks on a Dask cluster: ``tcp://HOST:PORT`` or ``local:N`` (simulator.runs.cluster).
    allow_outside_range : bool
        Accept values outside a model constant's declared range (simulator.scenarios.ranges);
        recorded in the manifest, so ``--resume`` accepts them too.

    Returns
    -------
    list of Path

    Raises
    ------
    SimulatorError
        Bad options, scenario, model or goals (raised before any folder is created), or a run
        folder that cannot be resumed.

    Examples
    --------
    >>> run_batch(["scenarios/jizhou/baseline.yaml"], n=1000, seed=1, out="out/base")  # doctest: +SKIP
    [PosixPath('out/base')]
    """
    workers = _check_options(n, seed, chunk_size, workers, scheduler)
    command = command or f"run_batch({[str(p) for p in scenario_paths]!r}, n={n}, seed={seed})"
    if resume:
        if scenario_paths or n is not None or seed is not None:
            raise BatchOptionError("--resume takes the run folder only; the scenario, -n and --seed come from its manifest")
        run_dir = Path(out if resume is True else resume)
        return [resume_batch(run_dir, chunk_size=chunk_size, workers=workers, progress=progress, scheduler=scheduler)]
    if not scenario_paths:
        raise BatchOptionError("give at least one scenario file, e.g. python run.py batch scenarios/jizhou/baseline.yaml")
    jobs, prepare_seconds = _prepare_all(scenario_paths, _folders_for(scenario_paths, out), n, seed, chunk_size,
                                         allow_outside_range)
    extra = {"scheduler": scheduler, "allow_outside_range": bool(allow_outside_range)}
    return [_execute_and_release(job, *_create_folder(job, new_manifest(job, workers, command), seconds, extra), workers,
                                 progress, scheduler) for job, seconds in zip(jobs, prepare_seconds)]


def _create_folder(job: Job, manifest: dict, seconds: float, extra: dict) -> tuple[RunFolder, dict]:
    """The run folder with its inputs and an empty results store shaped like the trial run; its manifest."""
    manifest = dict(manifest, seconds={"prepare": round(seconds, 3)}, **extra)
    template = job.template.assign_attrs(results_attrs(manifest))
    return RunFolder.create(job.folder_path, manifest, job.inputs, template, job.chunk_size), manifest


def _execute_and_release(job: Job, folder: RunFolder, manifest: dict, workers: int, progress, scheduler) -> Path:
    try:
        return _execute(job, folder, manifest, workers, progress, scheduler)
    finally:
        folder.release()


def _prepare_all(scenario_paths, targets, n, seed, chunk_size, allow_outside_range=False):
    """Every job checked and sampled (no folder yet), with the seconds each took; folders distinct."""
    jobs, prepare_seconds = [], []
    for path, target in zip(scenario_paths, targets):
        started = time.perf_counter()
        jobs.append(prepare_job(path, n=n, seed=seed, chunk_size=chunk_size, out=target,
                                allow_outside_range=allow_outside_range))
        prepare_seconds.append(time.perf_counter() - started)
    _check_distinct([job.folder_path for job in jobs])
    return jobs, prepare_seconds


def _folders_for(paths: Sequence, out) -> list[Path | None]:
    if out is None:
        return [None] * len(paths)
    if len(paths) == 1:
        return [Path(out)]
    return [Path(out) / Path(p).stem for p in paths]


def _check_distinct(folders: list[Path]) -> None:
    seen = set()
    for folder in folders:
        key = folder.resolve()
        if key in seen:
            raise BatchOptionError(f"two scenarios would write to {folder}; give scenario files with distinct names")
        seen.add(key)


def resume_batch(run_dir, chunk_size: int | None = None, workers: int = 1, progress: Progress | None = None,
                 scheduler: str | None = None) -> Path:
    """Finish an interrupted batch in ``run_dir``; results equal an uninterrupted run's.

    Raises
    ------
    RunDirError
        Not a resumable folder, or its model/scenario/plan files changed since it started.
    BatchOptionError
        ``chunk_size`` differs from the one the batch started with.
    """
    folder, manifest = RunFolder.open_partial(Path(run_dir))   # holds the folder's lock from here
    try:
        if folder.store_placed(manifest):                      # stopped after the store's rename
            folder.finish()
            return folder.path
        return _resume_locked(folder, manifest, chunk_size, workers, progress, scheduler)
    finally:
        folder.release()


def _resume_locked(folder: RunFolder, manifest: dict, chunk_size, workers, progress, scheduler=None) -> Path:
    """``resume_batch`` once the folder is locked: check the recorded files, verify chunks, finish."""
    from simulator.scenarios.scenario import load_scenario

    if chunk_size is not None and chunk_size != manifest["chunk_size"]:
        raise BatchOptionError(
            f"--chunk-size {chunk_size} differs from the {manifest['chunk_size']} this batch started with; leave it out"
        )
    recorded = [(f["path"], f["sha256"]) for f in manifest["scenario_files"]]
    recorded.append((manifest["model_path"], manifest["model_sha256"]))
    if manifest.get("plan_path"):
        recorded.append((manifest["plan_path"], manifest["plan_sha256"]))
    for path, digest in recorded:
        if not Path(path).exists():
            raise RunDirError(f"{folder.path}: {path} (used by this batch) is gone; the batch cannot be resumed")
        if sha256_of(Path(path)) != digest:
            raise RunDirError(f"{folder.path}: {path} changed since the batch started; start a new batch instead of --resume")
    scenario = load_scenario(manifest["scenario_path"], allow_outside_range=bool(manifest.get("allow_outside_range")))
    goals = [g for g in scenario.goals if g.id in set(manifest["goal_ids"])]
    job = Job(scenario, None, goals, list(manifest["outputs"]), manifest["seed"], manifest["chunk_size"], folder.path,
              n=int(manifest["n"]), columns=list(manifest["inputs"]))
    folder.check_layout()
    bad = integrity.drop_bad(folder.work, int(manifest["n_chunks"]), folder.chunk_files)
    if bad:
        manifest.setdefault("recomputed", []).extend(f"chunk {i}: {why}" for i, why in bad)
    manifest["workers"] = workers
    manifest["scheduler"] = scheduler
    manifest.setdefault("resumed", []).append(now())
    manifest.setdefault("seconds", {})
    return _execute(job, folder, manifest, workers, progress, scheduler)
