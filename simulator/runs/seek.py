"""Scenario + goal + lever → the lever value, in its own units, at which P(goal met) reaches a probability (``run.py seek``).

The search changes the lever only **from the plan's first year** (``plan: {start_year}`` of the
region's plan.yaml; the run start when the plan names none), never the history before it:

- a **constant** (a ``set:`` value, an uncertain input, or any model constant): the candidate value
  holds from the start year on; before it every sampled scenario keeps its own value;
- a **time path** (``levers:``): the candidate is the path's end point; points after the start year
  are moved proportionally between the path's value at the start year and the candidate (a ramp
  keeps its shape and start, a step takes the candidate), points before it are kept.

A 0/1 switch (the scenario and the plan's assumptions give it 0 and 1 and nothing else) is not a seek
lever: it has no amount to search. The scenario's uncertain inputs are sampled once (its own design,
seed and correlations) and reused for every candidate (common random numbers), so the P(met) curve
moves only because the lever does.

1. ``K`` candidate values evenly over ``--range`` (default: the range of the plan's assumption on
   the lever, or the uncertain input's support) × the ``n`` samples run as **one** batch on the
   scenario axis (``K·n`` rows), plus the plan's own value;
2. the first candidate whose P(met) reaches ``prob`` and the one before it bracket the answer;
   bisection on the same samples narrows it (each step ``n`` more runs);
3. the answer's sampling error is the binomial error of P(met) divided by the curve's slope
   there (delta method). No candidate reaching ``prob`` is an answer too: ``found`` is false.

Written: ``seek.csv`` (the curve) and ``seek.json`` (:class:`SeekResult`; layout in docs/sensitivity.md).
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from simulator.errors import BatchOptionError, SimulatorError
from simulator.runs.experiment import check_out_folder, load_for_experiment, run_rows, write_folder

#: Candidate values on the first pass, bisection steps after it.
DEFAULT_POINTS, BISECT_STEPS = 11, 8
CURVE_COLUMNS = ["value", "p_met", "se", "n", "stage"]


class SeekError(SimulatorError):
    """A lever that cannot be searched (a 0/1 switch, no range)."""


@dataclass
class Lever:
    """What seek varies: the engine key, the lever's unit, how a candidate enters, the plan's own value."""

    name: str
    key: str
    unit: str
    kind: str                 # "value" (a constant) or "path" (the end point of a time path)
    plan_value: float | None  # the scenario's value after the plan starts (an uncertain input: its median)
    start: float | None       # first year the candidate acts (None: the whole run)
    base: object = None       # the TimeSeries (path); the value before the start year, or None (each sample's own)
    default_range: tuple | None = None
    model_default: float | None = None


@dataclass
class SeekResult:
    """The answer of ``run.py seek`` (written as seek.json; docs/sensitivity.md)."""

    goal_id: str
    goal_label: dict
    lever: str
    lever_unit: str
    search: str               # "value" or "path end"
    start_year: float | None
    plan_value: float | None
    p_at_plan: float | None
    needed_value: float | None
    needed_se: float | None
    prob: float
    found: bool
    range: list
    p_max: float
    p_at_low: float
    n: int
    seed: int | None
    scenario: str
    scenario_name: str
    region: str | None
    runs: int = 0
    seconds: float = 0.0
    command: str = ""
    kind: str = field(default="seek")

    def as_dict(self) -> dict:
        return asdict(self)


def _series_at(times: np.ndarray, values: np.ndarray, kind: str, t: float) -> float:
    """A lever's value at ``t`` (held before the first and after the last point)."""
    if t <= times[0]:
        return float(values[0])
    if t >= times[-1]:
        return float(values[-1])
    if kind == "step":
        return float(values[np.searchsorted(times, t, side="right") - 1])
    return float(np.interp(t, times, values))


def _plan_start(scenario) -> float | None:
    """The plan's first year when it lies after the run start, else None (the candidate acts over the whole run)."""
    plan = getattr(scenario, "plan", None)
    start = getattr(plan, "start_year", None) if plan is not None else None
    run_start = scenario.time.get("start") if isinstance(getattr(scenario, "time", None), dict) else None
    if start is None or (run_start is not None and start <= run_start):
        return None
    return float(start)


def _assumptions(scenario, name: str) -> list:
    plan = getattr(scenario, "plan", None)
    return [a for a in getattr(plan, "assumptions", None) or [] if a.variable == name]


def _is_switch(values: list) -> bool:
    """Off and on and nothing in between: every value is 0 or 1, and both occur."""
    return {float(v) for v in values} == {0.0, 1.0}


