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


@pytest.fixture(scope="module")
def model():
    return simulator.load_model(MODEL)


def run(model, params=None, **kwargs):
    ds = model.run(params=params or {}, **kwargs)
    assert int(ds["status"].sum()) == 0, str(ds["message"].values)
    return ds


def test_minimum_vocabulary_exists(model):
    names = ["population", "urban_population", "urbanization_rate", "births", "deaths", "net_migration",
             "gdp", "gdp_growth_rate", "gdp_per_capita", "value_added", "services_share", "capital_stock",
             "employment", "productivity", "cluster_revenue", "energy_consumption", "energy_intensity",
             "co2_emissions", "co2_intensity", "coal_share", "pm25", "water_demand", "water_supply",
             "reclaimed_water_share", "groundwater_storage", "groundwater_net_recharge", "fiscal_revenue"]
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


def test_start_value_added_is_reproduced_and_gdp_is_their_sum(model):
    start = {"primary": 3.0, "secondary": 40.0, "tertiary": 57.0}
    params = {f"initial_value_added[{s}]": v for s, v in start.items()}
    ds = run(model, params, return_columns=["value_added", "gdp"], final_time=2015)
    first = ds["value_added"].isel(scenario=0, time=0).sel(sector=SECTORS).to_numpy()
    np.testing.assert_allclose(first, [3.0, 40.0, 57.0], rtol=1e-12)
    np.testing.assert_allclose(ds["gdp"].to_numpy(), ds["value_added"].sum("sector").to_numpy(), rtol=1e-12)


def test_employment_shares_shift_but_always_sum_to_one(model):
    params = {"employment_share_trend[primary]": -0.08, "employment_share_trend[tertiary]": 0.05}
    ds = run(model, params, return_columns=["employment_share", "employment", "labour_force"])
    shares = ds["employment_share"].isel(scenario=0)
    np.testing.assert_allclose(shares.sum("sector"), 1.0, atol=1e-12)
    assert float(shares.sel(sector="primary")[-1]) < float(shares.sel(sector="primary")[0])
    np.testing.assert_allclose(ds["employment"].sum("sector"), ds["labour_force"], rtol=1e-12)


def test_population_follows_the_euler_solution(model):
    rate = 0.009 - 0.007 + 0.003
    params = {"crude_birth_rate": 0.009, "crude_death_rate": 0.007, "net_migration_rate": 0.003,
              "initial_population": 80.0}
    ds = run(model, params, return_columns=["population"])
    steps = (ds["time"].to_numpy() - 2010) / 0.25
    np.testing.assert_allclose(ds["population"].isel(scenario=0), 80.0 * (1 + 0.25 * rate) ** steps, rtol=1e-12)


def test_urbanization_rises_towards_but_stays_below_its_ceiling(model):
    ds = run(model, {"urbanization_speed": 0.3, "urbanization_ceiling": 0.8}, return_columns=["urbanization_rate"])
    rate = ds["urbanization_rate"].isel(scenario=0).to_numpy()
    assert np.all(np.diff(rate) > 0) and rate.max() < 0.8 and rate[-1] > 0.79


def test_water_supply_meets_demand_and_storage_integrates_net_recharge(model):
    ds = run(model, return_columns=["water_supply", "total_water_demand", "groundwater_storage",
                                    "groundwater_net_recharge"], saveper=0.25)
    np.testing.assert_allclose(ds["water_supply"].sum("water_source"), ds["total_water_demand"], rtol=1e-12)
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
    params = {"initial_cluster_revenue[finance]": 100.0, "cluster_growth[finance]": 0.2}
    ds = run(model, params, return_columns=["cluster_revenue", "cluster_market", "cluster_capacity"])
    revenue = ds["cluster_revenue"].isel(scenario=0)
    others = revenue.drop_sel(cluster="finance")
    assert float(abs(others).max()) == 0.0
    finance = ds.isel(scenario=0).sel(cluster="finance")
    assert float(finance["cluster_revenue"][-1]) < float(finance["cluster_market"][-1])  # capacity lags a fast market
    assert np.all(finance["cluster_revenue"] <= np.maximum(finance["cluster_market"], finance["cluster_capacity"]) + 1e-9)


def test_plan_support_adds_the_boost_to_cluster_growth(model):
    from simulator import TimeSeries

    params = {"initial_cluster_revenue[retail]": 100.0, "cluster_growth_boost[retail]": 0.05,
              "plan_support": TimeSeries([2010, 2021], [0.0, 1.0], kind="step")}
    ds = run(model, params, return_columns=["effective_cluster_growth"])
    growth = ds["effective_cluster_growth"].isel(scenario=0).sel(cluster="retail")
    assert float(growth.sel(time=2020)) == pytest.approx(0.08)
    assert float(growth.sel(time=2022)) == pytest.approx(0.13)


def test_coal_share_and_pm25_fall_with_their_levers(model):
    ds = run(model, {"coal_share_decline": np.array([0.0, 0.05]), "pollution_control_rate": np.array([0.0, 0.05])},
             n=2, return_columns=["coal_share", "pm25", "co2_emissions"])
    last = ds.sel(time=2035)
    assert float(last["coal_share"][0]) == pytest.approx(0.7)
    assert float(last["pm25"][1]) < float(last["pm25"][0])
    assert float(last["co2_emissions"][1]) < float(last["co2_emissions"][0])


def test_engine_matches_pysd_runtime_at_default_parameters(model, tmp_path):
    import pysd

    copy = tmp_path / "regional.mdl"
    shutil.copy(MODEL, copy)  # PySD writes a .py next to the model
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = pysd.read_vensim(str(copy)).run(return_columns=["GDP", "PM25", "Groundwater Storage",
                                                                    "CO2 Emissions", "Population"])
    ds = run(model, return_columns=["gdp", "pm25", "groundwater_storage", "co2_emissions", "population"])
    for ours, theirs in [("gdp", "GDP"), ("pm25", "PM25"), ("groundwater_storage", "Groundwater Storage"),
                         ("co2_emissions", "CO2 Emissions"), ("population", "Population")]:
        expected = reference[theirs].reindex(ds["time"].to_numpy()).to_numpy()
        np.testing.assert_allclose(ds[ours].isel(scenario=0).to_numpy(), expected, rtol=1e-9, err_msg=ours)
