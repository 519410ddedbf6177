"""Unit tests for simulator/engine/codegen/expressions.py: subscript broadcasting by dimension name, through whole models."""

import numpy as np

import simulator

from engine_mdl import write_mdl

DIMS = """
Row: r1, r2 ~ ~ |
Col: c1, c2, c3 ~ ~ |
"""


def _run(tmp_path, body, columns):
    model = simulator.load_model(write_mdl(tmp_path, DIMS + body, final=1))
    return model, model.run(return_columns=columns)


def test_transposition_and_updimensioning(tmp_path):
    body = """
    m[Row, Col] = 1, 2, 3; 4, 5, 6; ~ ~ |
    v[Col] = 10, 20, 30 ~ ~ |
    w[Row] = 100, 200 ~ ~ |
    t[Col, Row] = m[Row, Col] ~ ~ |
    up[Row, Col] = v[Col] + w[Row] ~ ~ |
    """
    model, ds = _run(tmp_path, body, ["t", "up"])
    m = np.array([[1, 2, 3], [4, 5, 6]], dtype=float)
    assert ds["t"].dims == ("scenario", "time", "Col", "Row")
    assert np.array_equal(ds["t"].values[0, 0], m.T)
    assert np.array_equal(ds["up"].values[0, 0], np.add.outer([100, 200], [10, 20, 30]))
    assert model.find("up").dims == ("Row", "Col")


def test_element_references_and_aggregation(tmp_path):
    body = """
    m[Row, Col] = 1, 2, 3; 4, 5, 6; ~ ~ |
    one = m[r2, c3] ~ ~ |
    total = SUM(m[Row!, Col!]) ~ ~ |
    by row[Row] = SUM(m[Row, Col!]) ~ ~ |
    biggest[Col] = VMAX(m[Row!, Col]) ~ ~ |
    smallest = VMIN(m[Row!, Col!]) ~ ~ |
    product[Row] = PROD(m[Row, Col!]) ~ ~ |
    """
    _, ds = _run(tmp_path, body, ["one", "total", "by_row", "biggest", "smallest", "product"])
    assert ds["one"].values[0, 0] == 6
    assert ds["total"].values[0, 0] == 21
    assert np.array_equal(ds["by_row"].values[0, 0], [6, 15])
    assert np.array_equal(ds["biggest"].values[0, 0], [4, 5, 6])
    assert ds["smallest"].values[0, 0] == 1
    assert np.array_equal(ds["product"].values[0, 0], [6, 120])


def test_per_element_definitions_and_except(tmp_path):
    body = """
    v[c1] = 1 ~ ~ |
    v[c2] = 2 ~ ~ |
    v[c3] = 3 ~ ~ |
    e[Row, Col] :EXCEPT: [r2, c3] = 7 ~ ~ |
    e[r2, c3] = -1 ~ ~ |
    """
    _, ds = _run(tmp_path, body, ["v", "e"])
    assert np.array_equal(ds["v"].values[0, 0], [1, 2, 3])
    assert np.array_equal(ds["e"].values[0, 0], [[7, 7, 7], [7, 7, -1]])


def test_subranges_and_mappings(tmp_path):
    body = """
    Age: young, middle, old ~ ~ |
    Older: middle, old ~ ~ |
    Previous: young, middle -> Older ~ ~ |
    count[Age] = 10, 20, 30 ~ ~ |
    shifted[young] = 0 ~ ~ |
    shifted[Older] = count[Previous] ~ ~ |
    older only[Older] = count[Older] * 2 ~ ~ |
    """
    _, ds = _run(tmp_path, body, ["shifted", "older_only"])
    assert np.array_equal(ds["shifted"].values[0, 0], [0, 10, 20])
    assert np.array_equal(ds["older_only"].values[0, 0], [40, 60])
    assert list(ds["older_only"].coords["Older"].values) == ["middle", "old"]


def test_subscript_range_used_as_a_value(tmp_path):
    body = """
    position[Col] = Col ~ ~ |
    diagonal[Row, Col] = IF THEN ELSE(Row = Col, 1, 0) ~ ~ |
    count = ELMCOUNT(Col) ~ ~ |
    """
    _, ds = _run(tmp_path, body, ["position", "diagonal", "count"])
    assert np.array_equal(ds["position"].values[0, 0], [1, 2, 3])
    assert np.array_equal(ds["diagonal"].values[0, 0], [[1, 0, 0], [0, 1, 0]])
    assert ds["count"].values[0, 0] == 3


def test_subscripted_lookup_uses_one_table_per_element(tmp_path):
    body = """
    curve[r1]((0, 0), (10, 10)) ~ ~ |
    curve[r2]((0, 0), (10, 20)) ~ ~ |
    value[Row] = curve[Row](5) ~ ~ |
    """
    _, ds = _run(tmp_path, body, ["value"])
    assert np.array_equal(ds["value"].values[0, 0], [5, 10])


def test_subscripted_stock_integrates_each_element(tmp_path):
    body = """
    rate[Row, Col] = 1, 2, 3; 4, 5, 6; ~ ~ |
    level[Row, Col] = INTEG(rate[Row, Col], 0) ~ ~ |
    """
    model = simulator.load_model(write_mdl(tmp_path, DIMS + body, final=3))
    ds = model.run(return_columns=["level"])
    rate = np.array([[1, 2, 3], [4, 5, 6]], dtype=float)
    assert np.array_equal(ds["level"].values[0], np.arange(4)[:, None, None] * rate)
