"""Reference check beside the data flow: DELAY FIXED fed by DELAY FIXED, and DELAY N with a varying time.

``models/chained_delays.mdl`` chains fixed delays (1 + 1 + 1.5 time units, TIME STEP 0.5) and runs a
DELAY N whose delay time steps from 2 to 4. Vensim's documented semantics: DELAY FIXED(x, T, i)
is x as it was T earlier (i before that), so a chain of fixed delays lags by the sum of their
times. The chain is checked against that definition on the step grid, and every column against
PySD's runtime — except ``lag dt`` (two one-step DELAY FIXED nested in one equation), where PySD
updates the inner delay before the outer reads it (its nested stateful is not cached), so its chain
collapses to one step; Vensim gives the nested call its own variable, hence two steps — and
``delayed n`` (with ``received``, which integrates it), a DELAY N of order 3 whose delay time
changes: PySD lags stage k's time by k steps, plansim drains the first stage with the current
time and the later stages and the output with the previous step's (lowering/statefuls.py says
why); it is checked against that chain written out by hand instead.
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
    compared = [c for c in ours.columns if c in reference.columns and c not in ("lag dt", "delayed n", "received")]
    assert {"lag one", "lag two", "lag three", "input"} <= set(compared)
    for column in compared:
        np.testing.assert_allclose(ours[column].to_numpy(), reference[column].to_numpy(dtype=float),
                                   rtol=1e-9, atol=1e-9, err_msg=column)


def test_delay_n_with_a_changing_time_drains_later_stages_with_the_previous_time(ours):
    """DELAY N(input, T, 0, 3), contents c_k: out_1 = c_1 / (T(t) / 3), out_k = c_k / (T(t - DT) / 3)
    for k > 1, output = out_3; Euler at DT. T = 2 + STEP(2, 6)."""
    order, contents, expected = 3, np.zeros(3), []
    times = np.arange(0, 20 + DT / 2, DT)
    inputs = ours["input"].to_numpy()
    for k, t in enumerate(times):
        now, before = (2 + 2 * (s >= 6) for s in (t, max(t - DT, 0)))
        rates = contents / (np.array([now] + [before] * (order - 1)) / order)
        expected.append(rates[-1])
        contents = contents + DT * (np.concatenate([[inputs[k]], rates[:-1]]) - rates)
    np.testing.assert_allclose(ours["delayed n"].to_numpy(), expected, rtol=1e-12, atol=1e-12)
