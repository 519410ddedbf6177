"""Batch → disk: the one run-folder contract, ``out/<region>-<scenario>-<timestamp>/`` (docs/interfaces.md §4).

Written atomically, chunk by chunk; read back (``show``, reports) through ``read_goals`` and friends.

While a batch runs the folder holds ``PARTIAL``, ``manifest.json`` with ``complete: false``, and
a work folder ``_chunks/`` with the sampled input matrix (``inputs.npy``) and one pair of files
per finished chunk (``chunk-000012.nc`` with that chunk's results, ``goals-000012.csv`` with its
goal rows, no header). Every file is written under a temporary name and renamed into place, so a
chunk file that exists is complete; a chunk whose ``.nc`` exists is done (the ``.csv`` is renamed
first).

Why per-chunk files merged at the end rather than appending to one ``results.nc``: NetCDF-4 is
HDF5, and HDF5 has no journal — a batch killed in the middle of an append can leave the whole
file unreadable, losing every finished chunk. Per-chunk files make a kill cost at most the chunk
in flight, let worker processes write their own results (only a few integers travel back to the
parent), and make ``--resume`` a matter of listing files. The price is writing the results twice
(the merge streams one chunk at a time into ``results.nc`` along an unlimited ``scenario``
dimension with netCDF4, so memory stays bounded by the chunk size).

``finalize`` writes ``results.nc``, ``goals.csv`` and ``inputs.csv`` (each via a temporary name),
then the manifest with ``complete: true``, then removes ``PARTIAL`` and ``_chunks/``.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import netCDF4
import numpy as np
import pandas as pd
import xarray as xr

from simulator.errors import RunDirError
from simulator.plans.goals import GOAL_COLUMNS

PARTIAL = "PARTIAL"
MANIFEST = "manifest.json"
WORK = "_chunks"
RESULTS = "results.nc"
GOALS = "goals.csv"
INPUTS = "inputs.csv"

#: Files a complete run folder holds (besides the manifest).
COMPLETE_FILES = (RESULTS, GOALS, INPUTS)

#: Values of goals.csv's ``status`` column that mean the scenario ran to the end with finite values
#: (the batch writes ``ok`` or ``failed: <message>``; blank and 0 are accepted from older folders).
OK_STATUSES = {"ok", "", "0", "0.0"}

_RERUN = "rerun `python run.py batch SCENARIO.yaml` or pass a complete run folder (out/<region>-<scenario>-<timestamp>)"

#: Scenarios per HDF5 chunk along the ``scenario`` axis of results.nc (I/O granularity, not memory).
NC_SCENARIO_CHUNK = 1024

#: HDF5 chunk cache per variable while merging (netCDF-C's default of 16-64 MiB per variable made
#: the merge's memory grow with the number of output variables; 4 MiB holds several chunks).
NC_CHUNK_CACHE_BYTES = 4 * 2**20


def _write_atomic(path: Path, write) -> None:
    """Call ``write(tmp_path)`` and rename the temporary file onto ``path``."""
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    os.replace(tmp, path)


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and a rename."""
    _write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _csv_cell(value) -> str:
    """One CSV cell: blank for None/NaN/NA, shortest round-trip repr for floats, quoted when needed."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    text = str(value)
    if any(ch in text for ch in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_column(series: pd.Series) -> np.ndarray:
    """A column's cells as an object array of str; each distinct non-float value is formatted once."""
    if isinstance(series.dtype, pd.api.extensions.ExtensionDtype):   # e.g. Int64 with <NA>
        values = series.to_numpy(dtype=object, na_value=None)
    else:
        values = series.to_numpy()
    if values.dtype == np.float64:                     # values: (almost) all distinct
        return np.array([repr(x) if x == x else "" for x in values.tolist()], dtype=object)
    if values.dtype.kind in "iu":
        return values.astype(str).astype(object)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    cells = np.array([_csv_cell(v) for v in uniques] + [""], dtype=object)   # code -1 (missing) → blank
    return cells[codes]


def csv_header(columns) -> str:
    """The header line (with its newline): names quoted like cells, so ``x[a,b]`` stays one column."""
    return ",".join(_csv_cell(str(name)) for name in columns) + "\n"


def csv_text(frame: pd.DataFrame, columns: list[str], header: bool) -> str:
    """CSV text of ``frame[columns]``, the same bytes as ``DataFrame.to_csv(index=False)`` writes.

    Floats are written as their shortest round-trip ``repr`` (as pandas does), missing values as
    blanks, strings quoted only when they hold a comma, quote or line break. Written by hand
    because ``to_csv`` took a quarter of a batch's time on the regional model.
    """
    cells = [_csv_column(frame[name]).tolist() for name in columns]
    rows = "".join(line + "\n" for line in map(",".join, zip(*cells)))
    return (csv_header(columns) if header else "") + rows


