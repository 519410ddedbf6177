"""Unit tests for simulator/engine/element_order.py (via ordering.schedule): loops between whole
variables that are not loops between elements.

Vensim orders subscripted equations element by element: with ``a[A1] = TIME``, ``y = a[A1] * 2``,
``a[A2] = y + 1`` it computes a[A1], then y, then a[A2] (SDEverywhere's test models
``interleaved`` and ``ref``). Expected values below are worked by hand from the equations.
"""

import numpy as np
import pytest

import simulator
from simulator.engine.element_order import Piece
from simulator.engine.ordering import schedule, topological_order
from simulator.errors import AlgebraicLoopError

from engine_mdl import write_mdl

T = np.arange(0.0, 4.0)       # the saved times of every model here (final = 3)

INTERLEAVED = """
DimA: A1, A2 ~ ~ |
a[A1] = TIME ~ ~ |
y = a[A1] * 2 ~ ~ |
a[A2] = y + 1 ~ ~ |
b[DimA] = a[DimA] ~ ~ |
level = INTEG(a[A2], 0) ~ ~ |
"""


def _load(tmp_path, body):
    return simulator.load_model(write_mdl(tmp_path, body, final=3))


def test_a_loop_between_variables_is_ordered_element_by_element(tmp_path):
    model = _load(tmp_path, INTERLEAVED)
    assert [e for e in schedule(model.ir, "step") if isinstance(e, Piece)] == [
        Piece("a", 0, ((0,),)), Piece("y", 0, ((),)), Piece("a", 1, ((1,),))]
    ds = model.run(return_columns=["a", "y", "b", "level"])
    np.testing.assert_array_equal(ds["y"].values[0], 2 * T)
    np.testing.assert_array_equal(ds["a"].values[0], np.stack([T, 2 * T + 1], axis=1))
    np.testing.assert_array_equal(ds["b"].values[0], ds["a"].values[0])
    np.testing.assert_array_equal(ds["level"].values[0], [0, 1, 4, 9])   # sums of 2t + 1 for t < T


def test_a_mapped_chain_through_two_variables(tmp_path):
    """SDEverywhere's ``ref``: ce[t] reads ecc at the previous element, ecc[t] reads ce[t]."""
    body = """
    Target: (t1-t3) ~ ~ |
    tNext: (t2-t3) -> tPrev ~ ~ |
    tPrev: (t1-t2) -> tNext ~ ~ |
    ecc[t1] = ce[t1] + 1 ~ ~ |
    ecc[tNext] = ce[tNext] + 1 ~ ~ |
    ce[t1] = TIME ~ ~ |
    ce[tNext] = ecc[tPrev] + 1 ~ ~ |
    """
    ds = _load(tmp_path, body).run(return_columns=["ce", "ecc"])
    t = T[:, None]
    np.testing.assert_array_equal(ds["ce"].values[0], t + [0, 2, 4])
    np.testing.assert_array_equal(ds["ecc"].values[0], t + [1, 3, 5])


def test_a_piecewise_variable_reading_a_later_element_of_itself(tmp_path):
    body = """
    DimA: A1, A2, A3 ~ ~ |
    a[A1] = a[A3] * 2 ~ ~ |
    a[A2] = a[A1] + TIME ~ ~ |
    a[A3] = 3 ~ ~ |
    """
    ds = _load(tmp_path, body).run(return_columns=["a"])
    expected = np.stack([np.full(4, 6.0), 6 + T, np.full(4, 3.0)], axis=1)
    np.testing.assert_array_equal(ds["a"].values[0], expected)


def test_dynamic_through_a_variable_ordered_after_the_first_piece(tmp_path):
    """a's first piece comes before y, but a[A2] reads y, which changes with time: a is computed each step."""
    body = """
    DimA: A1, A2 ~ ~ |
    c = TIME * 10 ~ ~ |
    a[A1] = 1 ~ ~ |
    a[A2] = y ~ ~ |
    y = c + a[A1] ~ ~ |
    """
    model = _load(tmp_path, body)
    assert topological_order(model.ir, "step").index("a") < topological_order(model.ir, "step").index("y")
    ds = model.run(return_columns=["a"])
    np.testing.assert_array_equal(ds["a"].values[0], np.stack([np.ones(4), 10 * T + 1], axis=1))


