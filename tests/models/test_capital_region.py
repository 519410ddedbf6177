"""Capital-region model (models/capital_region, plan 002): people conserved, caps hold, plan file matches the model.

Runs the model through the engine (``simulator.load_model``) and, once, through PySD's runtime as
the reference. Expected values come from the model's structure (a closed region keeps its head
count; a capped area stays at its cap), never from an earlier run of the code under test.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest

import simulator
from simulator.plans.goals import evaluate_goals
from simulator.plans.plan import load_plan
from simulator.scenarios.scenario import load_scenario

REPO = Path(__file__).resolve().parents[2]
MODEL_PATH = REPO / "models" / "capital_region" / "capital_region.mdl"
SCENARIOS = REPO / "scenarios" / "capital_region"
AREAS = ["central_districts", "sub_centre", "tongzhou_outer", "other_beijing",
         "bei_san_xian", "xiongan", "tianjin", "hebei_ring"]
#: Sum of initial_population in the model (1095 + 95 + 90 + 906 + 138 + 125 + 1364 + 780).
START_TOTAL = 4593.0
#: Plan 002 line 173 (sub-centre cap, 万人).
SUB_CENTRE_CAP = 130.0
#: Euler overshoot allowed past a cap: in-moves stop at the cap, one step of natural change remains.
CAP_SLACK = 1.002


@pytest.fixture(scope="module")
def model():
    return simulator.load_model(MODEL_PATH)


@pytest.fixture(scope="module")
def plan():
    return load_plan("capital_region")


def test_dimensions_are_the_documented_areas(model):
    assert model.dimensions["area"] == AREAS
    assert model.dimensions["dest"] == AREAS


def test_plan_quotes_are_on_their_lines(plan):
    plan.verify_sources()


def test_plan_variables_and_elements_exist(plan, model):
    for name in sorted(plan.variables()):
        base, _, rest = name.partition("[")
        info = model.find(base)
        elements = [e.strip() for e in rest.rstrip("]").split(",")] if rest else []
        assert len(elements) == len(info.dims), name
        for dim, element in zip(info.dims, elements):
            assert element in model.dimensions[dim], name


def test_assumption_values_are_the_model_defaults(plan, model):
    """Setting every assumption to its plan.yaml value changes nothing: the .mdl and plan.yaml agree."""
    columns = ["population", "population_density", "cumulative_relocation_to_sub_centre",
               "xiongan_built_up_density", "groundwater_net_recharge", "coal_consumption"]
    default = model.run(return_columns=columns)
    defaults = [a for a in plan.assumptions if not a.id.endswith("_plan")]
    params = {a.variable: a.value for a in defaults}
    assert len(params) == len(defaults)
    again = model.run(params=params, return_columns=columns)
    for name in columns:
        np.testing.assert_allclose(again[name].values, default[name].values, rtol=1e-12, err_msg=name)


def test_moves_neither_create_nor_destroy_people(model):
    params = {"relocation_volume": np.array([0.0, 4.0, 20.0]), "cap_enforcement": np.array([0.0, 1.0, 1.0])}
    ds = model.run(params=params, n=3, return_columns=["net_internal_migration", "moves_in", "moves_out"])
    gross = float(ds["moves_out"].sum("area").max())
    assert gross > 5  # there are moves to conserve
    assert float(abs(ds["net_internal_migration"].sum("area")).max()) < 1e-9 * gross
    np.testing.assert_allclose(ds["moves_in"].sum("dest"), ds["moves_out"].sum("area"), rtol=1e-12)


def test_closed_region_keeps_its_head_count(model):
    """No births, deaths or outside migration: moves reshuffle people but the total stays put."""
    params = {"crude_birth_rate": 0, "crude_death_rate": 0, "external_migration_rate": 0,
              "relocation_volume": 10, "cap_enforcement": 1}
    ds = model.run(params=params, return_columns=["population", "total_population"])
    np.testing.assert_allclose(ds["total_population"].values, START_TOTAL, rtol=1e-12)
    central = ds["population"].sel(area="central_districts").isel(scenario=0)
    assert float(central.isel(time=0) - central.isel(time=-1)) > 50  # people did move


def test_sub_centre_cap_holds_only_when_enforced(model):
    params = {"cap_enforcement": np.array([0.0, 1.0]), "relocation_volume": 10}
    ds = model.run(params=params, n=2, return_columns=["population"])
    sub = ds["population"].sel(area="sub_centre")
    assert float(sub.sel(scenario=0).max()) > SUB_CENTRE_CAP + 20
    assert float(sub.sel(scenario=1).max()) <= SUB_CENTRE_CAP * CAP_SLACK


def test_xiongan_density_cap_holds_when_enforced(model):
    """A 130 km2 built-up area at 1万/km2 caps Xiong'an at 130万 despite strong in-migration."""
    params = {"cap_enforcement": 1, "xiongan_built_up_area": 130, "external_migration_rate[xiongan]": 0.05}
    ds = model.run(params=params, return_columns=["population", "xiongan_built_up_density"])
    assert float(ds["population"].sel(area="xiongan").max()) <= 130 * CAP_SLACK
    assert float(ds["xiongan_built_up_density"].max()) <= 1.0 * CAP_SLACK


