"""Every shipped scenario file, end to end: batch → run folder → report (small n, real models)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reports import build_report
from simulator.runs.runstore import read_results
from simulator.runs.batch import run_batch

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted(ROOT.glob("scenarios/*/*.yaml"))


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_scenario_runs_and_reports(scenario, tmp_path):
    folder = run_batch([scenario], n=12, out=tmp_path / "run")[0]
    goals = pd.read_csv(folder / "goals.csv")
    assert (goals["status"] == "ok").all()
    inputs = pd.read_csv(folder / "inputs.csv").set_index("scenario")
    with read_results(folder) as results:
        # every sampled column of inputs.csv reads back as the value stored in results.nc
        for name in inputs.columns:
            np.testing.assert_array_equal(inputs[name].to_numpy(), results[f"input__{name}"].values)
    written = build_report([folder], lang="zh", formats="pdf")
    assert written[0].name == "report_zh.pdf" and written[0].stat().st_size > 10_000
