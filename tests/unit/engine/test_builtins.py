"""Unit tests for simulator/engine/functions.py through whole tiny models: each function against its definition."""

import math

import numpy as np
import pytest

import simulator
from simulator.engine.codegen.builtins import lookup, lookup_stack
from simulator.engine.functions import BUILTINS, supported_functions

from engine_mdl import write_mdl


def _run(tmp_path, body, **kw):
    model = simulator.load_model(write_mdl(tmp_path, body, **{k: v for k, v in kw.items() if k in
                                                             ("initial", "final", "dt", "saveper")}))
    return model.run(return_columns=kw.get("columns"))


@pytest.mark.parametrize("equation, expected", [
    ("ABS(-3)", 3.0),
    ("EXP(1)", math.e),
    ("LN(10)", math.log(10)),
    ("LOG(8, 2)", 3.0),
    ("SQRT(16)", 4.0),
    ("POWER(2, 10)", 1024.0),
    ("SIN(0.5)", math.sin(0.5)),
    ("COS(0.5)", math.cos(0.5)),
    ("TAN(0.5)", math.tan(0.5)),
    ("ARCSIN(0.5)", math.asin(0.5)),
    ("ARCCOS(0.5)", math.acos(0.5)),
    ("ARCTAN(0.5)", math.atan(0.5)),
    ("INTEGER(2.7)", 2.0),
    ("INTEGER(-2.7)", -2.0),
    ("MODULO(7, 3)", 1.0),
    ("QUANTUM(7.5, 2)", 6.0),
    ("MIN(3, 4)", 3.0),
    ("MAX(3, 4)", 4.0),
    ("XIDZ(1, 0, 5)", 5.0),
    ("XIDZ(1, 4, 5)", 0.25),
    ("ZIDZ(1, 0)", 0.0),
    ("ZIDZ(3, 4)", 0.75),
    ("IF THEN ELSE(2 > 1, 10, 20)", 10.0),
    ("IF THEN ELSE(2 < 1 :OR: 3 = 3, 10, 20)", 10.0),
    ("IF THEN ELSE(:NOT: (2 <> 2), 10, 20)", 10.0),
    ("2 ^ 3 ^ 2", 512.0),
    ("-2 ^ 2", -4.0),
    ("7 - 2 - 1", 4.0),
    ("8 / 2 / 2", 2.0),
])
def test_scalar_function_matches_its_definition(tmp_path, equation, expected):
    ds = _run(tmp_path, f"result = {equation} ~ ~ |", final=1, columns=["result"])
    assert ds["result"].values[0, 0] == pytest.approx(expected, rel=1e-12)


def test_time_functions_follow_vensim_definitions(tmp_path):
    body = """
    stepped = STEP(2, 5) ~ ~ |
    ramped = RAMP(1, 2, 4) ~ ~ |
    pulsed = PULSE(2, 1) ~ ~ |
    train = PULSE TRAIN(1, 1, 3, 8) ~ ~ |
    clock = Time ~ ~ |
    """
    ds = _run(tmp_path, body, final=10, dt=0.5)
    t = ds["time"].values
    assert np.array_equal(ds["stepped"].values[0], np.where(t >= 5, 2.0, 0.0))
    assert np.allclose(ds["ramped"].values[0], np.clip(t - 2, 0, 2))
    assert np.array_equal(ds["pulsed"].values[0], np.where((t >= 2) & (t < 3), 1.0, 0.0))
    expected_train = np.where((t >= 1) & (t < 8) & (np.mod(t - 1, 3) < 1), 1.0, 0.0)
    assert np.array_equal(ds["train"].values[0], expected_train)
    assert np.array_equal(ds["clock"].values[0], t)


def test_control_variables_are_usable_in_equations(tmp_path):
    ds = _run(tmp_path, "span = FINAL TIME - INITIAL TIME + TIME STEP * 0 + SAVEPER ~ ~ |",
              initial=2, final=6, dt=0.5, saveper=1, columns=["span"])
    assert ds["span"].values[0, 0] == 5.0


