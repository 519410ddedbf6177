"""Unit tests for expressions.py lookups defined for only some elements of their range (Vensim allows it)."""

import numpy as np
import pytest

import simulator
from simulator.errors import ModelParseError

from engine_mdl import write_mdl

_LOOKUP = """
dim: A, B, C ~ ~ |
part[A]( (0, 0), (10, 100) ) ~ ~ |
part[B]( (0, 5), (10, 5) ) ~ ~ |
"""


def test_defined_elements_of_a_partial_lookup_can_be_used(tmp_path):
    body = _LOOKUP + """
    use a = part[A](Time) ~ ~ |
    use b = part[B](Time * 2) ~ ~ |
    """
    model = simulator.load_model(write_mdl(tmp_path, body, final=4))
    ds = model.run(return_columns=["use_a", "use_b"])
    np.testing.assert_allclose(ds["use_a"].sel(scenario=0).values, [0, 10, 20, 30, 40])
    np.testing.assert_allclose(ds["use_b"].sel(scenario=0).values, [5, 5, 5, 5, 5])


def test_using_an_undefined_element_is_refused_naming_lookup_and_variable(tmp_path):
    body = _LOOKUP + """
    use c = part[C](Time) ~ ~ |
    """
    with pytest.raises(ModelParseError, match=r"'use c'.*lookup 'part'.*no table"):
        simulator.load_model(write_mdl(tmp_path, body, final=4))


def test_using_the_whole_range_of_a_partial_lookup_is_refused(tmp_path):
    body = _LOOKUP + """
    use all[dim] = part[dim](Time) ~ ~ |
    """
    with pytest.raises(ModelParseError, match=r"'use all'.*lookup 'part'.*no table"):
        simulator.load_model(write_mdl(tmp_path, body, final=4))
