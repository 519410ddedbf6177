"""Report stage, numbers: turns a run's goals.csv into one summary row per goal (probability, range, first year).

These are the numbers the scorecard, comparison and driver pages print; they are computed only
here, from ``goals.csv`` alone, so a test can recompute them independently from the same file.

Definitions (per goal, over the samples whose ``status`` is ok):

- ``p_met``: share of samples with ``met == 1``; failed samples count as *not met* (they are
  in the denominator), because a plan whose model breaks down does not meet its goal.
- ``median``, ``q05``, ``q95``: quantiles of ``value`` (the goal-year value; the slope for
  rising/falling goals) over ok samples (numpy's default linear interpolation).
- ``first_met``: median over all ok samples of ``first_year_met``, counting "never" as +inf;
  so it is the year by which half the samples have met the goal, or inf ("never").
- ``light``: ``green`` when ``p_met >= 0.9``, ``amber`` when ``>= 0.5``, else ``red``.
"""

import numpy as np
import pandas as pd

#: (lower bound of p_met, light name), checked from the top.
LIGHTS = ((0.9, "green"), (0.5, "amber"), (0.0, "red"))

#: Colours of the traffic lights (colour-blind safe enough with the text label next to them).
LIGHT_COLOURS = {"green": "#2e9e44", "amber": "#f0a500", "red": "#d0312d"}

SUMMARY_COLUMNS = ["goal_id", "variable", "comparison", "year", "target", "n", "n_ok", "p_met",
                   "median", "q05", "q95", "first_met", "light"]


def traffic_light(p_met: float) -> str:
    """``"green"``, ``"amber"`` or ``"red"`` for a probability of meeting a goal."""
    for lower, light in LIGHTS:
        if p_met >= lower:
            return light
    return "red"


def _first_met_median(first: pd.Series) -> float:
    years = pd.to_numeric(first, errors="coerce").astype(float).fillna(np.inf).to_numpy()
    return float(np.median(years)) if years.size else np.inf


def summarize_goal(rows: pd.DataFrame) -> dict:
    """Summary numbers of one goal from its goals.csv rows (all samples of one run)."""
    ok = rows[rows["ok"]] if "ok" in rows else rows
    values = pd.to_numeric(ok["value"], errors="coerce").dropna().to_numpy(dtype=float)
    p_met = float(pd.to_numeric(rows["met"]).mean()) if len(rows) else np.nan
    q05, median, q95 = (np.quantile(values, [0.05, 0.5, 0.95]) if values.size else (np.nan,) * 3)
    first = rows.iloc[0]
    return {
        "goal_id": first["goal_id"], "variable": first["variable"], "comparison": first["comparison"],
        "year": first["year"], "target": first["target"], "n": len(rows), "n_ok": len(ok),
        "p_met": p_met, "median": float(median), "q05": float(q05), "q95": float(q95),
        "first_met": _first_met_median(ok["first_year_met"]),
        "light": traffic_light(p_met) if np.isfinite(p_met) else "red",
    }


def goal_summary(goals: pd.DataFrame, order=None) -> pd.DataFrame:
    """One summary row per goal of a run's goals.csv.

    Parameters
    ----------
    goals : pandas.DataFrame
        goals.csv as loaded by :func:`reports.data.load_run` (with its ``ok`` column).
    order : list of str, optional
        Goal ids in the order wanted (the plan's); ids not in ``goals`` are skipped, ids in
        ``goals`` but not in ``order`` follow in file order.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SUMMARY_COLUMNS`, indexed by position.
    """
    seen = list(dict.fromkeys(goals["goal_id"]))
    ids = [g for g in (order or []) if g in seen] + [g for g in seen if g not in (order or [])]
    grouped = dict(tuple(goals.groupby("goal_id", sort=False)))
    rows = [summarize_goal(grouped[g]) for g in ids]
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
