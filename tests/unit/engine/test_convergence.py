"""Integrator tests (integrate stage): order of convergence and exact step factors on analytic models.

The expected values come from mathematics, never from the engine: ``exp(-k t)`` and ``cos(w t)``
for the error, and the one-step amplification factors of Euler (``1 - k h``) and classical RK4
(``1 - kh + (kh)^2/2 - (kh)^3/6 + (kh)^4/24``) for the exact discrete solution of a linear ODE.
"""

from pathlib import Path

import numpy as np
import pytest

import simulator

MODELS = Path(__file__).resolve().parents[2] / "fixtures" / "models" / "convergence"
DECAY = MODELS / "decay.mdl"
OSCILLATOR = MODELS / "oscillator.mdl"

ORDERS = {"euler": 1, "rk4": 4}
STEPS = [1 / 8, 1 / 16, 1 / 32, 1 / 64]
ORDER_TOLERANCE = 0.3


def _final_value(model, variable, method, dt, final_time, params=None):
    """Value of ``variable`` (scenario 0) at ``final_time`` after integrating with step ``dt``."""
    ds = model.run(
        params=params, method=method, time_step=dt, saveper=final_time, final_time=final_time,
        return_columns=[variable],
    )
    info = model.find(variable)
    return float(ds[info.id].isel(scenario=0).sel(time=final_time, method="nearest"))


def _fitted_order(steps, errors):
    """Slope of log(error) against log(step): the observed order of convergence."""
    slope, _ = np.polyfit(np.log(steps), np.log(errors), 1)
    return slope


@pytest.mark.parametrize("method", sorted(ORDERS))
@pytest.mark.parametrize(
    ("model_path", "variable", "params", "final_time", "exact"),
    [
        pytest.param(DECAY, "Amount", None, 1.0, np.exp(-1.0), id="decay"),
        pytest.param(DECAY, "Amount", {"Decay Rate": -0.5}, 2.0, np.exp(1.0), id="growth"),
        pytest.param(OSCILLATOR, "Position", None, 2.0, np.cos(2.0), id="oscillator"),
    ],
)
def test_observed_order_matches_the_method(method, model_path, variable, params, final_time, exact):
    model = simulator.load_model(model_path)
    errors = [
        abs(_final_value(model, variable, method, dt, final_time, params) - exact) for dt in STEPS
    ]
    ratios = [coarse / fine for coarse, fine in zip(errors, errors[1:])]
    order = _fitted_order(STEPS, errors)
    assert abs(order - ORDERS[method]) <= ORDER_TOLERANCE, (
        f"{method}: fitted order {order:.3f}, error ratios per halving {np.round(ratios, 3)}"
    )


AMPLIFICATION = {
    "euler": lambda kh: 1 - kh,
    "rk4": lambda kh: 1 - kh + kh**2 / 2 - kh**3 / 6 + kh**4 / 24,
}


@pytest.mark.parametrize("method", sorted(AMPLIFICATION))
def test_linear_decay_equals_the_methods_exact_discrete_solution(method):
    """x' = -k x: after n steps of size h the method gives exactly R(kh)**n for every scenario."""
    rates = np.array([0.3, 1.0, 2.5])
    dt, final_time = 0.125, 1.0
    model = simulator.load_model(DECAY)
    ds = model.run(
        params={"Decay Rate": rates}, method=method, time_step=dt, saveper=dt,
        final_time=final_time, return_columns=["Amount"],
    )
    amount = ds[model.find("Amount").id].transpose("scenario", "time").values
    steps = np.round(ds["time"].values / dt)
    expected = AMPLIFICATION[method](rates[:, None] * dt) ** steps[None, :]
    np.testing.assert_allclose(amount, expected, rtol=1e-12, atol=0)
