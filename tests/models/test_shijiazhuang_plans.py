"""Plans 000/001 (models/shijiazhuang_metro, models/shijiazhuang) → checks that their scenarios, assumptions and derived goal values agree.

The generic checks (quotes on their lines, variables in the model, baseline fit to history) are
in M1a's tests/models/test_plans.py and test_regions.py. This file checks what is particular to
the two Shijiazhuang regions:

- every constant a scenario sets is a listed assumption (or a plan fact) with the same value, so
  the plan file and the scenario files cannot drift apart;
- goal values that were derived from assumptions (a rate turned into a level, a "−19 % from
  2020" turned into a 2025 level) still match what the baseline gives in the base year;
- the city's 2024 GDP is above the metro plan's 7013亿元 for a part of the city.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import simulator
from simulator.plans.plan import load_plan
from simulator.scenarios.scenario import load_scenario

REPO = Path(__file__).resolve().parents[2]
REGIONS = ("shijiazhuang_metro", "shijiazhuang")


def _scenario(region: str, name: str):
    return load_scenario(REPO / "scenarios" / region / f"{name}.yaml", check_model=False)


def _assumed(plan, plan_values: bool) -> dict:
    """{variable: set of assumed values}; plan_values picks the ids ending in _plan."""
    values: dict = {}
    for item in plan.assumptions:
        if item.id.endswith("_plan") == plan_values or item.id == "capacity_build_time":
            values.setdefault(item.variable, set()).add(item.value)
    return values


def _lever_values(series) -> set:
    return {float(v) for v in np.asarray(series.values, dtype=float).ravel()}


@pytest.fixture(scope="module")
def runs():
    """One deterministic baseline run per region (the engine, all variables the checks need)."""
    out = {}
    model = None
    for region in REGIONS:
        scenario = load_scenario(REPO / "scenarios" / region / "baseline.yaml")
        model = model or simulator.load_model(scenario.model_path)
        kwargs = scenario.run_kwargs()
        kwargs["return_columns"] = ["gdp", "population", "energy_intensity", "pm25", "value_added"]
        out[region] = model.run(**kwargs)
    return out


@pytest.mark.parametrize("region", REGIONS)
def test_baseline_sets_only_listed_assumptions(region):
    plan = load_plan(region)
    scenario = _scenario(region, "baseline")
    assumed = _assumed(plan, plan_values=False)
    facts = {fact.variable.replace("population", "initial_population"): fact.value for fact in plan.history}
    for name, value in scenario.fixed.items():
        if name in facts:
            assert value == pytest.approx(facts[name]), name
            continue
        assert name in assumed, f"{region}: baseline sets {name} but plan.yaml lists no assumption for it"
        assert any(math.isclose(value, v, rel_tol=1e-9) for v in assumed[name]), (name, value, assumed[name])
    for name, series in scenario.levers.items():
        assert name in assumed, f"{region}: baseline lever {name} has no assumption"
        assert _lever_values(series) <= assumed[name], (name, _lever_values(series), assumed[name])


@pytest.mark.parametrize("region", REGIONS)
def test_plan_scenario_values_are_listed_plan_assumptions(region):
    plan = load_plan(region)
    scenario = _scenario(region, "plan")
    baseline = _scenario(region, "baseline")
    assumed_plan = _assumed(plan, plan_values=True)
    assumed_trend = _assumed(plan, plan_values=False)
    for name, value in scenario.fixed.items():
        if name in baseline.fixed and baseline.fixed[name] == value:
            continue
        assert any(math.isclose(value, v, rel_tol=1e-9) for v in assumed_plan.get(name, ())), (name, value)
    for name, series in scenario.levers.items():
        if name in baseline.levers:
            continue
        # a lever on one element ("x[elem]") may also use the trend values assumed for the whole x
        whole = name.split("[")[0]
        allowed = assumed_plan.get(name, set()) | assumed_trend.get(name, set()) | assumed_trend.get(whole, set())
        assert max(_lever_values(series)) in assumed_plan.get(name, set()), (name, _lever_values(series))
        assert _lever_values(series) <= allowed, (name, _lever_values(series), allowed)
    for spec in scenario.uncertain:
        ranges = [a.range for a in plan.assumptions if a.variable == spec.name]
        assert ranges, f"{region}: uncertain {spec.name} has no assumption (and so no range)"
        low = spec.params.get("low")
        high = spec.params.get("high")
        assert (low, high) in {(float(r[0]), float(r[1])) for r in ranges}, (spec.name, low, high, ranges)


def test_metro_baseline_starts_at_the_plans_2024_facts(runs):
    plan = load_plan("shijiazhuang_metro")
    ds = runs["shijiazhuang_metro"]
    for fact in plan.history:
        value = float(ds[fact.variable].sel(time=fact.year).isel(scenario=0))
        assert value == pytest.approx(fact.value, rel=0.05), fact.id


def test_city_baseline_2024_gdp_is_above_the_metro_plans_floor_for_part_of_the_city(runs):
    # 000_fcef02064d2a7487.txt line 86: "地区生产总值超过7013亿元" for the city without four
    # counties, the Jingxing mining district and Xinji; the whole city must be larger.
    gdp_2024 = float(runs["shijiazhuang"]["gdp"].sel(time=2024).isel(scenario=0))
    assert gdp_2024 > 7013


def test_city_goals_derived_from_2020_levels_match_the_baseline_2020(runs):
    plan = load_plan("shijiazhuang")
    ds = runs["shijiazhuang"].isel(scenario=0)
    energy_2020 = float(ds["energy_intensity"].sel(time=2020))
    assert plan.goal("energy_intensity_2025").value == pytest.approx(0.81 * energy_2020, rel=1e-3)
    pm25_2020 = float(ds["pm25"].sel(time=2020))
    assert plan.goal("pm25_2021").value == pytest.approx(0.88 * pm25_2020, rel=1e-3)
    primary_2020 = float(ds["value_added"].sel(time=2020, sector="primary"))
    assert plan.goal("agriculture_output_2025").value == pytest.approx(primary_2020 * 1.045 ** 5, rel=1e-3)
    ecological_2020 = [a.value for a in plan.assumptions if a.id == "ecological_water_2020"][0]
    assert plan.goal("ecological_replenishment_2025").value == pytest.approx(ecological_2020 + 5000)