def test_lookup_interpolates_and_holds_the_end_values(tmp_path):
    body = """
    table((0, 0), (10, 100), (20, 100)) ~ ~ |
    inside = table(5) ~ ~ |
    below = table(-5) ~ ~ |
    above = table(50) ~ ~ |
    inline = WITH LOOKUP(Time, ((0, 1), (10, 3))) ~ ~ |
    """
    ds = _run(tmp_path, body, final=10)
    assert ds["inside"].values[0, 0] == 50.0
    assert ds["below"].values[0, 0] == 0.0
    assert ds["above"].values[0, 0] == 100.0
    assert np.allclose(ds["inline"].values[0], 1 + 0.2 * ds["time"].values)


def test_lookup_extrapolate_forward_backward(tmp_path):
    body = """
    table((0, 0), (10, 100)) ~ ~ |
    extra = LOOKUP EXTRAPOLATE(table, 20) ~ ~ |
    forward = LOOKUP FORWARD(table, 5) ~ ~ |
    backward = LOOKUP BACKWARD(table, 5) ~ ~ |
    """
    ds = _run(tmp_path, body, final=1)
    assert ds["extra"].values[0, 0] == 200.0
    assert ds["forward"].values[0, 0] == 100.0
    assert ds["backward"].values[0, 0] == 0.0


@pytest.mark.parametrize("kind, x, expected", [
    ("interpolate", [-1.0, 0.5, 3.0], [1.0, 1.5, 3.0]),
    ("extrapolate", [-1.0, 0.5, 3.0], [0.0, 1.5, 4.0]),
    ("backward", [0.5, 1.0, 1.5], [1.0, 2.0, 2.0]),
    ("forward", [0.5, 1.0, 1.5], [2.0, 2.0, 3.0]),
])
def test_lookup_kinds_on_arrays(kind, x, expected):
    xs, ys = np.array([0.0, 1.0, 2.0]), np.array([1.0, 2.0, 3.0])
    assert np.allclose(lookup(np.array(x), xs, ys, kind), expected)


def test_supported_function_list_comes_from_the_table():
    names = supported_functions()
    for builtin in BUILTINS.values():
        assert builtin.vensim in names
    assert "SMOOTH3I" in names and "DELAY FIXED" in names


@pytest.mark.parametrize("kind", ["interpolate", "extrapolate", "backward", "forward"])
def test_stacked_lookups_equal_one_lookup_per_element(kind):
    tables = np.empty(3, dtype=object)
    tables[0] = (np.array([0.0, 1.0, 2.0]), np.array([1.0, 2.0, 3.0]))
    tables[1] = (np.array([0.0, 10.0]), np.array([5.0, -5.0]))
    tables[2] = (np.array([3.0]), np.array([7.0]))
    x = np.array([[-1.0, -1.0, 0.0], [0.5, 5.0, 3.0], [1.0, 10.0, 9.0], [9.0, 12.0, 3.5]])
    expected = np.column_stack([lookup(x[:, e], *tables[e], kind) if len(tables[e][0]) > 1 or kind != "extrapolate"
                                else np.full(4, 7.0) for e in range(3)])
    assert np.allclose(lookup_stack(x, tables, kind), expected)


def test_docs_list_the_supported_functions():
    from pathlib import Path
    doc = (Path(__file__).resolve().parents[3] / "docs" / "engine.md").read_text(encoding="utf-8")
    listed = doc.split("<!-- supported-functions -->")[1].split("<!-- /supported-functions -->")[0]
    assert listed.strip() == ", ".join(supported_functions())


XMILE_GF = """<?xml version="1.0" encoding="utf-8" ?>
<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">
    <header><name>gf</name></header>
    <sim_specs method="Euler"><start>0</start><stop>4</stop><dt>1</dt></sim_specs>
    <model><variables>
        <aux name="curve"><eqn>TIME</eqn>
            <gf><xscale min="0" max="4"/><yscale min="0" max="8"/><xpts>0,4</xpts><ypts>0,8</ypts></gf>
        </aux>
        <aux name="called"><eqn>LOOKUP(curve, 1)</eqn></aux>
    </variables></model>
</xmile>
"""


