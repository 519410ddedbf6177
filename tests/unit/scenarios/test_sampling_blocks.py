"""Chunk-by-chunk sampling (simulator.scenarios.blocks, sampling.sample_rows): any rows alone, same values."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.errors import ScenarioError
from simulator.scenarios.blocks import BLOCK, permute, uniforms
from simulator.scenarios.distributions import make_input
from simulator.scenarios.sampling import SampleSpace, correlation_matrix, sample, sample_rows

SPACE = SampleSpace(tuple(make_input(name, spec) for name, spec in {
    "u": {"dist": "uniform", "low": 0.0, "high": 1.0},
    "t": {"dist": "triangular", "low": 5, "mode": 12, "high": 25},
    "c": {"dist": "choice", "values": [0, 1], "weights": [0.3, 0.7]},
}.items()))


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 3000), cut=st.integers(1, 3000))
def test_permutation_is_a_bijection_computed_row_by_row(n, cut):
    rows = np.arange(n)
    whole = permute(rows, n, seed=5, column=2)
    assert sorted(whole.tolist()) == list(range(n))
    cut = min(cut, n)
    np.testing.assert_array_equal(np.concatenate([permute(rows[:cut], n, 5, 2), permute(rows[cut:], n, 5, 2)]), whole)


def test_permutations_differ_by_column_and_seed():
    rows = np.arange(1000)
    assert not np.array_equal(permute(rows, 1000, 1, 0), permute(rows, 1000, 1, 1))
    assert not np.array_equal(permute(rows, 1000, 1, 0), permute(rows, 1000, 2, 0))


def test_uniform_blocks_do_not_depend_on_the_bounds():
    whole = uniforms(9, 0, 3 * BLOCK + 17, 2)
    parts = [uniforms(9, a, min(a + 1000, 3 * BLOCK + 17), 2) for a in range(0, 3 * BLOCK + 17, 1000)]
    np.testing.assert_array_equal(np.concatenate(parts), whole)


@pytest.mark.parametrize("method,n", [("lhs", 10_000), ("random", 10_000), ("sobol", 8192)])
@pytest.mark.parametrize("chunk", [1, 7, 4096, 5000])
def test_rows_in_chunks_equal_the_whole_sample(method, n, chunk):
    whole = sample(SPACE, n, seed=11, method=method)
    if chunk == 1:                          # a few single rows here and there
        for row in (0, 1, BLOCK - 1, BLOCK, n - 1):
            np.testing.assert_array_equal(sample_rows(SPACE, n, 11, method, row, row + 1), whole[row:row + 1])
        return
    parts = [sample_rows(SPACE, n, 11, method, a, min(a + chunk, n)) for a in range(0, n, chunk)]
    np.testing.assert_array_equal(np.concatenate(parts), whole)


def test_lhs_rows_stratify_every_column():
    n = 5000
    values = np.concatenate([sample_rows(SPACE, n, 3, "lhs", a, min(a + 999, n)) for a in range(0, n, 999)])
    assert sorted(np.floor(values[:, 0] * n).astype(int).tolist()) == list(range(n))


def test_correlated_rows_are_slices_of_the_whole_sample():
    space = SampleSpace(SPACE.inputs[:2], correlation_matrix(["u", "t"], [("u", "t", 0.6)]))
    whole = sample(space, 500, seed=2, method="lhs")
    np.testing.assert_array_equal(sample_rows(space, 500, 2, "lhs", 100, 250), whole[100:250])


@pytest.mark.parametrize("n,method,message", [(0, "lhs", "n must be a positive whole number"),
                                              (1000, "sobol", "power of 2"), (10, "halton", "unknown sampling method")])
def test_bad_rows_requests(n, method, message):
    with pytest.raises(ScenarioError, match=message):
        sample_rows(SPACE, n, 1, method, 0, 1)


GRID = SampleSpace(SPACE.inputs, None, (4, 3, 2))


@pytest.mark.parametrize("chunk", [7, 1000])
def test_grid_rows_in_chunks_equal_the_full_factorial(chunk):
    import itertools
    axes = [GRID.inputs[0].ppf((np.arange(4) + 0.5) / 4), GRID.inputs[1].ppf((np.arange(3) + 0.5) / 3), [0.0, 1.0]]
    product = np.array(list(itertools.product(*axes)), dtype=float)      # the definition, row i = digits of i
    n = len(product)
    parts = [sample_rows(GRID, n, 0, "grid", a, min(a + chunk, n)) for a in range(0, n, chunk)]
    np.testing.assert_array_equal(np.concatenate(parts), product)
    np.testing.assert_array_equal(sample(GRID, None, 0, "grid"), product)
    with pytest.raises(ScenarioError, match="has 24 points, not n = 25"):
        sample_rows(GRID, 25, 0, "grid", 0, 1)


@pytest.mark.parametrize("method,n", [("lhs", 3000), ("sobol", 2048), ("grid", None)])
def test_batch_inputs_do_not_depend_on_the_chunk_size(tmp_path, method, n):
    """The input matrix a batch writes (simulator.runs.inputs) for chunk sizes 7 and 1000."""
    from types import SimpleNamespace

    from simulator.runs.inputs import read_rows, scenario_rows, write_npy
    from simulator.scenarios.schema import Sampling

    space = GRID if method == "grid" else SPACE
    size = 24 if method == "grid" else n
    scenario = SimpleNamespace(uncertain=list(space.inputs), space=space,
                               sampling=Sampling(method, size, 5, (4, 3, 2) if method == "grid" else None))
    rows = scenario_rows(scenario, n, 5)
    write_npy(tmp_path / "inputs.npy", rows)
    chunked = {chunk: np.concatenate([read_rows(tmp_path / "inputs.npy", a, a + chunk) for a in range(0, size, chunk)])
               for chunk in (7, 1000)}
    np.testing.assert_array_equal(chunked[7], chunked[1000])
    np.testing.assert_array_equal(np.concatenate([rows.rows(a, min(a + 7, size)) for a in range(0, size, 7)]),
                                  chunked[1000])
