"""Vectorization property (run stage): a batch of N scenarios equals N single runs, for random parameters.

Hypothesis draws N parameter vectors; running them as one batch must give, scenario by scenario,
the same trajectories (every returned variable, every saved time) as N separate runs.
"""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import simulator

MODELS = Path(__file__).resolve().parents[2] / "fixtures" / "models"

# model file -> {Vensim constant: (low, high)} ranges hypothesis draws from
CASES = {
    "teacup": (MODELS / "teacup" / "teacup.mdl",
               {"Characteristic Time": (1.0, 30.0), "Room Temperature": (-10.0, 100.0)}),
    "sir": (MODELS / "sir" / "SIR.mdl",
            {"Contact Infectivity": (0.05, 1.0), "Duration": (1.0, 15.0)}),
}

_loaded = {}


def _model(key):
    if key not in _loaded:
        _loaded[key] = simulator.load_model(CASES[key][0])
    return _loaded[key]


def _batches(key):
    """Strategy: a dict {constant: float array of length n}, 1 <= n <= 6."""
    ranges = CASES[key][1]

    def arrays(n):
        return st.fixed_dictionaries({
            name: st.lists(st.floats(low, high, allow_nan=False), min_size=n, max_size=n).map(np.array)
            for name, (low, high) in ranges.items()
        })

    return st.integers(1, 6).flatmap(arrays)


def _assert_batch_equals_singles(key, params):
    model = _model(key)
    n = len(next(iter(params.values())))
    batch = model.run(params=params, n=n)
    data_vars = [v for v in batch.data_vars if v not in ("status", "message")]
    assert data_vars, "the batch returned no variables"
    assert batch.sizes["scenario"] == n
    for i in range(n):
        single = model.run(params={name: float(values[i]) for name, values in params.items()})
        assert set(single.data_vars) == set(batch.data_vars)
        for var in data_vars:
            np.testing.assert_allclose(
                batch[var].isel(scenario=i).values, single[var].isel(scenario=0).values,
                rtol=1e-12, atol=1e-12, err_msg=f"{key}: {var} scenario {i} of {n}",
            )
        assert int(batch["status"].values[i]) == int(single["status"].values[0])
    _assert_parameters_take_effect(batch, data_vars, params)


def _assert_parameters_take_effect(batch, data_vars, params):
    """Scenarios given different parameters must not share one trajectory (else the test is vacuous)."""
    rows = np.column_stack(list(params.values()))
    for i in range(len(rows)):
        for j in range(i + 1, len(rows)):
            if np.array_equal(rows[i], rows[j]):
                continue
            assert any(
                not np.array_equal(batch[v].isel(scenario=i).values, batch[v].isel(scenario=j).values)
                for v in data_vars
            ), f"scenarios {i} and {j} have parameters {rows[i]} and {rows[j]} but identical results"


@pytest.mark.parametrize("key", sorted(CASES))
def test_batch_of_n_equals_n_single_runs(key):
    @settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(_batches(key))
    def check(params):
        _assert_batch_equals_singles(key, params)

    check()
