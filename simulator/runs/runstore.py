"""Batch → disk: the one run-folder contract, ``out/<region>-<scenario>-<timestamp>/`` (docs/interfaces.md §4).

Written atomically, chunk by chunk; read back (``show``, reports) through ``read_goals`` and friends.

While a batch runs the folder holds ``PARTIAL``, ``manifest.json`` with ``complete: false``, and
a work folder ``_chunks/`` with the sampled input matrix (``inputs.npy``), the results store being
filled (``results.zarr``, laid out for all ``n`` scenarios; simulator/runs/zarrstore.py), and per
finished chunk its goal rows (``goals-000012.csv``, no header) and a marker ``done-000012``
written last. Goal files are written under a temporary name and renamed into place; a chunk is done
when its marker exists, so a chunk killed half-way is simply run (and its region written) again.

Each chunk is one Zarr chunk of every array, so worker processes — on this machine or on a Dask
cluster — write their chunks into the one store at the same time, without locks, and nothing
is merged or written twice at the end (the old layout wrote a NetCDF file per chunk and merged
them into ``results.nc``). ``results.nc`` is still available on request: ``export_netcdf``.

The store's layout — every ``zarr.json`` (attributes included) and the coordinates (``time``,
subscript ranges) — is written once, when the folder is created, before any chunk; its checksums
(``_chunks/sum-layout.json``) are verified on resume. A chunk's region is its data only, so a
damaged chunk's repair never touches a coordinate.

``finalize`` is a journal of idempotent steps (simulator.runs.stops.FINAL_STEPS), each written
under a temporary name in ``_chunks/`` and renamed into place: ``goals.csv``, ``inputs.csv``, the
manifest with ``complete: true``, then the store renamed from ``_chunks/results.zarr`` to
``results.zarr`` (the last rename: until then every chunk file is kept), then ``_chunks/`` removed,
then ``PARTIAL``. ``--resume`` after a kill or a full disk at any point redoes the steps not done
(before the store's rename: all of them, giving the same bytes; after it: only the clean-up).
Folders written before the Zarr store (``results.nc``) are still read.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from simulator.errors import RunDirError
from simulator.plans.goals import GOAL_COLUMNS
from simulator.runs import integrity, stops, zarrstore
from simulator.runs.blockread import read_compact
from simulator.runs.csvtext import concat_goals, csv_text, write_inputs_csv
from simulator.runs.inputs import InputRows, read_rows, write_npy
from simulator.runs.lock import RunLock, create_locked

PARTIAL = "PARTIAL"
MANIFEST = "manifest.json"
WORK = "_chunks"
RESULTS = "results.nc"          # folders from before the Zarr store, and the --netcdf export
STORE = "results.zarr"
GOALS = "goals.csv"
INPUTS = "inputs.csv"

#: Files a complete run folder holds (besides the manifest), and its results (either name).
COMPLETE_FILES = (GOALS, INPUTS)
RESULT_NAMES = (STORE, RESULTS)

#: goals.csv columns with a few distinct values (held as categoricals when read).
GOAL_TEXT_COLUMNS = ("goal_id", "variable", "year", "comparison", "target", "status")

#: Values of goals.csv's ``status`` column that mean the scenario ran to the end with finite values
#: (the batch writes ``ok`` or ``failed: <message>``; blank and 0 are accepted from older folders).
OK_STATUSES = {"ok", "", "0", "0.0"}

_RERUN = "rerun `python run.py batch SCENARIO.yaml` or pass a complete run folder (out/<region>-<scenario>-<timestamp>)"

LAYOUT = "layout"               # the checksum record of the store's layout (integrity.record_path)


def _write_atomic(path: Path, write, tmp_dir: Path | None = None) -> None:
    """Call ``write(tmp_path)`` and rename the temporary file onto ``path`` (no temporary left on failure).

    The temporary is ``.NAME.tmp`` beside ``path``, or in ``tmp_dir`` (same file system), where a
    process killed while writing leaves it out of sight.
    """
    tmp = (Path(tmp_dir) if tmp_dir is not None else path.parent) / f".{path.name}.tmp"
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and a rename."""
    _write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def goals_csv_text(table: pd.DataFrame, header: bool) -> str:
    """goals.csv text of a goal table (docs/interfaces.md §4); see :func:`csv_text`."""
    return csv_text(table, GOAL_COLUMNS, header)


