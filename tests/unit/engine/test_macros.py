"""Unit tests for simulator/engine/lowering/macros.py: Vensim macros expanded per call site, against hand-computed values."""

import numpy as np
import pytest

import simulator
from simulator.errors import ModelParseError, UnsupportedFeatureError

from engine_mdl import write_mdl

MACROS = """
:MACRO: ACCUMULATE(inflow, start)
ACCUMULATE = INTEG(inflow, start) ~ ~ |
:END OF MACRO:
:MACRO: DOUBLE ACCUMULATE(x)
DOUBLE ACCUMULATE = 2 * ACCUMULATE(x, half) ~ ~ |
half = x / 2 ~ ~ |
:END OF MACRO:
"""


def _run(tmp_path, body, columns, **time):
    return simulator.load_model(write_mdl(tmp_path, MACROS + body, **time)).run(return_columns=columns)


def test_each_call_site_gets_its_own_stock(tmp_path):
    # Euler, dt 1: a = 10 + 3 t; b = 0 + 6 t (argument is an expression); separate stocks
    ds = _run(tmp_path, """
        rate = 3 ~ ~ |
        a = ACCUMULATE(rate, 10) ~ ~ |
        b = ACCUMULATE(rate * 2, 0) ~ ~ |
        """, ["a", "b"], final=5)
    t = np.arange(6)
    assert np.allclose(ds["a"].values[0], 10 + 3 * t)
    assert np.allclose(ds["b"].values[0], 6 * t)


def test_macro_calling_a_macro_with_a_local_variable(tmp_path):
    # inner stock starts at half = 3 / 2 = 1.5 and grows by 3 per month; c = 2 * (1.5 + 3 t);
    # the model's own 'half' (100) is a different variable from the macro's local 'half'
    ds = _run(tmp_path, """
        rate = 3 ~ ~ |
        half = 100 ~ ~ |
        c = DOUBLE ACCUMULATE(rate) ~ ~ |
        d = half + 1 ~ ~ |
        """, ["c", "d"], final=4)
    t = np.arange(5)
    assert np.allclose(ds["c"].values[0], 3 + 6 * t)
    assert np.allclose(ds["d"].values[0], 101)


def test_macro_inside_an_expression_and_with_a_stateful_function(tmp_path):
    # e = 1 + (5 + 2 t); the smooth macro of a constant 8 starting at 8 stays 8
    ds = _run(tmp_path, """
        :MACRO: SMOOTHED(input, delay)
        SMOOTHED = SMOOTH(input, delay) ~ ~ |
        :END OF MACRO:
        e = 1 + ACCUMULATE(2, 5) ~ ~ |
        f = SMOOTHED(8, 3) ~ ~ |
        """, ["e", "f"], final=3)
    t = np.arange(4)
    assert np.allclose(ds["e"].values[0], 6 + 2 * t)
    assert np.allclose(ds["f"].values[0], 8)


def test_macro_variables_are_hidden_from_the_results(tmp_path):
    model = simulator.load_model(write_mdl(tmp_path, MACROS + "a = ACCUMULATE(1, 0) ~ ~ |", final=2))
    ds = model.run()
    assert "a" in ds.data_vars
    assert not [name for name in ds.data_vars if "macro" in name.lower() or name.startswith("_")]


def test_wrong_number_of_arguments_names_file_variable_and_macro(tmp_path):
    path = write_mdl(tmp_path, MACROS + "g = ACCUMULATE(1) ~ ~ |", final=2)
    with pytest.raises(ModelParseError, match=r"model\.mdl.*'g'.*ACCUMULATE with 1 argument.*takes 2"):
        simulator.load_model(path)


def test_macro_body_cannot_see_model_variables(tmp_path):
    path = write_mdl(tmp_path, """
        :MACRO: LEAKY(x)
        LEAKY = x + outside ~ ~ |
        :END OF MACRO:
        outside = 1 ~ ~ |
        h = LEAKY(2) ~ ~ |
        """, final=2)
    with pytest.raises(UnsupportedFeatureError, match="outside"):
        simulator.load_model(path)


def test_call_in_a_subscripted_equation_runs_element_by_element(tmp_path):
    # per element: DOUBLE ACCUMULATE(k) = 2 * (k / 2 + k t) = k (1 + 2 t); ACCUMULATE(k, 10) = 10 + k t
    ds = _run(tmp_path, """
        s: s1, s2 ~ ~ |
        k[s] = 1, 2 ~ ~ |
        g[s] = DOUBLE ACCUMULATE(k[s]) ~ ~ |
        h[s] = ACCUMULATE(k[s], 10) ~ ~ |
        """, ["g", "h"], final=3)
    t = np.arange(4)[:, None]
    k = np.array([1.0, 2.0])[None, :]
    assert np.allclose(ds["g"].values[0], k * (1 + 2 * t))
    assert np.allclose(ds["h"].values[0], 10 + k * t)


def test_delay_n_and_smooth_n_inside_a_macro_see_its_parameters(tmp_path):
    """The thyroid model (metasd) wraps DELAY N in a macro; the order is resolved after lowering,
    when the macro's parameters are no longer bound, so the other arguments are lowered first.
    With a constant delay time 4 and order 2 the macro equals the same DELAY N written inline."""
    body = """
    :MACRO: LAGGED(input, delaytime, init, order)
    LAGGED = DELAY N(input, delaytime, init, order) ~ ~ |
    :END OF MACRO:
    :MACRO: SMOOTHED(input, averaging, init, order)
    SMOOTHED = SMOOTH N(input, averaging, init, order) ~ ~ |
    :END OF MACRO:
    x = STEP(8, 2) ~ ~ |
    via macro = LAGGED(x, 4, 1, 2) ~ ~ |
    inline = DELAY N(x, 4, 1, 2) ~ ~ |
    smooth via macro = SMOOTHED(x, 4, 1, 2) ~ ~ |
    smooth inline = SMOOTH N(x, 4, 1, 2) ~ ~ |
    """
    ds = simulator.load_model(write_mdl(tmp_path, body, final=20)).run(
        return_columns=["via_macro", "inline", "smooth_via_macro", "smooth_inline"])
    assert np.array_equal(ds["via_macro"].values, ds["inline"].values)
    assert np.array_equal(ds["smooth_via_macro"].values, ds["smooth_inline"].values)
    assert ds["inline"].values[0, 0] == 1.0 and ds["inline"].values[0, -1] == pytest.approx(8.0, rel=1e-3)
