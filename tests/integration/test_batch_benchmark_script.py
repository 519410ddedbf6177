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
         "--workers", "1,2", "--scenario", str(COOLING)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert re.fullmatch(r"engine only \(one chunk, nothing written\): [\d,]+ scenarios/s", lines[1])
    assert re.fullmatch(r"PySD runtime, one run at a time: +[\d,.]+ scenarios/s \(1 runs\)", lines[2])
    assert lines[3].split() == ["scenarios", "workers", "seconds", "CPU", "s", "scen/s", "vs", "engine", "vs", "1",
                                "worker", "vs", "PySD", "peak", "RSS", "MiB", "workers", "MiB", "folder", "MiB",
                                "zarr", "MiB", "prepare", "s", "chunks", "s", "merge", "s", "load"]
    rows = [line.split() for line in lines[4:]]
    assert [(row[0], row[1]) for row in rows] == [("30", "1"), ("30", "2"), ("60", "1"), ("60", "2")]
    for row in rows:
        assert len(row) == 16 and row[5].endswith("x") and row[7].endswith("x")
        assert (row[6] == "-") == (row[1] == "1")     # two workers are compared with one, measured just before
        # the phases the manifest records add up to no more than the whole batch
        assert sum(float(x) for x in row[12:15]) <= float(row[2]) + 0.2
        assert int(row[8].replace(",", "")) > 50     # a Python process with numpy/xarray: tens of MiB at least
        assert 0 < float(row[3]) and int(row[11].replace(",", "")) <= int(row[10].replace(",", ""))   # CPU s; zarr in folder
    assert all(int(row[9].replace(",", "")) > 50 for row in rows if row[1] == "2")   # worker processes measured too
    assert not (ROOT / "tests" / "fixtures" / "models" / "teacup" / "teacup.py").exists()   # PySD wrote in a copy
