"""simulator/runs/seek.py: the lever value for a P(met) on the Ishigami .mdl (answer known), and from a plan's start year."""

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.errors import BatchOptionError
from simulator.runs.seek import Lever, SeekError, _override, _path_rows, goal_lever, resolve_lever, seek

ROOT = Path(__file__).resolve().parents[3]
FOLDER = ROOT / "tests" / "fixtures" / "sensitivity" / "scenarios" / "ishigami"
ISHIGAMI, WITH_LEVER = FOLDER / "uncertain.yaml", FOLDER / "with_lever.yaml"


def _truth(prob: float) -> float:
    """Shift s with P(Y + s >= 3.5) = prob, from a large Monte Carlo sample of the function itself."""
    rng = np.random.default_rng(1)
    x = rng.uniform(-math.pi, math.pi, (1_000_000, 3))
    y = np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])
    return 3.5 - float(np.quantile(y, 1 - prob))


@pytest.fixture(scope="module")
def by_value(tmp_path_factory):
    return seek(ISHIGAMI, "y_high", "shift", prob=0.8, value_range=(0, 6), n=2000,
                out=tmp_path_factory.mktemp("k") / "v")


def test_answer_matches_the_known_quantile_within_its_sampling_error(by_value):
    folder, result, table = by_value
    truth = _truth(0.8)
    assert result["found"] and result["search"] == "value" and result["start_year"] is None
    assert 0 < result["needed_se"] < 0.3
    assert abs(result["needed_value"] - truth) <= 3 * result["needed_se"], (result["needed_value"], result["needed_se"], truth)


def test_curve_is_monotone_with_common_random_numbers_and_written(by_value):
    folder, result, table = by_value
    # Y + s >= 3.5 on the same samples: raising s can only add met scenarios
    assert np.all(np.diff(table["p_met"].to_numpy()) >= 0)
    written = pd.read_csv(folder / "seek.csv")
    assert list(written.columns) == ["value", "p_met", "se", "n", "stage"]
    assert len(written[written.stage == "grid"]) == 11 and len(written[written.stage == "bisect"]) == 8
    saved = json.loads((folder / "seek.json").read_text())
    assert saved["needed_value"] == pytest.approx(result["needed_value"])
    assert {"goal_id", "lever", "lever_unit", "plan_value", "needed_value", "prob", "found"} <= set(saved)


def test_the_end_point_of_a_flat_time_path_gives_the_same_curve(tmp_path, by_value):
    _, result, table = seek(WITH_LEVER, "y_high", "shift", prob=0.8, value_range=(0, 6), n=2000, out=tmp_path / "m")
    assert result["search"] == "path end" and result["plan_value"] == 1.0
    grid = table[table.stage != "plan"]["p_met"].to_numpy()
    assert grid == pytest.approx(by_value[2][by_value[2].stage != "plan"]["p_met"].to_numpy())
    assert result["needed_value"] == pytest.approx(by_value[1]["needed_value"])


def test_unreachable_probability_is_reported_not_answered(tmp_path):
    _, result, _ = seek(ISHIGAMI, "y_very_high", "shift", prob=0.8, value_range=(0, 1), n=200, out=tmp_path / "u")
    assert not result["found"] and result["needed_value"] is None and result["p_max"] < 0.8


def test_the_plans_levers_field_names_the_default_lever():
    assert goal_lever(ISHIGAMI, "y_high") == "shift"
    with pytest.raises(BatchOptionError, match="goal 'y_very_high' names no levers in its plan.yaml; give --lever NAME"):
        goal_lever(ISHIGAMI, "y_very_high")


@pytest.mark.parametrize("kwargs, message", [
    ({"prob": 1.2}, "--prob must lie strictly between 0 and 1, got 1.2"),
    ({"value_range": (3, 1)}, "--range 3,1: LOW must be below HIGH"),
    ({"lever": "y"}, "--lever 'y' is a model flow, not a constant; give a constant or a lever of the scenario"),
])
def test_bad_options_are_refused(tmp_path, kwargs, message):
    args = {"lever": "shift", "value_range": (0, 1), **kwargs}
    with pytest.raises(BatchOptionError, match="^" + message.replace("(", r"\(") + "$"):
        seek(ISHIGAMI, "y_high", n=10, out=tmp_path / "x", **args)
    assert not (tmp_path / "x").exists()


# --- from the plan's start year, in the lever's own units (issue 21 item 6) ------------------------------------------


