"""Benchmark script check (beside the data flow): benchmarks/batch.py runs tiny and prints a well-formed table.

Asserts on the table's shape and on the memory column being measured, never on times.
"""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "batch.py"
COOLING = ROOT / "tests" / "fixtures" / "batch" / "scenarios" / "teacup_town" / "cooling.yaml"


def test_tiny_run_prints_one_row_per_size():
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--sizes", "30,60", "--chunk-size", "25", "--pysd-runs", "1",
         "--scenario", str(COOLING)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert re.fullmatch(r"engine only \(one chunk, nothing written\): [\d,]+ scenarios/s", lines[1])
    assert re.fullmatch(r"PySD runtime, one run at a time: +[\d,.]+ scenarios/s \(1 runs\)", lines[2])
    assert lines[3].split() == ["scenarios", "seconds", "scen/s", "vs", "engine", "vs", "PySD",
                                "peak", "RSS", "MiB", "workers", "MiB", "folder", "MiB",
                                "prepare", "s", "chunks", "s", "merge", "s"]
    rows = [line.split() for line in lines[4:]]
    assert [row[0] for row in rows] == ["30", "60"]
    for row in rows:
        assert len(row) == 11 and row[3].endswith("x") and row[4].endswith("x")
        # the phases the manifest records add up to no more than the whole batch
        assert sum(float(x) for x in row[8:11]) <= float(row[1]) + 0.2
        assert int(row[5].replace(",", "")) > 50     # a Python process with numpy/xarray: tens of MiB at least
