"""Report stage, evidence beside the batch: the baseline's fit to published history and issue-11 analysis files.

Validation: the region's deterministic baseline (``baseline.yaml`` beside the scenario the main run
used) is run once through :func:`simulator.runs.validation.validate_scenario` — the same numbers
``python run.py validate-history`` prints. Analyses: result files of ``python run.py sensitivity``,
``seek`` and ``discover`` found in the run folder or below its ``analysis/`` subfolder
(``sensitivity*.csv``, ``seek*.csv``, ``discovery_limits*.csv``; docs/sensitivity.md); absent files
make the pages say so, with the command that makes them.
"""

from pathlib import Path

import pandas as pd

#: The plansim folder (scenario paths under it are shown relative to it).
PROJECT = Path(__file__).resolve().parents[1]

#: analysis kind -> (file glob, command template that writes it into the run's analysis/ folder;
#: docs/sensitivity.md gives each file's columns)
ANALYSES = {
    "sensitivity": ("sensitivity*.csv", "python run.py sensitivity {scenario} --out {run}/analysis/sensitivity"),
    "seek": ("seek*.csv", "python run.py seek {scenario} --goal GOAL --out {run}/analysis/seek-GOAL"),
    "prim": ("discovery_limits*.csv", "python run.py discover {scenario} --out {run}/analysis/discovery"),
}



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
    command = f"python run.py validate-history {shown_path(path) if path else 'scenarios/<region>/baseline.yaml'}"
    if path is None:
        return None, "no_baseline", command
    from simulator.errors import SimulatorError
    from simulator.plans.observed import is_imported
    from simulator.runs.validation import validate_scenario

    plan = getattr(run, "plan", None)
    # an office's imported figures (data.yaml): the free constants are refitted on them before the test
    refit = bool(plan is not None and (plan.calibration or {}).get("free")
                 and any(is_imported(p) for p in plan.published))
    command += " --refit" if refit else ""
    try:
        return validate_scenario(path, refit=refit), "", command
    except SimulatorError:
        return None, "validation_failed", command


#: samples and seed of the band drawn on the validation page: those of tests/models/test_record.py
BAND_SAMPLES, BAND_SEED = 40, 20201101


def record_bands(ctx, report) -> dict:
    """``{variable: (years, low, high)}``: the 5-95 % band of ``baseline_uncertain.yaml`` beside the baseline over
    each validated series' years ±1 (cached; empty without that file or when its run fails)."""
    if "record_bands" not in ctx.cache:
        ctx.cache["record_bands"] = _bands(ctx.main, report)
    return ctx.cache["record_bands"]


def _bands(run, report) -> dict:
    path = baseline_path(run)
    uncertain = path.with_name("baseline_uncertain.yaml") if path is not None else None
    if report is None or not report.series or uncertain is None or not uncertain.is_file():
        return {}
    from simulator.errors import SimulatorError
    from simulator.runs.validation import record_bands as bands

    spans = {s.variable: (min(s.years) - 1, max(s.years) + 1) for s in report.series}
    try:
        return bands(uncertain, spans, BAND_SAMPLES, BAND_SEED)
    except SimulatorError:
        return {}


def no_out_of_sample(ctx, report) -> list:
    """Sentences saying why nothing is tested out of sample (empty when some series is): the fit window's end, the
    latest published figure of the region, and how many published figures of other areas only set constants."""
    if report is None or any(s.out_of_sample is not None for s in report.series):
        return []
    years = [int(y) for s in report.series for y in s.years]
    if not years:
        return [ctx.t("f_validation_no_oos")]
    result = [ctx.t("f_no_oos_why", until=report.fit_until, last=max(years))]
    others = [p for p in (getattr(ctx.plan, "published", None) or []) if getattr(p, "variable", None) is None]
    if others:
        result.append(ctx.t("f_no_oos_others", k=len(others)))
    return result


def record_misfits(ctx) -> list:
    """One sentence per figure the region's plan lists under ``record.misfits`` (size and reason; issue 20)."""
    plan = getattr(ctx, "plan", None)
    record = getattr(plan, "record", None) or {}
    figures = {f.id: f for f in [*getattr(plan, "history", []), *getattr(plan, "published", [])]}
    result = []
    for misfit in record.get("misfits", []):
        figure = figures.get(misfit["id"])
        size, reason = (text.get(ctx.lang) or next(iter(text.values()), "") if isinstance(text, dict) else text
                        for text in (misfit["size"], misfit["reason"]))
        from .indicators import input_label

        label = input_label(ctx.main, figure.variable, ctx.lang) if figure is not None else misfit["id"]
        result.append(ctx.t("f_record_misfit", label=label, year=int(figure.year) if figure else "?",
                            value=f"{figure.value:g}" if figure else "?", size=size, reason=reason))
    return result