def goals_csv_text(table: pd.DataFrame, header: bool) -> str:
    """goals.csv text of a goal table (docs/interfaces.md §4); see :func:`csv_text`."""
    return csv_text(table, GOAL_COLUMNS, header)


class RunFolder:
    """One batch's output folder; see the module docstring for its life cycle."""

    def __init__(self, path: Path):
        self.path = Path(path)

    # --- paths -------------------------------------------------------------------------

    @property
    def work(self) -> Path:
        return self.path / WORK

    def chunk_nc(self, index: int) -> Path:
        return self.work / f"chunk-{index:06d}.nc"

    def chunk_goals(self, index: int) -> Path:
        return self.work / f"goals-{index:06d}.csv"

    # --- life cycle --------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, manifest: dict, inputs: np.ndarray) -> "RunFolder":
        """Make the folder (must not exist, or be empty), with PARTIAL, the manifest and inputs.

        Raises
        ------
        RunDirError
            The folder exists and is not empty.
        """
        path = Path(path)
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise RunDirError(f"{path}: output folder exists and is not empty; choose another --out or remove it")
        folder = cls(path)
        folder.work.mkdir(parents=True, exist_ok=True)
        (path / PARTIAL).write_text("batch in progress or interrupted; finish it with: "
                                    f"python run.py batch --resume {path}\n", encoding="utf-8")
        _write_atomic(folder.work / "inputs.npy", lambda tmp: _save_npy(tmp, inputs))
        folder.write_manifest(manifest)
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
        if manifest.get("complete") and not (folder.path / PARTIAL).exists():
            raise RunDirError(f"{folder.path}: this batch is already complete; nothing to resume")
        if not (folder.work / "inputs.npy").exists():
            raise RunDirError(f"{folder.path}: {WORK}/inputs.npy is missing, so the batch cannot be resumed; run it again")
        return folder, manifest

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
        write_text_atomic(self.path / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")

    def load_inputs(self) -> np.ndarray:
        """The sampled input matrix, memory-mapped read-only (workers share the pages)."""
        return np.load(self.work / "inputs.npy", mmap_mode="r")

    # --- chunks ------------------------------------------------------------------------

    def chunk_done(self, index: int) -> bool:
        return self.chunk_nc(index).exists() and self.chunk_goals(index).exists()

    def write_chunk(self, index: int, ds: xr.Dataset, goals: pd.DataFrame) -> None:
        """Write one chunk's results and goal rows (goals first: the .nc's rename commits the chunk)."""
        _write_atomic(self.chunk_goals(index), lambda tmp: tmp.write_text(goals_csv_text(goals, header=False), encoding="utf-8"))
        _write_atomic(self.chunk_nc(index), lambda tmp: ds.to_netcdf(tmp, engine="netcdf4"))

    # --- the end -----------------------------------------------------------------------

    def finalize(self, manifest: dict, n_chunks: int, input_columns: list[str]) -> None:
        """Merge the chunk files into results.nc / goals.csv, write inputs.csv, mark complete."""
        missing = [i for i in range(n_chunks) if not self.chunk_done(i)]
        if missing:
            raise RunDirError(f"{self.path}: chunks {missing[:5]} are not finished; resume the batch")
        started = time.perf_counter()
        _write_atomic(self.path / RESULTS, lambda tmp: _merge_netcdf([self.chunk_nc(i) for i in range(n_chunks)], tmp))
        _write_atomic(self.path / GOALS, lambda tmp: _concat_goals([self.chunk_goals(i) for i in range(n_chunks)], tmp))
        inputs = self.load_inputs()
        frame = _inputs_frame(inputs, input_columns)
        _write_atomic(self.path / INPUTS, lambda tmp: _write_csv(tmp, frame))
        seconds = dict(manifest.get("seconds") or {}, merge=round(time.perf_counter() - started, 3))
        manifest = dict(manifest, complete=True, seconds=seconds)
        self.write_manifest(manifest)
        (self.path / PARTIAL).unlink(missing_ok=True)
        shutil.rmtree(self.work, ignore_errors=True)


def _save_npy(path: Path, array: np.ndarray) -> None:
    with open(path, "wb") as fh:
        np.save(fh, np.ascontiguousarray(array, dtype=float))


def _write_csv(path: Path, frame: pd.DataFrame, rows_per_block: int = 20_000) -> None:
    """Write ``frame`` as CSV block by block (bounded memory for the text of a big input matrix)."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(csv_header(frame.columns))
        for start in range(0, len(frame), rows_per_block):
            fh.write(csv_text(frame.iloc[start:start + rows_per_block], list(frame.columns), header=False))


def _inputs_frame(inputs: np.ndarray, columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(np.asarray(inputs), columns=columns)
    frame.insert(0, "scenario", np.arange(len(frame)))
    return frame


def _concat_goals(parts: list[Path], out: Path) -> None:
    with open(out, "w", encoding="utf-8", newline="") as dst:
        dst.write(csv_header(GOAL_COLUMNS))
        for part in parts:
            with open(part, encoding="utf-8", newline="") as src:
                shutil.copyfileobj(src, dst, 1 << 20)


def _merge_netcdf(parts: list[Path], out: Path) -> None:
    """Stream per-chunk NetCDF files into one file along an unlimited ``scenario`` dimension.

    Values are copied as stored (no masking/scaling), so the merged file decodes exactly like
    the chunks; attributes, dimensions and coordinates come from the first chunk.
    """
    with netCDF4.Dataset(parts[0]) as first, netCDF4.Dataset(out, "w", format="NETCDF4") as dst:
        first.set_auto_maskandscale(False)
        dst.setncatts({k: first.getncattr(k) for k in first.ncattrs()})
        for name, dim in first.dimensions.items():
            dst.createDimension(name, None if name == "scenario" else len(dim))
        for name, var in first.variables.items():
            attrs = {k: var.getncattr(k) for k in var.ncattrs()}
            fill = attrs.pop("_FillValue", None)
            chunks = None
            if "scenario" in var.dimensions:
                chunks = [NC_SCENARIO_CHUNK if d == "scenario" else max(len(first.dimensions[d]), 1)
                          for d in var.dimensions]
            out_var = dst.createVariable(name, var.datatype, var.dimensions, fill_value=fill,
                                         chunksizes=chunks)
            out_var.set_auto_maskandscale(False)
            out_var.set_var_chunk_cache(size=NC_CHUNK_CACHE_BYTES)
            out_var.setncatts(attrs)
            if "scenario" not in var.dimensions:
                out_var[...] = var[...]
        start = 0
        for part in parts:
            with netCDF4.Dataset(part) as src:
                src.set_auto_maskandscale(False)
                rows = len(src.dimensions["scenario"])
                for name, var in src.variables.items():
                    if "scenario" in var.dimensions:
                        axis = var.dimensions.index("scenario")
                        index = [slice(None)] * len(var.dimensions)
                        index[axis] = slice(start, start + rows)
                        dst.variables[name][tuple(index)] = var[...]
                start += rows


# --- reading a complete folder (``show``, reports) -----------------------------------------------


def status_ok(status: pd.Series) -> pd.Series:
    """Which goals.csv rows count as ok (the one rule; see :data:`OK_STATUSES`)."""
    return status.fillna("ok").astype(str).str.strip().str.lower().isin(OK_STATUSES)


def _read_csv(file: Path, required) -> pd.DataFrame:
    try:
        frame = pd.read_csv(file, keep_default_na=True)
    except (OSError, ValueError, pd.errors.ParserError) as err:
        raise RunDirError(f"{file}: cannot be read as CSV ({err}); {_RERUN}") from None
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise RunDirError(f"{file}: missing column(s) {', '.join(missing)}; {_RERUN}")
    return frame


def read_results(path: Path) -> xr.Dataset:
    """A complete run folder's results.nc, loaded into memory."""
    file = Path(path) / RESULTS
    try:
        return xr.load_dataset(file)
    except (OSError, ValueError) as err:
        raise RunDirError(f"{file}: cannot be opened as NetCDF ({err}); {_RERUN}") from None


def open_results(path: Path) -> xr.Dataset:
    """A complete run folder's results, opened lazily: a variable is read from disk when its values are used.

    For readers that need a few variables of a large run (the report draws one goal variable at a
    time, so its memory does not grow with the number of saved variables). The file stays open
    while the Dataset lives.
    """
    file = Path(path) / RESULTS
    try:
        return xr.open_dataset(file, cache=False)
    except (OSError, ValueError) as err:
        raise RunDirError(f"{file}: cannot be opened as NetCDF ({err}); {_RERUN}") from None


def read_inputs(path: Path) -> pd.DataFrame:
    """A complete run folder's inputs.csv, indexed by scenario, one column per sampled input."""
    return _read_csv(Path(path) / INPUTS, ("scenario",)).set_index("scenario")


def read_goals(path: Path) -> pd.DataFrame:
    """A complete run folder's goals.csv (columns :data:`GOAL_COLUMNS`) plus a boolean ``ok`` column.

    Raises
    ------
    RunDirError
        The file cannot be read as CSV or lacks a column (with the fix).
    """
    frame = _read_csv(Path(path) / GOALS, GOAL_COLUMNS)
    frame["ok"] = status_ok(frame["status"])
    return frame
