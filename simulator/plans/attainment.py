"""Goal values → attainment: the one P(met), value range and first year met per goal.

``run.py show`` (simulator/runs/show.py) and the report (reports/) both print these numbers,
and both get them from :func:`goal_summary`; nothing else computes them.

Definitions (per goal, from the rows of a run's ``goals.csv``, one row per scenario):

- ``p_met``: share of *all* scenarios with ``met == 1``; failed scenarios count as not met
  (they stay in the denominator), because a plan whose model breaks down does not meet its goal.
- ``median``, ``q05``, ``q95``: quantiles of ``value`` (the goal-year value; the slope for
  rising/falling goals) over the ok scenarios (numpy's default linear interpolation).
- ``first_met``: median over the ok scenarios of ``first_year_met``, counting "never" as +inf;
  so it is the year by which half the scenarios have met the goal, or inf ("never").

Which statuses count as ok is the run folder's rule (``simulator.runs.runstore.status_ok``);
the rows passed here carry it as a boolean ``ok`` column (all rows count as ok without one).

>>> import pandas as pd
>>> rows = pd.DataFrame({"goal_id": "g", "variable": "x", "comparison": ">=", "year": 2030,
...                      "target": 1.0, "value": [2.0, 0.5, 3.0], "met": [1, 0, 1],
...                      "first_year_met": [2021, None, 2023]})
>>> s = goal_summary(rows).iloc[0]
>>> round(float(s["p_met"]), 3), float(s["median"]), float(s["first_met"])
(0.667, 2.0, 2023.0)
"""

import numpy as np
import pandas as pd

#: Columns of :func:`goal_summary`'s table.
SUMMARY_COLUMNS = ["goal_id", "variable", "comparison", "year", "target", "n", "n_ok", "p_met",
                   "median", "q05", "q95", "first_met"]


def first_met_median(first) -> float:
    """Median first year met, "never" (empty/NaN) counted as +inf; inf if there are no rows."""
    years = pd.to_numeric(pd.Series(first), errors="coerce").astype(float).fillna(np.inf).to_numpy()
    return float(np.median(years)) if years.size else np.inf


def summarize_goal(rows: pd.DataFrame) -> dict:
    """Summary numbers of one goal from its goals.csv rows (all scenarios of one run)."""
    ok = rows[rows["ok"].astype(bool)] if "ok" in rows else rows
    values = pd.to_numeric(ok["value"], errors="coerce").to_numpy(dtype=float)
    values = values[np.isfinite(values)]
    p_met = float(pd.to_numeric(rows["met"]).mean()) if len(rows) else np.nan
    q05, median, q95 = (np.quantile(values, [0.05, 0.5, 0.95]) if values.size else (np.nan,) * 3)
    first = rows.iloc[0]
    return {
        "goal_id": first["goal_id"], "variable": first["variable"], "comparison": first["comparison"],
        "year": first["year"], "target": first["target"], "n": len(rows), "n_ok": len(ok),
        "p_met": p_met, "median": float(median), "q05": float(q05), "q95": float(q95),
        "first_met": first_met_median(ok["first_year_met"]),
    }


def goal_summary(goals: pd.DataFrame, order=None) -> pd.DataFrame:
    """One summary row per goal of a run's goals.csv.

    Parameters
    ----------
    goals : pandas.DataFrame
        goals.csv as read by :func:`simulator.runs.runstore.read_goals` (with its ``ok`` column).
    order : list of str, optional
        Goal ids in the order wanted (the plan's); ids not in ``goals`` are skipped, ids in
        ``goals`` but not in ``order`` follow in file order.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SUMMARY_COLUMNS`, indexed by position.
    """
    positions = goal_positions(goals)
    seen = list(positions)
    ids = [g for g in (order or []) if g in seen] + [g for g in seen if g not in (order or [])]
    rows = [summarize_goal(goals.take(positions[g])) for g in ids]    # one goal's rows copied at a time
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def goal_positions(goals: pd.DataFrame) -> dict:
    """Goal id -> the row positions of its rows in ``goals`` (ids in file order)."""
    codes, ids = pd.factorize(goals["goal_id"], sort=False)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(ids) + 1))
    return {str(g): order[bounds[i]:bounds[i + 1]] for i, g in enumerate(ids) if bounds[i + 1] > bounds[i]}
