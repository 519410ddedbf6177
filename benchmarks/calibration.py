"""Benchmark of the calibration stage (baseline scenario + plan history → fitted constants): batched vs one-at-a-time Jacobian.

A least-squares fit spends almost all its time in finite-difference Jacobians. simulator.runs.calibration
evaluates the point and its p perturbed copies as ONE ``model.run(n=p+1)`` call on the engine's
scenario axis. This script times that batched Jacobian against the same p+1 runs made one at a
time (what a scalar objective would do), then a whole fit started from the middle of each range, and prints the ratios.

Usage::

    python benchmarks/calibration.py                                   # Qiaoxi, 6 free constants
    python benchmarks/calibration.py scenarios/jizhou/baseline.yaml \
        --free "tfp_growth[secondary],pollution_control_rate,air_campaign_extra_control"
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulator.runs.calibration import BatchObjective, fit, free_parameters, targets_from_plan  # noqa: E402
from simulator.scenarios.scenario import load_scenario  # noqa: E402
from timing import best_of  # noqa: E402

QIAOXI_FREE = ("tfp_growth[secondary],tfp_growth[tertiary],initial_fiscal_revenue_ratio,"
               "fiscal_ratio_trend,cluster_growth[cultural_creative],pollution_control_rate")




def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="scenarios/qiaoxi/baseline.yaml")
    parser.add_argument("--free", default=QIAOXI_FREE)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)

    scenario = load_scenario(args.scenario)
    names = [n.strip() for n in args.free.split(",")]
    free = free_parameters(scenario.plan, names, scenario.fixed)
    keys = {p.name: scenario.targets.get(p.name, p.name) for p in free}
    targets = targets_from_plan(scenario.plan)
    objective = BatchObjective(scenario.model, scenario.run_kwargs(), free, targets, keys)
    theta = np.array([p.initial for p in free])
    rows = np.repeat(theta[None, :], len(free) + 1, axis=0)
    rows[1:] += np.diag((np.array([p.high for p in free]) - [p.low for p in free]) * 1e-4)

    batched = best_of(args.repeats, lambda: objective.simulate(rows))
    single = best_of(args.repeats, lambda: [objective.simulate(row[None, :]) for row in rows])
    from_middle = [type(p)(p.name, (p.low + p.high) / 2, p.low, p.high) for p in free]
    start = time.perf_counter()
    result = fit(scenario.model, scenario.run_kwargs(), from_middle, targets, keys=keys)
    whole = time.perf_counter() - start

    p = len(free)
    print(f"scenario: {args.scenario}; free constants: {p}; history facts: {len(targets)}")
    print(f"Jacobian, {p + 1} runs one at a time : {single * 1000:8.1f} ms")
    print(f"Jacobian, one batched run (n={p + 1})  : {batched * 1000:8.1f} ms")
    print(f"ratio one-at-a-time / batched        : {single / batched:8.2f}x")
    print(f"whole fit from the middle of the ranges: {whole:.2f} s, {result.nfev} evaluations, "
          f"{result.engine_calls} engine calls "
          f"(one-at-a-time would make {result.engine_calls * (p + 1)}); max MAPE {max(result.mape.values()):.2f} %")


if __name__ == "__main__":
    main()
