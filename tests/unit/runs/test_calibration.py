"""Unit tests of simulator.runs.calibration on an analytic stand-in model with the engine's run() shape."""

from types import SimpleNamespace

import numpy as np
import pytest
import xarray as xr

from simulator.runs.calibration import (
    FreeParameter,
    Target,
    extract,
    fit,
    free_parameters,
    history_fit,
    targets_from_plan,
)
from simulator.errors import ParameterError, PlanError


class ExponentialModel:
    """gdp(t) = level · exp(growth · (t − t0)); share[sector] = (s, 1 − s). Vectorized over scenarios."""

    def __init__(self):
        self.calls = []

    def run(self, params=None, n=None, return_columns=None, initial_time=2010, final_time=2030,
            time_step=0.25, saveper=1, method="euler"):
        params = params or {}
        n = n or 1
        self.calls.append(n)
        times = np.arange(initial_time, final_time + 1e-9, saveper)

        def column(name, default):
            return np.broadcast_to(np.asarray(params.get(name, default), dtype=float), (n,))[:, None]

        gdp = column("level", 50.0) * np.exp(column("growth", 0.05) * (times - initial_time))
        share = np.broadcast_to(column("services_share", 0.4), (n, len(times)))
        return xr.Dataset(
            {
                "gdp": (("scenario", "time"), gdp),
                "share": (("scenario", "time", "sector"), np.stack([share, 1 - share], axis=-1)),
            },
            coords={"scenario": np.arange(n), "time": times, "sector": ["tertiary", "secondary"]},
        )


def true_targets(level=49.4, growth=0.0812, share=0.55):
    model = ExponentialModel()
    ds = model.run(params={"level": level, "growth": growth, "services_share": share})
    def value(year):
        return float(ds["gdp"].sel(time=year).item())
    return [
        Target("gdp_2010", "gdp", 2010, value(2010)),
        Target("gdp_2020", "gdp", 2020, value(2020)),
        Target("share_2020", "share[tertiary]", 2020, share),
    ]


def test_fit_recovers_known_parameters_with_batched_jacobian():
    model = ExponentialModel()
    free = [
        FreeParameter("level", 40.0, 30.0, 70.0),
        FreeParameter("growth", 0.03, 0.0, 0.15),
        FreeParameter("services_share", 0.3, 0.1, 0.9),
    ]
    result = fit(model, {"params": {}, "initial_time": 2010, "final_time": 2030}, free, true_targets())
    assert result.success
    assert result.values["level"] == pytest.approx(49.4, rel=1e-6)
    assert result.values["growth"] == pytest.approx(0.0812, rel=1e-6)
    assert result.values["services_share"] == pytest.approx(0.55, rel=1e-6)
    assert max(result.mape.values()) < 1e-4
    assert set(result.mape) == {"gdp", "share[tertiary]"}
    # every Jacobian evaluation is ONE engine call with p + 1 scenarios
    assert result.engine_calls == len(model.calls)
    assert (p_plus_1 := len(free) + 1) in model.calls
    assert model.calls.count(p_plus_1) >= result.nfev
    assert result.engine_calls < result.nfev * (len(free) + 1)


def test_bound_is_reported_and_mape_is_honest_when_target_unreachable():
    model = ExponentialModel()
    free = [FreeParameter("growth", 0.01, 0.0, 0.02)]  # true growth 0.0812 is outside the range
    targets = [t for t in true_targets() if t.variable == "gdp"]
    result = fit(model, {"params": {"level": 49.4}, "initial_time": 2010, "final_time": 2030}, free, targets)
    assert result.values["growth"] == pytest.approx(0.02, abs=1e-6)
    assert result.at_bound == ["growth"]
    expected_2020 = 49.4 * np.exp(0.02 * 10)
    assert result.simulated["gdp_2020"] == pytest.approx(expected_2020, rel=1e-6)
    observed = targets[1].value
    assert result.mape["gdp"] == pytest.approx(abs(expected_2020 - observed) / observed * 100 / 2, rel=1e-6)


def test_extract_interpolates_between_saved_years_and_selects_elements():
    ds = ExponentialModel().run(params={"level": 10.0, "growth": 0.1, "services_share": 0.7}, n=2)
    values = extract(ds, [Target("a", "gdp", 2012.5, 1.0), Target("b", "share[secondary]", 2015, 1.0)])
    g2012, g2013 = 10 * np.exp(0.2), 10 * np.exp(0.3)
    assert values.shape == (2, 2)
    assert values[0, 0] == pytest.approx((g2012 + g2013) / 2)
    assert values[1, 1] == pytest.approx(0.3)


@pytest.mark.parametrize(
    "target, message",
    [
        (Target("x", "nope", 2015, 1.0), "'nope' is not in the run's outputs"),
        (Target("x", "gdp", 2040, 1.0), "outside the run"),
        (Target("x", "share", 2015, 1.0), r"needs 1 subscript\(s\)"),
    ],
)
def test_extract_errors_name_the_target(target, message):
    ds = ExponentialModel().run()
    with pytest.raises(ParameterError, match=message):
        extract(ds, [target])


def _plan(assumptions, history=()):
    return SimpleNamespace(path="models/x/plan.yaml", assumptions=assumptions, history=list(history))


def test_free_parameters_take_bounds_from_assumptions_and_start_from_scenario():
    plan = _plan([SimpleNamespace(id="g", variable="tfp_growth[secondary]", value=0.03, range=(0.0, 0.08))])
    (param,) = free_parameters(plan, ["tfp_growth[secondary]"], {"tfp_growth[secondary]": 0.05})
    assert (param.initial, param.low, param.high) == (0.05, 0.0, 0.08)
    (param,) = free_parameters(plan, ["tfp_growth[secondary]"], {})
    assert param.initial == 0.03
    with pytest.raises(PlanError, match="no assumption for 'depreciation_rate'"):
        free_parameters(plan, ["depreciation_rate"], {})


def test_targets_from_plan_refuses_zero_and_fit_needs_free_constants():
    fact = SimpleNamespace(id="z", variable="gdp", year=2020, value=0.0)
    with pytest.raises(PlanError, match="has value 0"):
        targets_from_plan(_plan([], [fact]))
    with pytest.raises(ParameterError, match="at least one free constant"):
        fit(ExponentialModel(), {}, [], true_targets())


def test_history_fit_reports_mape_per_series_of_one_run():
    fact = SimpleNamespace(id="g", variable="gdp", year=2020, value=100.0)
    plan = _plan([], [fact])
    mape = history_fit(ExponentialModel(), {"params": {"level": 50.0, "growth": 0.0}, "initial_time": 2010,
                                             "final_time": 2030}, plan)
    assert mape == {"gdp": pytest.approx(50.0)}
