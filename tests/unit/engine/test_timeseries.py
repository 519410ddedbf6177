"""Unit tests for simulator/engine/timeseries.py and levers in CompiledModel.run (values precomputed on the step grid)."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


# --- per-element levers: "x[elem]" with a TimeSeries -------------------------------------------

ELEMENT_BODY = """
Region: north, south ~ ~ |
rate[Region] = 1, 2 ~ ~ |
level[Region] = INTEG(rate[Region], 0) ~ ~ |
"""


@pytest.fixture
def regions(tmp_path):
    return simulator.load_model(write_mdl(tmp_path, ELEMENT_BODY, final=4))


def test_element_lever_changes_only_that_element(regions):
    ds = regions.run(params={"rate[south]": TimeSeries([0, 4], [0, 4])}, return_columns=["level", "rate"])
    level = ds["level"].values[0]                 # (time, Region)
    # south: Euler with dt 1 sums rate(k) = k for k < t; north keeps the model's rate 1
    assert np.array_equal(level[:, 1], [0, 0, 1, 3, 6])
    assert np.array_equal(level[:, 0], [0, 1, 2, 3, 4])
    assert np.array_equal(ds["rate"].values[0, :, 1], [0, 1, 2, 3, 4])


def test_each_element_its_own_series_and_a_fixed_neighbour(regions):
    both = regions.run(params={"rate[north]": TimeSeries([0, 2], [1, 5], kind="step"),
                               "rate[south]": TimeSeries([0, 4], [4, 0])})
    assert np.array_equal(both["level"].values[0, :, 0], [0, 1, 2, 7, 12])
    assert np.array_equal(both["level"].values[0, :, 1], [0, 4, 7, 9, 10])
    mixed = regions.run(params={"rate[north]": 10, "rate[south]": TimeSeries([0, 4], [0, 4])})
    assert np.array_equal(mixed["level"].values[0, :, 0], [0, 10, 20, 30, 40])
    assert np.array_equal(mixed["level"].values[0, :, 1], [0, 0, 1, 3, 6])


def test_element_lever_over_a_whole_lever_or_whole_values(regions):
    over_series = regions.run(params={"rate": TimeSeries([0, 4], [0, 4]), "rate[north]": 3})
    assert np.array_equal(over_series["level"].values[0, :, 0], [0, 3, 6, 9, 12])
    assert np.array_equal(over_series["level"].values[0, :, 1], [0, 0, 1, 3, 6])
    over_values = regions.run(params={"rate": [[1, 1], [2, 2]], "rate[south]": TimeSeries([0, 4], [0, 4])})
    assert np.array_equal(over_values["level"].values[:, -1, 0], [4, 8])
    assert np.array_equal(over_values["level"].values[:, -1, 1], [6, 6])


def test_per_scenario_element_series(regions):
    ds = regions.run(params={"rate[south]": TimeSeries([0, 4], [[1, 1], [2, 2], [0, 4]])})
    assert ds.sizes["scenario"] == 3
    assert np.array_equal(ds["level"].values[:, -1, 1], [4, 8, 6])
    assert np.array_equal(ds["level"].values[:, -1, 0], [4, 4, 4])
    with pytest.raises(ParameterError, match=r"parameters give 3 values per variable but n = 2"):
        regions.run(params={"rate[south]": TimeSeries([0, 4], [[1, 1], [2, 2], [0, 4]])}, n=2)


def test_element_lever_with_rk4_uses_half_steps(regions):
    ds = regions.run(params={"rate[north]": TimeSeries([0, 4], [0, 4])}, method="rk4")
    # RK4 integrates a linear rate exactly: level = t^2 / 2; south keeps rate 2
    assert np.allclose(ds["level"].values[0, :, 0], np.arange(5) ** 2 / 2)
    assert np.allclose(ds["level"].values[0, :, 1], 2 * np.arange(5))


def test_element_lever_on_two_subscripts(tmp_path):
    body = """
