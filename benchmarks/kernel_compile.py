"""Compile-time benchmark of the fused kernels (beside the data flow): a synthetic 1,000-variable model.

Writes a Vensim model of ``--variables`` variables (a quarter stocks, the rest flows and
auxiliaries: arithmetic, MIN/MAX, IF THEN ELSE, a lookup, STEP/RAMP; each refers to a few earlier
variables), then measures in fresh processes: load time, the numpy program's first run (2
scenarios: the same-run reference), the fused kernel's first run with an empty kernel cache (cold:
generation + compilation), with the cache that run left (warm: a new process loading the compiled
kernel) and with numba's own cache empty too (fresh: the runtime helpers compiled as well, as on a
new install), and runs of each path at ``--n`` scenarios. Prints one table of seconds and the load
average (the machine may be shared); the goal is a cold compile under 10 s.

Usage::

    python benchmarks/kernel_compile.py                      # 1,000 variables, N = 10,000
    python benchmarks/kernel_compile.py --variables 300 --n 1000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def synthetic_model(n_variables: int, seed: int = 7) -> str:
    """Vensim source of a model with ``n_variables`` variables (plus ``Growth``, the constant varied)."""
    import random

    rng = random.Random(seed)
    lines = ["{UTF-8}", "Growth = 0.01 ~ 1/Year ~ |",
             "Shape([(0,0)-(10,2)], (0,0.5), (2,0.8), (5,1), (10,1.5)) ~ ~ |"]
    names = []
    for i in range(n_variables):
        name = f"V{i}"
        kind = i % 4
        earlier = [names[rng.randrange(len(names))] for _ in range(3)] if len(names) >= 3 else ["Growth"] * 3
        a, b, c = earlier
        if kind == 0:
            flow = f"F{i}"
            lines.append(f"{name} = INTEG({flow}, {1 + i % 7}) ~ ~ |")
            lines.append(f"{flow} = Growth * {name} - 0.001 * MIN({a}, {b}) ~ ~ |")
            names.append(name)
            continue
        if kind == 1:
            expr = f"MAX({a} * 0.5 + {b} * 0.25, 0) + STEP(0.1, {i % 20})"
        elif kind == 2:
            expr = f"IF THEN ELSE({a} > {b}, {a} - {c} * 0.1, {b} / (1 + ABS({c})))"
        else:
            expr = f"Shape(MODULO(ABS({a}), 10)) * {b} + RAMP(0.01, 5, 15)"
        lines.append(f"{name} = {expr} ~ ~ |")
        names.append(name)
    lines += ["INITIAL TIME = 0 ~ Year ~ |", "FINAL TIME = 50 ~ Year ~ |",
              "TIME STEP = 0.25 ~ Year ~ |", "SAVEPER = 1 ~ Year ~ |"]
    return "\n".join(lines) + "\n"


def measure(model_path: str, n: int, kernel: str) -> dict:
    """In this process: load, a first run of 2 scenarios (for the kernel: its compilation or loading
    from the cache, the run itself negligible), then two runs of ``n`` on ``kernel`` (seconds)."""
    sys.path.insert(0, str(REPO_ROOT))
    import numpy as np
    import simulator

    started = time.perf_counter()
    model = simulator.load_model(model_path)
    loaded = time.perf_counter()
    label = model.run(params={"Growth": [0.01, 0.02]}, n=2, kernel=kernel, return_columns=["V0"]).attrs["kernel"]
    first = time.perf_counter()
    values = np.linspace(0.005, 0.02, n)
    model.run(params={"Growth": values}, n=n, kernel=kernel, return_columns=["V0"])
    once = time.perf_counter()
    model.run(params={"Growth": values}, n=n, kernel=kernel, return_columns=["V0"])
    again = time.perf_counter()
    return {"load_s": loaded - started, "first_run_s": first - loaded, "run_s": min(once - first, again - once),
            "kernel": label, "variables": len(model.variables)}


def _in_fresh_process(model_path, n, kernel, cache, numba_cache=None):
    env = dict(os.environ, PLANSIM_KERNEL_CACHE=str(cache))
    if numba_cache is not None:     # numba's own cache too (the runtime helpers): as on a fresh install
        env["NUMBA_CACHE_DIR"] = str(numba_cache)
    out = subprocess.run([sys.executable, __file__, "--measure", model_path, "--n", str(n), "--kernel", kernel],
                         capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variables", type=int, default=1000)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--kernel", default="fused", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, args.n, args.kernel)))
        return 0
    with tempfile.TemporaryDirectory(prefix="kernel_compile_") as tmp:
        model_path = Path(tmp) / f"synthetic_{args.variables}.mdl"
        model_path.write_text(synthetic_model(args.variables), encoding="utf-8")
        cache = Path(tmp) / "cache"
        load = os.getloadavg()
        rows = [("numpy", _in_fresh_process(str(model_path), args.n, "numpy", cache)),
                ("fused cold", _in_fresh_process(str(model_path), args.n, "fused", cache)),
                ("fused warm", _in_fresh_process(str(model_path), args.n, "fused", cache)),
                ("fused fresh", _in_fresh_process(str(model_path), args.n, "fused", Path(tmp) / "cache2",
                                                  Path(tmp) / "numba"))]
    print(f"synthetic model: {rows[0][1]['variables']} variables, N = {args.n:,}; seconds, fresh process each; "
          f"load average {load[0]:.1f} before, {os.getloadavg()[0]:.1f} after")
    print("first_run_s: 2 scenarios (fused cold: generation + compilation, kernel cache empty; warm: loaded from it;")
    print("fresh: numba's cache empty too, as on a new install); run_s: best of two runs of N scenarios")
    print(f"{'path':<11}  {'load_s':>7}  {'first_run_s':>11}  {'run_s':>7}  kernel")
    for name, row in rows:
        print(f"{name:<11}  {row['load_s']:7.2f}  {row['first_run_s']:11.2f}  {row['run_s']:7.3f}  {row['kernel']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
