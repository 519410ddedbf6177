"""Unit tests for simulator/engine/missing.py: elements of a subscripted variable that no equation defines.

Vensim (vensim.com/documentation/22215.html): such *missing* components are not computed, a model
may leave them so on purpose, and an equation that refers to one is an error ("Used, not
Computed"). plansim: NaN in the element itself without failing the run; NaN (a failed run naming
the variable) in whatever reads it — never a silent 0.
"""

import numpy as np
import pytest

import simulator
from simulator.engine.table import simulate_table
from simulator.errors import NonFiniteError

from engine_mdl import write_mdl

PARTIAL = """
dim: a1, a2, a3 ~ ~ |
x[a1] = 1 ~ ~ |
x[a2] = 2 ~ ~ |
level[a1] = INTEG(1, 0) ~ ~ |
level[a2] = INTEG(x[a2], 5) ~ ~ |
total = x[a1] + x[a2] + level[a2] ~ ~ |
"""


def test_missing_elements_are_nan_and_the_run_still_succeeds(tmp_path):
    model = simulator.load_model(write_mdl(tmp_path, PARTIAL, final=2))
    ds = model.run(return_columns=["x", "level", "total"])
    assert int(ds["status"].values[0]) == 0
    x = ds["x"].values[0, 0]
    assert x[:2].tolist() == [1.0, 2.0] and np.isnan(x[2])
    level = ds["level"].values[0]
    assert level[:, 0].tolist() == [0.0, 1.0, 2.0] and level[:, 1].tolist() == [5.0, 7.0, 9.0]
    assert np.isnan(level[:, 2]).all()
    assert ds["total"].values[0].tolist() == [8.0, 10.0, 12.0]


@pytest.mark.parametrize("reader", ["y[dim] = x[dim] * 2 ~ ~ |", "y = SUM(x[dim!]) ~ ~ |", "y = x[a3] ~ ~ |"])
def test_reading_a_missing_element_fails_the_run_naming_the_reader(tmp_path, reader):
    model = simulator.load_model(write_mdl(tmp_path, PARTIAL + reader, final=2))
    ds = model.run(return_columns=["y"])
    assert int(ds["status"].values[0]) == 1
    assert "non-finite value in 'y' at time 0" in str(ds["message"].values[0])
    with pytest.raises(NonFiniteError, match="reading an element no equation defines"):
        simulate_table(model, allow_nonfinite=False)
