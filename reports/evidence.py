"""Report stage, evidence beside the batch: the baseline's fit to published history and issue-11 analysis files.

Validation: the region's deterministic baseline (``baseline.yaml`` beside the scenario the main run
used) is run once through :func:`simulator.runs.validation.validate_scenario` — the same numbers
``python run.py validate-history`` prints. Analyses: result files of ``python run.py sensitivity``,
``seek`` and ``prim`` found in the run folder or its ``analysis/`` subfolder (``sensitivity*.csv``,
``seek*.csv``, ``prim*.csv``); absent files make the pages say so, with the command that makes them.
"""

from pathlib import Path

import pandas as pd

#: analysis kind -> (file glob, command template that writes it)
ANALYSES = {
    "sensitivity": ("sensitivity*.csv", "python run.py sensitivity {run}"),
    "seek": ("seek*.csv", "python run.py seek {run}"),
    "prim": ("prim*.csv", "python run.py prim {run}"),
}

#: Subfolders of a run folder searched for analysis files (besides the folder itself).
ANALYSIS_DIRS = ("", "analysis")


def baseline_path(run):
    """The deterministic ``baseline.yaml`` of the run's scenario folder, or None."""
    scenario = run.manifest.get("scenario_path")
    if not scenario:
        return None
    path = Path(scenario).parent / "baseline.yaml"
    return path if path.is_file() else None


def validation(ctx):
    """(ValidationReport or None, reason key of reports.labels or "", command) of the main run's region (cached)."""
    if "validation" not in ctx.cache:
        ctx.cache["validation"] = _validate(ctx.main)
    return ctx.cache["validation"]


def _validate(run):
    path = baseline_path(run)
    command = f"python run.py validate-history {path or 'scenarios/<region>/baseline.yaml'}"
    if path is None:
        return None, "no_baseline", command
    from simulator.errors import SimulatorError
    from simulator.runs.validation import validate_scenario

    try:
        return validate_scenario(path), "", command
    except SimulatorError:
        return None, "validation_failed", command


def series_errors(ctx) -> dict:
    """Model variable -> its SeriesValidation (empty without a validation)."""
    report = validation(ctx)[0]
    return {s.variable: s for s in report.series} if report is not None else {}


def analysis_file(run, kind: str):
    """The newest result file of analysis ``kind`` for ``run`` (Path) or None."""
    pattern = ANALYSES[kind][0]
    found = [p for sub in ANALYSIS_DIRS for p in (run.path / sub).glob(pattern) if p.is_file()]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def read_analysis(run, kind: str):
    """(DataFrame, Path) of the analysis file, or (None, None) when absent or unreadable."""
    path = analysis_file(run, kind)
    if path is None:
        return None, None
    try:
        return pd.read_csv(path), path
    except (OSError, ValueError, pd.errors.ParserError):
        return None, None


def command(run, kind: str) -> str:
    """The command that writes analysis ``kind`` for ``run``."""
    return ANALYSES[kind][1].format(run=run.path)
