"""Unit tests for simulator/timeseries.py and levers in CompiledModel.run (values precomputed on the step grid)."""

import numpy as np
import pytest

import simulator
from simulator import TimeSeries
from simulator.errors import ParameterError

from engine_mdl import write_mdl


def test_linear_and_step_on_a_grid():
    series = TimeSeries([0, 10], [0, 100])
    assert np.allclose(series.on_grid([-5, 0, 2.5, 10, 20]), [[0, 0, 25, 100, 100]])
    held = TimeSeries([0, 10], [1, 2], kind="step")
    assert np.array_equal(held.on_grid([0, 9.99, 10, 30]), [[1, 1, 2, 2]])


def test_per_scenario_values():
    series = TimeSeries([0, 1], [[0, 1], [0, 2]])
    assert series.n == 2
    assert np.allclose(series.on_grid([0.5]), [[0.5], [1.0]])


@pytest.mark.parametrize("args, message", [
    (([1, 0], [1, 2]), "strictly increasing"),
    (([0, 1], [1, 2, 3]), r"shaped \(T,\) or \(n, T\)"),
    (([0, 1], [1, 2], "cubic"), "kind 'cubic'"),
])
def test_bad_series_are_rejected(args, message):
    with pytest.raises(ParameterError, match=message):
        TimeSeries(*args)


def test_lever_drives_the_model_on_the_step_grid(tmp_path):
    model = simulator.load_model(write_mdl(tmp_path, "rate = 1 ~ ~ |\nlevel = INTEG(rate, 0) ~ ~ |", final=4))
    ds = model.run(params={"rate": TimeSeries([0, 4], [0, 4])})
    # Euler with dt 1: level(t) = sum of rate(k) = k for k < t
    assert np.array_equal(ds["level"].values[0], [0, 0, 1, 3, 6])
    held = model.run(params={"rate": TimeSeries([0, 2], [1, 5], kind="step")})
    assert np.array_equal(held["level"].values[0], [0, 1, 2, 7, 12])


def test_lever_with_rk4_uses_half_steps(tmp_path):
    model = simulator.load_model(write_mdl(tmp_path, "rate = 1 ~ ~ |\nlevel = INTEG(rate, 0) ~ ~ |", final=4))
    ds = model.run(params={"rate": TimeSeries([0, 4], [0, 4])}, method="rk4")
    # RK4 integrates a linear rate exactly: level = t^2 / 2
    assert np.allclose(ds["level"].values[0], np.arange(5) ** 2 / 2)


def test_per_scenario_lever(tmp_path):
    model = simulator.load_model(write_mdl(tmp_path, "rate = 1 ~ ~ |\nlevel = INTEG(rate, 0) ~ ~ |", final=2))
    ds = model.run(params={"rate": TimeSeries([0, 2], [[1, 1], [2, 2]])})
    assert np.array_equal(ds["level"].values[:, -1], [2, 4])
