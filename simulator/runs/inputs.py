"""Batch, the inputs: a scenario's sample drawn chunk by chunk into ``_chunks/inputs.npy`` and read back by rows.

The batch never holds the whole input matrix: :class:`InputRows` draws rows ``[a, b)`` alone
(``sampling.sample_rows``; the same values whatever the bounds), ``write_npy`` streams them into
a ``.npy`` file block by block, and ``read_rows`` reads a chunk's rows back with a seek (no
memory map, so a worker's memory does not grow with the rows it has read).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

#: Rows drawn and written at a time (memory: BLOCK × inputs × 8 bytes, plus the sampler's temporaries).
BLOCK = 50_000


@dataclass
class InputRows:
    """Rows of an ``n × len(columns)`` input matrix on demand: ``rows(a, b) -> ndarray``."""

    n: int
    columns: list
    rows: Callable[[int, int], np.ndarray]

    @classmethod
    def of_array(cls, array: np.ndarray, columns: list) -> "InputRows":
        array = np.asarray(array, dtype=float)
        return cls(len(array), list(columns), lambda a, b: array[a:b])


def scenario_rows(scenario, n: int | None, seed: int) -> InputRows:
    """The scenario's sample (``n`` default ``sampling.n``; a grid has its own size) as :class:`InputRows`.

    Raises
    ------
    ScenarioError
        A bad n for the method (checked by drawing the first row).
    """
    from simulator.scenarios.sampling import correlated, sample, sample_rows

    columns = [spec.name for spec in scenario.uncertain]
    method = scenario.sampling.method
    n = scenario.sampling.n if n is None or method == "grid" else n
    space = scenario.space
    if correlated(space):       # Iman-Conover ranks whole columns: drawn once, whole (docs/batch.md)
        return InputRows.of_array(sample(space, n, seed, method), columns)
    sample_rows(space, n, seed, method, 0, 1)          # checks n for the method
    return InputRows(int(n), columns, lambda a, b: sample_rows(space, n, seed, method, a, b))


def write_npy(path: Path, inputs: InputRows) -> None:
    """Write ``inputs`` as a float64 ``.npy`` file, :data:`BLOCK` rows at a time."""
    header = {"descr": "<f8", "fortran_order": False, "shape": (inputs.n, len(inputs.columns))}
    with open(path, "wb") as fh:
        np.lib.format.write_array_header_1_0(fh, header)
        for start in range(0, inputs.n, BLOCK):
            block = np.ascontiguousarray(inputs.rows(start, min(start + BLOCK, inputs.n)), dtype="<f8")
            fh.write(block.tobytes())


def read_rows(path: Path, start: int, stop: int) -> np.ndarray:
    """Rows ``[start, stop)`` of a 2-D float64 ``.npy`` file (read with a seek)."""
    with open(path, "rb") as fh:
        shape = _shape(fh)
        width = shape[1] if len(shape) > 1 else 1
        rows = max(min(stop, shape[0]) - start, 0)
        if rows * width == 0:
            return np.empty((rows, width))
        fh.seek(fh.tell() + start * width * 8)
        return np.fromfile(fh, dtype="<f8", count=rows * width).reshape(rows, width)


def npy_rows(path: Path) -> int:
    """Number of rows of a ``.npy`` file (from its header)."""
    with open(path, "rb") as fh:
        return _shape(fh)[0]


def _shape(fh) -> tuple:
    """Read a ``.npy`` header (leaving ``fh`` at the data) and return the array's shape."""
    version = np.lib.format.read_magic(fh)
    read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
    return read(fh)[0]
