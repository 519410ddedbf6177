"""Benchmark of per-element levers (``params={"x[elem]": TimeSeries}``) at the engine's front door.

Run time against the same run with fixed values.

Per-element levers are tabulated once per run into the variable's lever table
``(grid, n or 1, *dims)``; the generated step only indexes that table, as for a whole-variable
lever. This script prints ratios that show it:

* ``plan``: scenarios/shijiazhuang/plan.yaml with its sampled inputs (n = 1000); its element
  levers (``investment_rate[secondary|tertiary]``, ``tfp_growth[primary]``) against the same
  elements fixed at their last lever value;
* ``wide``: a synthetic model with one stock per element of a 200-element dimension; every
  element its own per-scenario TimeSeries, against one whole-variable TimeSeries, against fixed
  values (n = 500, 100 steps).

Usage::

    python benchmarks/element_levers.py            # both workloads, best of 5
    python benchmarks/element_levers.py --reps 2
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

import simulator
from simulator import TimeSeries

REPO = Path(__file__).resolve().parents[1]
WIDE_ELEMENTS, WIDE_N, WIDE_STEPS = 200, 500, 100


def best_of(model, kwargs, reps):
    """Shortest wall time of ``reps`` runs (after one warm-up run that compiles the program)."""
    model.run(**kwargs)
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        model.run(**kwargs)
        times.append(time.perf_counter() - start)
    return min(times)


def plan_workload(reps):
    """(element levers, same elements fixed) seconds on the Shijiazhuang plan scenario."""
    from simulator.scenarios.scenario import load_scenario

    scenario = load_scenario(REPO / "scenarios" / "shijiazhuang" / "plan.yaml")
    model = simulator.load_model(scenario.model_path)
    kwargs = scenario.run_kwargs(scenario.sample_inputs())
    fixed_params = {key: value.values[..., -1] if isinstance(value, TimeSeries) and "[" in key else value
                    for key, value in kwargs["params"].items()}
    return best_of(model, kwargs, reps), best_of(model, dict(kwargs, params=fixed_params), reps), kwargs["n"]


def wide_workload(reps):
    """(every element its own series, one whole series, fixed) seconds on a 200-element model."""
    elements = ", ".join(f"e{i}" for i in range(WIDE_ELEMENTS))
    body = (f"{{UTF-8}}\nPlace: {elements} ~ ~ |\nrate[Place] = 1 ~ ~ |\n"
            f"level[Place] = INTEG(rate[Place] * level[Place] * 0.001 + rate[Place], 1) ~ ~ |\n"
            f"INITIAL TIME = 0 ~ ~ |\nFINAL TIME = {WIDE_STEPS} ~ ~ |\nTIME STEP = 1 ~ ~ |\nSAVEPER = 10 ~ ~ |\n")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "wide.mdl"
        path.write_text(body, encoding="utf-8")
        model = simulator.load_model(path)
    rng = np.random.default_rng(0)
    times = [0, WIDE_STEPS / 2, WIDE_STEPS]
    per_element = {f"rate[e{i}]": TimeSeries(times, rng.uniform(0, 2, (WIDE_N, 3))) for i in range(WIDE_ELEMENTS)}
    whole = {"rate": TimeSeries(times, rng.uniform(0, 2, (WIDE_N, 3)))}
    fixed = {"rate": rng.uniform(0, 2, (WIDE_N, WIDE_ELEMENTS))}
    return [best_of(model, {"params": params, "n": WIDE_N}, reps) for params in (per_element, whole, fixed)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5, help="timed runs per configuration (best is kept)")
    args = parser.parse_args()
    levers, fixed, n = plan_workload(args.reps)
    print(f"plan (shijiazhuang, n={n}): element levers {levers:.4f} s, fixed {fixed:.4f} s, "
          f"ratio {levers / fixed:.2f}")
    per_element, whole, fixed = wide_workload(args.reps)
    print(f"wide ({WIDE_ELEMENTS} elements, n={WIDE_N}, {WIDE_STEPS} steps): per-element series {per_element:.4f} s, "
          f"whole series {whole:.4f} s, fixed {fixed:.4f} s; ratios {per_element / whole:.2f} (vs whole), "
          f"{per_element / fixed:.2f} (vs fixed)")


if __name__ == "__main__":
    main()