def _switch_values(scenario, name: str) -> list:
    """Every value the scenario and the plan's assumptions give ``name`` (a switch has only 0 and 1)."""
    values = [v for a in _assumptions(scenario, name) for v in (a.value, *a.range)]
    if name in scenario.fixed and isinstance(scenario.fixed[name], (int, float)):
        values.append(scenario.fixed[name])
    if name in scenario.lever_specs:
        values += list(scenario.lever_specs[name].values)
    for spec in scenario.uncertain:
        if spec.name == name:
            values += [spec.support[0], spec.support[1]]
    return values


def _assumed_range(scenario, name: str) -> tuple | None:
    """The range of the plan's assumption on ``name`` (its ``*_plan`` one when there is one)."""
    found = _assumptions(scenario, name)
    planned = [a for a in found if a.id.endswith("_plan")] or found
    return (min(a.range[0] for a in planned), max(a.range[1] for a in planned)) if planned else None


def resolve_lever(scenario, model, name: str) -> Lever:
    """The :class:`Lever` for ``name`` in ``scenario`` (BatchOptionError / SeekError naming the fix otherwise)."""
    base_name = name.split("[")[0]
    try:
        info = model.find(base_name)
    except SimulatorError:
        raise BatchOptionError(f"--lever {name!r}: not a lever, input or constant of {scenario.name} "
                               f"(levers: {', '.join(scenario.levers) or 'none'})") from None
    if info.kind != "constant":
        raise BatchOptionError(f"--lever {name!r} is a model {info.kind}, not a constant; "
                               f"give a constant or a lever of the scenario")
    values = _switch_values(scenario, name)
    if _is_switch(values):
        goals = ", ".join(g.id for g in getattr(getattr(scenario, "plan", None), "goals", []) if name in g.levers)
        raise SeekError(f"--lever {name!r} is a 0/1 switch (on or off), not an amount to search"
                        + (f"; it is named in the levers of {goals}: list an amount lever first" if goals else "")
                        + "; give --lever with a size, e.g. a cluster's investment push")
    key = scenario.targets.get(name, name)
    start = _plan_start(scenario)
    unit = info.units or ""
    assumed = _assumed_range(scenario, name)
    if name in scenario.levers:
        path = scenario.levers[name]
        vals = np.asarray(path.values, dtype=float).reshape(-1)
        return Lever(name, key, unit, "path", float(vals[-1]), start, path, assumed)
    uncertain = {spec.name: spec for spec in scenario.uncertain}
    if name in uncertain:
        spec = uncertain[name]
        support = spec.support if all(math.isfinite(s) for s in spec.support) else None
        before = spec.start[1] if spec.start is not None else None     # sampled from the plan's year: its value before
        return Lever(name, key, unit, "value", float(spec.median), start, before, assumed or support)
    if name in scenario.fixed and isinstance(scenario.fixed[name], (int, float)):
        value = float(scenario.fixed[name])
        return Lever(name, key, unit, "value", value, start, value, assumed)
    default = _model_default(model, base_name, name)
    return Lever(name, key, unit, "value", default, start, None, assumed, model_default=default)


def _model_default(model, base_name: str, name: str) -> float | None:
    """The model file's value of a literal constant (one element of it for ``x[elem]``), else None."""
    from simulator.engine.params import _literal_value

    var = model.ir.variables.get(model.find(base_name).id) if hasattr(model.ir.variables, "get") else None
    if var is None:
        return None
    value = _literal_value(model.ir, var)
    if value is None:
        return None
    if value.size == 1:
        return float(value.ravel()[0])
    return None


def _default_range(lever: Lever):
    if lever.default_range is not None:
        return float(lever.default_range[0]), float(lever.default_range[1])
    base = lever.plan_value
    if base:
        return (0.0, 3.0 * base) if base > 0 else (3.0 * base, 0.0)
    raise BatchOptionError(f"--lever {lever.name!r} has no range to search; give --range LOW,HIGH")


def _path_rows(lever: Lever, per_row: np.ndarray):
    """The lever's time path with its end point moved to each row's candidate, from the start year on."""
    from simulator.engine.timeseries import TimeSeries

    path = lever.base
    times = np.asarray(path.times, dtype=float).reshape(-1)
    values = np.asarray(path.values, dtype=float).reshape(-1)
    start = times[0] if lever.start is None else lever.start
    anchor = _series_at(times, values, path.kind, start)
    if lever.start is not None and start not in times and times[0] < start:
        values = np.insert(values, np.searchsorted(times, start), anchor)
        times = np.insert(times, np.searchsorted(times, start), start)
    if times[-1] < start:
        times, values = np.append(times, start), np.append(values, anchor)
    end = values[-1]
    after = times >= start
    rows = np.repeat(values[None, :], len(per_row), axis=0)
    if end != anchor:
        scale = (per_row[:, None] - anchor) / (end - anchor)
        rows[:, after] = anchor + (values[after][None, :] - anchor) * scale
    else:
        rows[:, after] = per_row[:, None]
    return TimeSeries(times, rows, kind=path.kind)


