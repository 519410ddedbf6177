"""Unit tests for simulator/engine/lowering/statefuls.py: each stateful function against its closed-form Euler solution."""

import numpy as np
import pytest

import simulator

from engine_mdl import write_mdl


def _run(tmp_path, body, columns, **time):
    return simulator.load_model(write_mdl(tmp_path, body, **time)).run(return_columns=columns)


@pytest.mark.parametrize("call", ["SMOOTHI(10, 4, 0)", "DELAY1I(10, 4, 0)"])
def test_first_order_smooth_and_delay_follow_euler_exponential(tmp_path, call):
    # Euler with dt 1: s_k = 10 * (1 - (1 - 1/4)^k) for both an information smooth and a material delay
    ds = _run(tmp_path, f"out = {call} ~ ~ |", ["out"], final=12, dt=1)
    k = np.arange(13)
    assert np.allclose(ds["out"].values[0], 10 * (1 - 0.75 ** k), rtol=1e-12)


def test_smooth3_is_three_first_order_stages(tmp_path):
    ds = _run(tmp_path, "out = SMOOTH3I(10, 6, 0) ~ ~ |", ["out"], final=8, dt=1)
    s = np.zeros(3)
    expected = []
    for _ in range(9):
        expected.append(s[2])
        target = np.array([10.0, s[0], s[1]])
        s = s + (target - s) * 3 / 6
    assert np.allclose(ds["out"].values[0], expected, rtol=1e-12)


def test_delay3_keeps_a_constant_input_constant(tmp_path):
    ds = _run(tmp_path, "out = DELAY3(5, 7) ~ ~ |", ["out"], final=20, dt=0.25)
    assert np.allclose(ds["out"].values[0], 5.0)


def test_delay_n_and_smooth_n_with_constant_order(tmp_path):
    body = """
    order = 4 ~ ~ |
    delayed = DELAY N(STEP(8, 1), 4, 0, order) ~ ~ |
    smoothed = SMOOTH N(STEP(8, 1), 4, 0, order) ~ ~ |
    """
    ds = _run(tmp_path, body, ["delayed", "smoothed"], final=60, dt=0.25)
    # both start at 0, stay below the input, and reach it after many delay times
    for name in ("delayed", "smoothed"):
        values = ds[name].values[0]
        assert values[0] == 0.0 and np.all(values <= 8.0 + 1e-12) and values[-1] == pytest.approx(8.0, rel=1e-6)


def test_delay_fixed_returns_the_input_delay_time_ago(tmp_path):
    ds = _run(tmp_path, "out = DELAY FIXED(Time, 3, -1) ~ ~ |", ["out"], final=10, dt=1)
    t = ds["time"].values
    assert np.array_equal(ds["out"].values[0], np.where(t >= 3, t - 3, -1.0))


def test_sample_if_true_holds_the_last_sample(tmp_path):
    ds = _run(tmp_path, "out = SAMPLE IF TRUE(MODULO(Time, 3) = 0, Time * 10, -1) ~ ~ |", ["out"],
              final=8, dt=1)
    t = ds["time"].values
    assert np.array_equal(ds["out"].values[0], 10 * (t - np.mod(t, 3)))


def test_initial_freezes_the_value_at_the_initial_time(tmp_path):
    ds = _run(tmp_path, "frozen = INITIAL(Time * 2) ~ ~ |\nmoving = Time * 2 ~ ~ |", ["frozen", "moving"],
              initial=5, final=9, dt=1)
    assert np.array_equal(ds["frozen"].values[0], np.full(5, 10.0))
    assert np.array_equal(ds["moving"].values[0], 2 * ds["time"].values)


def test_active_initial_uses_the_initial_argument_only_to_start(tmp_path):
    body = """
    level = INTEG(1, doubled) ~ ~ |
    doubled = ACTIVE INITIAL(level * 2, 1) ~ ~ |
    """
    ds = _run(tmp_path, body, ["level", "doubled"], final=4, dt=1)
    t = ds["time"].values
    assert np.array_equal(ds["level"].values[0], 1 + t)
    assert np.array_equal(ds["doubled"].values[0], 2 * (1 + t))


def test_trend_of_exponential_growth_approaches_the_growth_rate(tmp_path):
    body = """
    grow = INTEG(grow * 0.05, 100) ~ ~ |
    growth = TREND(grow, 1, 0.05) ~ ~ |
    """
    ds = _run(tmp_path, body, ["growth"], final=40, dt=0.0625)
    assert ds["growth"].values[0, -1] == pytest.approx(0.05, rel=0.05)


def test_forecast_of_a_constant_is_the_constant(tmp_path):
    ds = _run(tmp_path, "out = FORECAST(7, 3, 5) ~ ~ |", ["out"], final=10, dt=0.5)
    assert np.allclose(ds["out"].values[0], 7.0)


def test_nested_integ_and_stateful_in_expression(tmp_path):
    body = "out = 1 + INTEG(2, 0) + SMOOTHI(0, 3, 0) ~ ~ |"
    ds = _run(tmp_path, body, ["out"], final=5, dt=1)
    assert np.array_equal(ds["out"].values[0], 1 + 2 * ds["time"].values)


def test_subscripted_smooth_keeps_each_element(tmp_path):
    body = """
    Region: north, south ~ ~ |
    target[Region] = 10, 20 ~ ~ |
    out[Region] = SMOOTHI(target[Region], 2, 0) ~ ~ |
    """
    ds = _run(tmp_path, body, ["out"], final=6, dt=1)
    k = np.arange(7)
    assert np.allclose(ds["out"].values[0], np.outer(1 - 0.5 ** k, [10, 20]))


def test_non_negative_stock_is_clipped_at_zero(tmp_path):
    # Vensim has no non-negative flag; XMILE's <non_negative/> sets it in the IR, so set it there
    from simulator.engine.simulate import CompiledModel
    model = simulator.load_model(write_mdl(tmp_path, "level = INTEG(-3, 5) ~ ~ |", final=4, dt=1))
    model.ir.variables["level"].non_negative = True
    clipped = CompiledModel(model.path, model.ir)
    assert np.array_equal(clipped.run(return_columns=["level"])["level"].values[0], [5, 2, 0, 0, 0])


def test_delay_material_with_a_constant_time_is_delay_fixed(tmp_path):
    """Vensim: DELAY MATERIAL is "the same as DELAY FIXED except that delay time can be a variable"."""
    body = """
    input = STEP(10, 2) + Time ~ ~ |
    out = DELAY MATERIAL(input, 3, 1, 0) ~ ~ |
    """
    ds = _run(tmp_path, body, ["out"], final=10, dt=0.5)
    t = ds["time"].values
    expected = np.where(t >= 3, np.where(t - 3 >= 2, 10.0, 0.0) + (t - 3), 1.0)
    np.testing.assert_allclose(ds["out"].values[0], expected, atol=1e-12)


def test_delay_material_with_a_changing_time_is_refused_in_one_line(tmp_path):
    from simulator.errors import UnsupportedFeatureError

    body = "out = DELAY MATERIAL(1, 3 + Time / 10, 1, 0) ~ ~ |"
    with pytest.raises(UnsupportedFeatureError, match=r"'out': DELAY MATERIAL with a delay time that changes"):
        _run(tmp_path, body, ["out"], final=10, dt=0.5)
