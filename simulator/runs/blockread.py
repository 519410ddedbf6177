"""Run folder → memory: block-by-block reading of a complete run's goals.csv, inputs.csv and result arrays.

Used by :mod:`simulator.runs.runstore` (``read_goals``, ``read_inputs``) and the report's figures
(:func:`read_in_blocks`), so ``show`` and the report hold a run of n = 100,000 scenarios in tens
of MiB. Read whole, goals.csv became one
Python string per cell (about 400 bytes a row); here it is parsed ``CHUNK_ROWS`` rows at a time,
its repeated text columns (goal id, variable, year, comparison, target, status) kept as
categoricals (one byte a row) and its integers narrowed (scenario int32, met int8). The values the
reader sees are unchanged: a categorical column's categories take the type the column would
have had (numbers where every cell is a number, else text).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

#: Rows parsed at a time (about 10 MiB of transient text per 100,000 goal rows).
CHUNK_ROWS = 25_000

#: Scenarios read at a time from a result array whose store gives no chunking.
BLOCK_SCENARIOS = 5_000


def read_in_blocks(array, dtype=float) -> np.ndarray:
    """The values of a lazily opened result array (first dimension ``scenario``), read a block of scenarios at a time.

    One array of the result's size is made and filled block by block (a block is the store's
    chunk of scenarios), so reading takes the result's size plus one block, not the several whole
    copies decompressing and re-indexing at once would make.
    """
    out = np.empty(array.shape, dtype=dtype)
    chunks = array.encoding.get("chunks") or (BLOCK_SCENARIOS,)
    step = max(int(chunks[0]), 1)
    for start in range(0, array.shape[0], step):
        out[start:start + step] = array[start:start + step].values
    return out


def _narrow(column: pd.Series) -> pd.Series:
    """An integer column as the smallest of int8/int16/int32 holding it (others unchanged)."""
    if column.dtype.kind != "i" or column.empty:
        return column
    low, high = column.min(), column.max()
    for kind in (np.int8, np.int16, np.int32):
        info = np.iinfo(kind)
        if info.min <= low and high <= info.max:
            return column.astype(kind)
    return column


def _typed_categories(column: pd.Series) -> pd.Series:
    """A categorical read as text whose categories are all numbers, with numeric categories (as read_csv types them)."""
    categories = column.cat.categories
    try:
        numbers = pd.to_numeric(pd.Series(categories.astype(str)), errors="raise")
    except (ValueError, TypeError):
        return column
    if numbers.duplicated().any():          # "1" and "1.0" both present: keep them as written
        return column
    return column.cat.rename_categories(pd.Index(numbers.to_numpy()))


def _concat(parts: list, column: str, narrow: bool) -> pd.Series:
    """One column of the whole file from its chunks, taken out of them (so at most one column is held twice)."""
    pieces = [part.pop(column) for part in parts]
    if isinstance(pieces[0].dtype, pd.CategoricalDtype):
        merged = union_categoricals(pieces)
        return _typed_categories(pd.Series(merged, name=column))
    whole = pd.concat(pieces, ignore_index=True)
    return _narrow(whole) if narrow else whole


def read_compact(file: Path, categorical=(), narrow=(), usecols=None, chunk_rows: int = CHUNK_ROWS) -> pd.DataFrame:
    """``file`` read ``chunk_rows`` rows at a time, ``categorical`` columns as categoricals, ``narrow`` ones narrowed.

    Parameters
    ----------
    file : Path
        A CSV file with a header.
    categorical : iterable of str
        Columns with few distinct values; those absent from the file are ignored.
    narrow : iterable of str
        Integer columns to hold in the smallest integer type that fits (e.g. scenario numbers).
    usecols : list of str, optional
        Only these columns (all when None); a name absent from the file is a ValueError as in pandas.

    Raises
    ------
    OSError, ValueError, pandas.errors.ParserError
        As :func:`pandas.read_csv` (the caller turns them into a RunDirError naming the file).
    """
    header = pd.read_csv(file, nrows=0).columns
    dtype = {name: "category" for name in categorical if name in header}
    parts = []
    with pd.read_csv(file, dtype=dtype, usecols=usecols, chunksize=chunk_rows, keep_default_na=True) as reader:
        for chunk in reader:
            parts.append({c: _narrow(chunk[c]) if c in narrow else chunk[c] for c in chunk.columns})
            del chunk
    if not parts:
        return pd.read_csv(file, usecols=usecols)
    return pd.DataFrame({name: _concat(parts, name, name in narrow) for name in list(parts[0])})
