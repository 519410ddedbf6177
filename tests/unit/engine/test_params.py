"""Unit tests for simulator/engine/params.py: parameters are validated at the front door of CompiledModel.run."""

import numpy as np
import pytest

import simulator
from simulator.errors import ParameterError, UnknownVariableError

from engine_mdl import write_mdl

BODY = """
Region: north, south ~ ~ |
rate = 2 ~ ~ |
weights[Region] = 1, 3 ~ ~ |
level = INTEG(rate, 0) ~ ~ |
scaled[Region] = level * weights[Region] ~ ~ |
"""


@pytest.fixture
def model(tmp_path):
    return simulator.load_model(write_mdl(tmp_path, BODY, final=2))


def test_number_applies_to_every_scenario(model):
    ds = model.run(params={"rate": 5}, n=3)
    assert np.array_equal(ds["level"].values[:, -1], [10, 10, 10])


def test_one_value_per_scenario_sets_n(model):
    ds = model.run(params={"Rate": [1, 2, 3]})
    assert ds.sizes["scenario"] == 3
    assert np.array_equal(ds["level"].values[:, -1], [2, 4, 6])


def test_subscripted_values_by_shape(model):
    per_element = model.run(params={"weights": [10, 20]})
    assert np.array_equal(per_element["scaled"].values[0, -1], [40, 80])
    per_scenario = model.run(params={"weights": [[1, 1], [2, 5]]})
    assert np.array_equal(per_scenario["scaled"].values[:, -1], [[4, 4], [8, 20]])


def test_single_element_of_a_constant(model):
    ds = model.run(params={"weights[south]": 10})
    assert np.array_equal(ds["scaled"].values[0, -1], [4, 40])


def test_unknown_name_suggests_the_nearest(model):
    with pytest.raises(UnknownVariableError, match=r"no variable named 'rte'; did you mean 'rate'"):
        model.run(params={"rte": 1})


@pytest.mark.parametrize("params, message", [
    ({"rate": "fast"}, r"parameter 'rate': value 'fast' is not a number"),
    ({"rate": float("nan")}, r"parameter 'rate': values must be finite numbers"),
    ({"weights": np.ones((2, 3))}, r"parameter 'weights': shape \(2, 3\) does not fit"),
    ({"level": 3}, r"parameter 'level': 'level' is a stock"),
    ({"weights[east]": 1}, r"parameter 'weights\[east\]': 'east' is not an element of Region"),
    ({"rate": [1, 2], "weights": [[1, 1], [1, 1], [1, 1]]}, r"disagree on the number of scenarios"),
])
def test_bad_values_name_the_variable(model, params, message):
    with pytest.raises(ParameterError, match=message):
        model.run(params=params)


def test_n_must_agree_with_the_values(model):
    with pytest.raises(ParameterError, match=r"parameters give 2 values per variable but n = 3"):
        model.run(params={"rate": [1, 2]}, n=3)


def test_time_settings_and_method_are_validated(model):
    with pytest.raises(ParameterError, match="unknown method 'heun'"):
        model.run(method="heun")
    with pytest.raises(ParameterError, match="time_step must be > 0"):
        model.run(time_step=0)
    with pytest.raises(ParameterError, match="final_time 1 is before initial_time 5"):
        model.run(initial_time=5, final_time=1)


def test_return_columns_accept_names_ids_and_subscripted_names(model):
    ds = model.run(return_columns=["Level", "scaled[south]"])
    assert set(ds.data_vars) == {"level", "scaled", "status", "message"}
    with pytest.raises(UnknownVariableError, match="no variable named 'levl'"):
        model.run(return_columns=["levl"])


@pytest.mark.parametrize("params, message", [
    ({"weights[south]": simulator.TimeSeries([0, 1], [1, 2]), "weights[ South ]": 4},
     r"parameter 'weights\[ South \]': the same element as 'weights\[south\]'; give it once"),
    ({"weights[east]": simulator.TimeSeries([0, 1], [1, 2])},
     r"parameter 'weights\[east\]': 'east' is not an element of Region"),
    ({"weights[north, south]": simulator.TimeSeries([0, 1], [1, 2])},
     r"parameter 'weights\[north, south\]': 'weights' has 1 subscripts, got 2"),
    ({"weights[north]": "high"}, r"parameter 'weights\[north\]': give a number, a length-n array"),
    ({"weights[north]": simulator.TimeSeries([0, 1], [[1, 2], [3, 4]]), "rate": [1, 2, 3]},
     r"disagree on the number of scenarios: \[2, 3\]"),
])
def test_bad_element_values_name_the_key(model, params, message):
    with pytest.raises(ParameterError, match=message):
        model.run(params=params)


def test_element_lever_is_resolved_as_one_lever(model):
    from simulator.engine.params import resolve_params
    from simulator.engine.timeseries import ElementLevers
    resolved = resolve_params(model.ir, model._names, {"weights[south]": simulator.TimeSeries([0, 2], [1, 3]),
                                                       "weights[north]": 7, "rate": 1}, None)
    assert set(resolved.levers) == {"weights"} and isinstance(resolved.levers["weights"], ElementLevers)
    assert "weights" not in resolved.values and resolved.n == 1
    ds = model.run(params={"weights[south]": simulator.TimeSeries([0, 2], [1, 3]), "weights[north]": 7})
    # level = 2 t; scaled = level * weights: north 7, south linear 1 -> 3 over [0, 2]
    assert np.allclose(ds["scaled"].values[0, -1], [4 * 7, 4 * 3])
