"""Scenario + goal + lever → the smallest lever magnitude at which P(goal met) reaches a probability (``run.py seek``).

The lever is either a **time path** of the scenario (``levers:``; the magnitude is a multiplier
on the whole path) or a **constant** (a ``set:`` value, an uncertain input, or any model
constant; the magnitude is its value, the same in every sampled scenario). The scenario's
uncertain inputs are sampled once (its own design, seed and correlations) and reused for every
magnitude (common random numbers), so the P(met) curve moves only because the lever does.

1. ``K`` candidate magnitudes evenly over ``--range`` × the ``n`` samples run as **one** batch on
   the scenario axis (``K·n`` rows);
2. the first candidate whose P(met) reaches ``prob`` and the one before it bracket the answer;
   bisection on the same samples narrows it (each step ``n`` more runs);
3. the answer's sampling error is the binomial error of P(met) divided by the curve's slope
   there (delta method). No candidate reaching ``prob`` is a clear refusal (:class:`SeekError`).

Written: ``seek.csv`` (the curve) and ``seek.json`` (layout in docs/sensitivity.md).
"""

from __future__ import annotations

import json
import math
import time

import numpy as np
import pandas as pd

from simulator.errors import BatchOptionError, SimulatorError
from simulator.runs.experiment import check_out_folder, load_for_experiment, run_rows, write_folder

#: Candidate magnitudes on the first pass, bisection steps after it.
DEFAULT_POINTS, BISECT_STEPS = 11, 8
CURVE_COLUMNS = ["magnitude", "p_met", "se", "n", "stage"]


class SeekError(SimulatorError):
    """No magnitude in the range reaches the probability (the curve is still written)."""


def _lever(scenario, model, name: str):
    """``(engine key, mode, base)``: mode ``multiplier`` (base = the TimeSeries) or ``value`` (base = current value)."""
    if name in scenario.levers:
        return scenario.targets.get(name, name), "multiplier", scenario.levers[name]
    uncertain = {spec.name: spec for spec in scenario.uncertain}
    if name in uncertain:
        return scenario.targets.get(name, name), "value", uncertain[name].median
    if name in scenario.fixed:
        value = scenario.fixed[name]
        if isinstance(value, (int, float)):
            return scenario.targets.get(name, name), "value", float(value)
    try:
        info = model.find(name.split("[")[0])
    except SimulatorError:
        raise BatchOptionError(f"--lever {name!r}: not a lever, input or constant of {scenario.name} "
                               f"(levers: {', '.join(scenario.levers) or 'none'})") from None
    if info.kind != "constant":
        raise BatchOptionError(f"--lever {name!r} is a model {info.kind}, not a constant; "
                               f"give a constant or a lever of the scenario")
    return name, "value", None


def _default_range(mode, base, name, scenario):
    if mode == "multiplier":
        return 0.0, 3.0
    support = {spec.name: spec.support for spec in scenario.uncertain}.get(name)
    if support and all(math.isfinite(s) for s in support):
        return float(support[0]), float(support[1])
    if base:
        return (0.0, 3.0 * base) if base > 0 else (3.0 * base, 0.0)
    raise BatchOptionError(f"--lever {name!r} has no range to search; give --range LOW,HIGH")


def _override(key, mode, base, magnitudes: np.ndarray, n: int) -> dict:
    """``{engine key: per-row values}`` for magnitudes repeated ``n`` times each (rows magnitude-major)."""
    per_row = np.repeat(np.asarray(magnitudes, dtype=float), n)
    if mode == "value":
        return {key: lambda a, b: per_row[a:b]}
    from simulator.engine.timeseries import TimeSeries

    path = np.asarray(base.values, dtype=float).reshape(1, -1)     # a scenario lever: one path (T,)

    def series(a, b):
        return TimeSeries(base.times, path * per_row[a:b, None], kind=base.kind)

    return {key: series}


