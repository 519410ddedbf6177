"""Tests of DELAY N / DELAY FIXED whose stage time is not longer than TIME STEP (lowering/statefuls.py).

Vensim reduces a DELAY N's order to the whole number of TIME STEPs in its delay time when the order
is larger (a stage time equal to TIME STEP is kept: the stage drains fully each step, a pure
pipeline; tests/integration/test_delay_pipeline.py checks this against Vensim's own run);
DELAY FIXED's minimum delay is TIME STEP (shorter delays act as TIME STEP).
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


def test_delay_n_order_is_reduced_to_the_time_steps_in_its_delay_time(tmp_path):
    ds = _run(tmp_path)
    # delay 1, TIME STEP 0.25: order 10 becomes 4 (four stages of one TIME STEP each); order 4 is kept
    np.testing.assert_array_equal(ds["order_ten"].values, ds["order_four"].values)
    # four stages of one TIME STEP: a pure pipeline, the input exactly 4 steps (= the delay time) later
    np.testing.assert_allclose(ds["order_four"].values[0, 4:], ds["input"].values[0, :-4], rtol=1e-12, atol=1e-12)
    # order 3 (stage time 1/3 > TIME STEP) is kept and spreads the step: not a pure lag
    assert not np.allclose(ds["order_three"].values[0, 4:], ds["input"].values[0, :-4])


def test_delay_n_with_room_for_its_order_keeps_it(tmp_path):
    ds = _run(tmp_path)
    # delay 4 > 10 * 0.25: order 10 is kept (it differs from order 9)
    assert not np.allclose(ds["long_delay"].values, ds["long_delay_order_nine"].values)


def test_delay_fixed_shorter_than_time_step_acts_as_one_time_step(tmp_path):
    ds = _run(tmp_path)
    expected = np.concatenate([[0.0], ds["input"].values[0, :-1]])
    np.testing.assert_array_equal(ds["fixed_short"].values[0], expected)
