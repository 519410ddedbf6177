"""Unit tests for simulator/engine/simulate.py, integrators/ and results.py: the public run contract (docs/interfaces.md §1)."""

import numpy as np
import pytest

import simulator
from simulator.errors import UnknownVariableError

from engine_mdl import write_mdl

TEACUP = """
Characteristic Time = 10 ~ Minutes ~ How long to cool. |
Heat Loss to Room = (Teacup Temperature - Room Temperature) / Characteristic Time ~ Degrees/Minute ~ |
Room Temperature = 70 ~ Degrees ~ |
Teacup Temperature = INTEG(-Heat Loss to Room, 180) ~ Degrees ~ |
"""


@pytest.fixture
def teacup(tmp_path):
    return simulator.load_model(write_mdl(tmp_path, TEACUP, final=30, dt=0.125, saveper=1))


def test_model_description(teacup):
    assert set(teacup.variables) == {"characteristic_time", "room_temperature", "teacup_temperature",
                                     "heat_loss_to_room"}
    order = list(teacup.variables)
    assert order.index("teacup_temperature") < order.index("heat_loss_to_room")
    info = teacup.find("Teacup Temperature")
    assert (info.id, info.name, info.kind, info.dims, info.units) == (
        "teacup_temperature", "Teacup Temperature", "stock", (), "Degrees")
    assert teacup.find("characteristic_time").doc == "How long to cool."
    assert (teacup.time.initial, teacup.time.final, teacup.time.dt, teacup.time.saveper) == (0, 30, 0.125, 1)
    with pytest.raises(UnknownVariableError, match="did you mean 'Teacup Temperature'"):
        teacup.find("Teacup Temprature")


def test_euler_matches_the_closed_form_of_vensims_update(teacup):
    ds = teacup.run()
    k = np.arange(31) * 8      # saved every 8 steps of 0.125
    assert np.allclose(ds["teacup_temperature"].values[0], 70 + 110 * (1 - 0.125 / 10) ** k, rtol=1e-12)
    assert list(ds["time"].values) == list(range(31))


def test_dataset_layout_and_attributes(teacup):
    ds = teacup.run(params={"Room Temperature": [60, 70, 80]}, return_columns=["Heat Loss to Room"])
    assert set(ds.data_vars) == {"heat_loss_to_room", "status", "message"}
    assert ds["heat_loss_to_room"].dims == ("scenario", "time")
    assert ds["heat_loss_to_room"].attrs == {"name": "Heat Loss to Room", "units": "Degrees/Minute",
                                             "doc": "", "kind": "flow"}
    assert list(ds["scenario"].values) == [0, 1, 2]
    assert ds["status"].dtype == np.int8 and list(ds["status"].values) == [0, 0, 0]
    assert list(ds["message"].values) == ["", "", ""]
    assert ds.attrs["method"] == "euler" and ds.attrs["time_step"] == 0.125 and ds.attrs["saveper"] == 1
    assert ds.attrs["model"].endswith("model.mdl")
    assert np.allclose(ds["heat_loss_to_room"].values[:, 0], [12, 11, 10])


def test_time_overrides(teacup):
    ds = teacup.run(initial_time=5, final_time=7, time_step=0.5, saveper=0.5)
    assert list(ds["time"].values) == [5, 5.5, 6, 6.5, 7]
    assert ds["teacup_temperature"].values[0, 1] == pytest.approx(180 - 0.5 * 11)


def test_saveper_not_a_multiple_of_dt_keeps_vensim_grid(tmp_path):
    model = simulator.load_model(write_mdl(tmp_path, "level = INTEG(1, 0) ~ ~ |", final=2, dt=0.5, saveper=0.5))
    ds = model.run(saveper=1)
    assert list(ds["time"].values) == [0, 1, 2] and list(ds["level"].values[0]) == [0, 1, 2]


def test_rk4_is_far_more_accurate_than_euler_on_decay(tmp_path):
    model = simulator.load_model(write_mdl(tmp_path, "level = INTEG(-level, 1) ~ ~ |", final=2, dt=0.1))
    exact = np.exp(-2.0)
    euler = abs(model.run(method="euler")["level"].values[0, -1] - exact)
    rk4 = abs(model.run(method="rk4")["level"].values[0, -1] - exact)
    assert rk4 < 1e-6 < euler
    assert set(simulator.METHODS) >= {"euler", "rk4"}


def test_non_finite_scenario_is_flagged_and_others_finish(tmp_path):
    model = simulator.load_model(write_mdl(tmp_path, "a = 1 ~ ~ |\nroot = LN(a) * Time ~ ~ |", final=4))
    ds = model.run(params={"a": [-1.0, 1.0]}, return_columns=["root"])
    assert list(ds["status"].values) == [1, 0]
    assert ds["message"].values[0] == "non-finite value in 'root' at time 0"
    assert ds["message"].values[1] == ""
    assert np.array_equal(ds["root"].values[1], np.zeros(5))


def test_non_finite_stock_is_reported_at_the_first_saved_time(tmp_path):
    model = simulator.load_model(write_mdl(tmp_path, "level = INTEG(1 / (Time - 2), 0) ~ ~ |", final=4))
    ds = model.run(return_columns=["level"])
    assert ds["message"].values[0] == "non-finite value in 'level' at time 3"


def test_batch_equals_single_runs(teacup):
    values = [5.0, 10.0, 20.0]
    batch = teacup.run(params={"Characteristic Time": values})["teacup_temperature"].values
    for row, value in enumerate(values):
        single = teacup.run(params={"Characteristic Time": value})["teacup_temperature"].values[0]
        assert np.array_equal(batch[row], single)


def test_compiled_model_pickles_for_worker_processes(teacup):
    import pickle
    before = teacup.run()["teacup_temperature"].values
    clone = pickle.loads(pickle.dumps(teacup))
    assert np.array_equal(clone.run()["teacup_temperature"].values, before)