def _override(lever: Lever, values: np.ndarray, inputs: pd.DataFrame) -> dict:
    """``{engine key: callable(a, b)}`` for candidate ``values`` × the sampled rows (rows value-major)."""
    n = len(inputs)
    per_row = np.repeat(np.asarray(values, dtype=float), n)
    if lever.kind == "path":
        return {lever.key: lambda a, b: _path_rows(lever, per_row[a:b])}
    if lever.start is None:
        return {lever.key: lambda a, b: per_row[a:b]}
    from simulator.engine.timeseries import TimeSeries

    if lever.base is not None:
        before = np.full(len(per_row), float(lever.base))
    elif lever.name in inputs.columns:
        before = np.tile(inputs[lever.name].to_numpy(dtype=float), len(values))
    elif lever.model_default is not None:
        before = np.full(len(per_row), lever.model_default)
    else:
        raise BatchOptionError(f"--lever {lever.name!r}: its value before {lever.start:g} is not a single number "
                               f"in the model file; set it in the scenario (set:) to seek it from the plan's start")
    times = np.array([lever.start - 1.0, lever.start])

    def series(a, b):
        return TimeSeries(times, np.stack([before[a:b], per_row[a:b]], axis=1), kind="step")

    return {lever.key: series}


def _p_met(scenario, model, goal, inputs, lever, values, chunk_size, progress):
    n = len(inputs)
    rows = pd.concat([inputs] * len(values), ignore_index=True)
    outcomes = run_rows(scenario, model, [goal], rows, _override(lever, values, inputs),
                        chunk_size=chunk_size, progress=progress)
    met = outcomes.met[goal.id].reshape(len(values), n).astype(float)
    return met.mean(axis=1)


def _check(prob, low, high, points):
    if not 0 < prob < 1:
        raise BatchOptionError(f"--prob must lie strictly between 0 and 1, got {prob}")
    if not low < high:
        raise BatchOptionError(f"--range {low:g},{high:g}: LOW must be below HIGH")
    if points < 2:
        raise BatchOptionError(f"--points must be at least 2, got {points}")


def seek(path, goal: str, lever: str, prob: float = 0.8, value_range=None, n=None, seed=None, points=DEFAULT_POINTS,
         out=None, chunk_size=None, progress=None, command: str = ""):
    """Find the smallest lever value (from the plan's start year) with P(goal met) >= ``prob``.

    Returns ``(folder, result, table)``: ``result`` is :meth:`SeekResult.as_dict` (also in seek.json), ``table``
    the P(met) curve (seek.csv). Not reaching ``prob`` in the range is an answer too (``found`` false).

    Raises
    ------
    SeekError
        The lever is a 0/1 switch or has no range to search (nothing written).
    SimulatorError
        Bad scenario, goal, lever or options (nothing written).
    """
    scenario, model, goals = load_for_experiment(path, [goal])
    goal_obj = goals[0]
    spec = resolve_lever(scenario, model, lever)
    low, high = value_range if value_range else _default_range(spec)
    _check(prob, low, high, points)
    seed = scenario.sampling.seed if seed is None else int(seed)
    inputs = scenario.sample_inputs(n=n, seed=seed)
    label = f"{scenario.region}-{scenario.name}" if scenario.region else scenario.name
    folder = check_out_folder(out, f"{label}-seek-{goal}")
    started = time.perf_counter()
    grid = np.linspace(low, high, points)
    stage = {float(m): "grid" for m in grid}
    candidates = grid if spec.plan_value is None or float(spec.plan_value) in stage else np.append(grid, spec.plan_value)
    curve = {float(m): float(p) for m, p in zip(candidates, _p_met(scenario, model, goal_obj, inputs, spec, candidates,
                                                                   chunk_size, progress))}
    grid_curve = {m: curve[m] for m in map(float, grid)}
    answer = _bisect(grid_curve, prob, len(inputs), lambda m: float(_p_met(scenario, model, goal_obj, inputs, spec,
                                                                       np.array([m]), chunk_size, None)[0]))
    curve.update(grid_curve)
    n_rows = len(inputs)

    def stage_of(m):
        return stage.get(m) or ("plan" if spec.plan_value is not None and m == float(spec.plan_value) else "bisect")

    table = pd.DataFrame([[m, p, math.sqrt(p * (1 - p) / n_rows), n_rows, stage_of(m)] for m, p in sorted(curve.items())],
                         columns=CURVE_COLUMNS)
    result = SeekResult(
        goal_id=goal, goal_label=dict(getattr(goal_obj, "label", {}) or {}), lever=lever, lever_unit=spec.unit,
        search="path end" if spec.kind == "path" else "value", start_year=spec.start,
        plan_value=spec.plan_value, p_at_plan=None if spec.plan_value is None else curve.get(float(spec.plan_value)),
        needed_value=answer[0] if answer else None, needed_se=answer[1] if answer else None, prob=prob,
        found=answer is not None, range=[low, high], p_max=max(grid_curve.values()), p_at_low=grid_curve[float(grid[0])],
        n=n_rows, seed=seed, scenario=str(scenario.path), scenario_name=scenario.name, region=scenario.region,
        runs=int(n_rows * len(curve)), seconds=round(time.perf_counter() - started, 3), command=command,
    ).as_dict()
    write_folder(folder, {
        "seek.csv": lambda p: table.to_csv(p, index=False, float_format="%.6g"),
        "seek.json": lambda p: p.write_text(json.dumps(result, indent=2, ensure_ascii=False)),
    })
    return folder, result, table


