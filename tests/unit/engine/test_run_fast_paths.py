"""Unit tests for the engine's fast paths (program → integrate → results): fused Euler loop,
reused state buffers, cached Dataset templates and the one-pass non-finite check give exactly
what the plain, allocate-every-step computation gives."""

import numpy as np
import pytest

import simulator
from simulator.engine.integrators import METHODS, Integrator
from simulator.engine.results import first_non_finite

from engine_mdl import write_mdl


class FreshEuler(Integrator):
    """Reference Euler: a fresh derivative and state array every step (no reuse, no fused loop),
    the same floating-point operations as Vensim's update S + dt * dS/dt."""

    name = "euler_fresh"

    def advance(self, step, t, k, S, dt, isave):
        return step(t, k, S, isave, True) * dt + S


MODELS = {
    "teacup": """
        Characteristic Time = 10 ~ ~ |
        Heat Loss to Room = (Teacup Temperature - Room Temperature) / Characteristic Time ~ ~ |
        Room Temperature = 70 ~ ~ |
        Teacup Temperature = INTEG(-Heat Loss to Room, 180) ~ ~ |
    """,
    # the sampled value IS the stock (a view of the state): reusing the state buffer must not change it
    "sample_of_stock": """
        level = INTEG(growth, 1) ~ ~ |
        growth = 0.3 * level ~ ~ |
        sampled = SAMPLE IF TRUE(MODULO(Time, 3) = 0, level, -1) ~ ~ |
        report = sampled * 2 ~ ~ |
    """,
    "delay_fixed_of_stock": """
        level = INTEG(inflow - outflow, 10) ~ ~ |
        inflow = 2 + Time ~ ~ |
        outflow = DELAY FIXED(level * 0.1, 2, 1) ~ ~ |
    """,
    "subscripted": """
        region : north, south ~ ~ |
        rate[region] = 0.1, 0.2 ~ ~ |
        stock[region] = INTEG(rate[region] * stock[region] - drain, 5) ~ ~ |
        drain = 0.01 * SUM(stock[region!]) ~ ~ |
    """,
}


@pytest.fixture
def fresh_euler(monkeypatch):
    monkeypatch.setitem(METHODS, FreshEuler.name, FreshEuler)
    return FreshEuler.name


def _without_method(ds):
    ds = ds.copy()
    ds.attrs.pop("method")
    return ds


@pytest.mark.parametrize("key", sorted(MODELS))
def test_fused_euler_loop_equals_a_fresh_stepwise_euler(tmp_path, fresh_euler, key):
    model = simulator.load_model(write_mdl(tmp_path, MODELS[key], final=12, dt=0.25, saveper=0.5))
    for n in (1, 3):
        fused = model.run(n=n)
        reference = model.run(n=n, method=fresh_euler)
        assert _without_method(fused).identical(_without_method(reference))
    assert "def _euler_loop" in next(iter(model._programs.values())).source


def test_non_negative_clip_in_the_fused_loop(tmp_path, fresh_euler):
    body = "level = INTEG(-drain, 3) ~ ~ |\ndrain = 1 ~ ~ |\n"
    model = simulator.load_model(write_mdl(tmp_path, body, final=6, dt=0.5))
    model.ir.variables["level"].non_negative = True     # XMILE's <non_negative/>, set in the IR
    model._programs.clear()
    fused, reference = model.run(), model.run(method=fresh_euler)
    assert _without_method(fused).identical(_without_method(reference))
    assert fused["level"].values[0].tolist() == [3, 2.5, 2, 1.5, 1, 0.5, 0, 0, 0, 0, 0, 0, 0]


def test_reused_templates_give_independent_datasets(tmp_path):
    model = simulator.load_model(write_mdl(tmp_path, MODELS["teacup"], final=4, dt=1))
    first = model.run(params={"Room Temperature": [60, 70]})
    first["teacup_temperature"].attrs["units"] = "changed by a user"
    first.attrs["note"] = "changed by a user"
    second = model.run(params={"Room Temperature": [20, 30]})
    assert second["teacup_temperature"].attrs["units"] == "" and "note" not in second.attrs
    assert first["teacup_temperature"].values[:, -1].tolist() != second["teacup_temperature"].values[:, -1].tolist()
    assert second["heat_loss_to_room"].values[:, 0].tolist() == [16.0, 15.0]
    assert second["time"].values.tolist() == [0, 1, 2, 3, 4]
    assert model.run(n=3)["scenario"].values.tolist() == [0, 1, 2]


def test_non_finite_check_finds_the_first_bad_time_per_scenario():
    times = np.array([0.0, 1.0, 2.0])
    level = np.ones((3, 4))
    level[2, 1] = np.inf
    level[1, 3] = np.nan
    rate = np.broadcast_to(np.float64(np.nan), (3, 4))      # a constant output, broadcast
    found = first_non_finite({"level": level}, times, {"level": "Level"})
    assert found == [None, (2.0, "Level"), None, (1.0, "Level")]
    found = first_non_finite({"level": level, "rate": rate}, times, {"level": "Level", "rate": "Rate"})
    assert found == [(0.0, "Rate")] * 4


def test_overflowing_sum_of_finite_values_is_not_reported():
    huge = np.full((3, 2), 1e308)
    assert first_non_finite({"x": huge}, np.arange(3.0), {"x": "X"}) == [None, None]