def _lever_values(value) -> set:
    """The distinct numbers a scenario gives a constant (a number, or a TimeSeries' values)."""
    values = getattr(value, "values", value)
    return {round(float(v), 12) for v in np.asarray(values, dtype=float).ravel()}


def test_scenario_constants_are_listed_assumptions(plan):
    """Baseline values are the model-default assumptions; plan values the *_plan ones (or the default)."""
    default = {a.variable: a.value for a in plan.assumptions if not a.id.endswith("_plan")}
    planned = {a.variable: a.value for a in plan.assumptions if a.id.endswith("_plan")}
    def fixed_and_levers(path):
        # the central run also carries each uncertain input at its median: not a listed value
        sc = load_scenario(path, check_model=False)
        sampled = {spec.name for spec in sc.uncertain}
        return {k: v for k, v in sc.run_kwargs()["params"].items() if k not in sampled}

    for name, value in fixed_and_levers(SCENARIOS / "baseline.yaml").items():
        assert _lever_values(value) == {default[name]}, name
    for name, value in fixed_and_levers(SCENARIOS / "plan.yaml").items():
        if name in planned:  # a lever's values run from the default to the planned level
            assert _lever_values(value) <= {default[name], planned[name]}, name
            assert planned[name] in _lever_values(value), name
        else:
            assert _lever_values(value) == {default[name]}, name


@pytest.mark.parametrize("scenario_file", ["baseline.yaml", "plan.yaml"])
def test_scenarios_run_and_every_goal_is_evaluated(scenario_file, plan, model):
    scenario = load_scenario(SCENARIOS / scenario_file)
    ds = model.run(**scenario.run_kwargs())
    assert int(ds["status"].max()) == 0
    rows = evaluate_goals(ds, plan.goals)
    rows = rows.to_dict("records") if hasattr(rows, "to_dict") else list(rows)
    assert {row["goal_id"] for row in rows} == {goal.id for goal in plan.goals}
    assert all(row["status"] == "ok" for row in rows)


def test_plan_scenario_respects_the_caps_in_every_year(model):
    scenario = load_scenario(SCENARIOS / "plan.yaml")
    kwargs = scenario.run_kwargs()
    kwargs["return_columns"] = ["population", "xiongan_built_up_density", "acceptance"]
    ds = model.run(**kwargs)
    assert float(ds["population"].sel(area="sub_centre").max()) <= SUB_CENTRE_CAP * CAP_SLACK
    assert float(ds["xiongan_built_up_density"].max()) <= 1.0 * CAP_SLACK
    assert float(ds["acceptance"].sel(area="sub_centre").min()) < 0.5  # the cap did bind


def test_engine_matches_pysd_reference(model, tmp_path):
    """Same stocks as PySD's runtime (the reference) on the plan-like settings, yearly."""
    pysd = pytest.importorskip("pysd")
    params = {"cap_enforcement": 1, "relocation_volume": 4, "groundwater_cut_rate": 0.04}
    copy = tmp_path / MODEL_PATH.name
    shutil.copy(MODEL_PATH, copy)  # PySD writes its translation next to the model file
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = pysd.read_vensim(str(copy)).run(params=params)
    ours = model.run(params=params, return_columns=["population", "groundwater_storage", "coal_consumption"])
    times = ours["time"].values
    for area in AREAS:
        np.testing.assert_allclose(ours["population"].sel(area=area).isel(scenario=0).values,
                                   reference.loc[times, f"Population[{area}]"].values, rtol=1e-9, err_msg=area)
    for name, column in (("groundwater_storage", "Groundwater Storage"), ("coal_consumption", "Coal Consumption")):
        np.testing.assert_allclose(ours[name].isel(scenario=0).values, reference.loc[times, column].values,
                                   rtol=1e-9, err_msg=name)
