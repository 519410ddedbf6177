"""Unit tests for VECTOR ELM MAP, VECTOR LOOKUP and VECTOR SELECT's error actions (codegen/vectors.py).

Expected values come from Vensim's reference pages (VECTOR ELM MAP: "offset is effectively 0 based",
the element after ``vec`` counted over all subscripts, last fastest, :NA: outside the variable;
VECTOR LOOKUP: ``n`` equally spaced x from xmin to xmax, modes 0/2/3/4 = the lookup, LOOKUP
BACKWARD, EXTRAPOLATE, FORWARD), worked out by hand, or from PySD running the equivalent model
(ordinary lookups; VECTOR SELECT). PySD 3.14 has neither VECTOR ELM MAP nor VECTOR LOOKUP.
"""

import warnings

import numpy as np
import pytest

import simulator
from simulator.errors import ModelParseError

from engine_mdl import write_mdl


def _run(tmp_path, body, columns, final=1, **kw):
    model = simulator.load_model(write_mdl(tmp_path, body, final=final))
    return model.run(return_columns=columns, **kw)


def test_elm_map_documented_examples(tmp_path):
    body = """
    sub: s1, s2, s3 ~ ~ |
    task: dig, build, test ~ ~ |
    skill: brawn, brain ~ ~ |
    var1[sub] = 10, 20, 30 ~ ~ |
    var2[sub] = VECTOR ELM MAP(var1[s1], sub - 1) ~ ~ |
    avg labor skill[skill] = 0.25, 0.75 ~ ~ |
    task skill[task] = 0, 1, 1 ~ ~ |
    avg task skill[task] = VECTOR ELM MAP(avg labor skill[brawn], task skill[task]) ~ ~ |
    tub: t1, t2 ~ ~ |
    gub: g1, g2, g3, g4 ~ ~ |
    v[sub, tub, gub] = 100 * sub + 10 * tub + gub ~ ~ |
    v2[sub, tub, gub] = VECTOR ELM MAP(v[s1, t1, g1],
        (sub - 1) * ELMCOUNT(tub) * ELMCOUNT(gub) + (tub - 1) * ELMCOUNT(gub) + (gub - 1)) ~ ~ |
    back[sub] = VECTOR ELM MAP(var1[sub], -1) ~ ~ |
    """
    ds = _run(tmp_path, body, ["var2", "avg_task_skill", "v", "v2", "back"])
    at0 = {c: ds[c].values[0, 0] for c in ["var2", "avg_task_skill", "v", "v2", "back"]}
    np.testing.assert_array_equal(at0["var2"], [10, 20, 30])
    np.testing.assert_array_equal(at0["avg_task_skill"], [0.25, 0.75, 0.75])
    np.testing.assert_array_equal(at0["v2"], at0["v"])
    np.testing.assert_array_equal(at0["back"], [np.nan, 10, 20])      # before the first element: :NA:


def test_elm_map_reads_across_rows_of_a_two_dimensional_variable(tmp_path):
    # d flattened with the last subscript fastest is 1, 4, 2, 5, 3, 6; from d[A2, B1] (position 2)
    # offset 1 reaches position 3 = d[A2, B2] = 5 (Vensim's own run of this structure prints the same)
    body = """
    DimA: A1, A2, A3 ~ ~ |
    DimB: B1, B2 ~ ~ |
    a[DimA] = 0, 1, 1 ~ ~ |
    d[DimA, DimB] = 1, 4; 2, 5; 3, 6; ~ ~ |
    e[DimA, DimB] = 0, 1; 1, 0; 0, 1; ~ ~ |
    f[DimA, DimB] = VECTOR ELM MAP(d[DimA, B1], a[DimA]) ~ ~ |
    g[DimA, DimB] = VECTOR ELM MAP(d[DimA, B1], e[DimA, DimB]) ~ ~ |
    """
    ds = _run(tmp_path, body, ["f", "g"])
    np.testing.assert_array_equal(ds["f"].values[0, 0], [[1, 1], [5, 5], [6, 6]])
    np.testing.assert_array_equal(ds["g"].values[0, 0], [[1, 4], [5, 2], [3, 6]])