def test_xmile_graphical_function_is_a_value_and_a_table(tmp_path):
    path = tmp_path / "gf.xmile"
    path.write_text(XMILE_GF, encoding="utf-8")
    ds = simulator.load_model(path).run(return_columns=["curve", "called"])
    assert np.array_equal(ds["curve"].values[0], [0, 2, 4, 6, 8])
    assert np.array_equal(ds["called"].values[0], [2, 2, 2, 2, 2])


XMILE_PULSES = """<?xml version="1.0" encoding="utf-8" ?>
<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">
    <header><name>pulses</name></header>
    <sim_specs method="Euler"><start>0</start><stop>6</stop><dt>0.5</dt></sim_specs>
    <model><variables>
        <aux name="once"><eqn>PULSE(4, 2)</eqn></aux>
        <aux name="every"><eqn>PULSE(3, 1, 2)</eqn></aux>
        <aux name="ramped"><eqn>RAMP(2, 3)</eqn></aux>
    </variables></model>
</xmile>
"""


def test_xmile_pulse_and_ramp(tmp_path):
    path = tmp_path / "pulses.xmile"
    path.write_text(XMILE_PULSES, encoding="utf-8")
    ds = simulator.load_model(path).run(return_columns=["once", "every", "ramped"])
    t = ds["time"].values
    # XMILE PULSE(magnitude, first[, interval]) moves `magnitude` in one time step: height magnitude / dt
    assert np.array_equal(ds["once"].values[0], np.where(t == 2, 4 / 0.5, 0.0))
    assert np.array_equal(ds["every"].values[0], np.where(np.isin(t, [1, 3, 5]), 3 / 0.5, 0.0))
    assert np.array_equal(ds["ramped"].values[0], np.where(t > 3, 2 * (t - 3), 0.0))


def test_allocate_by_priority_serves_higher_priorities_first(tmp_path):
    body = """
    Who: first, second, third ~ ~ |
    request[Who] = 4, 4, 4 ~ ~ |
    priority[Who] = 3, 2, 1 ~ ~ |
    supply = 6 ~ ~ |
    shares[Who] = ALLOCATE BY PRIORITY(request[Who], priority[Who], ELMCOUNT(Who), 1, supply) ~ ~ |
    """
    model = simulator.load_model(write_mdl(tmp_path, body, final=1))
    ds = model.run(params={"supply": [6.0, 2.0, 20.0, 0.0]}, return_columns=["shares"])
    # rectangular profiles of width 1: first is full before second starts, shares move with requests
    expected = [[4, 2, 0], [2, 0, 0], [4, 4, 4], [0, 0, 0]]
    assert np.allclose(ds["shares"].values[:, 0], expected, atol=1e-9)


def test_allocate_available_with_rectangular_and_normal_profiles(tmp_path):
    body = """
    Who: first, second, third ~ ~ |
    pprofile: ptype, ppriority, pwidth, pextra ~ ~ |
    request[Who] = 4, 4, 4 ~ ~ |
    rectangles[Who, pprofile] = 1, 3, 1, 0; 1, 2, 1, 0; 1, 1, 1, 0; ~ ~ |
    bells[Who, pprofile] = 3, 5, 2, 0; 3, 5, 2, 0; 3, 5, 2, 0; ~ ~ |
    available = 6 ~ ~ |
    by rectangles[Who] = ALLOCATE AVAILABLE(request[Who], rectangles[Who, ptype], available) ~ ~ |
    by bells[Who] = ALLOCATE AVAILABLE(request[Who], bells[Who, ptype], available) ~ ~ |
    """
    model = simulator.load_model(write_mdl(tmp_path, body, final=1))
    ds = model.run(params={"available": [6.0, 20.0]}, return_columns=["by_rectangles", "by_bells"])
    assert np.allclose(ds["by_rectangles"].values[:, 0], [[4, 2, 0], [4, 4, 4]], atol=1e-9)
    # identical profiles share equally
    assert np.allclose(ds["by_bells"].values[:, 0], [[2, 2, 2], [4, 4, 4]], atol=1e-9)


def test_function_table_lists_exactly_the_stateful_converters():
    from simulator.engine.functions import STATEFUL_FUNCTIONS
    from simulator.engine.lowering.statefuls import CONVERTERS
    assert set(STATEFUL_FUNCTIONS) == set(CONVERTERS)