def series_errors(ctx) -> dict:
    """Model variable -> its SeriesValidation (empty without a validation)."""
    report = validation(ctx)[0]
    return {s.variable: s for s in report.series} if report is not None else {}


def analysis_file(run, kind: str):
    """The newest result file of analysis ``kind`` for ``run`` (Path) or None."""
    pattern = ANALYSES[kind][0]
    found = [p for p in run.path.glob(pattern) if p.is_file()]
    found += [p for p in (run.path / "analysis").rglob(pattern) if p.is_file()]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def read_analysis(run, kind: str):
    """(DataFrame, Path) of the analysis file, or (None, None) when absent or unreadable."""
    path = analysis_file(run, kind)
    if path is None:
        return None, None
    try:
        frame = pd.read_csv(path)
    except (OSError, ValueError, pd.errors.ParserError):
        return None, None
    return (_wide_indices(frame) if kind == "sensitivity" else frame), path


def _wide_indices(frame: pd.DataFrame) -> pd.DataFrame:
    """``sensitivity.csv``'s long rows (goal_id, output, input, index, estimate, conf) as one row per
    goal × input with a column per index on the goal value (``S1``, ``ST``, ``S1_conf`` …)."""
    if not {"goal_id", "input", "index", "estimate"} <= set(frame.columns):
        return frame
    if "output" in frame.columns:
        frame = frame[frame["output"] == "value"]
    wide = frame.pivot_table(index=["goal_id", "input"], columns="index", values="estimate", aggfunc="first")
    if "conf" in frame.columns:
        conf = frame.pivot_table(index=["goal_id", "input"], columns="index", values="conf", aggfunc="first")
        wide = wide.join(conf.add_suffix("_conf"))
    return wide.reset_index().rename_axis(columns=None)


def shown_path(path, cwd=None) -> str:
    """``path`` as a command in the report shows it: relative to the working folder when inside it, else relative
    to the plansim folder (shipped scenarios), else its name only; never a machine's absolute path."""
    path = Path(path)
    if not path.is_absolute():
        return path.as_posix()
    for base in (Path(cwd or Path.cwd()), PROJECT):
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return path.name


def command(run, kind: str) -> str:
    """The command that writes analysis ``kind`` for ``run`` (paths as :func:`shown_path` shows them)."""
    scenario = run.manifest.get("scenario_path")
    scenario = shown_path(scenario) if scenario else "SCENARIO.yaml"
    return ANALYSES[kind][1].format(run=shown_path(run.path), scenario=scenario)


def seek_results(run) -> dict:
    """``{goal id: seek.json dict}`` of every seek written under the run folder (newest per goal)."""
    import json

    found = {}
    paths = sorted(list(run.path.glob("seek*.json")) + list((run.path / "analysis").rglob("seek.json")),
                   key=lambda p: p.stat().st_mtime)
    for path in paths:
        try:
            result = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(result, dict) and result.get("goal_id"):
            found[result["goal_id"]] = result
    return found


def seek_in_units(run, result: dict, goal) -> dict:
    """The seek's answer, the plan's value and the top of the searched range, in the lever's own units.

    Reads both seek.json layouts: the one in the lever's units (``needed_value``, ``plan_value``, ``found``,
    ``lever_unit``; issue 21.6) and the earlier one (``answer``, ``scenario_magnitude``, ``reached``, ``mode``),
    where a seek over a time path answered as a multiplier of the path, turned here into the path's value in the
    goal's year. Keys ``answer`` (None when not reached), ``plan``, ``high``, ``reached``, ``unit``.
    """
    import numpy as np

    low_high = result.get("range") or [None, None]
    if "needed_value" in result or "plan_value" in result:
        return {"answer": result.get("needed_value"), "plan": result.get("plan_value"), "high": low_high[1],
                "reached": bool(result.get("found")), "unit": result.get("lever_unit") or ""}
    found = {"reached": bool(result.get("reached")), "unit": ""}
    if result.get("mode") != "multiplier":
        return {**found, "answer": result.get("answer"), "plan": result.get("scenario_magnitude"), "high": low_high[1]}
    spec = getattr(run.scenario, "levers", {}).get(result.get("lever")) if run.scenario is not None else None
    if spec is None:
        return {**found, "answer": result.get("answer"), "plan": 1.0, "high": low_high[1]}
    year = goal.year[-1] if isinstance(goal.year, (list, tuple)) else goal.year
    level = float(np.interp(float(year), np.asarray(spec.times, float), np.asarray(spec.values, float)))
    answer = result.get("answer")
    return {**found, "answer": None if answer is None else answer * level, "plan": level,
            "high": None if low_high[1] is None else low_high[1] * level}
