"""Tests for simulator.scenarios.sampling and simulator.scenarios.distributions: designs, marginals, correlation, seeds."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from simulator.scenarios.distributions import SpecError, make_input
from simulator.errors import ScenarioError
from simulator.scenarios.sampling import SampleSpace, correlation_matrix, grid_size, sample

UNIFORM = {"dist": "uniform", "low": 0.01, "high": 0.03}
TRIANGULAR = {"dist": "triangular", "low": 0.005, "mode": 0.0075, "high": 0.01}
TRUNCATED = {"dist": "normal", "mean": 0.002, "sd": 0.001, "low": -0.002, "high": 0.006}
CHOICE = {"dist": "choice", "values": [0, 1], "weights": [0.3, 0.7]}


def inputs(**specs):
    return tuple(make_input(name, spec) for name, spec in specs.items())


BOUNDED = inputs(u=UNIFORM, t=TRIANGULAR, tn=TRUNCATED, c=CHOICE)
BOUNDS = [(0.01, 0.03), (0.005, 0.01), (-0.002, 0.006), (0, 1)]


@pytest.mark.parametrize("method", ["lhs", "sobol", "random"])
def test_samples_stay_inside_bounds(method):
    values = sample(BOUNDED, 1024, seed=7, method=method)
    assert values.shape == (1024, 4)
    for column, (low, high) in zip(values.T, BOUNDS):
        assert column.min() >= low and column.max() <= high
    # truncation cuts the normal: without it about 2.3 % of draws would fall outside mean ± 2 sd
    assert set(np.unique(values[:, 3])) == {0.0, 1.0}


@pytest.mark.parametrize("method", ["lhs", "sobol", "random"])
def test_same_seed_same_sample_other_seed_other_sample(method):
    first = sample(BOUNDED, 64, seed=3, method=method)
    again = sample(BOUNDED, 64, seed=3, method=method)
    other = sample(BOUNDED, 64, seed=4, method=method)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first[:, :3], other[:, :3])


def test_lhs_puts_one_point_in_each_stratum():
    n = 50
    values = sample(inputs(a={"dist": "uniform", "low": 0, "high": 1}, b={"dist": "uniform", "low": 0, "high": 1}), n, 11)
    for column in values.T:
        strata = np.floor(column * n).astype(int)
        assert sorted(strata) == list(range(n))


def test_lhs_stratification_holds_through_the_inverse_cdf():
    n = 40
    normal = make_input("x", {"dist": "normal", "mean": 5, "sd": 2})
    column = sample([normal], n, 5)[:, 0]
    strata = np.floor(stats.norm.cdf(column, loc=5, scale=2) * n).astype(int)
    assert sorted(strata) == list(range(n))


def test_sobol_is_balanced_in_every_dyadic_interval():
    n = 256
    unit = inputs(a={"dist": "uniform", "low": 0, "high": 1}, b={"dist": "uniform", "low": 0, "high": 1},
                  c={"dist": "uniform", "low": 0, "high": 1})
    values = sample(unit, n, seed=9, method="sobol")
    for column in values.T:
        for parts in (2, 4, 8, 16):
            counts = np.bincount(np.floor(column * parts).astype(int), minlength=parts)
            assert counts.tolist() == [n // parts] * parts


def test_sobol_refuses_n_that_is_not_a_power_of_two():
    with pytest.raises(ScenarioError) as err:
        sample(BOUNDED, 100, seed=1, method="sobol")
    assert str(err.value) == "sobol sampling needs n to be a power of 2 (got 100); use 64 or 128"


def test_unknown_method_is_refused():
    with pytest.raises(ScenarioError) as err:
        sample(BOUNDED, 10, seed=1, method="halton")
    assert str(err.value) == "unknown sampling method 'halton' (allowed: lhs, sobol, random, grid)"


def test_correlation_is_achieved_for_2000_samples_and_marginals_kept():
    specs = inputs(a=UNIFORM, b=TRIANGULAR, c={"dist": "lognormal", "median": 4.0, "sigma": 0.3}, d=TRUNCATED)
    target = correlation_matrix(["a", "b", "c", "d"], [("a", "b", 0.5), ("a", "c", -0.3), ("b", "d", 0.2)])
    plain = sample(SampleSpace(specs), 2000, seed=21)
    correlated = sample(SampleSpace(specs, target), 2000, seed=21)
    achieved = stats.spearmanr(correlated).statistic
    assert np.abs(achieved - target).max() < 0.02
    assert np.abs(stats.spearmanr(plain).statistic - np.eye(4)).max() < 0.08
    # Iman-Conover only reorders: every column keeps exactly its values (so LHS strata survive)
    np.testing.assert_array_equal(np.sort(plain, axis=0), np.sort(correlated, axis=0))


def test_rank_correlation_is_unbiased():
    """Spearman's rho itself is reached, not the Pearson correlation of the normal scores.

    Correlating normal scores with Pearson r gives Spearman (6/pi) asin(r/2): 0.682 for r = 0.7,
    an 0.018 shortfall that this test (noise about 0.004 at n = 20000) would see.
    """
    specs = inputs(a={"dist": "uniform", "low": 0, "high": 1}, b={"dist": "lognormal", "median": 1, "sigma": 1})
    space = SampleSpace(specs, correlation_matrix(["a", "b"], [("a", "b", 0.7)]))
    assert abs(stats.spearmanr(sample(space, 20000, seed=2)).statistic - 0.7) < 0.006


def test_non_positive_definite_correlation_is_refused():
    with pytest.raises(ScenarioError) as err:
        correlation_matrix(["a", "b", "c"], [("a", "b", 0.9), ("a", "c", 0.9), ("b", "c", -0.9)])
    assert str(err.value).startswith("the correlations do not form a valid correlation matrix (not positive definite")


@pytest.mark.parametrize("pairs, message", [
    ([("a", "z", 0.1)], "correlation names 'z', which is not an uncertain input"),
    ([("a", "a", 0.1)], "correlation pairs 'a' with itself; pair two different inputs"),
    ([("a", "b", 1.0)], "correlation 1.0 between 'a' and 'b' must lie strictly between -1 and 1"),
    ([("a", "b", 0.1), ("b", "a", 0.2)], "correlation between 'b' and 'a' is given twice; keep one"),
])
def test_bad_correlation_pairs(pairs, message):
    with pytest.raises(ScenarioError) as err:
        correlation_matrix(["a", "b"], pairs)
    assert str(err.value) == message


def test_grid_is_full_factorial():
    specs = inputs(a={"dist": "uniform", "low": 0, "high": 3}, b=TRIANGULAR, c={"dist": "choice", "values": [1, 2]})
    space = SampleSpace(specs, levels=3)
    values = sample(space, None, seed=0, method="grid")
    assert grid_size(space) == 18 and values.shape == (18, 3)
    assert len({tuple(row) for row in values}) == 18
    # a uniform on [0, 3] at the midpoints of three equal-probability strata: 0.5, 1.5, 2.5
    np.testing.assert_allclose(sorted(set(values[:, 0])), [0.5, 1.5, 2.5])
    assert sorted(set(values[:, 2])) == [1.0, 2.0]


def test_grid_levels_per_input_and_wrong_n():
    specs = inputs(a=UNIFORM, b=TRIANGULAR)
    space = SampleSpace(specs, levels=(2, 5))
    assert sample(space, None, 0, "grid").shape == (10, 2)
    with pytest.raises(ScenarioError) as err:
        sample(space, 12, 0, "grid")
    assert str(err.value) == "a grid of levels [2, 5] has 10 points, not n = 12; drop n"


def test_grid_refuses_correlation():
    specs = inputs(a=UNIFORM, b=TRIANGULAR)
    with pytest.raises(ScenarioError, match="grid sampling is full-factorial"):
        sample(SampleSpace(specs, correlation_matrix(["a", "b"], [("a", "b", 0.4)])), None, 0, "grid")


def test_marginals_match_their_distributions():
    n = 4000
    specs = inputs(t=TRIANGULAR, l={"dist": "lognormal", "median": 4.0, "sigma": 0.3},
                   m={"dist": "lognormal", "meanlog": math.log(2.0), "sdlog": 0.5}, c=CHOICE,
                   n={"dist": "normal", "mean": 10, "sd": 2})
    values = sample(specs, n, seed=1)
    assert abs(values[:, 0].mean() - (0.005 + 0.0075 + 0.01) / 3) < 2e-5        # triangular mean
    assert abs(np.median(values[:, 1]) - 4.0) < 0.01                            # lognormal median
    assert abs(np.median(values[:, 2]) - 2.0) < 0.01                            # exp(meanlog)
    assert abs(np.std(np.log(values[:, 2])) - 0.5) < 0.01                       # sdlog
    assert abs(values[:, 3].mean() - 0.7) <= 1 / n                              # LHS: exact shares
    assert abs(values[:, 4].mean() - 10) < 0.01 and abs(values[:, 4].std() - 2) < 0.02


def test_no_inputs_gives_empty_columns():
    assert sample([], 5, seed=0).shape == (5, 0)


@pytest.mark.parametrize("spec, key, message", [
    ({"dist": "uniform", "low": 0.05, "high": 0.03}, "low", "low (0.05) must be below high (0.03)"),
    ({"dist": "gauss", "mean": 0}, "dist",
     "unknown distribution 'gauss'; (allowed: uniform, triangular, normal, lognormal, choice)"),
    ({"dist": "normall", "mean": 0, "sd": 1}, "dist",
     "unknown distribution 'normall'; did you mean 'normal'? (allowed: uniform, triangular, normal, lognormal, choice)"),
    ({"dist": "uniform", "low": 0, "hihg": 1}, "hihg",
     "unknown parameter 'hihg' for uniform; did you mean 'high'? (allowed: low, high)"),
    ({"dist": "uniform", "low": 0}, None,
     "missing parameter 'high' for uniform (needs: low, high); e.g. {dist: uniform, low: 0.01, high: 0.03}"),
    ({"dist": "triangular", "low": 0, "mode": 2, "high": 1}, "mode", "mode (2.0) must lie between low (0.0) and high (1.0)"),
    ({"dist": "normal", "mean": 0, "sd": 0}, "sd", "sd (0.0) must be positive"),
    ({"dist": "normal", "mean": 0, "sd": "wide"}, "sd", "sd must be a finite number, got 'wide'"),
    ({"dist": "lognormal", "median": 4}, None,
     "missing parameter 'sigma' for lognormal (needs median + sigma, or meanlog + sdlog)"),
    ({"dist": "lognormal", "median": 4, "sdlog": 0.2}, "median", "give either median + sigma or meanlog + sdlog, not both"),
    ({"dist": "choice", "values": [0, 1], "weights": [0.5, 0.6]}, "weights",
     "weights [0.5, 0.6] sum to 1.1; they must sum to 1"),
    ({"dist": "choice", "values": []}, "values", "values must be a non-empty list of numbers, e.g. [0, 1]"),
    ({"low": 0, "high": 1}, None, "missing 'dist' (one of: uniform, triangular, normal, lognormal, choice)"),
])
def test_bad_distribution_specs(spec, key, message):
    with pytest.raises(SpecError) as err:
        make_input("x", spec)
    assert (str(err.value), err.value.key) == (message, key)


# --- properties (hypothesis) -------------------------------------------------------------------

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
width = st.floats(min_value=1e-6, max_value=1e6, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(low=finite, span=width, sd=width, n=st.integers(1, 300), seed=st.integers(0, 2**32 - 1),
       method=st.sampled_from(["lhs", "random"]))
def test_bounded_marginals_never_leave_their_bounds(low, span, sd, n, seed, method):
    high = low + span
    specs = inputs(u={"dist": "uniform", "low": low, "high": high},
                   t={"dist": "triangular", "low": low, "mode": low + span / 3, "high": high},
                   tn={"dist": "normal", "mean": low - sd, "sd": sd, "low": low, "high": high})
    values = sample(specs, n, seed, method)
    assert values.shape == (n, 3) and np.isfinite(values).all()
    assert (values >= low).all() and (values <= high).all()


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**63 - 1), n=st.integers(4, 200))
def test_seed_alone_fixes_the_sample(seed, n):
    specs = inputs(a=UNIFORM, b=TRIANGULAR)
    space = SampleSpace(specs, correlation_matrix(["a", "b"], [("a", "b", -0.4)]))
    np.testing.assert_array_equal(sample(space, n, seed), sample(space, n, seed))
