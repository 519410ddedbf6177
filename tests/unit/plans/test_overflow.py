"""Exploding runs (issue 26): series arithmetic and the float32 store give non-finite values, not RuntimeWarnings.

The suite runs with filterwarnings=error, so a warning fails these tests; before the fix a batch
whose stocks overflowed printed 12 numpy/xarray RuntimeWarnings around its one-line message.
"""

import numpy as np
import xarray as xr

from simulator.plans.series import least_squares_slope, value_at
from simulator.scenarios.outputs import OutputForm, stored

TIMES = np.array([2020.0, 2021.0, 2022.0, 2023.0])
HUGE = np.array([[1.7e308, 1.7e308, 1.7e308, 1.7e308], [1.0, 2.0, 3.0, 4.0]])     # row 0's sum overflows


def test_a_slope_over_exploding_values_is_non_finite_without_a_warning():
    slope, window = least_squares_slope(TIMES, HUGE, 2020.5, 2022.5)
    assert not np.isfinite(slope[0]) and slope[1] == 1.0
    assert window.shape == (2, 4)


def test_a_value_between_saved_times_of_an_exploded_series_is_nan_without_a_warning():
    values = value_at(TIMES, np.array([[np.inf, -np.inf, 0.0, 0.0], [1.0, 3.0, 5.0, 7.0]]), 2020.5)
    assert np.isnan(values[0]) and values[1] == 2.0


def test_a_finite_value_beyond_float32_is_stored_as_inf_without_a_warning():
    ds = xr.Dataset({"gdp": (("scenario", "time"), np.array([[1.0, 1e39], [2.0, -1e40]]))},
                    coords={"scenario": [0, 1], "time": [2020.0, 2021.0]})
    kept = stored(ds, OutputForm(precision="float32"))
    assert kept["gdp"].dtype == np.float32
    assert kept["gdp"].values.tolist() == [[1.0, np.inf], [2.0, -np.inf]]
