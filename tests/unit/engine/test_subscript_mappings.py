"""Unit tests for Vensim's explicit subscript mappings (simulator/engine/vensim_mappings.py, lowering/dimensions.py,
codegen/align.py).

Expected values follow Vensim's documented rule (Vensim Help, "Mapping of Subscript Ranges"): in
``Rhsub: rh1, rh2 -> (Lhsub: lh1, lh2), (Lhbigger: Lhbsubr1, Lhbsubr2), (Lhopposite: lho2, lho1)`` a
variable over Rhsub may appear on the right of an equation over any of the three; the k-th element
of Rhsub stands for the k-th entry of the list, and an entry that is a subrange stands for every
element of it.
"""

import numpy as np
import pytest

import simulator
from simulator.engine.vensim_mappings import strip_explicit_mappings
from simulator.errors import UnsupportedFeatureError

from engine_mdl import write_mdl

# Vensim Help's own example of the general form
RANGES = """
Lhsub: lh1, lh2 ~ ~ |
Lhbigger: lhb1, lhb2, lhb3, lhb4 ~ ~ |
Lhbsubr1: lhb1, lhb3 ~ ~ |
Lhbsubr2: lhb2, lhb4 ~ ~ |
Lhopposite: lho1, lho2 ~ ~ |
Rhsub: rh1, rh2 -> (Lhsub: lh1, lh2), (Lhbigger: Lhbsubr1, Lhbsubr2), (Lhopposite: lho2, lho1) ~ ~ |
x[Rhsub] = 1, 2 ~ ~ |
"""


def _run(tmp_path, body, columns):
    model = simulator.load_model(write_mdl(tmp_path, RANGES + body, final=1))
    return model.run(return_columns=columns)


def test_the_documented_example_maps_element_by_element(tmp_path):
    body = """
    same[Lhsub] = x[Rhsub] ~ ~ |
    big[Lhbigger] = x[Rhsub] * 10 ~ ~ |
    opposite[Lhopposite] = x[Rhsub] ~ ~ |
    """
    ds = _run(tmp_path, body, ["same", "big", "opposite"])
    assert np.array_equal(ds["same"].values[0, 0], [1, 2])
    # rh1 -> Lhbsubr1 = {lhb1, lhb3}, rh2 -> Lhbsubr2 = {lhb2, lhb4}
    assert np.array_equal(ds["big"].values[0, 0], [10, 20, 10, 20])
    # rh1 -> lho2, rh2 -> lho1
    assert np.array_equal(ds["opposite"].values[0, 0], [2, 1])
    assert list(ds["big"].coords["Lhbigger"].values) == ["lhb1", "lhb2", "lhb3", "lhb4"]


def test_a_subrange_of_a_mapped_range_on_the_left(tmp_path):
    body = """
    part[Lhbsubr2] = x[Rhsub] + 100 ~ ~ |
    stock[Lhbigger] = INTEG(x[Rhsub], 0) ~ ~ |
    """
    ds = _run(tmp_path, body, ["part", "stock"])
    assert np.array_equal(ds["part"].values[0, 0], [102, 102])          # lhb2, lhb4 both come from rh2
    assert np.array_equal(ds["stock"].values[0, 1], [1, 2, 1, 2])        # one step of the mapped inflow


def test_explicit_and_plain_mappings_on_one_range(tmp_path):
    body = """
    DimB: B1, B2, B3 ~ ~ |
    DimC: C1, C2, C3 ~ ~ |
    DimA: A1, A2, A3 -> (DimB: B3, B2, B1), DimC ~ ~ |
    a[DimA] = 1, 2, 3 ~ ~ |
    b[DimB] = a[DimA] ~ ~ |
    c[DimC] = a[DimA] ~ ~ |
    """
    ds = _run(tmp_path, body, ["b", "c"])
    assert np.array_equal(ds["b"].values[0, 0], [3, 2, 1])
    assert np.array_equal(ds["c"].values[0, 0], [1, 2, 3])


def test_mapping_with_except(tmp_path):
    body = """
    k[Lhbigger] :EXCEPT: [lhb1] = x[Rhsub] ~ ~ |
    k[lhb1] = -1 ~ ~ |
    """
    ds = _run(tmp_path, body, ["k"])
    assert np.array_equal(ds["k"].values[0, 0], [-1, 2, 1, 2])


def test_a_list_of_the_wrong_length_is_refused_naming_the_range(tmp_path):
    body = """
    Short: s1 ~ ~ |
    Wrong: w1, w2 -> (Short: s1) ~ ~ |
    w[Wrong] = 1 ~ ~ |
    """
    with pytest.raises(UnsupportedFeatureError, match="'Wrong': mapping to Short with 1 entries for 2 elements"):
        simulator.load_model(write_mdl(tmp_path, body, final=1))


def test_the_text_rewrite_touches_only_range_declarations():
    text = ("{UTF-8}\nR: r1, r2 -> (T: SubT, t3), U ~ ~ a note -> (X: y) |\n"
            "C <-> R ~~|\n y = IF THEN ELSE(a > b, 1, 0) ~ ~ |")
    out, found = strip_explicit_mappings(text)
    assert found == {"r": {"t": ["SubT", "t3"]}}
    assert "R: r1, r2 -> T, U" in out
    assert "a note -> (X: y)" in out and "C <-> R" in out and "IF THEN ELSE(a > b, 1, 0)" in out
