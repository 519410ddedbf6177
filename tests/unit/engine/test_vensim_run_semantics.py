"""Engine semantics that Vensim's own runs of SDEverywhere's test models pinned down (model file → Dataset).

Each case is a small model written here from what Vensim printed for the published model
(tests/integration/test_sde_corpus.py compares the published models themselves).
"""

import numpy as np
import pytest

import simulator

from engine_mdl import write_mdl


@pytest.mark.parametrize("fused", [False, True])
def test_pulse_train_fires_at_its_end_time(tmp_path, fused, monkeypatch):
    """Vensim's run of SDEverywhere's pulsetrain model (PULSE TRAIN(10, 1, 5, 30), TIME STEP 0.25)
    prints p = 1 at t = 30 and 0 from 30.25: the end time is inclusive, the pulse there lasts one step."""
    if fused:
        pytest.importorskip("numba")
    monkeypatch.setenv("PLANSIM_KERNEL", "fused" if fused else "numpy")
    body = "p = PULSE TRAIN(10, 1, 5, 30) ~ ~ |\n    pulses = INTEG(p, 0) ~ ~ |"
    ds = simulator.load_model(write_mdl(tmp_path, body, final=40, dt=0.25)).run()
    t = ds["time"].values
    expected = np.where((t >= 10) & (t <= 30) & (np.mod(t - 10, 5) < 1), 1.0, 0.0)
    assert expected[t == 30] == 1 and expected[t == 30.25] == 0
    np.testing.assert_array_equal(ds["p"].values[0], expected)
