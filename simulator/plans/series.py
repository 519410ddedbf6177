"""Plans, series arithmetic: values of ``(n, T)`` saved series at a year, over a window, first time true.

Used by the goal kinds (``plans/kinds.py``) and by calibration (goal-year values).

>>> import numpy as np
>>> value_at(np.array([2020.0, 2022.0]), np.array([[1.0, 3.0]]), 2021.0)
array([2.])
"""

from __future__ import annotations

import numpy as np


def value_at(times: np.ndarray, values: np.ndarray, year: float) -> np.ndarray:
    """Values of ``(n, T)`` series at ``year``, linear between the saved times around it.

    ``year`` must lie within ``[times[0], times[-1]]``; a year on the grid returns that column
    exactly.
    """
    exact = np.nonzero(times == year)[0]
    if exact.size:
        return values[:, exact[0]].astype(float)
    right = int(np.searchsorted(times, year))
    left = right - 1
    weight = (year - times[left]) / (times[right] - times[left])
    with np.errstate(over="ignore", invalid="ignore"):    # huge values: ±inf (the caller checks finiteness)
        return (1.0 - weight) * values[:, left] + weight * values[:, right]


def least_squares_slope(times: np.ndarray, values: np.ndarray, start: float, end: float):
    """Least-squares slope (per time unit) of ``(n, T)`` series over ``[start, end]``.

    Uses the saved times strictly inside the window plus the two (interpolated) end points.

    Returns
    -------
    slope : ndarray (n,)
    window_values : ndarray (n, k)
        The values the slope was fitted to (checked for finiteness by the caller).

    Values so large that the sums overflow give a non-finite slope, without a RuntimeWarning.
    """
    with np.errstate(over="ignore", invalid="ignore"):    # exploding series: a non-finite slope, no warning
        return _slope(times, values, start, end)


def _slope(times: np.ndarray, values: np.ndarray, start: float, end: float):
    inside = (times > start) & (times < end)
    ts = np.concatenate([[start], times[inside], [end]])
    vs = np.column_stack([value_at(times, values, start), values[:, inside], value_at(times, values, end)])
    centred = ts - ts.mean()
    # Summed column by column in a fixed order (numpy's row reductions and BLAS products pick
    # their summation order by array shape): a scenario's slope must not depend on its chunk.
    mean = _ordered_sum(vs, np.ones(len(ts))) / len(ts)
    slope = _ordered_sum(vs - mean[:, None], centred) / float(centred @ centred)
    return slope, vs


def _ordered_sum(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``sum_j values[:, j] * weights[j]`` accumulated left to right, identical for any row count."""
    total = np.zeros(values.shape[0])
    for j, weight in enumerate(weights):
        total += values[:, j] * weight
    return total


def first_time(times: np.ndarray, condition: np.ndarray) -> np.ndarray:
    """First time at which ``condition`` (n, T) holds per row; NaN if never."""
    hit = condition.any(axis=1)
    first = times[np.argmax(condition, axis=1)].astype(float)
    return np.where(hit, first, np.nan)
