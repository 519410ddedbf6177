"""simulator/runs/sensitivity.py and experiment.py: SALib indices end to end on the Ishigami function as a .mdl."""

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.errors import BatchOptionError, RunDirError, SimulatorError
from simulator.runs.experiment import load_for_experiment, run_rows, to_inputs
from simulator.runs.sensitivity import run_sensitivity

ROOT = Path(__file__).resolve().parents[3]
ISHIGAMI = ROOT / "tests" / "fixtures" / "sensitivity" / "scenarios" / "ishigami" / "uncertain.yaml"

# Analytic indices of Y = sin x1 + a sin^2 x2 + b x3^4 sin x1, x_i ~ U(-pi, pi), a = 7, b = 0.1
# (Ishigami & Homma 1990; Saltelli et al. 2008, Global Sensitivity Analysis: The Primer, 4.6).
A, B = 7.0, 0.1
_V1 = 0.5 * (1 + B * math.pi ** 4 / 5) ** 2
_V2 = A ** 2 / 8
_V13 = B ** 2 * math.pi ** 8 * (1 / 18 - 1 / 50)
_V = _V1 + _V2 + _V13
S1 = {"x1": _V1 / _V, "x2": _V2 / _V, "x3": 0.0}
ST = {"x1": (_V1 + _V13) / _V, "x2": _V2 / _V, "x3": _V13 / _V}


def test_analytic_indices_are_the_published_ones():
    assert [round(S1[k], 3) for k in ("x1", "x2", "x3")] == [0.314, 0.442, 0.0]
    assert [round(ST[k], 3) for k in ("x1", "x2", "x3")] == [0.558, 0.442, 0.244]


@pytest.fixture(scope="module")
def sobol_folder(tmp_path_factory):
    return run_sensitivity(ISHIGAMI, "sobol", n=2048, seed=7, out=tmp_path_factory.mktemp("s") / "sobol")


def test_sobol_recovers_ishigami_within_the_bootstrap_ci(sobol_folder):
    table = pd.read_csv(sobol_folder / "sensitivity.csv")
    value = table[(table.goal_id == "y_high") & (table.output == "value")]
    for row in value.itertuples():
        truth = (S1 if row.index == "S1" else ST)[row.input]
        assert row.low <= truth <= row.high, (row.index, row.input, row.estimate, row.conf, truth)
        assert row.conf < 0.1                         # the CI is informative, not just wide


def test_sobol_writes_met_indices_and_the_documented_meta(sobol_folder):
    meta = json.loads((sobol_folder / "sensitivity.json").read_text())
    assert meta["runs"] == 2048 * 5 and meta["method"] == "sobol" and meta["n"] == 2048
    # P(Y >= 3.5) by Monte Carlo on the function itself, independent of the model file
    rng = np.random.default_rng(0)
    x = rng.uniform(-math.pi, math.pi, (200_000, 3))
    y = np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])
    assert meta["goals"]["y_high"]["p_met"] == pytest.approx(float((y >= 3.5).mean()), abs=0.02)
    table = pd.read_csv(sobol_folder / "sensitivity.csv")
    met = table[(table.goal_id == "y_high") & (table.output == "met")]
    assert set(met["index"]) == {"S1", "ST"} and len(met) == 6
    assert list(table.columns) == ["goal_id", "output", "input", "index", "estimate", "conf", "low", "high"]
    assert not list(sobol_folder.parent.glob("*.part"))


def test_morris_sees_x3_through_its_interaction(tmp_path):
    folder = run_sensitivity(ISHIGAMI, "morris", n=200, seed=3, goals=["y_high"], out=tmp_path / "m")
    table = pd.read_csv(folder / "sensitivity.csv")
    mu = table[(table.output == "value") & (table["index"] == "mu_star")].set_index("input")["estimate"]
    sigma = table[(table.output == "value") & (table["index"] == "sigma")].set_index("input")["estimate"]
    # x3 has no first-order effect but a large interaction with x1: mu* > 0 and sigma of the same order
    assert mu["x3"] > 0.5 and sigma["x3"] > 0.5 * mu["x3"]
    assert mu["x1"] > mu["x3"]


def test_delta_ranks_x2_and_x1_above_x3(tmp_path):
    folder = run_sensitivity(ISHIGAMI, "delta", n=600, seed=3, goals=["y_high"], out=tmp_path / "d")
    table = pd.read_csv(folder / "sensitivity.csv")
    assert set(table["index"]) == {"delta", "S1"}
    delta = table[(table.output == "value") & (table["index"] == "delta")].set_index("input")["estimate"]
    assert delta["x2"] > delta["x3"] and delta["x1"] > delta["x3"]


