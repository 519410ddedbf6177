"""Engine semantics that Vensim's own runs of SDEverywhere's test models pinned down (model file → Dataset).

Each case is a small model written here from what Vensim printed for the published model
(tests/integration/test_sde_corpus.py compares the published models themselves).
"""

import numpy as np
import pytest

import simulator
from simulator.errors import UnsupportedFeatureError

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


def test_comments_inside_an_equation_nest(tmp_path):
    """SDEverywhere's comments model: a {comment} holding {comments} is one comment to Vensim (d = 8760)."""
    body = """
    d = 8760
      { ignore leap years; else use
        IF THEN ELSE(MODULO(Time, 4) = 0, 8784 {leap year}, 8760 {normal year}) }
      ~ hours ~ |
    e = 41 {first part} + 1 {second part} ~ ~ |
    """
    ds = simulator.load_model(write_mdl(tmp_path, body)).run(return_columns=["d", "e"])
    assert float(ds["d"].values[0, -1]) == 8760 and float(ds["e"].values[0, 0]) == 42


def test_allocate_available_fixed_quantity_profile_shares_in_proportion(tmp_path):
    """Priority type 0 (fixed quantity): Vensim's run of SDEverywhere's allocate_ptype gives requests
    (200, 300) and (200, 50) of 100 available 40/60 and 80/20, whatever the priorities."""
    body = """
    DimA: A1, A2 ~ ~ |
    pprofile: ptype, ppriority, pwidth, pextra ~ ~ |
    profile[DimA, ptype] = 0 ~ ~ |
    profile[DimA, ppriority] = 0.1, 0.9 ~ ~ |
    profile[DimA, pwidth] = 0.5 ~ ~ |
    profile[DimA, pextra] = 0 ~ ~ |
    request3[DimA] = 200, 300 ~ ~ |
    request4[DimA] = 200, 50 ~ ~ |
    small[DimA] = 20, 30 ~ ~ |
    alloc3[DimA] = ALLOCATE AVAILABLE(request3[DimA], profile[DimA, ptype], 100) ~ ~ |
    alloc4[DimA] = ALLOCATE AVAILABLE(request4[DimA], profile[DimA, ptype], 100) ~ ~ |
    served[DimA] = ALLOCATE AVAILABLE(small[DimA], profile[DimA, ptype], 100) ~ ~ |
    """
    ds = simulator.load_model(write_mdl(tmp_path, body, final=1)).run()
    np.testing.assert_allclose(ds["alloc3"].values[0, 0], [40, 60], rtol=1e-12)
    np.testing.assert_allclose(ds["alloc4"].values[0, 0], [80, 20], rtol=1e-12)
    np.testing.assert_allclose(ds["served"].values[0, 0], [20, 30], rtol=1e-12)


def test_gamma_ln_is_the_log_of_the_gamma_function(tmp_path):
    """SDEverywhere's gamma_ln model: Vensim prints GAMMA LN(10) = 12.8018, (0.5) = 0.572365, (1) = 0."""
    body = """
    a = GAMMA LN(10) ~ ~ |
    b = GAMMA LN(0.5) ~ ~ |
    c = GAMMA LN(1) ~ ~ |
    """
    ds = simulator.load_model(write_mdl(tmp_path, body, final=1)).run(return_columns=["a", "b", "c"])
    np.testing.assert_allclose([float(ds[v].values[0, 0]) for v in "abc"],
                               [np.log(362880.0), np.log(np.sqrt(np.pi)), 0.0], rtol=1e-12, atol=1e-15)


def test_a_variable_without_equation_is_refused_naming_the_run_time_data_file(tmp_path):
    """SDEverywhere's extdata/getdata/prune/sumif declare 'Simple 1 ~~|' and let Vensim fill it from a
    .dat given at run time: one error naming the variable and the cause (not a parse error)."""
    body = """
    Simple 1 ~ ~ |
    doubled = Simple 1 * 2 ~ ~ |
    """
    with pytest.raises(UnsupportedFeatureError, match=r"model[.]mdl:2: .Simple 1. has no equation: a DATA variable"):
        simulator.load_model(write_mdl(tmp_path, body))


def test_invert_matrix_reads_the_whole_matrix_whatever_the_subscripts_spell(tmp_path):
    """SDEverywhere's invertmatrixio: INVERT MATRIX(m[Source, Source], n) on a [Source, Target] left side
    is the inverse of all of m in Vensim's run (7,060 printed variables agree with that reading)."""
    body = """
    Source: S1, S2 ~ ~ |
    Target: T1, T2 ~ ~ |
    m[Source, Target] = 2, 1; 1, 3; ~ ~ |
    inverse[Source, Target] = INVERT MATRIX(m[Source, Source], ELMCOUNT(Source)) ~ ~ |
    """
    ds = simulator.load_model(write_mdl(tmp_path, body, final=1)).run(return_columns=["inverse"])
    np.testing.assert_allclose(ds["inverse"].values[0, 0], np.linalg.inv([[2.0, 1.0], [1.0, 3.0]]), rtol=1e-12)


def test_npv_discounts_the_stream_as_vensim_does(tmp_path):
    """NPV(stream, rate, init, factor): df(t+dt) = df - dt·df·rate/(1 + rate·dt) from 1, the sum of
    stream·df·dt from init, and the value (sum + stream·dt·df)·factor; SDEverywhere's npv model
    (Vensim's run prints df = 0.991736 at t = 1 for rate 10/12/100)."""
    body = """
    stream = STEP(3, 2) ~ ~ |
    value = NPV(stream, 0.1, 5, 2) ~ ~ |
    """
    ds = simulator.load_model(write_mdl(tmp_path, body, final=6, dt=0.5)).run(return_columns=["value"])
    dt, rate, df, total, expected = 0.5, 0.1, 1.0, 5.0, []
    for t in np.arange(0, 6.25, dt):
        s = 3.0 if t + dt / 2 > 2 else 0.0
        expected.append((total + s * dt * df) * 2)
        total, df = total + dt * s * df, df - dt * df * rate / (1 + rate * dt)
    np.testing.assert_allclose(ds["value"].values[0], expected, rtol=1e-12)
