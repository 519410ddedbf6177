"""Every scenarios/*/baseline.yaml: runs to 2035, fits its plan's history (MAPE < 5 % per series), and its plan scenario runs.

The history figures come from the plan documents (models/<region>/plan.yaml, each with its
source line), never from a run of the model, so the fit test can fail.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulator.calibration import history_fit
from simulator.scenarios import load_scenario

REPO = Path(__file__).resolve().parents[2]
BASELINES = sorted((REPO / "scenarios").glob("*/baseline.yaml"))
IDS = [path.parent.name for path in BASELINES]
MAPE_LIMIT = 5.0


@pytest.fixture(params=BASELINES, ids=IDS, scope="module")
def baseline(request):
    return load_scenario(request.param)


def _run(scenario, **override):
    kwargs = {**scenario.run_kwargs(), **override}
    return scenario.model.run(**kwargs)


def test_baseline_runs_to_2035_without_non_finite_values(baseline):
    ds = _run(baseline, final_time=2035)
    assert float(ds["time"][-1]) == 2035
    assert int(ds["status"].sum()) == 0, str(ds["message"].values)
    for name in ds.data_vars:
        if ds[name].dtype.kind == "f":
            assert np.isfinite(ds[name].values).all(), name


def test_baseline_fits_the_plan_history(baseline):
    if baseline.plan is None or not baseline.plan.history:
        pytest.skip("no plan history to fit")
    mape = history_fit(baseline.model, baseline.run_kwargs(), baseline.plan)
    print(f"\n{baseline.region} history MAPE: " + ", ".join(f"{k} {v:.2f} %" for k, v in mape.items()))
    worst = {name: round(value, 2) for name, value in mape.items() if value >= MAPE_LIMIT}
    assert not worst, f"series above {MAPE_LIMIT} % MAPE: {worst}"


def test_plan_scenario_runs(baseline):
    plan_file = baseline.path.parent / "plan.yaml"
    if not plan_file.is_file():
        pytest.skip("no plan scenario in this folder")
    scenario = load_scenario(plan_file)
    ds = _run(scenario)
    assert int(ds["status"].sum()) == 0, str(ds["message"].values)
