"""Tests of DELAY FIXED whose delay time differs between scenarios or elements (codegen _delay_read)."""

import numpy as np

import simulator

try:  # tests/ may or may not be a package
    from .engine_mdl import write_mdl
except ImportError:
    from engine_mdl import write_mdl

MODEL = """
Region: north, south ~ ~ |
lag = 1 ~ ~ |
lags[Region] = 0.5, 2 ~ ~ |
input = STEP(10, 1) + RAMP(1, 2, 6) ~ ~ |
delayed = DELAY FIXED(input, lag, 0) ~ ~ |
delayed by region[Region] = DELAY FIXED(input, lags[Region], 0) ~ ~ |
delayed twice = DELAY FIXED(delayed, lag, 0) ~ ~ |
"""


def _model(tmp_path):
    return simulator.load_model(write_mdl(tmp_path, MODEL, final=8, dt=0.25))


def _shifted(series, steps):
    return np.concatenate([np.zeros(steps), series[:-steps]])


def test_each_scenario_lags_by_its_own_delay_time(tmp_path):
    model = _model(tmp_path)
    lags = [0.5, 1.0, 2.25]
    ds = model.run(params={"lag": lags})
    for i, lag in enumerate(lags):
        steps = int(round(lag / 0.25))
        np.testing.assert_array_equal(ds["delayed"].values[i], _shifted(ds["input"].values[i], steps))
        np.testing.assert_array_equal(ds["delayed_twice"].values[i], _shifted(ds["input"].values[i], 2 * steps))
        single = model.run(params={"lag": lag})
        np.testing.assert_array_equal(single["delayed_twice"].values[0], ds["delayed_twice"].values[i])


def test_each_element_lags_by_its_own_delay_time(tmp_path):
    ds = _model(tmp_path).run()
    values = ds["delayed_by_region"].values[0]
    np.testing.assert_array_equal(values[:, 0], _shifted(ds["input"].values[0], 2))
    np.testing.assert_array_equal(values[:, 1], _shifted(ds["input"].values[0], 8))
