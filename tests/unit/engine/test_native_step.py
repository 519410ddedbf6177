"""Fused kernels' native step (kernels/lowering.py, kernels/native.py): the step compiled by llvmlite
directly gives the numpy program's results (and the numba parts', the fallback), and is cached."""

import numpy as np
import pytest

import simulator
from simulator.engine.kernels import generate
from simulator.engine.kernels.expressions import Unsupported
from simulator.engine.kernels.fused import FUSED
from simulator.engine.kernels.lowering import step_ir

try:  # tests/ may or may not be a package
    from .engine_mdl import write_mdl
except ImportError:
    from engine_mdl import write_mdl

pytest.importorskip("numba")

EXACT = """
Zone: north, mid, south ~ ~ |
Side: left, right ~ ~ |
Room = 70 ~ ~ |
Rate[Zone] = 0.1, 0.2, 0.3 ~ ~ |
Weight[Side] = 1, 2 ~ ~ |
Stock[Zone] = INTEG(Inflow[Zone] - Outflow[Zone], 100) ~ ~ |
Inflow[Zone] = Rate[Zone] * MAX(Room - Stock[Zone], 0) + STEP(5, 3) + RAMP(0.5, 2, 8) + RAMP(0.2, 1) ~ ~ |
Outflow[Zone] = IF THEN ELSE(Stock[Zone] > 80 :AND: Time > 1, Stock[Zone] * Rate[Zone], MIN(Stock[Zone], 1)) ~ ~ |
Level = INTEG(Change, 1) ~ ~ |
Change = PULSE(2, 3) + PULSE TRAIN(1, 1, 4, 12) + XIDZ(Level, Level - 1, 7) / 100 - ZIDZ(Level, Room) ~ ~ |
Shape([(0,0)-(10,2)], (0,0), (4,1), (10,2)) ~ ~ |
Shaped = Shape(Time) + LOOKUP EXTRAPOLATE(Shape, Time * 2) + LOOKUP FORWARD(Shape, Time) + LOOKUP BACKWARD(Shape, Time) ~ ~ |
Mixed = MODULO(Time, 3) + QUANTUM(Time, 2) + INTEGER(Time / 3) + ABS(-Time) + SQRT(Time) ~ ~ |
Bad = Level / 0 * 0 ~ ~ |
Nan mix = MIN(Bad, 1) + MAX(1, Bad) + IF THEN ELSE(Bad, 1, 2) + MODULO(Bad, 2) + XIDZ(1, Bad, 3) ~ ~ |
Nan truth = IF THEN ELSE(Bad, 1, 2) + IF THEN ELSE(:NOT: Bad, 1, 2) + IF THEN ELSE(Bad = Bad, 1, 2) ~ ~ |
Grid[Zone, Side] = Stock[Zone] * Weight[Side] ~ ~ |
Spread[Side] = VMAX(Grid[Zone!, Side]) - VMIN(Grid[Zone!, Side]) + PROD(Weight[Side!]) + SUM(Rate[Zone!]) ~ ~ |
Part[north] = Stock[mid] / 3 ~ ~ |
Part[mid] = Stock[mid] * 2 ~ ~ |
Logic = IF THEN ELSE(:NOT: (Time >= 4) :OR: Time = 7, 1, 0) + MAX(Level, Room) - MIN(Level, -1) ~ ~ |
"""


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANSIM_KERNEL_CACHE", str(tmp_path / "kernels"))
    return tmp_path / "kernels"


def _kernels(cache):
    """How each generated kernel in the cache computes its step."""
    return ["native" if "k_step(" in path.read_text() or "k_block(" in path.read_text() else "numba"
            for path in cache.glob("k_*.py")]


def _equal(plain, fused):
    for name in plain.data_vars:
        if plain[name].dtype.kind == "f":
            np.testing.assert_array_equal(fused[name].values, plain[name].values, err_msg=name)


def test_native_step_equals_numpy_bit_for_bit_and_is_cached(tmp_path, cache):
    model = simulator.load_model(write_mdl(tmp_path, EXACT, final=12, dt=0.25, saveper=0.5))
    lever = simulator.TimeSeries([0, 6, 12], np.array([[60, 80, 65], [70, 70, 90]]))
    for params in ({"Room": [60.0, 75.0, 90.0]}, {"Room": lever, "Rate": [[0.1, 0.2, 0.3], [0.3, 0.0, 0.5]]}):
        fused, plain = model.run(params=params, kernel="fused"), model.run(params=params, kernel="numpy")
        assert fused.attrs["kernel"] == FUSED
        _equal(plain, fused)
        assert np.isnan(fused["part"].values[..., 2]).all() and np.isnan(fused["bad"].values).all()
        assert np.isnan(fused["nan_mix"].values).all() and np.isfinite(fused["nan_truth"].values).all()
    assert _kernels(cache) == ["native", "native"]      # one kernel per run configuration


def test_numba_parts_fallback_gives_the_same_results(tmp_path, cache, monkeypatch):
    model = simulator.load_model(write_mdl(tmp_path, EXACT, final=12, dt=0.25, saveper=0.5))
    params = {"Room": [60.0, 75.0, 90.0]}
    native = model.run(params=params, kernel="fused")
    monkeypatch.setattr(generate, "NATIVE", False)
    parts = simulator.load_model(write_mdl(tmp_path, EXACT, final=12, dt=0.25, saveper=0.5, name="again.mdl"))
    fused = parts.run(params=params, kernel="fused")
    assert fused.attrs["kernel"] == FUSED and sorted(_kernels(cache)) == ["native", "numba"]
    _equal(native, fused)


def test_lowering_accepts_the_generated_subset_only():
    text = step_ir([["v_1 = V[0]", "v_2 = V[1:4]", "for k0 in range(3):", "    v_2[k0] = k_max(v_1, t) * 2.0"]],
                   [(0, None), (1, 3)])
    assert "define void @__STEP__" in text and "define void @__SAVE__" in text and "@llvm.memcpy" in text
    for lines in (["x = foo(1.0)"], ["x = 1 // 2"], ["while True:", "    x = 1.0"], ["x = V[0] if V[1] else t < 2 < 3"]):
        with pytest.raises(Unsupported):
            step_ir([lines], [])
