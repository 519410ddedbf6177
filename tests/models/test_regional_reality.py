"""Extreme-condition ("reality check") tests of the regional model, one row per check (Sterman, Business Dynamics ch. 21).

Each row sets the model into a condition whose outcome follows from the structure alone (no
depreciation-free capital, no coal, no people, no push ...) and asserts that outcome. Expected
values come from closed forms or from the identity that must hold, never from an earlier run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import simulator

MODEL = Path(__file__).resolve().parents[2] / "models" / "regional" / "regional.mdl"
STOCKS_TO_WATCH = ["population", "core_capital", "cluster_capital", "cluster_revenue", "cluster_market",
                   "price_level", "urbanization_rate", "employment_share", "core_productivity",
                   "sector_energy_intensity", "coal_share", "emission_control_factor", "industrial_water_intensity",
                   "agricultural_water_use", "regional_air_index", "neighbour_income", "fiscal_revenue_ratio"]


@pytest.fixture(scope="module")
def model():
    return simulator.load_model(MODEL)


def _run(model, params, columns, **kwargs):
    ds = model.run(params=params, return_columns=columns, **kwargs)
    assert int(ds["status"].sum()) == 0, str(ds["message"].values)
    return ds.isel(scenario=0) if ds.sizes["scenario"] == 1 else ds


def check_zero_investment_capital_decays_at_depreciation(model):
    ds = _run(model, {"investment_rate": 0.0, "depreciation_rate": 0.06}, ["core_capital"])
    steps = (ds["time"].to_numpy() - 2010) / 0.25
    start = ds["core_capital"].isel(time=0).to_numpy()
    np.testing.assert_allclose(ds["core_capital"].to_numpy(), start[None, :] * (1 - 0.25 * 0.06) ** steps[:, None], rtol=1e-12)


def check_zero_population_means_zero_domestic_water_births_and_labour(model):
    ds = _run(model, {"initial_population": 0.0}, ["water_demand", "births", "labour_force", "population"])
    assert float(abs(ds["water_demand"].sel(water_use="domestic")).max()) == 0.0
    assert float(abs(ds["births"]).max()) == 0.0 and float(abs(ds["labour_force"]).max()) == 0.0


def check_no_coal_means_no_coal_emissions(model):
    ds = _run(model, {"initial_coal_share": 0.0, "noncoal_emission_factor": 1.6},
              ["coal_consumption", "co2_emissions", "energy_consumption"])
    assert float(abs(ds["coal_consumption"]).max()) == 0.0
    np.testing.assert_allclose(ds["co2_emissions"], 1.6 * ds["energy_consumption"], rtol=1e-12)


def check_no_policy_push_leaves_clusters_on_the_baseline(model):
    common = {"initial_cluster_revenue[new_materials]": 20.0, "cluster_investment_push[new_materials]": 2.0,
              "outside_cluster_investment[new_materials]": 50.0}
    a = _run(model, {**common, "plan_support": 0.0}, ["cluster_revenue", "gdp"])
    b = _run(model, {"initial_cluster_revenue[new_materials]": 20.0}, ["cluster_revenue", "gdp"])
    np.testing.assert_array_equal(a["cluster_revenue"].to_numpy(), b["cluster_revenue"].to_numpy())
    np.testing.assert_array_equal(a["gdp"].to_numpy(), b["gdp"].to_numpy())


def check_baseline_cluster_grows_at_its_trend_while_the_market_allows(model):
    ds = _run(model, {"initial_cluster_revenue[modern_food]": 10.0, "cluster_trend_growth[modern_food]": 0.05,
                      "cluster_market_growth[modern_food]": 0.05}, ["cluster_capital"], final_time=2012, saveper=0.25)
    capital = ds["cluster_capital"].sel(cluster="modern_food").to_numpy()
    np.testing.assert_allclose(capital[1] / capital[0], 1 + 0.25 * 0.05, rtol=1e-9)


def check_cluster_value_added_never_exceeds_its_sector(model):
    n = 64
    rng = np.random.default_rng(7)
    params = {"initial_cluster_revenue[biomedicine]": rng.uniform(0, 150, n),
              "initial_cluster_revenue[finance]": rng.uniform(0, 40, n),
              "cluster_market_growth[biomedicine]": rng.uniform(0, 0.5, n),
              "cluster_investment_push[biomedicine]": rng.uniform(0, 20, n),
              "outside_cluster_investment[biomedicine]": rng.uniform(0, 200, n),
              "cluster_investment_push[finance]": rng.uniform(0, 20, n), "plan_support": 1.0}
    ds = _run(model, params, ["cluster_value_added_in_sector", "value_added"], n=n)
    assert bool((ds["cluster_value_added_in_sector"] <= ds["value_added"] + 1e-9).all())


def check_zero_inflation_keeps_nominal_equal_to_real_at_the_start_price_level(model):
    ds = _run(model, {"inflation_rate": 0.0, "outlook_inflation_rate": 0.0, "initial_price_level": 0.9}, ["gdp", "gdp_nominal"])
    np.testing.assert_allclose(ds["gdp_nominal"], 0.9 * ds["gdp"], rtol=1e-12)


def check_no_groundwater_allowed_cuts_irrigation_first_then_industry(model):
    ds = _run(model, {"groundwater_extraction_cap": 0.0, "surface_water_available": 0.0, "transferred_water_quota": 0.0,
                      "reclaimed_water_target_rate": 0.0},
              ["agricultural_water_delivered", "water_supply", "industrial_water_availability", "value_added"])
    assert float(abs(ds["water_supply"]).max()) == 0.0
    assert float(abs(ds["agricultural_water_delivered"]).max()) == 0.0
    assert float(ds["industrial_water_availability"].isel(time=-1)) < 0.05


def check_water_shortage_lowers_industrial_output(model):
    capped = _run(model, {"groundwater_extraction_cap": 0.0}, ["value_added"])
    free = _run(model, {}, ["value_added"])
    assert float(capped["value_added"].sel(sector="secondary", time=2030)) < float(
        free["value_added"].sel(sector="secondary", time=2030))
    np.testing.assert_allclose(capped["value_added"].sel(sector="tertiary", time=2011),
                               free["value_added"].sel(sector="tertiary", time=2011), rtol=0.05)


def check_no_local_activity_leaves_background_and_transport(model):
    ds = _run(model, {"initial_coal_share": 0.0, "coal_pm_weight": 1.0, "industry_pm_weight": 0.0,
                      "regional_air_improvement": 0.0, "initial_pm25": 60.0, "pm25_background": 10.0,
                      "regional_transport_share": 0.3}, ["pm25"])
    np.testing.assert_allclose(ds["pm25"], 10.0 + 50.0 * 0.3, rtol=1e-12)


def check_migration_without_income_response_is_the_base_rate(model):
    ds = _run(model, {"migration_income_response": 0.0, "base_migration_rate": -0.004}, ["net_migration_rate"])
    np.testing.assert_allclose(ds["net_migration_rate"], -0.004, rtol=1e-12)


def check_no_tfp_growth_no_investment_no_people_change_means_falling_output(model):
    ds = _run(model, {"tfp_growth": 0.0, "investment_rate": 0.0, "crude_birth_rate": 0.0, "crude_death_rate": 0.0,
                      "base_migration_rate": 0.0, "migration_income_response": 0.0, "working_age_share_drift": 0.0},
              ["gdp"])
    assert np.all(np.diff(ds["gdp"].to_numpy()) < 0)


def check_halving_dt_moves_no_2035_value_by_more_than_one_percent(model):
    columns = ["gdp", "gdp_nominal", "population", "pm25", "co2_emissions", "groundwater_storage", "energy_intensity",
               "urbanization_rate", "good_air_days", "groundwater_net_recharge"]
    params = {"initial_cluster_revenue[biomedicine]": 30.0, "plan_support": 1.0, "cluster_investment_push[biomedicine]": 1.0}
    coarse = _run(model, params, columns, time_step=0.25).sel(time=2035)
    fine = _run(model, params, columns, time_step=0.125).sel(time=2035)
    for name in columns:
        a, b = float(coarse[name]), float(fine[name])
        scale = max(abs(b), 1e-9) if name != "groundwater_net_recharge" else max(abs(b), 0.01 * float(fine["groundwater_storage"]))
        assert abs(a - b) / scale < 0.01, (name, a, b)


def check_every_stock_stays_non_negative_over_wide_inputs(model):
    n = 200
    rng = np.random.default_rng(11)
    params = {"crude_birth_rate": rng.uniform(0, 0.02, n), "crude_death_rate": rng.uniform(0, 0.02, n),
              "base_migration_rate": rng.uniform(-0.03, 0.03, n), "migration_income_response": rng.uniform(0, 0.05, n),
              "inflation_rate": rng.uniform(-0.02, 0.1, n), "investment_rate": rng.uniform(0, 0.6, n),
              "tfp_growth": rng.uniform(-0.05, 0.08, n), "energy_intensity_decline": rng.uniform(0, 0.15, n),
              "coal_share_decline": rng.uniform(0, 0.2, n), "groundwater_extraction_cap": rng.uniform(0, 5000, n),
              "initial_cluster_revenue[biomedicine]": rng.uniform(0, 100, n), "plan_support": 1.0,
              "cluster_investment_push[biomedicine]": rng.uniform(0, 10, n),
              "cluster_market_growth[biomedicine]": rng.uniform(-0.1, 0.4, n)}
    ds = _run(model, params, STOCKS_TO_WATCH, n=n)
    negative = [name for name in STOCKS_TO_WATCH if float(ds[name].min()) < -1e-9]
    assert not negative
    assert all(np.isfinite(ds[name].to_numpy()).all() for name in STOCKS_TO_WATCH)


CHECKS = [value for name, value in sorted(globals().items()) if name.startswith("check_")]


@pytest.mark.parametrize("check", CHECKS, ids=[c.__name__.removeprefix("check_") for c in CHECKS])
def test_reality_check(model, check):
    check(model)


def test_there_are_at_least_ten_reality_checks():
    assert len(CHECKS) >= 10