def test_inputs_go_through_the_scenarios_own_distributions():
    scenario, model, goals = load_for_experiment(ISHIGAMI)
    frame = to_inputs(scenario, np.array([[0.5, 0.0, 1.0], [0.25, 0.75, 0.5]]))
    assert frame.to_numpy() == pytest.approx(np.array([[0, -math.pi, math.pi], [-math.pi / 2, math.pi / 2, 0]]), abs=1e-9)
    out = run_rows(scenario, model, goals, frame, chunk_size=1)
    expected = np.sin(frame.x1) + A * np.sin(frame.x2) ** 2 + B * frame.x3 ** 4 * np.sin(frame.x1)
    assert out.value["y_high"] == pytest.approx(expected.to_numpy(), abs=1e-9)
    assert list(out.met["y_high"]) == [int(v >= 3.5) for v in expected]


@pytest.mark.parametrize("kwargs, message", [
    ({"method": "sobol", "n": 1000}, "-n 1000: Sobol' needs a power of 2 base samples; use 512 or 1024"),
    ({"method": "fast", "n": 64}, "--method 'fast' is not one of sobol, morris, delta"),
    ({"method": "sobol", "n": 1}, "-n must be a whole number >= 2, got 1"),
])
def test_bad_options_are_refused_before_anything_runs(tmp_path, kwargs, message):
    with pytest.raises(BatchOptionError, match="^" + message.replace("(", r"\(").replace(")", r"\)") + "$"):
        run_sensitivity(ISHIGAMI, out=tmp_path / "x", **kwargs)
    assert not (tmp_path / "x").exists()


def test_unknown_goal_and_busy_folder_are_refused(tmp_path):
    with pytest.raises(SimulatorError, match="no goal 'nope' in the plan; known goals: y_high, y_very_high"):
        run_sensitivity(ISHIGAMI, n=4, goals=["nope"], out=tmp_path / "x")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "file").write_text("x")
    with pytest.raises(RunDirError, match="output folder exists and is not empty"):
        run_sensitivity(ISHIGAMI, n=4, out=busy)


def test_second_order_finds_the_x1_x3_interaction(tmp_path):
    folder = run_sensitivity(ISHIGAMI, "sobol", n=2048, seed=3, goals=["y_high"], out=tmp_path / "s2", second_order=True)
    table = pd.read_csv(folder / "sensitivity.csv")
    s2 = table[(table.output == "value") & (table["index"] == "S2")].set_index("input")
    assert list(s2.index) == ["x1 & x2", "x1 & x3", "x2 & x3"]
    truths = {"x1 & x2": 0.0, "x1 & x3": ST["x3"], "x2 & x3": 0.0}     # V13 / V is the only interaction
    for pair, truth in truths.items():
        assert s2.loc[pair, "low"] <= truth <= s2.loc[pair, "high"], (pair, s2.loc[pair].to_dict())
    assert json.loads((folder / "sensitivity.json").read_text())["runs"] == 2048 * 8


def test_shared_bootstrap_gives_salibs_point_estimates_and_similar_cis():
    from SALib.analyze import sobol
    from SALib.sample import sobol as sobol_sample

    from simulator.runs.sensitivity import sobol_indices

    problem = {"num_vars": 4, "names": list("abcd"), "bounds": [[0, 1]] * 4}
    x = sobol_sample.sample(problem, 512, calc_second_order=True, seed=2)
    y = x[:, 0] + 2 * x[:, 1] * x[:, 2] + np.sin(3 * x[:, 3])
    ours = sobol_indices(y, 4, True, seed=5)
    theirs = sobol.analyze(problem, y, calc_second_order=True, num_resamples=1000, seed=5)
    assert ours["S1"][0] == pytest.approx(theirs["S1"]) and ours["ST"][0] == pytest.approx(theirs["ST"])
    i, j = np.triu_indices(4, 1)
    assert ours["S2"][0] == pytest.approx(theirs["S2"][i, j])
    assert ours["S1"][1] == pytest.approx(theirs["S1_conf"], rel=0.25)     # bootstrap draws differ
    assert ours["ST"][1] == pytest.approx(theirs["ST_conf"], rel=0.25)