class RunFolder:
    """One batch's output folder; see the module docstring for its life cycle."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.lock: RunLock | None = None

    def acquire(self) -> None:
        """Take the folder's lock for this process (issue 14); a RunDirError names the holder."""
        self.lock = self.lock or RunLock.acquire(self.work, self.path)

    def release(self) -> None:
        """Drop the folder's lock (idempotent)."""
        self.lock = self.lock and self.lock.release()

    def _undo_create(self, err: OSError):
        self.release()
        (self.path / MANIFEST).unlink(missing_ok=True), (self.path / PARTIAL).unlink(missing_ok=True)
        shutil.rmtree(self.work, ignore_errors=True)        # holds the results store too
        raise RunDirError(f"{self.path}: cannot create the run folder: writing {err.filename or self.path} failed "
                          f"({err.strerror}); free space or choose another --out") from None

    # --- paths -------------------------------------------------------------------------

    @property
    def work(self) -> Path:
        return self.path / WORK

    @property
    def store(self) -> Path:
        """The results store while the batch runs (moved to ``results.zarr`` by ``finalize``)."""
        return self.work / STORE

    def chunk_marker(self, index: int) -> Path:
        return self.work / f"done-{index:06d}"

    def chunk_goals(self, index: int) -> Path:
        return self.work / f"goals-{index:06d}.csv"

    # --- life cycle --------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, manifest: dict, inputs, template: xr.Dataset, chunk_size: int) -> "RunFolder":
        """Make the folder (must not exist, or be empty), with PARTIAL, the manifest, inputs and store.

        ``inputs`` is an ndarray or an ``InputRows`` (simulator.runs.inputs: written block by
        block, never whole); ``template`` (a dataset of one or more scenarios, with the results'
        attributes) shapes the store; ``chunk_size`` is the batch's scenarios per chunk.

        Raises
        ------
        RunDirError
            The folder exists and is not empty.
        """
        path = Path(path)
        folder = cls(path)
        folder.lock = create_locked(path, folder.work)
        try:
            (path / PARTIAL).write_text("batch in progress or interrupted; finish it with: "
                                        f"python run.py batch --resume {path}\n", encoding="utf-8")
            if not isinstance(inputs, InputRows):
                inputs = InputRows.of_array(inputs, [f"x{j}" for j in range(np.shape(inputs)[1])])
            _write_atomic(folder.work / "inputs.npy", lambda tmp: write_npy(tmp, inputs))
            zarrstore.create_store(folder.store, template, inputs.n, chunk_size, {})
            integrity.record(folder.work, LAYOUT, zarrstore.layout_files(folder.store))
            folder.write_manifest(manifest)
        except OSError as err:                  # e.g. disk full: leave nothing half-made behind
            folder._undo_create(err)
        return folder

    @classmethod
    def open_partial(cls, path: Path) -> tuple["RunFolder", dict]:
        """Open an interrupted run for ``--resume``; returns the folder and its manifest.

        Raises
        ------
        RunDirError
            Not a plansim run folder, already complete, or its work files are gone.
        """
        folder = cls(path)
        manifest = folder.read_manifest()
        if folder.work.is_dir():
            folder.acquire()
            manifest = folder.read_manifest()   # as the previous holder left it
        try:
            if manifest.get("complete") and not (folder.path / PARTIAL).exists():
                raise RunDirError(f"{folder.path}: this batch is already complete; nothing to resume")
            if folder.store_placed(manifest):
                return folder, manifest         # finalization got past the store's rename
            if not (folder.work / "inputs.npy").exists():
                raise RunDirError(f"{folder.path}: {WORK}/inputs.npy is missing, so the batch cannot be resumed; run it again")
        except RunDirError:
            folder.release()
            raise
        return folder, manifest

    def store_placed(self, manifest: dict) -> bool:
        """Whether finalization renamed the store into place (only its clean-up may be left to do)."""
        return bool(manifest.get("complete")) and (self.path / STORE).is_dir() and not self.store.exists()

    def check_layout(self) -> None:
        """Verify the store's layout (metadata, attributes, coordinates) against its checksums.

        Raises
        ------
        RunDirError
            A layout file is missing or changed (folders from before the record are not checked).
        """
        if not integrity.recorded(self.work, LAYOUT):
            return
        why = integrity.problem(self.work, LAYOUT)
        if why is not None:
            raise RunDirError(f"{self.path}: the results store's layout (coordinates, attributes) is damaged: {why}; "
                              f"the batch cannot be resumed, run it again")

    @classmethod
    def open_complete(cls, path: Path) -> tuple["RunFolder", dict]:
        """Open a finished run (for ``show`` and reports).

        Raises
        ------
        RunDirError
            Not a run folder, or one that is still partial (with the command that finishes it).
        """
        folder = cls(path)
        manifest = folder.read_manifest()
        if (folder.path / PARTIAL).exists() or not manifest.get("complete"):
            raise RunDirError(
                f"{folder.path}: batch is incomplete (PARTIAL); finish it with: python run.py batch --resume {folder.path}"
            )
        for name in COMPLETE_FILES:
            if not (folder.path / name).is_file():
                raise RunDirError(f"{folder.path}: {name} is missing; run the batch again")
        if not any((folder.path / name).exists() for name in RESULT_NAMES):
            raise RunDirError(f"{folder.path}: {STORE} is missing; run the batch again")
        return folder, manifest

    def read_manifest(self) -> dict:
        if not self.path.is_dir():
            raise RunDirError(f"{self.path}: no such run folder; give a folder made by 'python run.py batch'")
        try:
            return json.loads((self.path / MANIFEST).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise RunDirError(f"{self.path}: no {MANIFEST}, so this is not a plansim run folder") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise RunDirError(f"{self.path / MANIFEST}: not valid JSON ({err}); the run folder is damaged") from None

    def write_manifest(self, manifest: dict) -> None:
        text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        _write_atomic(self.path / MANIFEST, lambda tmp: tmp.write_text(text, encoding="utf-8"),
                      self.work if self.work.is_dir() else None)

    def input_rows(self, start: int, stop: int) -> np.ndarray:
        """Rows ``[start, stop)`` of the sampled input matrix (read with a seek, not kept)."""
        return read_rows(self.work / "inputs.npy", start, stop)

    # --- chunks ------------------------------------------------------------------------

    def chunk_files(self, index: int) -> list[Path]:
        """Every file chunk ``index`` wrote: its goal rows, its marker and its region of the results store."""
        return [self.chunk_goals(index), self.chunk_marker(index), *zarrstore.region_files(self.store, index)]

    def chunk_done(self, index: int) -> bool:
        """Whether chunk ``index`` is committed: its goal rows, marker and checksum record exist."""
        return (self.chunk_marker(index).exists() and self.chunk_goals(index).exists()
                and integrity.recorded(self.work, index))

    def write_chunk(self, index: int, ds: xr.Dataset, goals: pd.DataFrame) -> None:
        """Write one chunk's goal rows, results region and marker, then their checksums (the record commits it).

        The record needs every file of the region: a region removed meanwhile (a resume discarding
        a chunk that an orphaned cluster task was still writing) raises instead of committing it.
        """
        _write_atomic(self.chunk_goals(index), lambda tmp: tmp.write_text(goals_csv_text(goals, header=False), encoding="utf-8"))
        zarrstore.write_region(self.store, ds)
        _write_atomic(self.chunk_marker(index), lambda tmp: tmp.write_bytes(b""))
        files = [self.chunk_goals(index), self.chunk_marker(index), *zarrstore.region_files(self.store, index, complete=True)]
        integrity.record(self.work, index, files)

    def status_counts(self) -> dict:
        """``{"ok": k, "failed": m}`` over every scenario of the store (status 0 is ok)."""
        status = zarrstore.read_array(self.store, "status")
        failed = int(np.count_nonzero(status))
        return {"ok": len(status) - failed, "failed": failed}

    # --- the end -----------------------------------------------------------------------

    def finalize(self, manifest: dict, n_chunks: int, input_columns: list[str]) -> None:
        """Concatenate goals.csv, write inputs.csv and the complete manifest, rename the store into place, clean up.

        Each step is idempotent and goes through a temporary name, and the chunk files are kept
        until the store's rename: a kill or a full disk anywhere leaves a folder that ``--resume``
        finishes with the same files (see the module docstring).
        """
        missing = [i for i in range(n_chunks) if not self.chunk_done(i)]
        if missing:
            raise RunDirError(f"{self.path}: chunks {missing[:5]} are not finished; resume the batch")
        started = time.perf_counter()
        stops.reached("finalize-goals")
        _write_atomic(self.path / GOALS, lambda tmp: concat_goals([self.chunk_goals(i) for i in range(n_chunks)], tmp),
                      self.work)
        stops.reached("finalize-inputs")
        _write_atomic(self.path / INPUTS, lambda tmp: write_inputs_csv(tmp, self.work / "inputs.npy", input_columns), self.work)
        stops.reached("finalize-manifest")
        seconds = dict(manifest.get("seconds") or {}, merge=round(time.perf_counter() - started, 3))
        self.write_manifest(dict(manifest, complete=True, seconds=seconds))
        stops.reached("finalize-store")
        os.replace(self.store, self.path / STORE)
        self.finish()

    def finish(self) -> None:
        """The last finalization steps, once the store is in place: remove ``_chunks/``, then ``PARTIAL``."""
        stops.reached("finalize-cleanup")
        shutil.rmtree(self.work, ignore_errors=True)
        stops.reached("finalize-partial")
        (self.path / PARTIAL).unlink(missing_ok=True)


# --- reading a complete folder (``show``, reports) -----------------------------------------------


def status_ok(status: pd.Series) -> pd.Series:
    """Which goals.csv rows count as ok (the one rule; see :data:`OK_STATUSES`); a blank cell is ok."""
    if isinstance(status.dtype, pd.CategoricalDtype):       # decide once per distinct status
        ok = status_ok(pd.Series(status.cat.categories, dtype=object)).to_numpy()
        codes = status.cat.codes.to_numpy()
        return pd.Series(np.where(codes < 0, True, ok[codes]), index=status.index, name=status.name)
    return status.fillna("ok").astype(str).str.strip().str.lower().isin(OK_STATUSES)


def _read_csv(file: Path, required, **compact) -> pd.DataFrame:
    """``file`` read by :func:`simulator.runs.blockread.read_compact` (chunked); a RunDirError with the fix if bad."""
    try:
        frame = read_compact(file, **compact)
    except (OSError, ValueError, pd.errors.ParserError) as err:
        raise RunDirError(f"{file}: cannot be read as CSV ({err}); {_RERUN}") from None
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise RunDirError(f"{file}: missing column(s) {', '.join(missing)}; {_RERUN}")
    return frame


def read_results(path: Path, load: bool = True) -> xr.Dataset:
    """A complete run folder's results (``results.zarr``, or ``results.nc`` of older folders).

    Loaded into memory unless ``load=False``: then read lazily and uncached (select before
    ``.values``; values read are not kept by the dataset).
    """
    store = Path(path) / STORE
    file = store if store.exists() else Path(path) / RESULTS
    try:
        ds = zarrstore.open_store(store, cache=load) if store.exists() else xr.open_dataset(file, cache=load)
        return ds.load() if load else ds
    except (OSError, ValueError, KeyError) as err:
        raise RunDirError(f"{file}: cannot be opened ({err}); {_RERUN}") from None


def export_netcdf(path: Path, out: Path | None = None) -> Path:
    """Write a complete run folder's results as one NetCDF-4 file (default ``RUN_DIR/results.nc``)."""
    RunFolder.open_complete(Path(path))
    store = Path(path) / STORE
    out = Path(out) if out is not None else Path(path) / RESULTS
    if not store.exists():
        raise RunDirError(f"{path}: holds {RESULTS} already (a folder from before the Zarr store); nothing to export")
    _write_atomic(out, lambda tmp: zarrstore.export_netcdf(store, tmp))
    return out


def open_results(path: Path) -> xr.Dataset:
    """A complete run folder's results, opened lazily: a variable is read from disk when its values are used.

    For readers that need a few variables of a large run (the report draws one goal variable at a
    time, so its memory does not grow with the number of saved variables).
    """
    return read_results(path, load=False)


def read_inputs(path: Path) -> pd.DataFrame:
    """A complete run folder's inputs.csv, indexed by scenario, one column per sampled input."""
    return _read_csv(Path(path) / INPUTS, ("scenario",), narrow=("scenario",)).set_index("scenario")


def read_goals(path: Path) -> pd.DataFrame:
    """A complete run folder's goals.csv (columns :data:`GOAL_COLUMNS`) plus a boolean ``ok`` column.

    Read in chunks and held compactly (:mod:`simulator.runs.blockread`): the text columns are
    categoricals, ``scenario`` and ``met`` narrow integers.

    Raises
    ------
    RunDirError
        The file cannot be read as CSV or lacks a column (with the fix).
    """
    frame = _read_csv(Path(path) / GOALS, GOAL_COLUMNS, categorical=GOAL_TEXT_COLUMNS, narrow=("scenario", "met"))
    frame["ok"] = status_ok(frame["status"])
    return frame
