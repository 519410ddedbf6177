"""Benchmark script check (beside the data flow): benchmarks/explore.py runs tiny and prints a well-formed table.

Asserts on the table's shape, never on times.
"""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_tiny_run_prints_one_row_per_region_and_kernel():
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "explore.py"), "--regions", "jizhou", "--moves", "3",
                           "-n", "20", "--kernels", "numpy"], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert re.fullmatch(r"load average before: [\d.]+ [\d.]+ [\d.]+ \(\d+ CPUs\)", lines[0])
    assert lines[1].split() == ["region", "lever", "kernel", "n", "start", "s", "move", "p50", "s", "move", "p95", "s",
                                "batch", "s", "batch/p50"]
    assert re.fullmatch(r"jizhou +urbanization_speed +numpy +20 +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+x", lines[2])
    assert lines[3].startswith("load average after:") and "moves: 3 per region" in lines[3]
