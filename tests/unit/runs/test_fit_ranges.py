"""Ranges of fitted constants from the record (runs/fit_ranges.py) and one value per scenario for whole subscripted constants."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import simulator
from simulator.runs.calibration import FreeParameter, Target, _per_scenario
from simulator.runs.fit_ranges import format_ranges, jackknife_ranges

REPO = Path(__file__).resolve().parents[3]
TEACUP = REPO / "tests" / "fixtures" / "models" / "teacup" / "teacup.mdl"


@pytest.fixture(scope="module")
def regional():
    return simulator.load_model(REPO / "models" / "regional" / "regional.mdl")


def test_a_batch_as_long_as_a_dimension_is_still_one_value_per_scenario(regional):
    values = _per_scenario(regional, "tfp_growth", np.array([0.01, 0.02, 0.03]))   # sector has 3 elements
    assert values.shape == (3, 3)
    np.testing.assert_array_equal(values, [[0.01] * 3, [0.02] * 3, [0.03] * 3])
    assert _per_scenario(regional, "tfp_growth[secondary]", np.array([0.01, 0.02, 0.03])).shape == (3,)


def _teacup_targets(model, scale: float, years=(2.0, 5.0, 10.0, 20.0)) -> list:
    ds = model.run(params={"characteristic_time": scale}, return_columns=["teacup_temperature"])
    series = ds["teacup_temperature"].isel(scenario=0)
    return [Target(f"t{y:g}", "teacup_temperature", y, float(series.sel(time=y))) for y in years]


def test_consistent_figures_give_a_tight_range_around_the_true_constant():
    model = simulator.load_model(TEACUP)
    targets = _teacup_targets(model, 12.0)   # figures made by the model at 12: every refit finds 12
    free = [FreeParameter("characteristic_time", 8.0, 5.0, 20.0)]
    (found,) = jackknife_ranges(model, {}, free, targets)
    assert found.identified and found.value == pytest.approx(12.0, rel=1e-4)
    assert found.high - found.low < 1e-3


def test_disagreeing_figures_widen_the_range():
    model = simulator.load_model(TEACUP)
    targets = _teacup_targets(model, 12.0)
    targets[-1] = Target("t20", "teacup_temperature", 20.0, targets[-1].value * 1.05)   # one figure off by 5 %
    free = [FreeParameter("characteristic_time", 8.0, 5.0, 20.0)]
    (found,) = jackknife_ranges(model, {}, free, targets)
    assert found.high - found.low > 0.1
    assert found.low <= 12.0 <= found.high or abs(found.value - 12.0) < found.high - found.low


def test_no_range_when_exactly_identified():
    model = simulator.load_model(TEACUP)
    targets = _teacup_targets(model, 12.0, years=(5.0,))
    assert jackknife_ranges(model, {}, [FreeParameter("characteristic_time", 8.0, 5.0, 20.0)], targets) == []
    assert "exactly identified" in format_ranges([], 1, 1)


def test_identified_ranges_are_printed_ready_for_an_uncertain_block():
    from simulator.runs.fit_ranges import FitRange

    ranges = [FitRange("urbanization_speed", 0.079, (0.079, 0.077), 0.07568, 0.08227),
              FitRange("tfp_growth", 0.06, (0.06, 0.06), 0.06, 0.06, identified=False)]
    lines = format_ranges(ranges, 3, 2).splitlines()
    assert lines[-2:] == ["for the uncertain scenario's uncertain: block (the record's ranges):",
                          '  "urbanization_speed": {dist: uniform, low: 0.07568, high: 0.08227}']