def test_elm_map_offsets_vary_over_time_and_by_scenario(tmp_path):
    body = """
    sub: s1, s2, s3 ~ ~ |
    var1[sub] = 10, 20, 30 ~ ~ |
    shift = 0 ~ ~ |
    moving = VECTOR ELM MAP(var1[s1], MODULO(Time, 3)) ~ ~ |
    chosen = VECTOR ELM MAP(var1[s2], shift) ~ ~ |
    """
    ds = _run(tmp_path, body, ["moving", "chosen"], final=5, params={"shift": [-1, 0, 1, 2]})
    np.testing.assert_array_equal(ds["moving"].values[0], [10, 20, 30, 10, 20, 30])
    np.testing.assert_array_equal(ds["chosen"].values[:, 0], [10, 20, 30, np.nan])
    assert list(ds["status"].values) == [0, 0, 0, 1]                # outside the variable: that scenario only
    assert "chosen" in str(ds["message"].values[3])


VECTOR_LOOKUPS = """
pt: p1, p2, p3, p4 ~ ~ |
ys[pt] = 2, 8, 5, 6 ~ ~ |
x = Time - 3 ~ ~ |
plain = VECTOR LOOKUP(ys[p1], x, 0, 6, 0) ~ ~ |
backward = VECTOR LOOKUP(ys[p1], x, 0, 6, 2) ~ ~ |
extrapolated = VECTOR LOOKUP(ys[p1], x, 0, 6, 3) ~ ~ |
forward = VECTOR LOOKUP(ys[p1], x, 0, 6, 4) ~ ~ |
"""


def _documented_lookups(x):
    """The table (0, 2), (2, 8), (4, 5), (6, 6) read the four documented ways."""
    xs, ys = np.array([0.0, 2, 4, 6]), np.array([2.0, 8, 5, 6])
    inside = np.interp(x, xs, ys)
    return {"plain": inside,
            "extrapolated": np.where(x < 0, 2 + 3 * x, np.where(x > 6, 6 + 0.5 * (x - 6), inside)),
            "backward": np.array([ys[max(i, 0)] for i in np.searchsorted(xs, x, side="right") - 1]),
            "forward": np.array([ys[min(i, 3)] for i in np.searchsorted(xs, x, side="left")])}


def test_vector_lookup_modes_follow_the_lookup_definitions(tmp_path):
    columns = ["plain", "backward", "extrapolated", "forward"]
    ours = simulator.load_model(write_mdl(tmp_path, VECTOR_LOOKUPS, final=12, dt=0.5)).run(return_columns=columns)
    expected = _documented_lookups(ours["time"].values - 3)
    for column in columns:
        np.testing.assert_allclose(ours[column].values[0], expected[column], rtol=1e-12, atol=1e-12, err_msg=column)


def test_vector_lookup_equals_pysd_running_the_same_table_as_a_lookup(tmp_path):
    import pysd      # PySD 3.14 runs plain lookups only (BACKWARD / FORWARD / EXTRAPOLATE: not implemented)

    table = "tab((0, 2), (2, 8), (4, 5), (6, 6)) ~ ~ |\nplain = tab(Time - 3) ~ ~ |"
    path = write_mdl(tmp_path, table, final=12, dt=0.5, name="table.mdl")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = pysd.read_vensim(str(path)).run(return_columns=["plain"])
    ours = simulator.load_model(write_mdl(tmp_path, VECTOR_LOOKUPS, final=12, dt=0.5)).run(return_columns=["plain"])
    np.testing.assert_allclose(ours["plain"].values[0], reference["plain"].to_numpy(dtype=float), rtol=1e-12)


def test_vector_lookup_area_modes_follow_the_lookup_area_examples(tmp_path):
    # Vensim's LOOKUP AREA page: LOOK((0,1),(1,1),(2,2)): area 0..1 = 1, 2..4 = 4 (end value held),
    # 0.5..2.5 = 3; VECTOR LOOKUP mode 1 is the area from xmin (differences give the area between
    # two x), mode 7 the same with extrapolation (slope 1 past x = 2, 0 before x = 0)
    def area(x, mode):
        return f"VECTOR LOOKUP(look[p1], {x}, 0, 2, {mode})"

    body = f"""
    pt: p1, p2, p3 ~ ~ |
    look[pt] = 1, 1, 2 ~ ~ |
    a01 = {area(1, 1)} - {area(0, 1)} ~ ~ |
    a24 = {area(4, 1)} - {area(2, 1)} ~ ~ |
    a0525 = {area(2.5, 1)} - {area(0.5, 1)} ~ ~ |
    below = {area(-1, 1)} ~ ~ |
    x24 = {area(4, 7)} - {area(2, 7)} ~ ~ |
    """
    columns = ["a01", "a24", "a0525", "below", "x24"]
    ds = _run(tmp_path, body, columns)
    got = [ds[c].values[0, 0] for c in columns]
    np.testing.assert_allclose(got, [1.0, 4.0, 3.0, -1.0, 2 * 2 + 2 * 2 / 2], rtol=1e-12)


