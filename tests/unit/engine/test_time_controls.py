"""Control variables given by equations (engine/timegrid.py): the grid walked as Vensim and PySD read
INITIAL TIME, FINAL TIME, TIME STEP and SAVEPER, one grid per batch, and one-line errors where a
grid cannot serve every scenario.

Expected values are computed here by hand (Euler growth on the documented grid) or taken from PySD
running the same file; nothing is copied from plansim's own output.
"""

import shutil
import warnings

import numpy as np
import pytest
from click.testing import CliRunner

import simulator
from simulator.engine.table import simulate_table
from simulator.errors import ModelParseError, ParameterError, ScenarioError

try:  # tests/ may or may not be a package
    from .engine_mdl import write_mdl
except ImportError:
    from engine_mdl import write_mdl

GROWTH = """
stock = INTEG(growth, 1) ~ ~ |
growth = stock * rate ~ ~ |
rate = 0.1 ~ ~ |
other = 3 ~ ~ |
"""
STEP = "IF THEN ELSE(Time < 4, 1, 0.5)"
SAVE = "IF THEN ELSE(Time < 6, TIME STEP, 2)"
FINAL = "IF THEN ELSE(Time < 3, 8, 12)"


def _pysd(path, **kwargs):
    pysd = pytest.importorskip("pysd")
    copy = path.parent / "pysd_copy" / path.name      # PySD writes a .py beside the model
    copy.parent.mkdir(exist_ok=True)
    shutil.copy(path, copy)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pysd.read_vensim(str(copy)).run(**kwargs)


@pytest.fixture
def changing(tmp_path):
    return write_mdl(tmp_path, GROWTH, final=FINAL, dt=STEP, saveper=SAVE)


