"""Benchmark of the explore app: seconds from a slider move to its answer, against a batch of the same size.

A *move* is one ``POST /api/evaluate`` to a running app (tornado on 127.0.0.1, in this process's
thread) with a new value of one plan lever, timed from the request to the parsed JSON answer: the
model run over the n sampled scenarios, the goal table (reports' goal_summary), the fans and the
JSON — everything but the browser's drawing. 50 moves walk the lever over its range (every value
new). The reference, measured in the same run: ``simulator.runs.batch.run_batch`` on the same
scenario file with the same n and seed (sample, run, evaluate, write the run folder), as a library
call, with the engine's default kernel. The app is timed with the fused (numba) kernel it uses by
default and with the numpy loop. The load average is printed before and after (the machine is shared).

Usage::

    python benchmarks/explore.py                               # jizhou and shijiazhuang_metro, 50 moves, n 500
    python benchmarks/explore.py --regions jizhou --moves 10   # quick
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
# run as a script, this file's folder comes first on sys.path and its name would shadow the explore package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))


def _serve_in_thread(explorer):
    """Start the app on a free port in a daemon thread; returns its address."""
    import tornado.httpserver
    import tornado.netutil

    from explore.server import make_app

    ready, box = threading.Event(), {}

    def run():
        async def main():
            app, _ = make_app(explorer, "zh")
            sockets = tornado.netutil.bind_sockets(0, address="127.0.0.1")
            tornado.httpserver.HTTPServer(app).add_sockets(sockets)
            box["address"] = f"http://127.0.0.1:{sockets[0].getsockname()[1]}"
            ready.set()
            await asyncio.Event().wait()
        asyncio.run(main())

    threading.Thread(target=run, daemon=True).start()
    ready.wait(60)
    return box["address"]


def _move(address, name, value) -> float:
    body = json.dumps({"tab": "bench", "values": {name: value}}).encode()
    request = urllib.request.Request(address + "/api/evaluate", data=body, headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        answer = json.loads(response.read())
    seconds = time.perf_counter() - started
    assert "goals" in answer, answer
    return seconds


def bench(region: str, moves: int, n: int, kernel: str) -> dict:
    from explore.session import Explorer, default_baseline
    from simulator.runs.batch import run_batch

    path = ROOT / "scenarios" / region / "plan_uncertain.yaml"
    started = time.perf_counter()
    explorer = Explorer(path, default_baseline(path), n=n, kernel=kernel)
    start_seconds = time.perf_counter() - started
    lever = next(lever for lever in explorer.levers if lever.kind in ("set", "path") and not lever.switch)
    address = _serve_in_thread(explorer)
    _move(address, lever.name, lever.value)                     # warm: the first answer of the session
    grid = np.linspace(lever.low, lever.high, moves + 2)[1:-1]
    times = np.array([_move(address, lever.name, float(value)) for value in grid])
    with tempfile.TemporaryDirectory() as folder:
        batch = []
        for k in range(3):
            started = time.perf_counter()
            run_batch([str(path)], n=n, seed=explorer.seed, out=str(Path(folder) / f"run{k}"))
            batch.append(time.perf_counter() - started)
    return {"region": region, "lever": lever.name, "kernel": explorer.kernel, "start": start_seconds,
            "p50": float(np.percentile(times, 50)), "p95": float(np.percentile(times, 95)),
            "batch": min(batch), "moves": moves}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", default="jizhou,shijiazhuang_metro")
    parser.add_argument("--moves", type=int, default=50)
    parser.add_argument("-n", type=int, default=500)
    parser.add_argument("--kernels", default="fused,numpy", help="the app's engine kernels to time (the batch keeps its default)")
    args = parser.parse_args(argv)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    print(f"{'region':<20} {'lever':<32} {'kernel':<7} {'n':>5} {'start s':>8} {'move p50 s':>11} {'move p95 s':>11} "
          f"{'batch s':>8} {'batch/p50':>10}")
    for region, kernel in [(r.strip(), k.strip()) for r in args.regions.split(",") for k in args.kernels.split(",")]:
        row = bench(region, args.moves, args.n, kernel)
        print(f"{row['region']:<20} {row['lever']:<32} {row['kernel']:<7} {args.n:>5} {row['start']:>8.2f} "
              f"{row['p50']:>11.3f} {row['p95']:>11.3f} {row['batch']:>8.2f} {row['batch'] / row['p50']:>9.1f}x")
    print(f"load average after:  {' '.join(f'{x:.2f}' for x in os.getloadavg())}; moves: {args.moves} per region; "
          f"batch: best of 3 run_batch calls (sample, run, goals, run folder written; its default kernel)")


if __name__ == "__main__":
    main()
