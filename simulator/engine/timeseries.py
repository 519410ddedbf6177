"""Run inputs (front door of ``CompiledModel.run``): ``TimeSeries``, a time-varying lever value.

A TimeSeries replaces a constant by values that change over time, linearly interpolated
(``kind="linear"``) or held (``kind="step"``) between the given points and held beyond the ends.
It is evaluated once per run on the integrator's step grid (:meth:`on_grid`), never per step.
:class:`ElementLevers` puts several of them (and fixed values) on single elements of one
subscripted constant; both give the run the same lever table (:meth:`TimeSeries.table`).
"""

from __future__ import annotations

import numpy as np

from simulator.errors import ParameterError

KINDS = ("linear", "step")


class TimeSeries:
    """A time-varying input.

    Parameters
    ----------
    times : array_like, shape (T,)
        Strictly increasing times.
    values : array_like, shape (T,) or (n, T)
        One series for all scenarios, or one per scenario.
    kind : {"linear", "step"}
        Linear interpolation, or hold the last value until the next point.

    Examples
    --------
    >>> import simulator
    >>> lever = simulator.TimeSeries([2020, 2025, 2030], [0.02, 0.04, 0.04])
    >>> lever.on_grid([2020, 2022.5]).round(3).tolist()
    [[0.02, 0.03]]
    """

    def __init__(self, times, values, kind="linear"):
        self.times = np.asarray(times, dtype=float)
        self.values = np.asarray(values, dtype=float)
        self.kind = kind
        if kind not in KINDS:
            raise ParameterError(f"TimeSeries kind '{kind}' is not one of {KINDS}")
        if self.times.ndim != 1 or self.times.size == 0:
            raise ParameterError("TimeSeries times must be a non-empty 1-D sequence")
        if np.any(np.diff(self.times) <= 0):
            raise ParameterError("TimeSeries times must be strictly increasing")
        if self.values.ndim not in (1, 2) or self.values.shape[-1] != self.times.size:
            raise ParameterError(
                f"TimeSeries values must be shaped (T,) or (n, T) with T = {self.times.size}, "
                f"got {self.values.shape}")
        if not np.all(np.isfinite(self.values)):
            raise ParameterError("TimeSeries values must be finite numbers")

    @property
    def n(self):
        """Number of scenarios the values are given for (1 when shared)."""
        return 1 if self.values.ndim == 1 else self.values.shape[0]

    def on_grid(self, grid):
        """Values at the grid times, shaped (n or 1, len(grid))."""
        return _along_time(self.times, self.kind, np.atleast_2d(self.values).T, grid).T

    def table(self, grid, shape):
        """Lever table for a variable of subscript ``shape``: (len(grid), n or 1, *shape), contiguous."""
        values = self.on_grid(grid).T                                    # (n_grid, n or 1)
        return np.ascontiguousarray(
            np.broadcast_to(values.reshape(values.shape + (1,) * len(shape)), values.shape + tuple(shape)))

    def __repr__(self):
        return f"TimeSeries(times={self.times.tolist()}, values shape {self.values.shape}, kind={self.kind!r})"


class ElementLevers:
    """A subscripted constant whose single elements have their own TimeSeries or fixed values.

    Built by the front door (``simulator.engine.params``) from keys like ``"x[a]"``; the run turns it
    into one lever table, so the generated program sees an ordinary whole-variable lever.

    Parameters
    ----------
    base : TimeSeries or ndarray
        Value of every element not overridden: a whole-variable TimeSeries, or fixed values
        shaped (n or 1, *shape).
    overrides : list of (tuple, TimeSeries or ndarray)
        (element index, value) applied in order; a fixed value is shaped (n or 1,).

    Examples
    --------
    >>> import numpy as np
    >>> lever = ElementLevers(np.array([[1.0, 3.0]]), [((1,), TimeSeries([0, 2], [0, 2]))])
    >>> lever.table([0, 1, 2], (2,))[:, 0].tolist()
    [[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]]
    """

    def __init__(self, base, overrides):
        self.base = base
        self.overrides = list(overrides)

    @property
    def n(self):
        """Number of scenarios the values are given for (1 when shared by all)."""
        sizes = [_rows(self.base)] + [_rows(value) for _index, value in self.overrides]
        return max(sizes)

    def table(self, grid, shape):
        """Lever table (len(grid), n or 1, *shape): base values, then each element's override.

        Series that share their times and kind are interpolated together in one call, so the
        cost per element is a slice of one numpy operation, not a Python-level evaluation.
        """
        grid = np.asarray(grid, dtype=float)
        shape, n = tuple(shape), self.n
        if isinstance(self.base, TimeSeries):
            base = self.base.table(grid, shape)
        else:
            base = np.broadcast_to(np.asarray(self.base, dtype=float)[None], (1,) + np.shape(self.base))
        out = np.empty((grid.size, n) + shape)                     # C order: the step reads out[j]
        out[...] = base
        flat = out.reshape(grid.size, n, -1)                       # a view: elements on the last axis
        groups = {}
        for index, value in self.overrides:
            position = int(np.ravel_multi_index(index, shape)) if shape else 0
            if isinstance(value, TimeSeries):
                groups.setdefault((value.kind, value.times.tobytes()), []).append((position, value))
            else:
                flat[:, :, position] = np.asarray(value, dtype=float)[None]
        for members in groups.values():
            times, kind = members[0][1].times, members[0][1].kind
            # (T, n, k): time first, so the interpolated block comes out as (grid, n, k)
            stacked = np.stack([np.broadcast_to(np.atleast_2d(series.values).T, (times.size, n))
                                for _pos, series in members], axis=-1)
            positions = [pos for pos, _series in members]
            block = _along_time(times, kind, stacked, grid)
            if positions == list(range(positions[0], positions[0] + len(positions))):
                flat[:, :, positions[0]:positions[0] + len(positions)] = block
            else:
                flat[:, :, positions] = block
        return out

    def __repr__(self):
        return f"ElementLevers(base={self.base!r}, {len(self.overrides)} element override(s))"


def _rows(value):
    """Scenario rows of a TimeSeries or of an array shaped (n or 1, ...)."""
    return value.n if isinstance(value, TimeSeries) else np.shape(value)[0]


def _along_time(times, kind, values, grid):
    """Interpolate ``values`` shaped (T, ...) from ``times`` to ``grid``; returns (len(grid), ...)."""
    grid = np.asarray(grid, dtype=float)
    if times.size == 1:
        return np.repeat(values, grid.size, axis=0)
    if kind == "step":
        index = np.clip(np.searchsorted(times, grid, side="right") - 1, 0, times.size - 1)
        return values[index]
    right = np.clip(np.searchsorted(times, grid, side="right"), 1, times.size - 1)
    left = right - 1
    weight = np.clip((grid - times[left]) / (times[right] - times[left]), 0.0, 1.0)
    weight = weight.reshape((-1,) + (1,) * (values.ndim - 1))
    out = np.take(values, left, axis=0)                   # (1 - w) a + w b, exact at the points
    out *= 1.0 - weight
    right_part = np.take(values, right, axis=0)
    right_part *= weight
    out += right_part
    return out
