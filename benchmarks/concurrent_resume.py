"""Robustness measurement of the batch guards (issue 14): SIGKILL a batch, start two ``--resume`` at once, count outcomes.

Each try: start ``python run.py batch SCENARIO -n N --chunk-size K`` in a child process, SIGKILL it
once its first chunk is on disk, then start two ``batch --resume`` of that folder together. A try
is *clean* when exactly one resume finishes (exit 0) and the other refuses with one ``Error:`` line
(or both finish one after the other), the folder is complete, its results store opens, and its
``goals.csv`` equals the one of an uninterrupted run measured once at the start (the reference).

Usage::

    python benchmarks/concurrent_resume.py --tries 20          # the issue's experiment
    python benchmarks/concurrent_resume.py --tries 2 -n 2000   # quick
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "tests" / "fixtures" / "batch" / "scenarios" / "teacup_town" / "cooling.yaml"


def _batch(*args, **popen):
    return subprocess.Popen([sys.executable, str(ROOT / "run.py"), "batch", *map(str, args), "--quiet"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def one_try(work: Path, n: int, chunk: int, reference: bytes) -> str:
    folder = work / "run"
    first = _batch(SCENARIO, "-n", n, "--chunk-size", chunk, "--out", folder)
    deadline = time.monotonic() + 120
    while not list((folder / "_chunks").glob("sum-*.json")) and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    first.send_signal(signal.SIGKILL)
    first.communicate()
    if first.returncode != -signal.SIGKILL:
        return "not killed"
    resumes = [_batch("--resume", folder) for _ in range(2)]
    outcomes = [(p.communicate(timeout=600), p.returncode) for p in resumes]
    errors = [err for (_, err), code in outcomes if code != 0]
    if any(err.count("\n") != 1 or not err.startswith("Error: ") for err in errors) or len(errors) == 2:
        return "dirty: " + " | ".join(e.strip()[:200] for e in errors)
    manifest = json.loads((folder / "manifest.json").read_text())
    sys.path.insert(0, str(ROOT))
    from simulator.runs.runstore import read_results

    try:
        with read_results(folder) as ds:
            ds["status"].load()
    except Exception as err:  # noqa: BLE001 - a corrupt store is the outcome being counted
        return f"corrupt results: {err}"
    if not manifest.get("complete") or (folder / "goals.csv").read_bytes() != reference:
        return "differs from the uninterrupted run"
    return "clean (one refused)" if errors else "clean (both finished in turn)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=20)
    parser.add_argument("-n", type=int, default=20_000)
    parser.add_argument("--chunk-size", type=int, default=500)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="plansim-concurrent-"))
    try:
        whole = _batch(SCENARIO, "-n", args.n, "--chunk-size", args.chunk_size, "--out", base / "whole")
        whole.communicate()
        reference = (base / "whole" / "goals.csv").read_bytes()
        counts: dict[str, int] = {}
        for index in range(args.tries):
            work = base / f"try-{index}"
            outcome = one_try(work, args.n, args.chunk_size, reference)
            counts[outcome] = counts.get(outcome, 0) + 1
            print(f"try {index + 1:2d}: {outcome}", flush=True)
            shutil.rmtree(work, ignore_errors=True)
        print(f"{args.tries} tries, n = {args.n:,}, chunk size {args.chunk_size}:")
        for outcome, count in sorted(counts.items(), key=lambda kv: -kv[1]):
            print(f"  {count:3d}  {outcome}")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