def test_initialisation_loop_through_initial(tmp_path):
    """INITIAL(a[A1]) is read once at the start: a loop only in the initialisation order."""
    body = """
    DimA: A1, A2 ~ ~ |
    a[A1] = 2 ~ ~ |
    y = INITIAL(a[A1]) ~ ~ |
    a[A2] = y + TIME ~ ~ |
    """
    ds = _load(tmp_path, body).run(return_columns=["a"])
    np.testing.assert_array_equal(ds["a"].values[0], np.stack([np.full(4, 2.0), 2 + T], axis=1))


def test_several_scenarios_and_the_kernel_falls_back_with_a_reason(tmp_path):
    model = _load(tmp_path, INTERLEAVED)
    ds = model.run(n=3, kernel="fused", return_columns=["a"])
    assert ds.attrs["kernel"] == "numpy: a, y ordered element by element (a loop between whole variables)"
    np.testing.assert_array_equal(ds["a"].values[2], np.stack([T, 2 * T + 1], axis=1))


@pytest.mark.parametrize("body, names", [
    ("a[A1] = y ~ ~ |\ny = a[A1] + 1 ~ ~ |\na[A2] = 1 ~ ~ |", ("a → y → a", "y → a → y")),
    ("a[A1] = a[A1] + 1 ~ ~ |\na[A2] = 1 ~ ~ |", ("a → a",)),
    ("a[A1] = y ~ ~ |\ny = SUM(a[DimA!]) ~ ~ |\na[A2] = 1 ~ ~ |", ("a → y → a", "y → a → y")),
])
def test_a_loop_between_elements_is_still_refused_in_one_line(tmp_path, body, names):
    path = write_mdl(tmp_path, "DimA: A1, A2 ~ ~ |\n" + body, final=3)
    with pytest.raises(AlgebraicLoopError) as caught:
        simulator.load_model(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: algebraic loop (each time step): ")
    assert any(n in message for n in names), message
    assert "\n" not in message


def test_a_parameter_replacing_a_variable_of_the_loop(tmp_path):
    """y given per scenario: a[A2] = y + 1 reads the parameter; a[A1] keeps its equation."""
    ds = _load(tmp_path, INTERLEAVED).run(params={"y": [5, 6]}, return_columns=["a"])
    np.testing.assert_array_equal(ds["a"].values[:, 0], [[0, 6], [0, 7]])


def test_an_undefined_element_read_inside_the_loop_is_nan_not_a_crash(tmp_path):
    """y reads b[A3], which no equation defines (missing.py: NaN in what reads it, the run fails
    naming a variable); every variable of the loop is allocated before the loop's first piece."""
    body = """
    DimA: A1, A2, A3 ~ ~ |
    a[A1] = y ~ ~ |
    a[A2] = 1 ~ ~ |
    y = a[A2] + b[A3] ~ ~ |
    b[A1] = a[A1] ~ ~ |
    """
    ds = _load(tmp_path, body).run(return_columns=["a", "y"])
    assert np.isnan(ds["y"].values[0]).all()
    np.testing.assert_array_equal(ds["a"].values[0, 0], [np.nan, 1, np.nan])
    assert ds["status"].values[0] != 0 and "non-finite value" in str(ds["message"].values[0])


@pytest.mark.parametrize("body, phase", [
    ("x = x + 1 ~ ~ |", "each time step"),
    ("s = INTEG(1, s * 2) ~ ~ |", "initialisation"),
])
def test_a_scalar_equation_reading_itself_is_a_loop_in_one_line(tmp_path, body, phase):
    """Vensim refuses x = x + 1 (a simultaneous equation); it used to reach the generated code and
    fail there with UnboundLocalError."""
    path = write_mdl(tmp_path, body, final=3)
    with pytest.raises(AlgebraicLoopError) as caught:
        simulator.load_model(path)
    assert str(caught.value).startswith(f"{path}: algebraic loop ({phase}): ")
    assert "\n" not in str(caught.value)

