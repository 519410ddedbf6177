"""CLI latency benchmark (beside the data flow): `run.py list`, `validate` and a 1-scenario `simulate`, cold and warm.

Each command runs in a fresh process with an empty object cache (``PLANSIM_CACHE`` set to a new
temporary folder: cold, every YAML file parsed and the model compiled) and then again with the
cache that run left (warm: parsed YAML and the compiled model unpickled). The CPU time (user +
system) of the child process is the measure — the machine may be shared, so wall time is printed
too, with the load average. The reference, measured in the same run, is the cold time; the goal is
a warm time under 1 s of CPU. Best of ``--repeats`` fresh processes for each.

Usage::

    python benchmarks/cli_cache.py                    # the regional model and shijiazhuang's plan scenario
    python benchmarks/cli_cache.py --repeats 5
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

COMMANDS = {
    "list": ["list"],
    "validate": ["validate", "scenarios/shijiazhuang/plan.yaml"],
    "simulate (1 scenario)": ["simulate", "models/regional/regional.mdl", "-o", "{out}"],
}


def timed(arguments, cache, out):
    """(CPU seconds, wall seconds) of one ``python run.py …`` in a fresh process."""
    env = dict(os.environ, PLANSIM_CACHE=str(cache))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "run.py"] + [a.format(out=out) for a in arguments], cwd=REPO_ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def measure(arguments, repeats, folder):
    """Best (CPU, wall) cold — each with a new empty cache — and warm (the last cold run's cache)."""
    cold, warm = [], []
    out = folder / "table.csv"
    for k in range(repeats):
        cache = folder / f"cache{k}"
        cold.append(timed(arguments, cache, out))
    for _ in range(repeats):
        warm.append(timed(arguments, cache, out))
    return min(cold), min(warm)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="fresh processes per measurement (best kept)")
    args = parser.parse_args(argv)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print(f"{'command':<24}{'cold CPU s':>12}{'warm CPU s':>12}{'cold/warm':>11}{'cold wall s':>13}{'warm wall s':>13}")
    with tempfile.TemporaryDirectory(prefix="plansim-cli-cache-") as tmp:
        for label, arguments in COMMANDS.items():
            (cold_cpu, cold_wall), (warm_cpu, warm_wall) = measure(arguments, args.repeats, Path(tmp))
            print(f"{label:<24}{cold_cpu:>12.2f}{warm_cpu:>12.2f}{cold_cpu / warm_cpu:>10.1f}x"
                  f"{cold_wall:>13.2f}{warm_wall:>13.2f}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
