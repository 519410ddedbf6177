"""Batch → disk, CSV text: goals.csv and inputs.csv rows written by hand, the same bytes as pandas' ``to_csv``.

Used by the run folder (simulator.runs.runstore): ``to_csv`` took a quarter of a batch's time on
the regional model.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.plans.goals import GOAL_COLUMNS
from simulator.runs.inputs import npy_rows, read_rows


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


def concat_goals(parts: list[Path], out: Path) -> None:
    """goals.csv at ``out``: the header, then the chunks' goal rows (files without a header) in order."""
    with open(out, "w", encoding="utf-8", newline="") as dst:
        dst.write(csv_header(GOAL_COLUMNS))
        for part in parts:
            with open(part, encoding="utf-8", newline="") as src:
                shutil.copyfileobj(src, dst, 1 << 20)


def write_inputs_csv(out: Path, npy: Path, columns: list[str], rows_per_block: int = 20_000) -> None:
    """inputs.csv at ``out`` (``scenario`` + one column per input), block by block from the matrix ``npy``."""
    n = npy_rows(npy)
    with open(out, "w", encoding="utf-8", newline="") as fh:
        fh.write(csv_header(["scenario", *columns]))
        for start in range(0, n, rows_per_block):
            block = read_rows(npy, start, start + rows_per_block)
            frame = pd.DataFrame(block, columns=columns)
            frame.insert(0, "scenario", np.arange(start, start + len(block)))
            fh.write(csv_text(frame, list(frame.columns), header=False))
