"""Tests of dependency pruning (codegen/program.py ``_needed_each_step``): a step computes only what
the returned columns read — through stocks' flows and discrete states — and the values returned are
the same, bit for bit, as when every column is returned."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import simulator

try:  # tests/ may or may not be a package
    from .engine_mdl import write_mdl
except ImportError:
    from engine_mdl import write_mdl

ROOT = Path(__file__).resolve().parents[3]

MODEL = """
growth = 0.05 + 0.01 * SIN(Time) ~ 1/Month ~ |
kept = INTEG(growth * kept + feeder, 100) ~ widgets ~ |
feeder = SMOOTH(helper stock, 2) ~ widgets/Month ~ |
helper stock = INTEG(1 - helper stock / 10, 0) ~ widgets ~ |
sampled = SAMPLE IF TRUE(MODULO(Time, 3) = 0, kept, 0) ~ widgets ~ |
lagged = DELAY FIXED(kept, 2, 0) ~ widgets ~ |
runaway = INTEG(runaway * 1e200 + exploding, 1) ~ widgets ~ |
exploding = runaway * runaway ~ widgets/Month ~ |
"""

KERNELS = ["numpy"] + (["fused"] if importlib.util.find_spec("numba") else [])


def _model(tmp_path):
    return simulator.load_model(write_mdl(tmp_path, MODEL, final=12, dt=0.25))


def test_a_returned_column_equals_its_value_in_the_full_run(tmp_path):
    model = _model(tmp_path)
    full = model.run(kernel="numpy")
    for column in ("kept", "feeder", "sampled", "lagged", "growth"):
        alone = model.run(return_columns=[column], kernel="numpy")
        np.testing.assert_array_equal(alone[column].values, full[column].values, err_msg=column)


def test_the_step_leaves_out_what_the_returned_columns_do_not_read(tmp_path):
    model = _model(tmp_path)
    source = model._program(set(), set(), ["feeder"]).source
    step = source[source.index("def _step"):source.index("def _euler_loop")]
    # feeder reads the SMOOTH of helper stock: both integrated; kept and runaway keep their values
    assert "np.subtract(1.0, (v_helper_stock / 10.0), out=D[1])" in step
    assert "D[0] = 0.0" in step and "D[2] = 0.0" in step
    assert "v_exploding" not in step and "v_growth" not in step and "commit" not in step.split("\n", 1)[1]
    kept = model._program(set(), set(), ["kept"]).source
    step = kept[kept.index("def _step"):kept.index("def _euler_loop")]
    assert "v_exploding" not in step and "D[2] = 0.0" in step and "v_growth" in step


def test_a_pruned_stock_that_would_overflow_does_not_mark_the_scenario(tmp_path):
    model = _model(tmp_path)
    assert int(model.run(return_columns=["kept"], kernel="numpy")["status"].values[0]) == 0
    assert int(model.run(return_columns=["runaway"], kernel="numpy")["status"].values[0]) == 1


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("model_file, column", [
    ("tests/fixtures/models/sir/SIR.mdl", "infectious"),
    ("tests/fixtures/models/teacup/teacup.mdl", "teacup_temperature"),
    ("models/regional/regional.mdl", "gdp"),
    ("models/regional/regional.mdl", "population"),
])
def test_models_give_the_same_column_pruned_or_not(model_file, column, kernel):
    path = ROOT / model_file
    if not path.is_file():
        pytest.skip(f"{model_file} not in this checkout")
    model = simulator.load_model(path)
    params = {}
    full = model.run(params=params, n=3, kernel=kernel)
    alone = model.run(params=params, n=3, return_columns=[column], kernel=kernel)
    np.testing.assert_array_equal(alone[column].values, full[column].values)
