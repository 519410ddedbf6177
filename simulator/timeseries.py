"""Run inputs (front door of ``CompiledModel.run``): ``TimeSeries``, a time-varying lever value.

A TimeSeries replaces a constant by values that change over time, linearly interpolated
(``kind="linear"``) or held (``kind="step"``) between the given points and held beyond the ends.
It is evaluated once per run on the integrator's step grid (:meth:`on_grid`), never per step.
"""

from __future__ import annotations

import numpy as np

from .errors import ParameterError

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
        grid = np.asarray(grid, dtype=float)
        values = np.atleast_2d(self.values)
        if self.times.size == 1:
            return np.repeat(values, grid.size, axis=1)
        if self.kind == "step":
            index = np.clip(np.searchsorted(self.times, grid, side="right") - 1, 0, self.times.size - 1)
            return values[:, index]
        right = np.clip(np.searchsorted(self.times, grid, side="right"), 1, self.times.size - 1)
        left = right - 1
        span = self.times[right] - self.times[left]
        weight = np.clip((grid - self.times[left]) / span, 0.0, 1.0)
        return values[:, left] * (1.0 - weight) + values[:, right] * weight

    def __repr__(self):
        return f"TimeSeries(times={self.times.tolist()}, values shape {self.values.shape}, kind={self.kind!r})"
