"""Tests of RANDOM BETA, BINOMIAL, GAMMA, NEGATIVE BINOMIAL, TRIANGULAR, WEIBULL (codegen/noise_families.py).

Vensim's convention (Reference Guide > Functions > Random Functions): X from the distribution,
``shift + stretch * X``, truncated to [min, max]. The reference moments are those of the documented
distribution truncated to the bounds, computed with scipy.stats (never with the engine); the
tolerance is 5 standard errors of 10^5 scenarios.
"""

import numpy as np
import pytest
from scipy import special, stats

import simulator

from engine_mdl import write_mdl

MODEL = """
beta = RANDOM BETA(1, 2.8, 2, 3, 1, 2, 0) ~ ~ |
binomial = RANDOM BINOMIAL(1, 8, 0.3, 10, 0, 1, 0) ~ ~ |
stretched binomial = RANDOM BINOMIAL(0, 100, 0.5, 4.4, 10, 3, 0) ~ ~ |
gamma = RANDOM GAMMA(0, 6, 2.5, 0, 1, 0) ~ ~ |
gamma one = RANDOM GAMMA(1, 3, 1, 0.5, 2, 0) ~ ~ |
negative binomial = RANDOM NEGATIVE BINOMIAL(0, 1000, 0.4, 3, 0, 1, 0) ~ ~ |
truncated negative binomial = RANDOM NEGATIVE BINOMIAL(5, 12, 0.4, 3, 0, 1, 0) ~ ~ |
triangular = RANDOM TRIANGULAR(0, 10, 1, 2, 5, 0) ~ ~ |
truncated triangular = RANDOM TRIANGULAR(1.5, 4, 1, 2, 5, 0) ~ ~ |
weibull = RANDOM WEIBULL(0, 100, 2, 0, 1, 0) ~ ~ |
stretched weibull = RANDOM WEIBULL(2, 9, 0.8, 1, 3, 0) ~ ~ |
triangle pdf((0, 0), (1, 2), (3, 0)) ~ ~ |
ramp pdf((0, 1), (1, 1), (2, 3)) ~ ~ |
lookup triangle = RANDOM LOOKUP(triangle pdf, 0, 10, 0, 1, 0) ~ ~ |
lookup ramp = RANDOM LOOKUP(ramp pdf, 2, 6.5, 1, 3, 0) ~ ~ |
"""
NAMES = ["beta", "binomial", "stretched_binomial", "gamma", "gamma_one", "negative_binomial",
         "truncated_negative_binomial", "triangular", "truncated_triangular", "weibull", "stretched_weibull",
         "lookup_triangle", "lookup_ramp"]
N = 100_000


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return simulator.load_model(write_mdl(tmp_path_factory.mktemp("families"), MODEL, final=1))


@pytest.fixture(scope="module")
def many(model):
    return model.run(n=N, seed=23, return_columns=NAMES)


def _check(draws, law, low, high, shift=0.0, stretch=1.0):
    """Draws against ``shift + stretch * law`` conditioned on [low, high]: bounds and two moments."""
    draws = np.asarray(draws, dtype=float).ravel()
    assert draws.min() >= low and draws.max() <= high
    lo, hi = (low - shift) / stretch, (high - shift) / stretch
    if isinstance(getattr(law, "dist", None), stats.rv_discrete):   # discrete: sum over the integers inside the bounds
        k = np.arange(max(np.ceil(lo), law.support()[0]), min(np.floor(hi), 10_000) + 1)
        p = law.pmf(k) / law.pmf(k).sum()
        mean = (p * k).sum()
        var, fourth = (p * (k - mean) ** 2).sum(), (p * (k - mean) ** 4).sum()
    else:
        mean = law.expect(lambda x: x, lb=lo, ub=hi, conditional=True)
        var = law.expect(lambda x: (x - mean) ** 2, lb=lo, ub=hi, conditional=True)
        fourth = law.expect(lambda x: (x - mean) ** 4, lb=lo, ub=hi, conditional=True)
    mean, var, fourth = shift + stretch * mean, stretch ** 2 * var, stretch ** 4 * fourth
    n = draws.size
    assert abs(draws.mean() - mean) < 5 * np.sqrt(var / n), (draws.mean(), mean)
    assert abs(draws.var() - var) < 5 * np.sqrt((fourth - var ** 2) / n), (draws.var(), var)


