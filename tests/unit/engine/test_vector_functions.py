"""Unit tests for VECTOR SORT ORDER / VECTOR RANK / VECTOR REORDER (builtins.py, expressions.py).

Expected values are worked out by hand from the literal vectors in the models.
"""

import numpy as np
import pytest

import simulator
from simulator.errors import ModelParseError

from engine_mdl import write_mdl


def _values(tmp_path, body, columns):
    model = simulator.load_model(write_mdl(tmp_path, body, final=1))
    ds = model.run(return_columns=columns)
    return {c: ds[c].sel(scenario=0, time=0).values for c in columns}


def test_sort_order_rank_and_reorder_along_one_range(tmp_path):
    body = """
    item: i1, i2, i3, i4 -> slot ~ ~ |
    slot: s1, s2, s3, s4 -> item ~ ~ |
    v[item] = 30, 10, 40, 20 ~ ~ |
    up[slot] = VECTOR SORT ORDER(v[item], 1) ~ ~ |
    down[slot] = VECTOR SORT ORDER(v[item], 0) ~ ~ |
    rank up[item] = VECTOR RANK(v[item], 1) ~ ~ |
    rank down[item] = VECTOR RANK(v[item], 0) ~ ~ |
    sorted[slot] = VECTOR REORDER(v[item], up[slot]) ~ ~ |
    """
    got = _values(tmp_path, body, ["up", "down", "rank_up", "rank_down", "sorted"])
    np.testing.assert_array_equal(got["up"], [1, 3, 0, 2])          # 10, 20, 30, 40
    np.testing.assert_array_equal(got["down"], [2, 0, 3, 1])        # 40, 30, 20, 10
    np.testing.assert_array_equal(got["rank_up"], [3, 1, 4, 2])
    np.testing.assert_array_equal(got["rank_down"], [2, 4, 1, 3])
    np.testing.assert_array_equal(got["sorted"], [10, 20, 30, 40])


def test_two_dimensional_vectors_sort_along_the_last_subscript(tmp_path):
    body = """
    row: r1, r2 ~ ~ |
    col: c1, c2, c3 ~ ~ |
    m[row, col] = 3, 1, 2; 5, 6, 4; ~ ~ |
    order[row, col] = VECTOR SORT ORDER(m[row, col], 1) ~ ~ |
    ranks[row, col] = VECTOR RANK(m[row, col], 1) ~ ~ |
    """
    got = _values(tmp_path, body, ["order", "ranks"])
    np.testing.assert_array_equal(got["order"], [[1, 2, 0], [2, 0, 1]])
    np.testing.assert_array_equal(got["ranks"], [[3, 1, 2], [2, 3, 1]])


def test_vector_function_of_a_scalar_is_refused(tmp_path):
    body = """
    x = 3 ~ ~ |
    y = VECTOR RANK(x, 1) ~ ~ |
    """
    with pytest.raises(ModelParseError, match=r"'y'.*VECTOR RANK needs a subscripted vector"):
        simulator.load_model(write_mdl(tmp_path, body, final=1))