def test_vector_lookup_of_a_changing_two_dimensional_vector(tmp_path):
    body = """
    row: r1, r2 ~ ~ |
    pt: p1, p2, p3 ~ ~ |
    level[row, pt] = INTEG(rate[row, pt], 0) ~ ~ |
    rate[row, pt] = row * pt ~ ~ |
    y[row] = VECTOR LOOKUP(level[row, p1], 1.5, 0, 2, 0) ~ ~ |
    """
    ds = _run(tmp_path, body, ["y"], final=2)
    # level[r, p] = r * p * t; x = 1.5 lies halfway between the 2nd and 3rd points
    expected = np.array([[r * 2.5 * t for r in (1, 2)] for t in (0, 1, 2)])
    np.testing.assert_allclose(ds["y"].values[0], expected, rtol=1e-12)


@pytest.mark.parametrize("call, message", [
    ("VECTOR LOOKUP(ys[p1], 1, 0, 6, 6)", "mode must be a number 0-4 or 7"),
    ("VECTOR LOOKUP(ys[p2], 1, 0, 6, 0)", "must name the first element of the last subscript of 'ys'"),
    ("VECTOR ELM MAP(k, 1)", "first argument must be a subscripted variable"),
])
def test_unsupported_vector_uses_are_one_line(tmp_path, call, message):
    body = f"pt: p1, p2 ~ ~ |\nys[pt] = 1, 2 ~ ~ |\nk = 1 ~ ~ |\nout = {call} ~ ~ |"
    with pytest.raises(ModelParseError, match=message) as caught:
        simulator.load_model(write_mdl(tmp_path, body))
    assert "'out'" in str(caught.value) and "\n" not in str(caught.value)


SELECT = """
pick: north, south, east ~ ~ |
one[pick] = 0, 1, 0 ~ ~ |
values[north] = 3 ~ ~ |
values[south] = Time ~ ~ |
values[east] = 7 ~ ~ |
only one = VECTOR SELECT(one[pick!], values[pick!], -1, 6, 3) ~ ~ |
some = VECTOR SELECT(one[pick!] * k, values[pick!], -1, 0, {action}) ~ ~ |
k = 1 ~ ~ |
"""


def test_vector_select_error_actions_equal_pysd_where_the_selection_is_valid(tmp_path):
    import pysd

    path = write_mdl(tmp_path, SELECT.format(action=1), final=4)
    ours = simulator.load_model(path).run(return_columns=["only one", "some"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = pysd.read_vensim(str(path)).run()
    np.testing.assert_array_equal(ours["only_one"].values[0], reference["only one"].to_numpy(dtype=float))
    np.testing.assert_array_equal(ours["some"].values[0], reference["some"].to_numpy(dtype=float))


@pytest.mark.parametrize("action, k, bad", [(1, 0, True), (1, 1, False), (2, 1, False), (3, 0, True)])
def test_vector_select_error_action_marks_only_the_failing_scenario(tmp_path, action, k, bad):
    # Vensim stops with an error; here the scenario gets NaN and status 1 (PySD raises for the run)
    path = write_mdl(tmp_path, SELECT.format(action=action), final=2)
    ds = simulator.load_model(path).run(params={"k": [1, k]}, return_columns=["some"])
    assert ds["status"].values[0] == 0 and ds["some"].values[0, 0] == 0
    assert np.isnan(ds["some"].values[1, 0]) == bad and ds["status"].values[1] == int(bad)


def test_vector_select_error_action_two_refuses_several_selected(tmp_path):
    body = SELECT.format(action=2).replace("one[pick] = 0, 1, 0", "one[pick] = 1, 1, 0")
    ds = simulator.load_model(write_mdl(tmp_path, body, final=1)).run(return_columns=["some", "only one"])
    assert np.isnan(ds["some"].values[0]).all() and np.isnan(ds["only_one"].values[0]).all()
