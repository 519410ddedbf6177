"""Tests of the RANDOM functions (codegen/noise.py, lowering): streams per scenario, Vensim's conventions.

Expected moments come from the distributions' definitions (scipy.stats), not from the engine.
"""

import numpy as np
import pytest
from scipy import stats

import simulator
from simulator.errors import ParameterError

try:  # tests/ may or may not be a package
    from .engine_mdl import write_mdl
except ImportError:
    from engine_mdl import write_mdl

MODEL = """
R: a, b, c ~ ~ |
noise seed = 7 ~ ~ |
u = RANDOM UNIFORM(2, 5, 0) ~ ~ |
nrm = RANDOM NORMAL(-1, 3, 1, 0.5, 0) ~ ~ |
ex = RANDOM EXPONENTIAL(2, 4, 1, 2, 0) ~ ~ |
po = RANDOM POISSON(1, 100, 3, 0.5, 2, 0) ~ ~ |
zero one = RANDOM 0 1() ~ ~ |
seeded = RANDOM UNIFORM(0, 1, noise seed) ~ ~ |
ur[R] = RANDOM UNIFORM(0, 1, 0) ~ ~ |
pink = RANDOM PINK NOISE(10, 2, 4, 0) ~ ~ |
acc = INTEG(u, 0) ~ ~ |
"""


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return simulator.load_model(write_mdl(tmp_path_factory.mktemp("noise"), MODEL, final=40, dt=0.5))


@pytest.fixture(scope="module")
def many(model):
    return model.run(n=4000, seed=11)


NAMES = ["u", "nrm", "ex", "po", "zero_one", "seeded", "ur", "pink", "acc"]


def test_a_batch_equals_single_runs_with_the_same_indices(model):
    batch = model.run(n=5, seed=3)
    for i in range(5):
        single = model.run(n=1, seed=3, scenarios=[i])
        for name in NAMES:
            np.testing.assert_array_equal(single[name].values[0], batch[name].values[i], err_msg=name)


def test_chunking_never_changes_a_result(model):
    whole = model.run(n=6, seed=5)
    chunks = [model.run(n=3, seed=5, scenarios=[0, 1, 2]), model.run(n=3, seed=5, scenarios=[3, 4, 5])]
    for name in NAMES:
        joined = np.concatenate([c[name].values for c in chunks])
        np.testing.assert_array_equal(joined, whole[name].values, err_msg=name)


def test_the_seed_changes_the_streams_and_is_recorded(model):
    a, b = model.run(n=2, seed=1), model.run(n=2, seed=2)
    assert not np.array_equal(a["u"].values, b["u"].values)
    assert a.attrs["seed"] == 1
    np.testing.assert_array_equal(a["u"].values, model.run(n=2, seed=1)["u"].values)


def test_scenarios_elements_steps_and_call_sites_draw_different_numbers(model):
    ds = model.run(n=2, seed=0)
    assert not np.array_equal(ds["u"].values[0], ds["u"].values[1])            # scenarios
    assert len(np.unique(ds["ur"].values[0, 0])) == 3                        # elements
    assert len(np.unique(ds["zero_one"].values[0])) == ds["time"].size        # steps
    assert not np.array_equal(ds["zero_one"].values, ds["seeded"].values)     # call sites


def test_the_call_seed_is_an_input_that_can_vary_by_scenario(model):
    ds = model.run(n=3, params={"noise seed": [7, 8, 7]}, scenarios=[0, 0, 0])
    values = ds["seeded"].values
    np.testing.assert_array_equal(values[0], values[2])
    assert not np.array_equal(values[0], values[1])
    np.testing.assert_array_equal(values[0], model.run(n=1, scenarios=[0])["seeded"].values[0])


def _check_moments(draws, mean, var):
    draws = np.asarray(draws, dtype=float).ravel()
    n = draws.size
    assert abs(draws.mean() - mean) < 5 * np.sqrt(var / n), (draws.mean(), mean)
    assert abs(draws.var() - var) < 5 * var * np.sqrt(2.0 / n) + 1e-12, (draws.var(), var)


def test_uniform_moments_and_bounds(many):
    draws = many["u"].values
    assert draws.min() >= 2 and draws.max() <= 5
    _check_moments(draws, 3.5, 9 / 12)
    _check_moments(many["zero_one"].values, 0.5, 1 / 12)


def test_normal_is_shifted_stretched_then_truncated(many):
    # RANDOM NORMAL(min -1, max 3, shift 1, stretch 0.5): N(1, 0.5) kept within [-1, 3]
    law = stats.truncnorm((-1 - 1) / 0.5, (3 - 1) / 0.5, loc=1, scale=0.5)
    _check_moments(many["nrm"].values, law.mean(), law.var())


def test_exponential_is_shifted_stretched_then_truncated(many):
    # RANDOM EXPONENTIAL(min 2, max 4, shift 1, stretch 2): 1 + 2 Exp(1) kept within [2, 4]
    draws = many["ex"].values
    assert draws.min() >= 2 and draws.max() <= 4
    law = stats.truncexpon((4 - 2) / 2, loc=2, scale=2)      # memoryless: start at the minimum
    _check_moments(draws, law.mean(), law.var())


def test_poisson_is_shifted_stretched_then_truncated(many):
    # RANDOM POISSON(min 1, max 100, mean 3, shift 0.5, stretch 2): 0.5 + 2 K, K ~ Poisson(3), K >= 1
    draws = many["po"].values
    k = np.arange(1, 60)
    p = stats.poisson.pmf(k, 3) / stats.poisson.sf(0, 3)
    values = 0.5 + 2 * k
    mean = (p * values).sum()
    assert set(np.unique(draws)) <= set(values)
    _check_moments(draws, mean, (p * (values - mean) ** 2).sum())


def test_pink_noise_keeps_its_mean_deviation_and_correlation(many):
    pink = many["pink"].values            # (scenario, time); mean 10, sd 2, correlation time 4, dt 0.5
    _check_moments(pink[:, -1], 10.0, 4.0)
    _check_moments(pink[:, 0], 10.0, 4.0)
    lag1 = np.corrcoef(pink[:, -2], pink[:, -1])[0, 1]
    assert abs(lag1 - (1 - 0.5 / 4)) < 0.03          # AR(1) of the Euler smooth: 1 - dt / T


def test_bad_seed_or_scenarios_are_refused(model):
    with pytest.raises(ParameterError, match="scenarios must be 2 integer indices"):
        model.run(n=2, scenarios=[0])
    with pytest.raises(ParameterError, match="seed must be an integer"):
        model.run(n=1, seed=1.5)
