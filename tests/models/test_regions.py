"""Every scenarios/*/baseline.yaml: runs to 2035, fits its plan's history (MAPE < 5 % per series), and its plan scenario runs.

The history figures come from the plan documents (models/<region>/plan.yaml, each with its
source line), never from a run of the model, so the fit test can fail.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulator.runs.calibration import history_fit
from simulator.scenarios.scenario import load_scenario

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


UNCERTAIN = sorted((REPO / "scenarios").glob("*/*_uncertain.yaml"))


@pytest.mark.parametrize("path", UNCERTAIN, ids=[f"{p.parent.name}/{p.stem}" for p in UNCERTAIN])
def test_uncertain_scenarios_keep_the_history_fit_in_every_sample(path):
    from simulator.runs.calibration import extract, targets_from_plan

    scenario = load_scenario(path)
    inputs = scenario.sample_inputs(n=40)
    kwargs = scenario.run_kwargs(inputs)
    ds = scenario.model.run(**kwargs)
    assert int(ds["status"].sum()) == 0
    targets = targets_from_plan(scenario.plan)
    simulated = extract(ds, targets)
    observed = np.array([t.value for t in targets])
    worst = float(np.max(np.abs(simulated - observed) / np.abs(observed))) * 100
    assert worst < MAPE_LIMIT, f"a sample misses a history fact by {worst:.2f} %"
    spread = {name: float(np.ptp(inputs[name])) for name in inputs.columns}
    assert all(value > 0 for value in spread.values())  # the inputs really vary


@pytest.mark.parametrize("path", UNCERTAIN, ids=[f"{p.parent.name}/{p.stem}" for p in UNCERTAIN])
def test_uncertain_inputs_do_not_silently_replace_a_plan_lever(path):
    """A name sampled in a child file drops the parent's lever of that name; the plan's levers must survive."""
    import yaml

    levers = set()
    current = path
    while current is not None:
        data = yaml.safe_load(current.read_text(encoding="utf-8"))
        if current != path:
            levers |= set(data.get("levers") or {})
        current = (current.parent / data["extends"]) if data.get("extends") else None
    sampled = set(yaml.safe_load(path.read_text(encoding="utf-8"))["uncertain"])
    assert not sampled & levers
