"""Benchmark of the batch stage (scenario file → run folder): scenarios/s end to end and peak memory.

Compared against the engine alone and PySD.

Each size runs ``simulator.runs.batch.run_batch`` (sampling + chunked runs + goal evaluation + the
Zarr/CSV writing) in a fresh child process, once per worker count in ``--workers`` (default 1
and 2, so the speed-up of two workers over one is a ratio measured in the same run). The child
reports its wall time and its peak resident memory (``resource.getrusage(...).ru_maxrss`` of
itself and, with workers, the largest of its worker processes). Two references are measured
once on the same model:

* engine only — ``CompiledModel.run`` on one chunk of the same inputs, nothing written;
* PySD — ``pysd.read_vensim(model).run()`` one scenario at a time (PySD's own runtime).

The last three columns split the batch's time as its manifest records it: ``prepare`` (load and
check the scenario, compile the model, a one-scenario trial run), ``chunks`` (sample the inputs
into the folder, run, evaluate goals, write each chunk's region of results.zarr and goal rows)
and ``merge`` (goals.csv, inputs.csv; results.zarr is only moved).

Usage::

    python benchmarks/batch.py --sizes 100000,1000000   # 1 and 2 workers each
    python benchmarks/batch.py --sizes 200 --workers 1 --pysd-runs 0 --chunk-size 100    # tiny (tests)

Default workload: scenarios/jizhou/baseline_uncertain.yaml (the regional model with the Jizhou
baseline, 2010-2035, dt 0.25, its uncertain inputs sampled by LHS, its saved outputs).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SCENARIO = ROOT / "scenarios" / "jizhou" / "baseline_uncertain.yaml"


def child(args: argparse.Namespace) -> None:
    """Run one batch in this process and print a JSON line with its time and peak memory."""
    sys.path.insert(0, str(ROOT))
    from simulator.runs.batch import run_batch

    start = time.perf_counter()
    folder = run_batch([args.scenario], n=args.child, seed=args.seed, out=args.out,
                       chunk_size=args.chunk_size, workers=int(args.workers))[0]
    seconds = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    cpu = sum(getattr(resource.getrusage(who), field) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
              for field in ("ru_utime", "ru_stime"))
    size = sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())
    store = sum(p.stat().st_size for p in (Path(folder) / "results.zarr").rglob("*") if p.is_file())
    phases = json.loads((Path(folder) / "manifest.json").read_text())["seconds"]
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "rss_kib": own, "worker_rss_kib": workers, "bytes": size,
                      "store_bytes": store, "phases": phases}))


def run_size(args: argparse.Namespace, n: int, workers: int, out: Path) -> dict:
    command = [sys.executable, __file__, "--child", str(n), "--scenario", str(args.scenario), "--seed", str(args.seed),
               "--out", str(out), "--chunk-size", str(args.chunk_size), "--workers", str(workers)]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"batch of {n} failed:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    return result


def engine_rate(args: argparse.Namespace) -> float:
    """Scenarios/s of CompiledModel.run alone on one chunk of the scenario's inputs."""
    sys.path.insert(0, str(ROOT))
    from simulator.scenarios.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    n = min(args.chunk_size, 10_000)
    inputs = scenario.sample_inputs(n=n, seed=args.seed)
    kwargs = scenario.run_kwargs(inputs)
    scenario.model.run(**scenario.run_kwargs(inputs.iloc[:1]))   # warm up
    start = time.perf_counter()
    scenario.model.run(**kwargs)
    return n / (time.perf_counter() - start)


