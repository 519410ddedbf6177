"""Tests of DELAY N / DELAY FIXED whose stage time is not longer than TIME STEP (lowering/statefuls.py).

Vensim's reference: DELAY N needs delay time > order * TIME STEP, else Vensim reduces the order
until this holds; DELAY FIXED's minimum delay is TIME STEP (shorter delays act as TIME STEP).
"""

import numpy as np

import simulator

try:  # tests/ may or may not be a package
    from .engine_mdl import write_mdl
except ImportError:
    from engine_mdl import write_mdl

MODEL = """
input = STEP(10, 1) + RAMP(2, 3, 5) ~ ~ |
order ten = DELAY N(input, 1, 0, 10) ~ ~ |
order four = DELAY N(input, 1, 0, 4) ~ ~ |
order three = DELAY N(input, 1, 0, 3) ~ ~ |
long delay = DELAY N(input, 4, 0, 10) ~ ~ |
long delay order nine = DELAY N(input, 4, 0, 9) ~ ~ |
fixed short = DELAY FIXED(input, 0.1, 0) ~ ~ |
"""


def _run(tmp_path):
    return simulator.load_model(write_mdl(tmp_path, MODEL, final=8, dt=0.25)).run()


def test_delay_n_order_is_reduced_until_delay_time_exceeds_order_times_time_step(tmp_path):
    ds = _run(tmp_path)
    # delay 1, TIME STEP 0.25: orders 10 and 4 (1 > 4 * 0.25 is false) both become 3
    np.testing.assert_array_equal(ds["order_ten"].values, ds["order_three"].values)
    np.testing.assert_array_equal(ds["order_four"].values, ds["order_three"].values)
    # a third-order delay of a step is not a pure lag: it spreads (differs from the input one time later)
    assert not np.allclose(ds["order_three"].values[0, 8:], ds["input"].values[0, 4:-4])


def test_delay_n_with_room_for_its_order_keeps_it(tmp_path):
    ds = _run(tmp_path)
    # delay 4 > 10 * 0.25: order 10 is kept (it differs from order 9)
    assert not np.allclose(ds["long_delay"].values, ds["long_delay_order_nine"].values)


def test_delay_fixed_shorter_than_time_step_acts_as_one_time_step(tmp_path):
    ds = _run(tmp_path)
    expected = np.concatenate([[0.0], ds["input"].values[0, :-1]])
    np.testing.assert_array_equal(ds["fixed_short"].values[0], expected)
