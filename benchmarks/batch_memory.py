"""Benchmark of the batch stage's memory at any n: peak RSS of the batch process and of each worker.

Starts ``python run.py batch SCENARIO -n N --workers W --chunk-size K`` (or ``--scheduler
local:W``) in its own process group, and every 0.2 s reads the peak resident memory (``VmHWM``
of /proc/PID/status, the kernel's own high-water mark) of the batch process and of every
process below it. After ``--seconds`` (default: no limit) it sends Ctrl-C (SIGINT) — the batch
finishes its chunks in flight and stops resumably — so the first part of a very large batch
(e.g. 10⁷ scenarios) can be measured in bounded time. Prints one JSON line and a table: peak
RSS of the client and of the largest worker, scenarios done, time, the phases reached
(sampling = until the first chunk is done).

Usage::

    python benchmarks/batch_memory.py -n 10000000 --workers 2 --seconds 600
    python benchmarks/batch_memory.py -n 1000000 --scheduler local:2

Linux only (/proc). The run folder is removed unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SCENARIO = ROOT / "scenarios" / "shijiazhuang_metro" / "plan_uncertain.yaml"


def _children() -> dict[int, list[int]]:
    """Parent pid → child pids, from /proc."""
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _descendants(pid: int) -> list[int]:
    tree, out, todo = _children(), [], [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def _hwm_kib(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _done(folder: Path) -> int:
    chunks = folder / "_chunks"
    if not chunks.is_dir():
        return -1 if not (folder / "manifest.json").exists() else 0
    return sum(1 for p in chunks.iterdir() if p.name.startswith("sum-"))


def measure(args: argparse.Namespace, out: Path) -> dict:
    command = [sys.executable, "run.py", "batch", str(args.scenario), "-n", str(args.n), "--seed", str(args.seed),
               "--chunk-size", str(args.chunk_size), "--out", str(out)]
    command += ["--scheduler", args.scheduler] if args.scheduler else ["--workers", str(args.workers)]
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    client, workers, first_chunk, stopped = 0, {}, None, False
    while proc.poll() is None:
        client = max(client, _hwm_kib(proc.pid) or 0)
        for pid in _descendants(proc.pid):
            workers[pid] = max(workers.get(pid, 0), _hwm_kib(pid) or 0)
        if first_chunk is None and _done(out) > 0:
            first_chunk = time.perf_counter() - start
        if args.seconds and not stopped and time.perf_counter() - start > args.seconds:
            proc.send_signal(signal.SIGINT)
            stopped = True
        time.sleep(0.2)
    seconds = time.perf_counter() - start
    stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    manifest = json.loads((out / "manifest.json").read_text()) if (out / "manifest.json").exists() else {}
    done = len(manifest.get("chunks_done", [])) if manifest else 0
    scenarios = args.n if manifest.get("complete") else min(done * args.chunk_size, args.n)
    return {"n": args.n, "workers": args.scheduler or args.workers, "chunk_size": args.chunk_size,
            "seconds": round(seconds, 1), "until_first_chunk_s": None if first_chunk is None else round(first_chunk, 1),
            "scenarios_done": scenarios, "complete": bool(manifest.get("complete")), "stopped_early": stopped,
            "client_peak_mib": round(client / 1024, 1),
            "worker_peak_mib": round(max(workers.values(), default=0) / 1024, 1),
            "processes_below": len(workers), "returncode": proc.returncode,
            "last_line": stderr.strip().splitlines()[-1] if stderr.strip() else "", "loadavg": os.getloadavg()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10_000_000)
    parser.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chunk-size", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scheduler", default=None, help="e.g. local:2 (instead of --workers)")
    parser.add_argument("--seconds", type=float, default=0, help="stop (Ctrl-C, resumable) after this long; 0: run to the end")
    parser.add_argument("--keep", type=Path, default=None, help="keep the run folder here")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="plansim-mem-"))
    out = args.keep or scratch / "run"
    try:
        result = measure(args, out)
    finally:
        if args.keep is None:
            shutil.rmtree(scratch, ignore_errors=True)
    print(json.dumps(result))
    print(f"n {result['n']:,}  workers {result['workers']}  chunk {result['chunk_size']:,}: "
          f"{result['scenarios_done']:,} scenarios in {result['seconds']:.0f} s "
          f"(first chunk after {result['until_first_chunk_s']} s)  peak RSS client {result['client_peak_mib']:.0f} MiB, "
          f"largest worker {result['worker_peak_mib']:.0f} MiB  load average {result['loadavg'][0]:.2f}")


if __name__ == "__main__":
    main()
