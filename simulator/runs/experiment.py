"""Scenario + design (unit-cube points) → goal values and met per row, in memory: the runner of sensitivity and seek.

A *design* is a matrix of probabilities ``u`` (rows × uncertain inputs) in (0, 1). Each column
goes through its input's own inverse CDF (``simulator.scenarios.distributions``), so SALib's
samplers, which fill the unit hypercube, sample the scenario's real distributions. The rows run
as one vectorized batch, chunk by chunk (memory bounded by the chunk size); only the goal
variables are kept and each goal is evaluated with the same rule as ``goals.csv``
(``simulator.plans.kinds``): a failed scenario has value NaN and is not met.

Correlations between uncertain inputs are *not* imposed here (variance-based indices assume
independent inputs); :func:`correlation_note` says so when a scenario declares any.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

from simulator.errors import BatchOptionError, PlanError
from simulator.names import split_name, to_id
from simulator.plans.goals import check_goals, goal_series, goal_spec
from simulator.plans.kinds import KINDS

#: Smallest and largest probability fed to an inverse CDF (keeps unbounded marginals finite).
U_LOW, U_HIGH = 1e-12, 1.0 - 1e-12

#: Rows per chunk when the caller does not say.
DEFAULT_CHUNK_SIZE = 20_000


@dataclass
class Outcomes:
    """Per goal, one entry per design row: ``value`` (NaN where failed) and ``met`` (0/1)."""

    goal_ids: list
    value: dict = field(default_factory=dict)
    met: dict = field(default_factory=dict)
    failed: np.ndarray | None = None
    seconds: float = 0.0


def load_for_experiment(path, goal_ids=None):
    """The scenario, its compiled model and the goals to study (all the scenario's goals by default).

    Raises
    ------
    ScenarioError, PlanError, BatchOptionError
        A bad scenario, no uncertain inputs, no goals, or an unknown goal id.
    """
    from simulator.runs.chunks import model_of
    from simulator.scenarios.scenario import load_scenario
    from simulator.yamlmarks import display_path

    scenario = load_scenario(path)
    where = display_path(scenario.path)
    if not scenario.uncertain:
        raise BatchOptionError(f"{where}: the scenario has no uncertain: inputs to vary; "
                               f"use its *_uncertain.yaml sibling")
    goals = scenario.goals
    if goal_ids:
        known = {g.id: g for g in (scenario.plan.goals if scenario.plan else [])}
        missing = [g for g in goal_ids if g not in known]
        if missing:
            raise PlanError(f"{where}: no goal {', '.join(repr(m) for m in missing)} in the plan; "
                            f"known goals: {', '.join(known) or 'none'}")
        goals = [known[g] for g in goal_ids]
    if not goals:
        raise BatchOptionError(f"{where}: the scenario checks no goals; give --goals or a region with a plan")
    return scenario, model_of(scenario), goals


def correlation_note(scenario) -> str:
    """A sentence for the output when the scenario's correlations were left out (else "")."""
    if not scenario.correlation:
        return ""
    pairs = ", ".join(f"{a}~{b} {rho:g}" for a, b, rho in scenario.correlation)
    return f"the scenario's rank correlations ({pairs}) are not imposed: the inputs are sampled independently"


def to_inputs(scenario, unit: np.ndarray) -> pd.DataFrame:
    """Design rows in (0, 1) → input values, column j through uncertain input j's inverse CDF."""
    unit = np.clip(np.asarray(unit, dtype=float), U_LOW, U_HIGH)
    columns = {spec.name: spec.ppf(unit[:, j]) for j, spec in enumerate(scenario.uncertain)}
    return pd.DataFrame(columns)


def _output_ids(goals) -> list:
    ids = []
    for goal in goals:
        name, _ = split_name(goal_spec(goal).variable)
        if to_id(name) not in ids:
            ids.append(to_id(name))
    return ids


def run_rows(scenario, model, goals, inputs: pd.DataFrame, overrides: dict | None = None,
             chunk_size: int | None = None, progress: Callable | None = None,
             on_chunk: Callable | None = None, kernel: str | None = None) -> Outcomes:
    """Run every row of ``inputs`` (plus per-row ``overrides``) and evaluate ``goals`` on it.

    Parameters
    ----------
    scenario : Scenario
        Its fixed values, levers and time settings apply to every row.
    model : CompiledModel
    goals : list of Goal
    inputs : pandas.DataFrame
        One column per uncertain input (rows of :func:`to_inputs`).
    overrides : dict, optional
        ``{engine parameter: array (rows,) or (rows, T) of a TimeSeries, or a callable(a, b)}``
        replacing what the scenario gives, row by row (``seek`` sets its lever this way).
    chunk_size : int, optional
        Rows per model call (default :data:`DEFAULT_CHUNK_SIZE`).
    progress : callable, optional
        ``progress(done, total, label)`` after every chunk.
    on_chunk : callable, optional
        ``on_chunk(ds, a, b)`` with each chunk's results Dataset (rows ``[a, b)``), e.g. to keep the
        goal variables' time paths (the explore app's fan charts).
    kernel : str, optional
        ``CompiledModel.run``'s ``kernel`` (auto, fused, numpy; default: the engine's choice).

    Returns
    -------
    Outcomes
    """
    n = len(inputs)
    chunk = int(chunk_size or DEFAULT_CHUNK_SIZE)
    if chunk < 1:
        raise BatchOptionError(f"--chunk-size must be a whole number >= 1, got {chunk_size}")
    specs = [goal_spec(g) for g in goals]
    result = Outcomes([s.id for s in specs])
    for spec in specs:
        result.value[spec.id] = np.full(n, np.nan)
        result.met[spec.id] = np.zeros(n, dtype=np.int8)
    result.failed = np.zeros(n, dtype=bool)
    columns = _output_ids(goals)
    started = time.perf_counter()
    for a in range(0, n, chunk):
        b = min(a + chunk, n)
        kwargs = scenario.run_kwargs(inputs.iloc[a:b])
        kwargs["return_columns"] = columns
        if kernel:
            kwargs["kernel"] = kernel
        for key, value in (overrides or {}).items():
            kwargs["params"][key] = value(a, b) if callable(value) else value[a:b]
        ds = model.run(**kwargs)
        if a == 0:
            check_goals(ds, goals)
        _evaluate(ds, specs, result, a, b)
        if on_chunk:
            on_chunk(ds, a, b)
        if progress:
            progress(b, n, scenario.name)
    result.seconds = time.perf_counter() - started
    return result


def _evaluate(ds, specs, result: Outcomes, a: int, b: int) -> None:
    times = np.asarray(ds["time"].values, dtype=float)
    engine_failed = np.asarray(ds["status"].values) != 0 if "status" in ds else np.zeros(b - a, dtype=bool)
    result.failed[a:b] |= engine_failed
    for spec in specs:
        values = np.asarray(goal_series(ds, spec).values, dtype=float)
        outcome = KINDS[spec.comparison].evaluate(spec, times, values)
        value = np.asarray(outcome.value, dtype=float)
        failed = engine_failed | ~np.asarray(outcome.finite, dtype=bool) | ~np.isfinite(value)
        result.value[spec.id][a:b] = np.where(failed, np.nan, value)
        result.met[spec.id][a:b] = np.where(failed, 0, np.asarray(outcome.met)).astype(np.int8)


def write_folder(folder, files: dict) -> None:
    """Write ``{name: callable(path)}`` into ``folder`` via a ``.part`` sibling renamed at the end.

    Nothing half-written is left in ``folder``: if a writer fails, the ``.part`` folder is removed.
    """
    import shutil
    from pathlib import Path

    folder = Path(folder)
    part = folder.with_name(folder.name + ".part")
    if part.exists():
        shutil.rmtree(part)
    part.mkdir(parents=True)
    try:
        for name, writer in files.items():
            writer(part / name)
        if folder.exists():
            folder.rmdir()               # checked empty up front
        part.rename(folder)
    except BaseException:
        shutil.rmtree(part, ignore_errors=True)
        raise


def check_out_folder(out, default_name: str):
    """The output folder (``out`` or ``out/<default_name>-<UTC stamp>``); refused if it holds files."""
    from pathlib import Path

    from simulator.errors import RunDirError
    from simulator.runs.batch import default_folder

    folder = Path(out) if out is not None else default_folder(default_name)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise RunDirError(f"{folder}: output folder exists and is not empty; choose another --out or remove it")
    return folder