def _p_met(scenario, model, goal, inputs, key, mode, base, magnitudes, chunk_size, progress):
    n = len(inputs)
    rows = pd.concat([inputs] * len(magnitudes), ignore_index=True)
    outcomes = run_rows(scenario, model, [goal], rows, _override(key, mode, base, magnitudes, n),
                        chunk_size=chunk_size, progress=progress)
    met = outcomes.met[goal.id].reshape(len(magnitudes), n).astype(float)
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
    """Find the smallest lever magnitude with P(goal met) >= ``prob``; returns ``(folder, result dict)``.

    Raises
    ------
    SeekError
        No magnitude in the range reaches ``prob`` (after writing the curve).
    SimulatorError
        Bad scenario, goal, lever or options (nothing written).
    """
    scenario, model, goals = load_for_experiment(path, [goal])
    goal_obj = goals[0]
    key, mode, base = _lever(scenario, model, lever)
    low, high = value_range if value_range else _default_range(mode, base, lever, scenario)
    _check(prob, low, high, points)
    seed = scenario.sampling.seed if seed is None else int(seed)
    inputs = scenario.sample_inputs(n=n, seed=seed)
    label = f"{scenario.region}-{scenario.name}" if scenario.region else scenario.name
    folder = check_out_folder(out, f"{label}-seek-{goal}")
    started = time.perf_counter()
    grid = np.linspace(low, high, points)
    curve = {float(m): float(p) for m, p in zip(grid, _p_met(scenario, model, goal_obj, inputs, key, mode, base,
                                                             grid, chunk_size, progress))}
    answer = _bisect(curve, prob, len(inputs), lambda m: float(_p_met(scenario, model, goal_obj, inputs, key, mode, base,
                                                          np.array([m]), chunk_size, None)[0]))
    n_rows = len(inputs)
    table = pd.DataFrame([[m, p, math.sqrt(p * (1 - p) / n_rows), n_rows, "grid" if m in set(grid) else "bisect"]
                          for m, p in sorted(curve.items())], columns=CURVE_COLUMNS)
    result = {
        "kind": "seek", "goal_id": goal, "lever": lever, "mode": mode, "prob": prob, "range": [low, high],
        "scenario": str(scenario.path), "scenario_name": scenario.name, "region": scenario.region,
        "n": n_rows, "seed": seed, "scenario_magnitude": 1.0 if mode == "multiplier" else base,
        "answer": answer[0] if answer else None, "answer_se": answer[1] if answer else None,
        "reached": answer is not None, "p_at_low": curve[float(grid[0])], "p_max": max(curve.values()),
        "seconds": round(time.perf_counter() - started, 3), "runs": int(n_rows * len(curve)), "command": command,
    }
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


def refusal(result: dict) -> SeekError:
    """The error ``run.py seek`` ends with when no magnitude in range reaches the probability."""
    low, high = result["range"]
    return SeekError(f"{result['scenario']}: no {result['lever']} magnitude in [{low:g}, {high:g}] gives "
                     f"P({result['goal_id']} met) >= {result['prob']:.0%} (highest {result['p_max']:.1%}); "
                     f"widen --range or lower --prob")


def format_seek(result: dict, table: pd.DataFrame) -> str:
    """The curve and the answer, as ``run.py seek`` prints them."""
    unit = "× its time path" if result["mode"] == "multiplier" else "(value)"
    lines = [f"P({result['goal_id']} met) against {result['lever']} {unit}, {result['n']:,} sampled scenarios each:"]
    for row in table.itertuples():
        mark = "*" if row.stage == "bisect" else " "
        lines.append(f"  {row.magnitude:>12.6g}{mark} {row.p_met:6.1%} ± {row.se:.1%}  {'#' * int(round(row.p_met * 40))}")
    target = f"{result['prob']:.0%}"
    if result["reached"]:
        own = result["scenario_magnitude"]
        own = "the model's own value" if own is None else f"{own:.4g}"
        lines.append(f"smallest magnitude with P(met) >= {target}: {result['answer']:.4g} ± {result['answer_se']:.2g} "
                     f"(the scenario assumes {own}; * = bisection steps)")
    return "\n".join(lines) + "\n"
