"""Benchmark (beside the data flow): Sobol' sensitivity of a regional scenario end to end, against PySD one run at a time.

Ours: ``simulator.runs.sensitivity.run_sensitivity`` — SALib's Sobol' design with second order
(N·(2D+2) runs: 20 inputs, N = 4,096 → 180,224 runs), every run to 2035 in chunks of the
vectorized engine, every goal evaluated, Sobol' analysis with 100 bootstrap resamples on the
goal values and on met, files written. Wall time of the whole call.

Reference: PySD's own runtime (``pysd.read_vensim(model).run(params=…)``) evaluating rows of the
same design one run at a time — timed over ``--pysd-runs`` runs and extrapolated to the design's
size (the analysis time is not added to PySD's side). The scenario's scalar uncertain inputs are
passed per run as ``params``; its subscripted ones (``name[elem]``) and its levers are left at
the model's values on the PySD side (setting one element needs a whole xarray per run; the
per-run integration cost, which is what is timed, does not depend on the values).

    python benchmarks/sensitivity.py                                  # the issue's case
    python benchmarks/sensitivity.py -n 64 --pysd-runs 5              # quick look
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_SCENARIO = ROOT / "scenarios" / "jizhou" / "plan_uncertain.yaml"


def ours(args) -> dict:
    from simulator.runs.sensitivity import run_sensitivity

    out = Path(tempfile.mkdtemp(prefix="plansim-sens-")) / "run"
    start, cpu = time.perf_counter(), time.process_time()
    folder = run_sensitivity(args.scenario, "sobol", n=args.n, seed=1, out=out, chunk_size=args.chunk_size,
                             second_order=True)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    meta = json.loads((folder / "sensitivity.json").read_text())
    shutil.rmtree(out.parent)
    return {"seconds": seconds, "cpu": cpu, "runs": meta["runs"], "inputs": len(meta["inputs"]), "parts": meta["seconds"],
            "goals": len(meta["goals"])}


def pysd_seconds_per_run(args) -> float:
    import pysd

    from simulator.runs.sensitivity import _problem, design
    from simulator.runs.experiment import to_inputs
    from simulator.scenarios.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    frame = to_inputs(scenario, design("sobol", _problem(scenario), 64, 1, second_order=True))
    scalar = [c for c in frame.columns if "[" not in c]
    model = pysd.read_vensim(str(scenario.model_path))
    model.set_components({"time_step": scenario.time["dt"], "saveper": scenario.time["saveper"]})
    kwargs = {"initial_condition": (scenario.time["start"], {}), "final_time": scenario.time["end"]}
    start, cpu = time.perf_counter(), time.process_time()
    for i in range(args.pysd_runs):
        row = frame.iloc[i % len(frame)]
        model.run(params={name: float(row[name]) for name in scalar}, progress=False, **kwargs)
    return (time.perf_counter() - start) / args.pysd_runs, (time.process_time() - cpu) / args.pysd_runs


def main() -> None:
    """Run ours, then PySD; print the numbers and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(DEFAULT_SCENARIO))
    parser.add_argument("-n", type=int, default=4096, help="Sobol' base samples (power of 2)")
    parser.add_argument("--chunk-size", type=int, default=20_000)
    parser.add_argument("--pysd-runs", type=int, default=200, help="PySD runs to time (0: skip)")
    args = parser.parse_args()

    result = ours(args)
    print(f"scenario {Path(args.scenario).relative_to(ROOT) if Path(args.scenario).is_relative_to(ROOT) else args.scenario}: "
          f"{result['inputs']} uncertain inputs, {result['goals']} goals, N = {args.n:,}, "
          f"{result['runs']:,} runs (Sobol' with second order)")
    parts = result["parts"]
    print(f"plansim end to end:  {result['seconds']:8.1f} s  (design {parts['sample']:.1f} s, runs {parts['runs']:.1f} s, "
          f"SALib analysis + files {result['seconds'] - parts['sample'] - parts['runs']:.1f} s); "
          f"{result['runs'] / parts['runs']:,.0f} runs/s; CPU {result['cpu']:.1f} s")
    if args.pysd_runs > 0:
        per_run, per_run_cpu = pysd_seconds_per_run(args)
        pysd_total = per_run * result["runs"]
        print(f"PySD one at a time:  {per_run * 1000:8.1f} ms per run (CPU {per_run_cpu * 1000:.1f} ms) over "
              f"{args.pysd_runs} runs -> {pysd_total:,.0f} s ({pysd_total / 3600:.1f} h) for {result['runs']:,} runs "
              f"(runs only)")
        print(f"ratio PySD / plansim (end to end): wall {pysd_total / result['seconds']:,.0f}x, "
              f"CPU {per_run_cpu * result['runs'] / result['cpu']:,.0f}x")
    print(f"goal: the whole analysis under 120 s -> {'met' if result['seconds'] < 120 else 'NOT met'}")


if __name__ == "__main__":
    main()
