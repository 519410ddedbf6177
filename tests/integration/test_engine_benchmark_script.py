"""Benchmark script check (beside the data flow): benchmarks/engine.py runs and prints a well-formed table.

Asserts on the table's shape and on the hand-loop floor's correctness, never on times.
"""

import csv
import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np

try:  # tests/ may or may not be a package
    from . import sd_suite
except ImportError:
    import sd_suite

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "engine.py"


def _load_script_module():
    spec = importlib.util.spec_from_file_location("bench_engine", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_hand_loop_floor_reproduces_vensims_teacup():
    """The floor must compute the same thing as the model, or the ours/hand ratio means nothing."""
    bench = _load_script_module()
    canonical = sd_suite.read_canonical(sd_suite.suite_root() / "samples" / "teacup" / "output.csv")
    temperature, heat_loss = bench.teacup_hand_loop(np.array([10.0]))
    times = np.arange(temperature.shape[0]) * 0.125
    np.testing.assert_allclose(times, canonical.index.to_numpy())
    np.testing.assert_allclose(temperature[:, 0], canonical["Teacup Temperature"], rtol=1e-5)
    np.testing.assert_allclose(heat_loss[:, 0], canonical["Heat Loss to Room"], rtol=1e-5)


def test_quick_run_with_tiny_sizes_writes_full_table(tmp_path):
    out = tmp_path / "engine.csv"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--sizes", "1,10,100000", "--pysd-repeats", "1",
         "--chunk", "5", "--out", str(out)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    with open(out, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    bench = _load_script_module()
    assert list(rows[0]) == bench.COLUMNS
    assert [(r["model"], int(r["n"])) for r in rows] == [
        (model, n) for model in bench.DEFAULT_MODELS for n in (1, 10)
    ], "--quick must drop 100,000 and every model must have one row per size"
    for row in rows:
        for column in ("pysd_single_s", "ours_total_s", "ours_per_scenario_s", "pysd_over_ours"):
            assert float(row[column]) > 0, (row["model"], row["n"], column)
        assert (row["note"] == "2 runs of 5 (--chunk)") == (row["n"] == "10"), row
        teacup = row["model"] == "teacup"
        assert (row["ours_over_hand"] != "") == teacup and (row["hand_total_s"] != "") == teacup
    printed = result.stdout.splitlines()
    assert printed[1].split() == bench.COLUMNS
    assert len(printed) == 2 + len(rows)
