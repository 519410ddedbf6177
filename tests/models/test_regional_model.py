"""Regional development model (models/regional/regional.mdl): structure checks and the PySD reference.

Expected values come from the model's structure (accounting identities, closed-form Euler
solutions, the calibration of productivity to the start values), or from PySD's runtime as the
reference implementation, never from an earlier run of the engine.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest

import simulator

MODEL = Path(__file__).resolve().parents[2] / "models" / "regional" / "regional.mdl"
SECTORS = ["primary", "secondary", "tertiary"]
MANUFACTURING = ["biomedicine", "electronic_information", "advanced_equipment", "new_materials", "modern_food", "big_health"]


@pytest.fixture(scope="module")
def model():
    return simulator.load_model(MODEL)


def run(model, params=None, **kwargs):
    ds = model.run(params=params or {}, **kwargs)
    assert int(ds["status"].sum()) == 0, str(ds["message"].values)
    return ds


def test_minimum_vocabulary_exists(model):
    names = ["population", "urban_population", "urbanization_rate", "births", "deaths", "net_migration",
             "gdp", "gdp_nominal", "price_level", "gdp_growth_rate", "gdp_per_capita", "value_added",
             "value_added_nominal", "services_share", "core_capital", "cluster_capital", "employment",
             "core_productivity", "cluster_revenue", "cluster_revenue_nominal", "cluster_value_added",
             "energy_consumption", "energy_intensity", "co2_emissions", "co2_intensity", "coal_share", "pm25",
             "water_demand", "water_supply", "water_shortage", "reclaimed_water_share", "groundwater_storage",
             "groundwater_net_recharge", "fiscal_revenue", "farm_gross_output", "net_migration_rate"]
    for name in names:
        info = model.find(name)
        assert info.units and info.doc, name
    assert model.dimensions["sector"] == SECTORS
    assert model.dimensions["water_use"] == ["domestic", "industrial", "agricultural", "ecological"]
    assert model.dimensions["water_source"] == ["surface", "transferred", "reclaimed", "groundwater"]
    assert {"big_health", "finance", "retail", "cultural_creative", "biomedicine"} <= set(model.dimensions["cluster"])


def test_every_variable_has_units_and_documentation(model):
    missing = [v.id for v in model.variables.values() if not (v.units and v.doc)]
    assert not missing


def test_every_cluster_belongs_to_exactly_one_sector(model):
    ds = run(model, return_columns=["cluster_in_sector"], final_time=2011)
    mapping = ds["cluster_in_sector"].isel(scenario=0)
    if "time" in mapping.dims:
        mapping = mapping.isel(time=0)
    np.testing.assert_array_equal(mapping.sum("sector").to_numpy(), np.ones(len(model.dimensions["cluster"])))
    for cluster in MANUFACTURING:
        assert float(mapping.sel(cluster=cluster, sector="secondary")) == 1.0


def test_start_value_added_is_reproduced_with_clusters_inside_and_gdp_is_their_sum(model):
    start = {"primary": 3.0, "secondary": 40.0, "tertiary": 57.0}
    params = {f"initial_value_added[{s}]": v for s, v in start.items()}
    params |= {"initial_cluster_revenue[biomedicine]": 40.0, "initial_cluster_revenue[finance]": 10.0}
    ds = run(model, params, return_columns=["value_added", "gdp", "core_value_added", "cluster_value_added_in_sector"],
             final_time=2015)
    first = ds.isel(scenario=0, time=0)
    np.testing.assert_allclose(first["value_added"].sel(sector=SECTORS), [3.0, 40.0, 57.0], rtol=1e-9)
    # biomedicine: 40 revenue x 0.25 VA ratio = 10 inside secondary; finance 10 x 1 inside tertiary
    np.testing.assert_allclose(first["cluster_value_added_in_sector"].sel(sector=SECTORS), [0.0, 10.0, 10.0], rtol=1e-12)
    np.testing.assert_allclose(first["core_value_added"].sel(sector=SECTORS), [3.0, 30.0, 47.0], rtol=1e-9)
    np.testing.assert_allclose(ds["gdp"].to_numpy(), ds["value_added"].sum("sector").to_numpy(), rtol=1e-12)


def test_nominal_is_real_times_the_price_level_and_the_deflator_compounds(model):
    ds = run(model, {"inflation_rate": 0.03, "outlook_inflation_rate": 0.03, "initial_price_level": 0.8},
             return_columns=["gdp", "gdp_nominal", "price_level", "value_added", "value_added_nominal"])
    steps = (ds["time"].to_numpy() - 2010) / 0.25
    np.testing.assert_allclose(ds["price_level"].isel(scenario=0), 0.8 * (1 + 0.25 * 0.03) ** steps, rtol=1e-12)
    np.testing.assert_allclose(ds["gdp_nominal"], ds["gdp"] * ds["price_level"], rtol=1e-12)
    np.testing.assert_allclose(ds["value_added_nominal"], ds["value_added"] * ds["price_level"], rtol=1e-12)


def test_outlook_inflation_replaces_the_historical_rate_from_its_year(model):
    ds = run(model, {"inflation_rate": 0.0, "outlook_inflation_rate": 0.04, "inflation_outlook_year": 2025},
             return_columns=["price_level"]).isel(scenario=0)
    assert float(ds["price_level"].sel(time=2025)) == pytest.approx(1.0)
    assert float(ds["price_level"].sel(time=2026)) == pytest.approx(1.01 ** 4)


def test_a_cluster_starts_at_its_initial_revenue_without_a_jump(model):
    ds = run(model, {"initial_cluster_revenue[modern_food]": 50.0, "cluster_market_growth[modern_food]": 0.0,
                     "cluster_trend_growth[modern_food]": 0.0}, return_columns=["cluster_revenue"]).isel(scenario=0)
    np.testing.assert_allclose(ds["cluster_revenue"].sel(cluster="modern_food"), 50.0, rtol=1e-9)


def test_inflation_does_not_change_real_output_or_energy_intensity(model):
    ds = run(model, {"inflation_rate": np.array([0.0, 0.08])}, n=2, return_columns=["gdp", "energy_intensity"])
    np.testing.assert_allclose(ds["gdp"][0], ds["gdp"][1], rtol=1e-12)
    np.testing.assert_allclose(ds["energy_intensity"][0], ds["energy_intensity"][1], rtol=1e-12)


def test_employment_shares_shift_but_always_sum_to_one(model):
    params = {"employment_share_trend[primary]": -0.08, "employment_share_trend[tertiary]": 0.05}
    ds = run(model, params, return_columns=["employment_share", "employment", "labour_force"])
    shares = ds["employment_share"].isel(scenario=0)
    np.testing.assert_allclose(shares.sum("sector"), 1.0, atol=1e-12)
    assert float(shares.sel(sector="primary")[-1]) < float(shares.sel(sector="primary")[0])
    np.testing.assert_allclose(ds["employment"].sum("sector"), ds["labour_force"], rtol=1e-12)


def test_population_follows_the_euler_solution_when_migration_does_not_respond(model):
    rate = 0.009 - 0.007 + 0.003
    params = {"crude_birth_rate": 0.009, "crude_death_rate": 0.007, "base_migration_rate": 0.003,
              "migration_income_response": 0.0, "initial_population": 80.0}
    ds = run(model, params, return_columns=["population"])
    steps = (ds["time"].to_numpy() - 2010) / 0.25
    np.testing.assert_allclose(ds["population"].isel(scenario=0), 80.0 * (1 + 0.25 * rate) ** steps, rtol=1e-12)


def test_migration_rises_when_income_grows_faster_than_the_neighbours(model):
    ds = run(model, {"neighbour_income_growth": np.array([0.10, 0.0]), "migration_income_response": 0.02}, n=2,
             return_columns=["net_migration_rate", "relative_income"])
    late = ds.sel(time=2030)
    assert float(late["relative_income"][1]) > 1 > float(late["relative_income"][0])
    assert float(late["net_migration_rate"][1]) > 0 > float(late["net_migration_rate"][0])


def test_urbanization_rises_towards_but_stays_below_its_ceiling(model):
    ds = run(model, {"urbanization_speed": 0.3, "urbanization_ceiling": 0.8}, return_columns=["urbanization_rate"])
    rate = ds["urbanization_rate"].isel(scenario=0).to_numpy()
    assert np.all(np.diff(rate) > 0) and rate.max() < 0.8 and rate[-1] > 0.79


def test_water_supply_plus_shortage_meets_demand_and_storage_integrates_net_recharge(model):
    ds = run(model, {"groundwater_extraction_cap": np.array([1e9, 1000.0])}, n=2,
             return_columns=["water_supply", "water_shortage", "total_water_demand", "groundwater_storage",
                             "groundwater_net_recharge"], saveper=0.25)
    np.testing.assert_allclose(ds["water_supply"].sum("water_source") + ds["water_shortage"], ds["total_water_demand"],
                               rtol=1e-12)
    assert float(ds["water_shortage"][0].max()) == 0.0 and float(ds["water_shortage"][1].max()) > 0.0
    storage = ds["groundwater_storage"].isel(scenario=0).to_numpy()
    net = ds["groundwater_net_recharge"].isel(scenario=0).to_numpy()
    np.testing.assert_allclose(np.diff(storage), 0.25 * net[:-1], rtol=1e-9, atol=1e-6)


def test_more_reclaimed_water_means_less_groundwater_pumping(model):
    ds = run(model, {"reclaimed_water_target_rate": np.array([0.1, 0.5])}, n=2,
             return_columns=["water_supply", "reclaimed_water_share"])
    pumped = ds["water_supply"].sel(water_source="groundwater", time=2030).to_numpy()
    assert pumped[1] < pumped[0]
    np.testing.assert_allclose(ds["reclaimed_water_share"].sel(time=2030), [0.1, 0.5], rtol=1e-12)


def test_clusters_absent_from_a_region_stay_at_zero_and_present_ones_are_capacity_bound(model):
    params = {"initial_cluster_revenue[finance]": 100.0, "cluster_market_growth[finance]": 0.2,
              "cluster_trend_growth[finance]": 0.05}
    ds = run(model, params, return_columns=["cluster_revenue", "cluster_market", "cluster_capacity"])
    revenue = ds["cluster_revenue"].isel(scenario=0)
    assert float(abs(revenue.drop_sel(cluster="finance")).max()) == 0.0
    finance = ds.isel(scenario=0).sel(cluster="finance")
    assert float(finance["cluster_revenue"][-1]) < float(finance["cluster_market"][-1])  # capital lags a fast market
    assert np.all(finance["cluster_revenue"] <= np.minimum(finance["cluster_market"], finance["cluster_capacity"]) + 1e-6)


def test_plan_push_takes_investment_from_the_rest_of_the_sector(model):
    from simulator import TimeSeries

    params = {"initial_cluster_revenue[biomedicine]": 40.0, "cluster_market_growth[biomedicine]": 0.25,
              "cluster_investment_push[biomedicine]": 1.0,
              "plan_support": TimeSeries([2010, 2021], [0.0, 1.0], kind="step")}
    base = run(model, {k: v for k, v in params.items() if k != "plan_support"},
               return_columns=["cluster_revenue", "core_investment", "gdp"]).isel(scenario=0)
    push = run(model, params, return_columns=["cluster_revenue", "core_investment", "gdp"]).isel(scenario=0)
    before, after = dict(time=2020), dict(time=2030)
    np.testing.assert_allclose(push["gdp"].sel(**before), base["gdp"].sel(**before), rtol=1e-12)
    assert float(push["cluster_revenue"].sel(cluster="biomedicine", **after)) > float(
        base["cluster_revenue"].sel(cluster="biomedicine", **after))
    assert float(push["core_investment"].sel(sector="secondary", time=2022)) < float(
        base["core_investment"].sel(sector="secondary", time=2022))
    assert float(push["gdp"].sel(**after)) != pytest.approx(float(base["gdp"].sel(**after)), rel=1e-6)


def test_coal_share_and_pm25_fall_with_their_levers(model):
    ds = run(model, {"coal_share_decline": np.array([0.0, 0.05]), "pollution_control_rate": np.array([0.0, 0.05]),
                     "coal_response_to_air_gap": 0.0},
             n=2, return_columns=["coal_share", "pm25", "co2_emissions"])
    last = ds.sel(time=2035)
    assert float(last["coal_share"][0]) == pytest.approx(0.7)
    assert float(last["pm25"][1]) < float(last["pm25"][0])
    assert float(last["co2_emissions"][1]) < float(last["co2_emissions"][0])


def test_bad_air_speeds_up_coal_substitution(model):
    ds = run(model, {"initial_pm25": 120.0, "coal_share_decline": 0.0, "coal_response_to_air_gap": np.array([0.0, 0.05])},
             n=2, return_columns=["coal_share"])
    assert float(ds["coal_share"].sel(time=2025)[1]) < float(ds["coal_share"].sel(time=2025)[0])


def test_engine_matches_pysd_runtime_at_default_parameters(model, tmp_path):
    import pysd

    copy = tmp_path / "regional.mdl"
    shutil.copy(MODEL, copy)  # PySD writes a .py next to the model
    columns = [("gdp", "GDP"), ("pm25", "PM25"), ("groundwater_storage", "Groundwater Storage"),
               ("co2_emissions", "CO2 Emissions"), ("population", "Population"), ("gdp_nominal", "GDP Nominal"),
               ("water_shortage", "Water Shortage")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pysd_model = pysd.read_vensim(str(copy))
        pysd_params = {"groundwater_extraction_cap": 2000, "plan_support": 1}
        reference = pysd_model.run(params=pysd_params, return_columns=[c for _, c in columns])
    ds = run(model, {"groundwater_extraction_cap": 2000, "plan_support": 1}, return_columns=[c for c, _ in columns])
    for ours, theirs in columns:
        expected = reference[theirs].reindex(ds["time"].to_numpy()).to_numpy()
        np.testing.assert_allclose(ds[ours].isel(scenario=0).to_numpy(), expected, rtol=1e-9, atol=1e-9, err_msg=ours)