def test_beta(many):
    _check(many["beta"].values, stats.beta(2, 3), 1, 2.8, shift=1, stretch=2)


def test_binomial_is_integer_and_rounds_its_trials(many):
    _check(many["binomial"].values, stats.binom(10, 0.3), 1, 8)
    stretched = many["stretched_binomial"].values           # 10 + 3 K, K ~ Binomial(4 trials, 0.5)
    assert set(np.unique(stretched)) == {10.0, 13.0, 16.0, 19.0, 22.0}
    _check(stretched, stats.binom(4, 0.5), 0, 100, shift=10, stretch=3)


def test_gamma_of_order_o_and_order_one_is_the_exponential(many):
    _check(many["gamma"].values, stats.gamma(2.5), 0, 6)
    _check(many["gamma_one"].values, stats.expon(), 1, 3, shift=0.5, stretch=2)


def test_negative_binomial_counts_trials_up_to_the_nth_success(many):
    trials = stats.nbinom(3, 0.4, loc=3)          # failures before the 3rd success, plus the 3 successes
    draws = many["negative_binomial"].values
    assert draws.min() >= 3 and np.all(draws == np.round(draws))
    _check(draws, trials, 0, 1000)
    _check(many["truncated_negative_binomial"].values, trials, 5, 12)


def test_triangular_between_start_and_end_peaking_at_peak(many):
    law = stats.triang(c=(2 - 1) / (5 - 1), loc=1, scale=5 - 1)
    _check(many["triangular"].values, law, 0, 10)
    _check(many["truncated_triangular"].values, law, 1.5, 4)


def test_weibull_has_mean_one_before_stretch_and_shift(many):
    def law(shape):
        return stats.weibull_min(shape, scale=1 / special.gamma(1 + 1 / shape))

    assert abs(law(2).mean() - 1) < 1e-12
    _check(many["weibull"].values, law(2), 0, 100)
    _check(many["stretched_weibull"].values, law(0.8), 2, 9, shift=1, stretch=3)


def test_chunking_and_scenario_indices_never_change_a_draw(model):
    whole = model.run(n=6, seed=5, return_columns=NAMES)
    parts = [model.run(n=2, seed=5, scenarios=[0, 1], return_columns=NAMES),
             model.run(n=4, seed=5, scenarios=[2, 3, 4, 5], return_columns=NAMES)]
    for name in NAMES:
        np.testing.assert_array_equal(np.concatenate([p[name].values for p in parts]), whole[name].values,
                                      err_msg=name)
        assert not np.array_equal(whole[name].values[0], whole[name].values[1]) or name.endswith("binomial")


def test_new_draw_each_step_and_element(tmp_path):
    body = "R: a, b, c ~ ~ |\nx[R] = RANDOM TRIANGULAR(0, 1, 0, 0.3, 1, 0) ~ ~ |"
    ds = simulator.load_model(write_mdl(tmp_path, body, final=5)).run(n=1)
    values = ds["x"].values[0]                                # (time, element)
    assert len(np.unique(values)) == values.size


class _LookupDensity(stats.rv_continuous):
    """The density a lookup draws, linear between its points and normalised (numerical reference)."""

    def __init__(self, xs, ys):
        super().__init__(a=xs[0], b=xs[-1])
        self.xs, self.ys = np.asarray(xs, float), np.asarray(ys, float)
        self.area = np.sum(np.diff(self.xs) * (self.ys[1:] + self.ys[:-1]) / 2)

    def _pdf(self, x):
        return np.interp(x, self.xs, self.ys) / self.area


def test_lookup_is_the_density_of_the_draws(many):
    triangle = stats.triang(c=1 / 3, loc=0, scale=3)          # the lookup (0,0), (1,2), (3,0)
    _check(many["lookup_triangle"].values, triangle, 0, 10)
    _check(many["lookup_ramp"].values, _LookupDensity([0, 1, 2], [1, 1, 3]), 2, 6.5, shift=1, stretch=3)


def test_random_lookup_of_something_else_than_a_lookup_is_one_line(tmp_path):
    from simulator.errors import ModelParseError

    body = "k = 2 ~ ~ |\nr = RANDOM LOOKUP(k, 0, 1, 0, 1, 0) ~ ~ |"
    with pytest.raises(ModelParseError, match="'r': RANDOM LOOKUP's first argument must be the name of a lookup"):
        simulator.load_model(write_mdl(tmp_path, body))
