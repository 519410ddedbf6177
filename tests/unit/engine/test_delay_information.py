"""DELAY INFORMATION (lowering/statefuls.delay_material): Vensim documents it as "the same as DELAY
FIXED except that delay time can be a variable". With a delay time constant during the run the
output is the input ``delay time`` earlier (the initial value before that); Vensim's own examples
with a changing delay time (``15 + STEP(15, 40)``) are refused in one line, since what the output
does while the delay time changes is not defined precisely enough to reproduce.
"""

import numpy as np
import pytest

import simulator
from simulator.errors import UnsupportedFeatureError

from engine_mdl import write_mdl


def test_constant_delay_time_is_the_input_delay_time_earlier(tmp_path):
    body = """
    r = RAMP(1, 10, 60) ~ ~ |
    d = 15 ~ ~ |
    ss = DELAY INFORMATION(r, d, 7) ~ ~ |
    """
    model = simulator.load_model(write_mdl(tmp_path, body, final=80, dt=0.5))
    ds = model.run(n=2, params={"d": [15, 4]}, return_columns=["ss"])
    t = ds["time"].values
    for row, delay in enumerate((15, 4)):
        earlier = np.clip(t - delay - 10, 0, 50)            # RAMP(1, 10, 60) at t - delay
        np.testing.assert_allclose(ds["ss"].values[row], np.where(t < delay, 7.0, earlier), atol=1e-12)


def test_a_changing_delay_time_is_refused_in_one_line(tmp_path):
    body = """
    r = RAMP(1, 10, 60) ~ ~ |
    ss = DELAY INFORMATION(r, 15 + STEP(15, 40), 0) ~ ~ |
    """
    with pytest.raises(UnsupportedFeatureError, match="'ss': DELAY INFORMATION with a delay time that changes") as e:
        simulator.load_model(write_mdl(tmp_path, body, final=80))
    assert "\n" not in str(e.value)