def pysd_rate(args: argparse.Namespace) -> float | None:
    """Scenarios/s of PySD's runtime, one run after another, same model and time span."""
    if args.pysd_runs <= 0:
        return None
    sys.path.insert(0, str(ROOT))
    import pysd
    from simulator.scenarios.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    source = Path(scenario.model_path)
    scratch = Path(tempfile.mkdtemp(prefix="plansim-pysd-"))   # PySD writes a .py beside the model: not in the repo
    shutil.copytree(source.parent, scratch / source.parent.name)
    model = pysd.read_vensim(str(scratch / source.parent.name / source.name))
    shutil.rmtree(scratch, ignore_errors=True)
    time_settings = {key: value for key, value in {
        "initial_time": scenario.time["start"], "final_time": scenario.time["end"],
        "time_step": scenario.time["dt"], "saveper": scenario.time["saveper"]}.items() if value is not None}
    model.set_components({"time_step": time_settings.get("time_step", model.components.time_step()),
                          "saveper": time_settings.get("saveper", model.components.saveper())})
    kwargs = {"initial_condition": (time_settings.get("initial_time", model.components.initial_time()), {}),
              "final_time": time_settings.get("final_time")}
    start = time.perf_counter()
    for _ in range(args.pysd_runs):
        model.run(progress=False, **{k: v for k, v in kwargs.items() if v is not None})
    return args.pysd_runs / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated batch sizes")
    parser.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chunk-size", type=int, default=2_500)
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts (1 first: the reference)")
    parser.add_argument("--pysd-runs", type=int, default=3, help="PySD runs to time (0: skip)")
    parser.add_argument("--keep", type=Path, default=None, help="keep the run folders here")
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args)
        return

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    worker_counts = [int(w) for w in str(args.workers).split(",") if w.strip()]
    engine = engine_rate(args)
    pysd_speed = pysd_rate(args)
    print(f"workload: {args.scenario.relative_to(ROOT) if args.scenario.is_relative_to(ROOT) else args.scenario}"
          f"  chunk size {args.chunk_size:,}  workers {args.workers}  load average {os.getloadavg()[0]:.2f} "
          f"(the last column: at each row's end; above the core count, processes wait for a core)")
    print(f"engine only (one chunk, nothing written): {engine:,.0f} scenarios/s")
    if pysd_speed:
        print(f"PySD runtime, one run at a time:          {pysd_speed:,.2f} scenarios/s "
              f"({args.pysd_runs} runs)")
    print(f"{'scenarios':>10}  {'workers':>7}  {'seconds':>8}  {'CPU s':>7}  {'scen/s':>8}  {'vs engine':>9}  "
          f"{'vs 1 worker':>11}  {'vs PySD':>8}  {'peak RSS MiB':>12}  {'workers MiB':>11}  {'folder MiB':>10}  {'zarr MiB':>8}  "
          f"{'prepare s':>9}  {'chunks s':>8}  {'merge s':>7}  {'load':>5}")
    scratch = Path(tempfile.mkdtemp(prefix="plansim-bench-"))
    try:
        for n in sizes:
            single = None
            for workers in worker_counts:
                out = (args.keep or scratch) / f"batch-{n}-w{workers}"
                result = run_size(args, n, workers, out)
                print(_row(n, workers, result, engine, pysd_speed, single), flush=True)
                single = single or (n / result["seconds"] if workers == 1 else None)
                if args.keep is None:
                    shutil.rmtree(out, ignore_errors=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _row(n: int, workers: int, result: dict, engine: float, pysd_speed: float | None, single: float | None) -> str:
    rate = n / result["seconds"]
    phases = result["phases"]
    vs_pysd = f"{rate / pysd_speed:>7,.0f}x" if pysd_speed else f"{'-':>8}"
    vs_one = f"{rate / single:>10.2f}x" if single else f"{'-':>11}"
    return (f"{n:>10,}  {workers:>7}  {result['seconds']:>8.1f}  {result['cpu_seconds']:>7.1f}  {rate:>8,.0f}  "
            f"{rate / engine:>8.2f}x  {vs_one}  {vs_pysd}  "
            f"{result['rss_kib'] / 1024:>12,.0f}  {result['worker_rss_kib'] / 1024:>11,.0f}  "
            f"{result['bytes'] / 2**20:>10,.0f}  {result['store_bytes'] / 2**20:>8,.0f}  "
            f"{phases['prepare']:>9.1f}  {phases['chunks']:>8.1f}  "
            f"{phases.get('merge', 0.0):>7.1f}  {os.getloadavg()[0]:>5.2f}")


if __name__ == "__main__":
    main()
