"""Reference check beside the data flow: DELAY FIXED fed by DELAY FIXED, and DELAY N with a varying time.

``models/chained_delays.mdl`` chains fixed delays (1 + 1 + 1.5 time units, TIME STEP 0.5) and runs a
DELAY N whose delay time steps from 2 to 4. Vensim's documented semantics: DELAY FIXED(x, T, i)
is x as it was T earlier (i before that), so a chain of fixed delays lags by the sum of their
times. The chain is checked against that definition on the step grid, and every column against
PySD's runtime — except ``lag dt`` (two one-step DELAY FIXED nested in one equation), where PySD
updates the inner delay before the outer reads it (its nested stateful is not cached), so its chain
collapses to one step; Vensim gives the nested call its own variable, hence two steps.
"""

import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest

import simulator

try:  # tests/ may or may not be a package
    from . import sd_suite
except ImportError:
    import sd_suite

MODEL = Path(__file__).parent / "models" / "chained_delays.mdl"
DT = 0.5


@pytest.fixture(scope="module")
def ours():
    return sd_suite.dataset_to_vensim_frame(simulator.load_model(MODEL).run())


def _shifted(series, lag, initial=0.0):
    """``series`` as it was ``lag`` time units earlier on the step grid (``initial`` before the start)."""
    steps = int(round(lag / DT))
    values = series.to_numpy()
    return np.concatenate([np.full(steps, initial), values[:-steps]])


@pytest.mark.parametrize("column, lag", [("lag one", 1.0), ("lag two", 2.0), ("lag three", 3.5), ("lag dt", 1.0)])
def test_a_chain_of_fixed_delays_lags_by_the_sum_of_its_times(ours, column, lag):
    np.testing.assert_allclose(ours[column].to_numpy(), _shifted(ours["input"], lag), rtol=0, atol=1e-12)


def test_the_chain_is_not_collapsed(ours):
    assert not np.allclose(ours["lag two"].to_numpy(), ours["lag one"].to_numpy())


def test_every_column_equals_pysd(ours, tmp_path):
    import pysd

    shutil.copy(MODEL, tmp_path / MODEL.name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = pysd.read_vensim(str(tmp_path / MODEL.name)).run()
    compared = [c for c in ours.columns if c in reference.columns and c != "lag dt"]
    assert {"lag two", "lag three", "delayed n", "received"} <= set(compared)
    for column in compared:
        np.testing.assert_allclose(ours[column].to_numpy(), reference[column].to_numpy(dtype=float),
                                   rtol=1e-9, atol=1e-9, err_msg=column)
