"""Reference check beside the data flow: our Euler run of a model equals PySD's runtime on the same file.

PySD's runtime is the reference here (and only here and in benchmarks/): both integrate with
Euler on the model's own TIME STEP, so every stock, flow and auxiliary the engine returns must
match PySD's column for it at every saved time to ~1e-9 relative.
"""

import shutil
import warnings

import numpy as np
import pytest

import simulator

try:  # tests/ may or may not be a package
    from . import sd_suite
except ImportError:
    import sd_suite

RTOL = 1e-9
ATOL = 1e-9

# case id -> path inside the test-models suite; one of each kind of model
MODELS = {
    "teacup": "samples/teacup/teacup.mdl",
    "sir": "samples/SIR/SIR.mdl",
    "population_subscripted": "samples/Population/Subscripted Population Model.mdl",
    "lookups": "tests/lookups/test_lookups.mdl",
    "subscripted_flows": "tests/subscripted_flows/test_subscripted_flows.mdl",
    "subscript_2d_arrays": "tests/subscript_2d_arrays/test_subscript_2d_arrays.mdl",
    "smooth_and_stock": "tests/smooth_and_stock/test_smooth_and_stock.mdl",
    "smooth": "tests/smooth/test_smooth.mdl",
    "delays": "tests/delays/test_delays.mdl",
}


def _pysd_frame(model_file, tmp_path):
    """PySD's run of a copy of the model (PySD writes its translation beside the model file)."""
    import pysd

    folder = tmp_path / "pysd"
    shutil.copytree(model_file.parent, folder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        output = pysd.read_vensim(str(folder / model_file.name)).run()
    output.index = output.index.astype(float)
    return output


@pytest.mark.parametrize("relative_path", list(MODELS.values()), ids=list(MODELS))
def test_euler_run_equals_pysd(relative_path, tmp_path):
    model_file = sd_suite.suite_root() / relative_path
    assert model_file.is_file(), f"test-models suite not found: {model_file} (set {sd_suite.SUITE_ENV_VAR})"
    reference = _pysd_frame(model_file, tmp_path)

    model = simulator.load_model(model_file)
    dataset = model.run(method="euler")
    ours = sd_suite.dataset_to_vensim_frame(dataset)

    stocks = [info.id for info in model.variables.values() if info.kind == "stock"]
    assert stocks, "the model reports no stocks"
    assert all(stock in dataset.data_vars for stock in stocks), "a stock is missing from the default run"
    not_in_pysd = [c for c in ours.columns if c not in reference.columns]
    assert not not_in_pysd, f"columns PySD does not have: {not_in_pysd[:10]}"
    np.testing.assert_allclose(ours.index.to_numpy(), reference.index.to_numpy(), rtol=0, atol=1e-9)
    for column in ours.columns:
        np.testing.assert_allclose(
            ours[column].to_numpy(), reference[column].to_numpy(dtype=float),
            rtol=RTOL, atol=ATOL, err_msg=f"{relative_path}: {column}",
        )
