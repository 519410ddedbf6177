"""Run folder → summary: per-goal probability met, value quantiles and first year met, as a table for ``run.py show`` and reports.

``summarize_run(path)`` reads ``manifest.json`` and ``goals.csv`` of a *complete* run folder
(docs/interfaces.md §4) and returns a :class:`RunSummary`; ``format_summary`` renders it as
aligned text (Chinese labels count as two columns wide, as terminals draw them).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.errors import SimulatorError
from simulator.runs.runstore import GOALS, RunFolder

#: Columns of :attr:`RunSummary.goals`.
SUMMARY_COLUMNS = ["goal_id", "label", "variable", "year", "comparison", "target",
                   "p_met", "median", "p05", "p95", "first_year_met_median", "n_ok"]


@dataclass
class RunSummary:
    """What ``show`` prints: the manifest's facts and one row per goal."""

    path: Path
    manifest: dict
    goals: pd.DataFrame


def _labels(manifest: dict) -> dict[str, str]:
    """Goal id → label (Chinese where the plan gives one) from the plan the run recorded."""
    plan_path = manifest.get("plan_path")
    if not plan_path or not Path(plan_path).exists():
        return {}
    try:
        from simulator.plans.plan import load_plan

        plan = load_plan(plan_path)
    except SimulatorError:
        return {}
    labels = {}
    for goal in plan.goals:
        label = goal.label or ""
        labels[goal.id] = (label.get("zh") or label.get("en") or "") if isinstance(label, dict) else str(label)
    return labels


def summarize_run(path) -> RunSummary:
    """Summarize a complete run folder.

    Parameters
    ----------
    path : str or Path
        A folder written by ``run_batch``.

    Returns
    -------
    RunSummary
        ``goals`` has :data:`SUMMARY_COLUMNS`: ``p_met`` is the share of *all* scenarios that
        met the goal (a failed scenario counts as not met); ``median``/``p05``/``p95`` are over
        the finite values; ``first_year_met_median`` over the scenarios that ever met it.

    Raises
    ------
    RunDirError
        Missing, incomplete (PARTIAL) or damaged run folder.
    """
    folder, manifest = RunFolder.open_complete(Path(path))
    table = pd.read_csv(
        folder.path / GOALS,
        usecols=["goal_id", "variable", "year", "comparison", "target", "value", "met", "first_year_met", "status"],
        dtype={"goal_id": "category", "variable": "category", "year": "category", "comparison": "category",
               "target": "category", "value": float, "met": np.int8, "first_year_met": float, "status": str},
        keep_default_na=False, na_values={"value": [""], "first_year_met": [""]},
    )
    labels = _labels(manifest)
    rows = []
    for goal_id in manifest.get("goal_ids", []):
        part = table[table["goal_id"] == goal_id]
        if part.empty:
            continue
        values = part["value"].to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        first = part["first_year_met"].to_numpy(dtype=float)
        first = first[(part["met"].to_numpy() == 1) & np.isfinite(first)]
        quantiles = np.quantile(values, [0.5, 0.05, 0.95]) if values.size else [np.nan] * 3
        head = part.iloc[0]
        rows.append({
            "goal_id": goal_id, "label": labels.get(goal_id, ""), "variable": head["variable"],
            "year": head["year"], "comparison": head["comparison"], "target": head["target"],
            "p_met": float(part["met"].mean()), "median": quantiles[0], "p05": quantiles[1], "p95": quantiles[2],
            "first_year_met_median": float(np.median(first)) if first.size else np.nan,
            "n_ok": int((part["status"] == "ok").sum()),
        })
    return RunSummary(folder.path, manifest, pd.DataFrame(rows, columns=SUMMARY_COLUMNS))


# --- text --------------------------------------------------------------------------------------


def display_width(text: str) -> int:
    """Terminal columns of ``text`` (wide and full-width characters count 2)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - display_width(text))
    return gap + text if right else text + gap


def _number(x) -> str:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "-"
    x = float(x)
    if x.is_integer() and abs(x) < 1e7:
        return f"{int(x)}"
    return f"{x:.4g}"


def _target(value) -> str:
    """A goals.csv target cell for display: numbers trimmed (100.0 → 100), lists as written."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value == "":
        return ""
    try:
        return _number(float(value))
    except (TypeError, ValueError):
        return str(value)


def align(rows: list[list[str]], right: set[int]) -> list[str]:
    """Rows of cells → lines with columns padded to a common display width (two spaces apart)."""
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(_pad(cell, widths[i], i in right) for i, cell in enumerate(row)).rstrip() for row in rows]


def format_summary(summary: RunSummary) -> str:
    """The text ``python run.py show RUN_DIR`` prints."""
    m = summary.manifest
    counts = m.get("status_counts") or {}
    lines = [
        f"run:      {summary.path}",
        f"scenario: {m.get('scenario')}   region: {m.get('region') or '-'}",
        f"n:        {m.get('n'):,}   seed: {m.get('seed')}   sampling: {m.get('sampling')}   method: {m.get('method')}",
        f"status:   {counts.get('ok', 0):,} ok, {counts.get('failed', 0):,} failed",
        f"finished: {m.get('finished')}",
        "",
    ]
    if summary.goals.empty:
        lines.append("no goals evaluated (the scenario has no plan, or goals: [])")
        return "\n".join(lines) + "\n"
    header = ["goal", "label", "year", "test", "target", "P(met)", "median", "5%", "95%", "first met"]
    rows = [header]
    for _, g in summary.goals.iterrows():
        rows.append([
            str(g["goal_id"]), str(g["label"] or ""), str(g["year"]), str(g["comparison"]),
            _target(g["target"]), f"{100 * g['p_met']:.1f}%",
            _number(g["median"]), _number(g["p05"]), _number(g["p95"]), _number(g["first_year_met_median"]),
        ])
    lines += align(rows, right={5, 6, 7, 8, 9})
    return "\n".join(lines) + "\n"