Region: north, south ~ ~ |
Sector: farm, industry, services ~ ~ |
growth[Region, Sector] = 1 ~ ~ |
output[Region, Sector] = INTEG(growth[Region, Sector], 0) ~ ~ |
"""
    model = simulator.load_model(write_mdl(tmp_path, body, final=2))
    ds = model.run(params={"growth[south, industry]": TimeSeries([0, 1], [5, 0], kind="step")})
    final = ds["output"].values[0, -1]
    expected = np.full((2, 3), 2.0)
    expected[1, 1] = 5.0
    assert np.array_equal(final, expected)


def test_element_levers_table_is_tabulated_once():
    lever = simulator.engine.timeseries.ElementLevers(
        np.array([[1.0, 2.0]]), [((0,), TimeSeries([0, 1], [[0, 1], [0, 3]]))])
    table = lever.table([0, 0.5, 1], (2,))
    assert table.shape == (3, 2, 2)
    assert np.allclose(table[:, :, 0], [[0, 0], [0.5, 1.5], [1, 3]])
    assert np.array_equal(table[:, :, 1], np.full((3, 2), 2.0))


def test_element_levers_grouped_interpolation_equals_each_series_alone():
    """Series sharing times are interpolated together; each element must equal its own on_grid."""
    a = TimeSeries([0, 1, 3], [0.1, 0.3, 0.7])
    b = TimeSeries([0, 1, 3], [[1, 2, 3], [4, 5, 6]])                 # per scenario, same times as a
    c = TimeSeries([0, 2], [5, 6], kind="step")                       # other times and kind
    lever = simulator.engine.timeseries.ElementLevers(
        TimeSeries([0, 3], [-1, -2]), [((2, 0), a), ((0, 1), b), ((1, 1), c), ((0, 0), np.array([9.0]))])
    grid = np.array([-1, 0, 0.5, 1, 2, 3, 7])
    table = lever.table(grid, (3, 2))
    assert table.shape == (7, 2, 3, 2) and table.flags["C_CONTIGUOUS"]
    assert np.array_equal(table[:, :, 2, 0], np.broadcast_to(a.on_grid(grid).T, (7, 2)))
    assert np.array_equal(table[:, :, 0, 1], b.on_grid(grid).T)
    assert np.array_equal(table[:, :, 1, 1], np.broadcast_to(c.on_grid(grid).T, (7, 2)))
    assert np.array_equal(table[:, :, 0, 0], np.full((7, 2), 9.0))
    base = TimeSeries([0, 3], [-1, -2]).on_grid(grid).T                 # elements not overridden
    for element in [(1, 0), (2, 1)]:
        assert np.array_equal(table[(slice(None), slice(None)) + element], np.broadcast_to(base, (7, 2)))
    # held exactly beyond the ends and exact at the points
    assert table[-1, 0, 2, 0] == 0.7 and table[3, 0, 2, 0] == 0.3 and table[-1, 1, 0, 1] == 6.0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(1, 5).flatmap(lambda n: st.tuples(
    st.lists(st.lists(st.floats(-5, 5), min_size=3, max_size=3), min_size=n, max_size=n),
    st.lists(st.floats(-5, 5), min_size=n, max_size=n))))
def test_element_levers_batch_equals_single_runs(regions, drawn):
    """Vectorization promise with per-element levers: scenario i of a batch = a run with row i alone."""
    series_rows, north_values = np.array(drawn[0]), np.array(drawn[1])
    times = [0, 1.5, 4]
    batch = regions.run(params={"rate[south]": TimeSeries(times, series_rows), "rate[north]": north_values},
                        method="rk4")
    for i in range(len(north_values)):
        single = regions.run(params={"rate[south]": TimeSeries(times, series_rows[i]),
                                     "rate[north]": float(north_values[i])}, method="rk4")
        np.testing.assert_allclose(batch["level"].values[i], single["level"].values[0], rtol=1e-12, atol=1e-12)
