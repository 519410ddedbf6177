"""History validation statistics (simulator/validation.py): Theil decomposition on cases solved by hand."""

from __future__ import annotations

import pytest

from simulator.runs.validation import error_statistics, turning_points


def test_pure_bias_is_all_um():
    e = error_statistics([1.0, 2.0, 3.0], [2.0, 3.0, 4.0])
    assert (e.um, e.us, e.uc) == pytest.approx((1.0, 0.0, 0.0))
    assert e.mape == pytest.approx((100 + 50 + 100 / 3) / 3)


def test_reversed_series_is_all_uc():
    # same mean and spread, correlation -1: MSE = 8/3, 2(1-r) sS sA = 4 * 2/3 = 8/3
    e = error_statistics([1.0, 2.0, 3.0], [3.0, 2.0, 1.0])
    assert (e.um, e.us, e.uc) == pytest.approx((0.0, 0.0, 1.0))


def test_doubled_spread_is_us_and_the_parts_sum_to_one():
    e = error_statistics([1.0, 2.0, 3.0], [0.0, 2.0, 4.0])
    assert e.um == pytest.approx(0.0)
    assert e.um + e.us + e.uc == pytest.approx(1.0)
    assert e.us == pytest.approx(1.0)


def test_theil_u_is_zero_for_a_perfect_fit_and_at_most_one():
    assert error_statistics([5.0, 6.0], [5.0, 6.0]).theil_u == 0.0
    assert error_statistics([5.0, 6.0], [-5.0, -6.0]).theil_u == pytest.approx(1.0)


def test_empty_window_has_no_statistics():
    assert error_statistics([], []) is None


@pytest.mark.parametrize("values, expected", [([1, 2, 3], 0), ([1, 2, 1], 1), ([3, 2, 2, 1, 2, 1], 2)])
def test_turning_points(values, expected):
    assert turning_points(values) == expected
