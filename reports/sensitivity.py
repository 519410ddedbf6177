"""Report stage, driver numbers: ranks a run's sampled inputs by their influence on one goal's outcome.

Two measures, both from the samples already run (no extra model runs, any sampling design):

- **Spearman rank correlation** of each input with the goal's value (the goal-year value, or
  the slope for rising/falling goals): sign and strength of a monotone effect.
- **First-order variance share**, estimated as the bias-corrected correlation ratio
  ε² = (SS_between − (k−1)·MS_within) / SS_total over k equal-count bins of the input (a
  given-data estimate of the first-order Sobol index Var(E[Y|X])/Var(Y)); clipped to [0, 1].

Ranks are computed with numpy (ties get their average rank, as in Spearman's definition) rather
than scipy.stats, whose import alone costs ~70 MiB of the report's memory budget (issue 12).
"""

import numpy as np
import pandas as pd

#: Maximum number of bins for the first-order estimate; the default is about sqrt(n).
MAX_BINS = 20


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman rank correlation of ``x`` and ``y``; NaN if either is constant."""
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan")
    return float(np.corrcoef(average_ranks(x), average_ranks(y))[0, 1])


def average_ranks(x: np.ndarray) -> np.ndarray:
    """Ranks 1..n of ``x``; tied values share the average of the ranks they span."""
    order = np.argsort(x, kind="stable")
    ordered = x[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], x.size]
    group = np.repeat(np.arange(starts.size), ends - starts)
    ranks = np.empty(x.size)
    ranks[order] = ((starts + ends + 1) / 2.0)[group]
    return ranks


def _bins(x: np.ndarray, count: int) -> np.ndarray:
    values = np.unique(x)
    if values.size <= count:
        return np.searchsorted(values, x)
    ranks = np.empty(x.size, dtype=np.int64)
    ranks[np.argsort(x, kind="stable")] = np.arange(x.size)      # ordinal ranks 0..n-1
    return (ranks * count) // x.size


def first_order(x: np.ndarray, y: np.ndarray, bins: int = None) -> float:
    """Bias-corrected correlation ratio ε² of ``y`` on binned ``x`` (first-order variance share).

    Parameters
    ----------
    x, y : ndarray (n,)
    bins : int, optional
        Number of equal-count bins; default ``min(MAX_BINS, round(sqrt(n)))``. An input with
        fewer distinct values is grouped by value.
    """
    n = x.size
    count = bins or int(min(MAX_BINS, max(2, round(np.sqrt(n)))))
    groups = _bins(x, count)
    total = float(((y - y.mean()) ** 2).sum())
    if total == 0 or n < 3:
        return float("nan")
    labels, inverse = np.unique(groups, return_inverse=True)
    k = labels.size
    if k < 2 or n <= k:
        return float("nan")
    sums = np.bincount(inverse, weights=y)
    sizes = np.bincount(inverse)
    between = float((sizes * (sums / sizes - y.mean()) ** 2).sum())
    within = total - between
    estimate = (between - (k - 1) * within / (n - k)) / total
    return float(min(max(estimate, 0.0), 1.0))


def rank_inputs(inputs: pd.DataFrame, values: pd.Series) -> pd.DataFrame:
    """Rank sampled inputs by influence on ``values``.

    Parameters
    ----------
    inputs : pandas.DataFrame
        Index = scenario, one column per input (inputs.csv).
    values : pandas.Series
        Index = scenario, the goal's value (ok samples only; NaN rows are dropped).

    Returns
    -------
    pandas.DataFrame
        Columns ``input, spearman, first_order``, sorted by ``|spearman|`` then first order, largest
        first.
    """
    values = values.dropna()
    where = inputs.index.get_indexer(values.index)     # one input row per value (-1: scenario not sampled)
    y = values.to_numpy(dtype=float)[where >= 0]
    where = where[where >= 0]
    rows = []
    for name in inputs.columns:
        x = pd.to_numeric(inputs[name], errors="coerce").to_numpy(dtype=float)[where]
        keep = np.isfinite(x)
        rows.append({"input": name, "spearman": spearman(x[keep], y[keep]), "first_order": first_order(x[keep], y[keep])})
    table = pd.DataFrame(rows, columns=["input", "spearman", "first_order"])
    order = table.assign(_a=table["spearman"].abs().fillna(-1), _b=table["first_order"].fillna(-1))
    return table.loc[order.sort_values(["_a", "_b"], ascending=False).index].reset_index(drop=True)
