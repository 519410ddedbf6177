"""Run folder → summary: per-goal probability met, value quantiles and first year met, as text for ``run.py show``.

``summarize_run(path)`` reads ``manifest.json`` and ``goals.csv`` of a *complete* run folder
(docs/interfaces.md §4) through ``runs/runstore`` and takes its numbers from
``plans/attainment`` (the same the report prints), returning a :class:`RunSummary`; ``format_summary`` renders it as
aligned text (Chinese labels count as two columns wide, as terminals draw them).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.errors import SimulatorError
from simulator.plans import attainment
from simulator.plans.plan import load_plan
from simulator.runs.runstore import RunFolder, read_goals

#: Columns of :attr:`RunSummary.goals`: the attainment numbers plus the goal's label.
SUMMARY_COLUMNS = ["label", *attainment.SUMMARY_COLUMNS]


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
        ``goals`` has :data:`SUMMARY_COLUMNS`, one row per goal of the manifest, with the numbers
        of :func:`simulator.plans.attainment.goal_summary` (the same ones the report prints).

    Raises
    ------
    RunDirError
        Missing, incomplete (PARTIAL) or damaged run folder.
    """
    folder, manifest = RunFolder.open_complete(Path(path))
    goals = read_goals(folder.path)
    order = manifest.get("goal_ids", [])
    table = attainment.goal_summary(goals, order)
    table = table[table["goal_id"].isin(order)] if order else table
    labels = _labels(manifest)
    table.insert(0, "label", [labels.get(g, "") for g in table["goal_id"]])
    return RunSummary(folder.path, manifest, table[SUMMARY_COLUMNS].reset_index(drop=True))


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
    if np.isinf(x):
        return "never"
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


def _p_met_cell(goal) -> str:
    """P(met) with, when some scenarios failed (inf/NaN), how many: ``"40.0% (3 failed)"``."""
    failed = int(goal["n"]) - int(goal["n_ok"])
    return f"{100 * goal['p_met']:.1f}%" + (f" ({failed:,} failed)" if failed else "")


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
    ]
    if m.get("stored") and (m["stored"].get("years") is not None or m["stored"].get("precision") != "float32"):
        years = m["stored"].get("years")           # printed when outputs: asks for more or less than the default
        kept = "every saved year" if years is None else "years " + ", ".join(_number(y) for y in years)
        lines.append(f"stored:   results.zarr keeps {kept}, {m['stored'].get('precision')} (goals from the full float64 run)")
    lines.append("")
    if summary.goals.empty:
        lines.append("no goals evaluated (the scenario has no plan, or goals: [])")
        return "\n".join(lines) + "\n"
    header = ["goal", "label", "year", "test", "target", "P(met)", "median", "5%", "95%", "first met"]
    rows = [header]
    for _, g in summary.goals.iterrows():
        rows.append([
            str(g["goal_id"]), str(g["label"] or ""), str(g["year"]), str(g["comparison"]),
            _target(g["target"]), _p_met_cell(g),
            _number(g["median"]), _number(g["q05"]), _number(g["q95"]), _number(g["first_met"]),
        ])
    lines += align(rows, right={5, 6, 7, 8, 9})
    return "\n".join(lines) + "\n"


def failure_note(path) -> tuple[str | None, bool]:
    """``(line, all_failed)`` for a finished run: how many scenarios went non-finite and the commonest
    reason (None when none did); ``all_failed`` when no scenario finished with finite values."""
    folder, manifest = RunFolder.open_complete(Path(path))
    counts = manifest.get("status_counts") or {}
    failed, total = int(counts.get("failed", 0)), int(counts.get("ok", 0)) + int(counts.get("failed", 0))
    if not failed:
        return None, False
    from simulator.runs.runstore import read_results

    ds = read_results(folder.path, load=False)
    messages = pd.Series(ds["message"].values).astype(str) if "message" in ds else pd.Series([], dtype=str)
    reasons = messages[messages.str.len() > 0].value_counts()
    why = f"; commonest: {reasons.index[0]} ({reasons.iloc[0]:,})" if len(reasons) else ""
    return f"{folder.path}: {failed:,} of {total:,} scenarios failed (non-finite values){why}", failed == total