def test_changing_step_save_and_final_time_follow_the_documented_grid(changing):
    table = simulate_table(simulator.load_model(changing)).set_index("Time")
    # TIME STEP 1 up to t = 4, then 0.5; SAVEPER = TIME STEP until t = 6, then 2; FINAL TIME 8 → 12 at t = 3
    expected_times = [0, 1, 2, 3, 4, 4.5, 5, 5.5, 6, 8, 10, 12]
    assert table.index.tolist() == expected_times
    by_hand = {t: 1.1 ** min(t, 4) * 1.05 ** max(0, round((t - 4) / 0.5)) for t in expected_times}
    np.testing.assert_allclose(table["stock"], [by_hand[t] for t in expected_times], rtol=1e-12)
    assert table["TIME STEP"].tolist() == [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
    assert table["SAVEPER"].tolist() == [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 2, 2, 2, 2]
    assert table["FINAL TIME"].tolist() == [8, 8, 8, 12, 12, 12, 12, 12, 12, 12, 12, 12]


def test_changing_grid_agrees_with_pysd(changing):
    ours = simulate_table(simulator.load_model(changing)).set_index("Time")
    theirs = _pysd(changing)
    assert list(theirs.index) == list(ours.index)
    for column in ("stock", "growth", "FINAL TIME", "TIME STEP", "SAVEPER"):
        np.testing.assert_allclose(ours[column].to_numpy(), theirs[column].to_numpy(dtype=float), rtol=1e-12)


def test_a_batch_runs_on_the_shared_grid_and_equals_single_runs(changing):
    model = simulator.load_model(changing)
    ds = model.run(params={"rate": [0.1, 0.2, 0.3]})     # rate is not read by the time settings
    assert ds["time"].values.tolist() == [0, 1, 2, 3, 4, 4.5, 5, 5.5, 6, 8, 10, 12]
    for i, rate in enumerate([0.1, 0.2, 0.3]):
        one = model.run(params={"rate": rate})
        np.testing.assert_array_equal(ds["stock"].values[i], one["stock"].values[0])
    assert ds.attrs["final_time"] == 12 and "TIME STEP that changes" in ds.attrs["kernel"]


def test_run_time_overrides_replace_the_equations(changing):
    ds = simulator.load_model(changing).run(final_time=5, time_step=0.25, saveper=1)
    assert ds["time"].values.tolist() == [0, 1, 2, 3, 4, 5]
    np.testing.assert_allclose(ds["stock"].values[0, -1], 1.025 ** 20, rtol=1e-12)


def test_a_final_time_ending_on_a_condition_of_time(tmp_path):
    path = write_mdl(tmp_path, GROWTH + "trigger = Time * 2 - 5 ~ ~ |\n",
                     final="IF THEN ELSE(trigger > 10, Time, 100)")
    table = simulate_table(simulator.load_model(path)).set_index("Time")
    assert table.index[-1] == 8 and table["FINAL TIME"].iloc[-1] == 8 and table["FINAL TIME"].iloc[-2] == 100
    theirs = _pysd(path)
    assert list(theirs.index) == list(table.index)
    np.testing.assert_allclose(table["stock"].to_numpy(), theirs["stock"].to_numpy(dtype=float), rtol=1e-12)


def test_a_constant_read_by_final_time_follows_its_parameter(tmp_path):
    path = write_mdl(tmp_path, GROWTH + "horizon = 10 ~ ~ |\n", final="horizon")
    model = simulator.load_model(path)
    ds = model.run(params={"horizon": 6, "rate": [0.1, 0.2]})
    assert ds["time"].values[-1] == 6
    theirs = _pysd(path, params={"horizon": 6})
    assert theirs.index[-1] == 6
    assert model.run(params={"horizon": [6, 6]})["time"].values[-1] == 6   # one value for all: one grid


@pytest.mark.parametrize("control, label", [("final", "FINAL TIME"), ("dt", "TIME STEP"), ("saveper", "SAVEPER")])
def test_time_settings_differing_between_scenarios_are_one_error_line(tmp_path, control, label):
    path = write_mdl(tmp_path, GROWTH + "knob = 1 ~ ~ |\n", **{control: {"final": "knob * 10", "dt": "knob",
                                                                      "saveper": "knob"}[control]})
    model = simulator.load_model(path)
    model.run(params={"knob": [1, 1]})
    with pytest.raises(ParameterError) as err:
        model.run(params={"knob": [1, 0.5]})
    message = str(err.value)
    assert "\n" not in message and str(path) in message and f"{label} depends on 'knob'" in message
    assert "differs between the scenarios" in message and "one value for all scenarios" in message


def test_a_final_time_reading_a_stock_is_refused_at_load(tmp_path):
    path = write_mdl(tmp_path, GROWTH, final="IF THEN ELSE(stock > 2, Time, 100)")
    with pytest.raises(ModelParseError, match=r"FINAL TIME depends on 'stock', a stock or stateful function: a batch "
                                              r"shares one time grid"):
        simulator.load_model(path)


def test_an_equation_reading_a_changing_final_time_is_refused(tmp_path):
    path = write_mdl(tmp_path, GROWTH + "left = FINAL TIME - Time ~ ~ |\n", final=FINAL)
    with pytest.raises(ModelParseError, match="variable 'left' reads FINAL TIME, which changes during the run"):
        simulator.load_model(path)


def test_a_changing_time_step_is_read_by_equations(tmp_path):
    path = write_mdl(tmp_path, GROWTH + "per step = stock * TIME STEP ~ ~ |\n", final=6, dt=STEP)
    ds = simulator.load_model(path).run(return_columns=["per step", "stock"])
    np.testing.assert_array_equal(ds["per_step"].values[0], ds["stock"].values[0] * [1, 1, 1, 1, .5, .5, .5, .5, .5])
    alone = write_mdl(tmp_path, GROWTH + "step seen = TIME STEP ~ ~ |\n", final=6, dt=STEP, name="alone.mdl")
    with pytest.raises(ParameterError, match="variable 'step seen' reads TIME STEP, which changes during the run"):
        simulator.load_model(alone).run()


def test_delay_fixed_with_a_changing_time_step_is_refused(tmp_path):
    path = write_mdl(tmp_path, GROWTH + "late = DELAY FIXED(stock, 2, 1) ~ ~ |\n", final=6, dt=STEP)
    model = simulator.load_model(path)
    with pytest.raises(ParameterError, match="TIME STEP changes during the run and 'late' use DELAY FIXED"):
        model.run()


def test_rk4_on_a_changing_time_step(changing):
    ds = simulator.load_model(changing).run(method="rk4")
    k = lambda h: 1 + h * 0.1 + (h * 0.1) ** 2 / 2 + (h * 0.1) ** 3 / 6 + (h * 0.1) ** 4 / 24  # noqa: E731
    np.testing.assert_allclose(ds["stock"].values[0, -1], k(1) ** 4 * k(0.5) ** 16, rtol=1e-12)


# --- batch: scenario files ----------------------------------------------------------------------

def _project(tmp_path, uncertain, time=""):
    (tmp_path / "models").mkdir()
    write_mdl(tmp_path / "models", GROWTH + "horizon = 10 ~ ~ |\n", final="horizon")
    scenario = tmp_path / "scenarios" / "s.yaml"
    scenario.parent.mkdir()
    scenario.write_text(f"name: s\nmodel: ../models/model.mdl\n{time}uncertain:\n  {uncertain}: "
                        "{dist: uniform, low: 5, high: 9}\nsampling: {method: lhs, n: 4, seed: 1}\n")
    return scenario


def test_a_batch_varying_a_constant_the_time_settings_do_not_read_runs(tmp_path):
    from run import cli
    scenario = _project(tmp_path, "rate")
    result = CliRunner().invoke(cli, ["batch", str(scenario), "--out", str(tmp_path / "run"), "--quiet"])
    assert result.exit_code == 0, result.output


def test_a_batch_varying_a_constant_final_time_reads_is_one_error_line(tmp_path):
    from run import cli
    from simulator.scenarios.scenario import load_scenario
    scenario = _project(tmp_path, "horizon")
    with pytest.raises(ScenarioError, match=r"s.yaml:\d+: uncertain.horizon is sampled, but the model's FINAL TIME "
                                            r"reads it: every scenario of a batch shares one time grid"):
        load_scenario(scenario)
    result = CliRunner().invoke(cli, ["batch", str(scenario), "--out", str(tmp_path / "run"), "--quiet"])
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "time.end" in lines[0]
    assert not (tmp_path / "run").exists()


def test_a_scenario_giving_its_own_end_may_vary_that_constant(tmp_path):
    from simulator.scenarios.scenario import load_scenario
    scenario = _project(tmp_path, "horizon", time="time: {end: 8}\n")
    assert load_scenario(scenario).time["end"] == 8


# --- run.py simulate ----------------------------------------------------------------------------

def test_simulate_writes_the_changing_control_variables(changing, tmp_path):
    import pandas as pd
    from run import cli
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(cli, ["simulate", str(changing), "-o", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert {"INITIAL TIME", "FINAL TIME", "TIME STEP", "SAVEPER", "other"} <= set(table.columns)
    assert table["TIME STEP"].tolist()[3:5] == [1, 0.5] and table["INITIAL TIME"].eq(0).all()
    assert table["other"].eq(3).all()


def test_simulate_refuses_a_final_time_reading_a_stock_in_one_line(tmp_path):
    from run import cli
    path = write_mdl(tmp_path, GROWTH, final="IF THEN ELSE(stock > 2, Time, 100)")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(cli, ["simulate", str(path), "-o", str(out)])
    assert result.exit_code != 0 and not out.exists()
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "FINAL TIME depends on 'stock'" in lines[0]


def test_the_fused_kernel_runs_a_walked_grid_of_equal_steps(tmp_path):
    pytest.importorskip("numba")
    body = GROWTH.replace("stock = INTEG(growth, 1)", "stock[r] = INTEG(growth[r], 1)").replace(
        "growth = stock * rate", "growth[r] = stock[r] * rate") + "r: a, b ~ ~ |\ntrigger = Time * 2 - 5 ~ ~ |\n"
    path = write_mdl(tmp_path, body, final="IF THEN ELSE(trigger > 10, Time, 100)", dt=0.25,
                     saveper="IF THEN ELSE(Time < 3, 0.5, 1)")
    model = simulator.load_model(path)
    rates = np.linspace(0.05, 0.2, 120)
    fused = model.run(params={"rate": rates}, kernel="fused")
    plain = model.run(params={"rate": rates}, kernel="numpy")
    assert fused.attrs["kernel"].startswith("fused")
    assert fused["time"].values.tolist() == [0, 0.5, 1, 1.5, 2, 2.5, 3, 4, 5, 6, 7]   # ends at 7.75, not saved
    np.testing.assert_array_equal(fused["stock"].values, plain["stock"].values)


def test_control_equations_that_cannot_give_a_grid_are_one_error_line(tmp_path):
    itself = write_mdl(tmp_path, GROWTH, final="IF THEN ELSE(Time < 5, FINAL TIME, 20)", name="itself.mdl")
    with pytest.raises(ModelParseError, match="FINAL TIME reads itself"):
        simulator.load_model(itself)
    stalled = write_mdl(tmp_path, GROWTH, dt="IF THEN ELSE(Time < 3, 1, 0)", name="stalled.mdl")
    with pytest.raises(ParameterError, match="at time 3 TIME STEP = 0.*must be > 0"):
        simulator.load_model(stalled)