def _ramp():
    from simulator.engine.timeseries import TimeSeries

    return TimeSeries(np.array([2010.0, 2021.0, 2025.0]), np.array([0.15, 0.15, 0.25]), kind="linear")


def test_a_ramp_keeps_its_history_and_start_and_ends_at_the_candidate():
    lever = Lever("rate", "rate", "1", "path", 0.25, 2021.0, _ramp())
    series = _path_rows(lever, np.array([0.35, 0.15]))
    times, values = np.asarray(series.times), np.asarray(series.values)
    before = times < 2021
    assert values[:, before] == pytest.approx(np.full((2, before.sum()), 0.15))   # history untouched
    assert values[0, times == 2025] == pytest.approx(0.35) and values[1, times == 2025] == pytest.approx(0.15)
    assert np.interp(2023, times, values[0]) == pytest.approx(0.25)               # the ramp's shape, scaled


def test_a_step_lever_takes_the_candidate_from_the_start_year_only():
    from simulator.engine.timeseries import TimeSeries

    step = TimeSeries(np.array([2020.0, 2021.0]), np.array([0.02, 0.03]), kind="step")
    series = _path_rows(Lever("save", "save", "1/Year", "path", 0.03, 2021.0, step), np.array([0.05]))
    assert np.asarray(series.values)[0].tolist() == [0.02, 0.05]


def test_a_constant_keeps_each_sample_s_own_value_before_the_start_year():
    inputs = pd.DataFrame({"push": [0.1, 0.9]})
    lever = Lever("push", "push", "Dmnl", "value", 0.5, 2021.0)
    series = _override(lever, np.array([2.0, 3.0]), inputs)["push"](0, 4)
    assert np.asarray(series.times).tolist() == [2020.0, 2021.0] and series.kind == "step"
    assert np.asarray(series.values).tolist() == [[0.1, 2.0], [0.9, 2.0], [0.1, 3.0], [0.9, 3.0]]


def test_a_0_1_switch_is_not_a_seek_lever():
    from simulator.scenarios.scenario import load_scenario

    scenario = load_scenario(ROOT / "scenarios" / "jizhou" / "plan_uncertain.yaml")
    with pytest.raises(SeekError, match="'plan_support' is a 0/1 switch"):
        resolve_lever(scenario, scenario.model, "plan_support")
    lever = resolve_lever(scenario, scenario.model, "reclaimed_water_target_rate")
    assert (lever.kind, lever.start, lever.plan_value) == ("path", 2021.0, 0.25)


GOALS_WITH_LEVERS = [(path.parent.name, goal.id) for path in sorted((ROOT / "models").glob("*/plan.yaml"))
                     for goal in __import__("simulator.plans.plan", fromlist=["load_plan"]).load_plan(path).goals
                     if goal.levers]


@pytest.mark.parametrize("region, goal_id", GOALS_WITH_LEVERS, ids=[f"{r}:{g}" for r, g in GOALS_WITH_LEVERS])
def test_every_goal_with_levers_has_a_default_that_runs(tmp_path, region, goal_id):
    """The first of the goal's levers is an amount, searched from the plan's start year in its own units."""
    scenario = ROOT / "scenarios" / region / "plan_uncertain.yaml"
    lever = goal_lever(scenario, goal_id)
    folder, result, table = seek(scenario, goal_id, lever, n=2, points=2, out=tmp_path / "s")
    plan = __import__("simulator.plans.plan", fromlist=["load_plan"]).load_plan(region)
    assert result["lever"] == lever and result["start_year"] == plan.start_year and result["plan_value"] is not None
    assert result["found"] == (result["needed_value"] is not None) and (folder / "seek.json").is_file()
    low, high = result["range"]
    assert low <= result["plan_value"] <= high      # searched around the plan's own value, in its units


def test_a_plan_magnitude_sampled_from_the_plan_s_year_keeps_the_baseline_value_before_it():
    from simulator.scenarios.scenario import load_scenario

    scenario = load_scenario(ROOT / "scenarios" / "shijiazhuang_metro" / "plan_uncertain.yaml")
    lever = resolve_lever(scenario, scenario.model, "energy_intensity_decline")
    assert (lever.kind, lever.start, lever.base) == ("value", 2025.0, 0.03)
    series = _override(lever, np.array([0.05]), pd.DataFrame({"energy_intensity_decline": [0.04, 0.041]}))
    assert np.asarray(series["energy_intensity_decline"](0, 2).values).tolist() == [[0.03, 0.05], [0.03, 0.05]]
