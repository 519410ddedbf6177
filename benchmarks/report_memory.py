"""Benchmark of the report's PNG pass (run folder → PNG files): peak resident memory and wall time at large n.

Issue 12 asks for peak RSS under 300 MiB at n = 100,000 for the PNG pass. Each step runs in a fresh
child process that reports its own peak RSS (``resource.getrusage(RUSAGE_SELF).ru_maxrss``):

* ``batch``      — ``run_batch`` of the scenario with ``n`` samples (only to make the run folder);
* ``imports``    — import ``reports`` (matplotlib, the CJK font, pandas, xarray, scipy): the reference;
* ``load``       — import ``reports`` and load the run folder (``reports.data.load_run``), no figure;
* ``png``        — ``build_report(run, formats="png")``: every figure, one at a time;
* ``pdf``        — ``build_report(run, formats="pdf")`` for contrast (every page is built before writing).

The ratio column is each step's peak against the reference (``imports``) measured in the same
invocation; ``--root`` measures another checkout of plansim (e.g. the previous commit) on the same
run folder, for a before/after comparison.

Usage::

    python benchmarks/report_memory.py                       # n = 100,000 on the report test fixture
    python benchmarks/report_memory.py --n 2000 --scenario scenarios/shijiazhuang_metro/plan_uncertain.yaml
    python benchmarks/report_memory.py --run out/some-run    # an existing run folder
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SCENARIO = ROOT / "tests" / "reports" / "fixtures" / "scenarios" / "reportland" / "baseline.yaml"

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
step, arg, out = sys.argv[1], sys.argv[2], sys.argv[3]
start = time.perf_counter()
if step == "batch":
    from simulator.runs.batch import run_batch
    n = int(out)
    result = str(run_batch([arg], n=n, out=sys.argv[4])[0])
elif step == "imports":
    import reports.build
    result = "-"
elif step == "load":
    from reports.data import load_run
    run = load_run(arg)
    result = str(run.n)
else:
    from reports import build_report
    result = str(len(build_report([arg], lang="zh", formats=step, out=out)))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"step": step, "seconds": time.perf_counter() - start, "peak_mib": peak, "result": result}}))
"""


def child(*args, root=ROOT) -> dict:
    code = CHILD.format(root=str(root))
    done = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, cwd=root)
    if done.returncode != 0:
        raise SystemExit(f"step {args[0]} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO)
    parser.add_argument("--run", type=Path, default=None, help="an existing run folder (skips the batch)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the plansim checkout whose report code is measured")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        run = args.run
        if run is None:
            batch = child("batch", args.scenario, args.n, Path(tmp) / "run")
            rows.append(batch)
            run = Path(batch["result"])
        reference = child("imports", run, tmp, root=args.root)
        rows.append(reference)
        rows.append(child("load", run, tmp, root=args.root))
        rows.append(child("png", run, Path(tmp) / "png", root=args.root))
        rows.append(child("pdf", run, Path(tmp) / "pdf", root=args.root))
        print(f"run folder: {run}  (n = {rows[-3]['result']}); report code of {args.root}")
        print(f"{'step':10} {'seconds':>8} {'peak MiB':>9} {'× reference':>12}")
        for row in rows:
            ratio = row["peak_mib"] / reference["peak_mib"]
            print(f"{row['step']:10} {row['seconds']:8.1f} {row['peak_mib']:9.0f} {ratio:12.2f}")


if __name__ == "__main__":
    main()