def _bisect(curve: dict, prob: float, n: int, p_of) -> tuple[float, float] | None:
    """``(magnitude, its sampling error)`` of the first crossing of ``prob`` on the curve, refined; None if none."""
    grid = sorted(curve)
    above = [m for m in grid if curve[m] >= prob]
    if not above:
        return None
    hi = above[0]
    if hi == grid[0]:
        return hi, 0.0
    lo = grid[grid.index(hi) - 1]
    for _ in range(BISECT_STEPS):
        mid = 0.5 * (lo + hi)
        curve[mid] = p_of(mid)
        lo, hi = (lo, mid) if curve[mid] >= prob else (mid, hi)
    slope = _local_slope(curve, hi)    # not the last bisection step's: over a tiny step P(met) jumps
    n_se = math.sqrt(prob * (1 - prob) / n)
    return hi, (n_se / slope if slope > 0 else float("inf"))


def _local_slope(curve: dict, at: float) -> float:
    """Slope of the P(met) curve around ``at`` from the nearest points on either side at least 5 % of the range apart."""
    grid = sorted(curve)
    span = (grid[-1] - grid[0]) * 0.05
    left = [m for m in grid if m <= at - span] or [grid[0]]
    right = [m for m in grid if m >= at + span] or [grid[-1]]
    a, b = left[-1], right[0]
    return (curve[b] - curve[a]) / (b - a) if b > a else 0.0


def goal_lever(path, goal: str) -> str:
    """The first lever the plan names for ``goal`` (its ``levers:``), or a BatchOptionError asking for --lever."""
    from simulator.scenarios.scenario import load_scenario

    scenario = load_scenario(path, check_model=False)
    levers = scenario.plan.goal(goal).levers if scenario.plan is not None else ()
    if not levers:
        raise BatchOptionError(f"goal {goal!r} names no levers in its plan.yaml; give --lever NAME")
    return levers[0]


def format_seek(result: dict, table: pd.DataFrame) -> str:
    """The curve and the answer in the lever's own units, as ``run.py seek`` prints them."""
    shown = str(result["lever_unit"] or "").strip()
    unit = f" ({shown})" if shown.lower() not in ("", "1", "dmnl", "dimensionless") else ""
    when = f" from {result['start_year']:g} on" if result["start_year"] is not None else ""
    what = " (end point of its time path)" if result["search"] == "path end" else ""
    lines = [f"P({result['goal_id']} met) against {result['lever']}{unit}{what}{when}, "
             f"{result['n']:,} sampled scenarios each:"]
    for row in table.itertuples():
        mark = {"bisect": "*", "plan": "p"}.get(row.stage, " ")
        lines.append(f"  {row.value:>12.6g}{mark} {row.p_met:6.1%} ± {row.se:.1%}  {'#' * int(round(row.p_met * 40))}")
    target = f"{result['prob']:.0%}"
    plan = result["plan_value"]
    own = "the model's own value" if plan is None else f"{plan:.4g}"
    at_plan = "" if result["p_at_plan"] is None else f", P(met) {result['p_at_plan']:.0%} there"
    if result["found"]:
        lines.append(f"needed for P(met) >= {target}: {result['lever']} = {result['needed_value']:.4g} "
                     f"± {result['needed_se']:.2g}{unit} (the scenario assumes {own}{at_plan}; * = bisection, p = plan)")
    else:
        low, high = result["range"]
        lines.append(f"not found: no {result['lever']} in [{low:g}, {high:g}]{unit} gives P(met) >= {target} "
                     f"(highest {result['p_max']:.1%}; the scenario assumes {own}{at_plan}); widen --range or lower --prob")
    return "\n".join(lines) + "\n"
