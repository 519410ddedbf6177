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


load_scenario = simulator.load_scenario
load_plan = simulator.load_plan
evaluate_goals = simulator.evaluate_goals

REPO = Path(__file__).resolve().parents[2]
MODEL_PATH = REPO / "models" / "capital_region" / "capital_region.mdl"
SCENARIOS = REPO / "scenarios" / "capital_region"
AREAS = ["central_districts", "sub_centre", "tongzhou_outer", "other_beijing",
         "bei_san_xian", "xiongan", "tianjin", "hebei_ring"]
#: Sum of the 2023 populations in the model: Beijing 2185.8 (published) + Bei San Xian 160 +
#: Xiong'an 125 + Tianjin 1364 (published) + Hebei ring 780.
START_TOTAL = 2185.8 + 160 + 125 + 1364 + 780
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
              "migration_job_response": 0, "relocation_volume": 10, "cap_enforcement": 1}
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


def test_tongzhou_ceiling_is_shared_by_its_two_parts(model):
    """Line 173's 205万 caps all of Tongzhou: strong in-migration to the extension area stops at the joint ceiling."""
    params = {"cap_enforcement": 1, "external_migration_rate[tongzhou_outer]": 0.05,
              "external_migration_rate[sub_centre]": 0.05, "migration_job_response": 0}
    ds = model.run(params=params, return_columns=["tongzhou_population", "population"])
    assert float(ds["tongzhou_population"].max()) <= 205 * CAP_SLACK
    free = model.run(params={**params, "cap_enforcement": 0}, return_columns=["tongzhou_population"])
    assert float(free["tongzhou_population"].max()) > 205 + 20


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

    assert not load_scenario(SCENARIOS / "baseline.yaml", check_model=False).uncertain  # deterministic
    assert not load_scenario(SCENARIOS / "plan.yaml", check_model=False).uncertain
    for name, value in fixed_and_levers(SCENARIOS / "baseline.yaml").items():
        assert _lever_values(value) == {default[name]}, name
    for name, value in fixed_and_levers(SCENARIOS / "plan.yaml").items():
        if name in planned:  # a lever's values run from the default to the planned level
            assert _lever_values(value) <= {default[name], planned[name]}, name
            assert planned[name] in _lever_values(value), name
        else:
            assert _lever_values(value) == {default[name]}, name


@pytest.mark.parametrize("scenario_file", ["baseline.yaml", "plan.yaml", "baseline_uncertain.yaml", "plan_uncertain.yaml"])
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
    assert float(ds["acceptance"].sel(area="sub_centre").min()) < 0.9  # the Tongzhou ceiling did turn movers away


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


# ----------------------------------------------------------------------------- goals pinned to their lines

#: Each goal as the quoted line states it: (id, comparison, value, unit, year, line, quote).
GOAL_READINGS = [
    ("sub_centre_population_cap_2035", "<=", 130, "万人", 2035, 173, "到2035年常住人口規模控制在130萬人以內"),
    # 承接…40萬—50萬 counted from the plan's start (line 97: 2023), no moves assumed before it
    ("sub_centre_relocation_2035", "between", [40, 50], "万人", 2035, 173, "承接北京中心城區40萬—50萬常住人口疏解"),
    # 控制在200萬—205萬人以內 is a ceiling: at most 205, not a 200-205 band
    ("tongzhou_population_2035", "<=", 205, "万人", 2035, 173, "到2035年常住人口規模控制在200萬—205萬人以內"),
    # 控制超大城市規模: not rising above the 2023 level (no number in the seed), not "strictly falling"
    ("beijing_scale_controlled", "<=", 0, "万人", 2035, 139, "控制超大城市規模"),
    ("central_districts_decentralising", "falling", None, "万人", [2023, 2035], 441, "促進北京中心城區功能和人口疏解"),
    ("plain_new_towns_receiving", "rising", None, "万人", [2023, 2035], 193, "是承接中心城區適宜功能和人口疏解的重點地區"),
    ("xiongan_receiving", "rising", None, "万人", [2023, 2035], 171, "推動河北雄安新區成為北京非首都功能疏解集中承載地"),
    ("groundwater_balance_2035", ">=", 0, "亿m3/year", 2035, 311, "力爭全面實現地下水採補平衡"),
    ("coal_total_controlled", "falling", None, "万t/year", [2023, 2035], 327, "嚴格合理控制煤炭消費總量"),
]


def _seed_line(line: int) -> str:
    import os
    seeds = Path(os.environ.get("PLANSIM_SEEDS", REPO.parent / "shared" / "seeds"))
    return (seeds / "002_31f14ea90f8cac8d.txt").read_text(encoding="utf-8").splitlines()[line - 1]


@pytest.mark.parametrize("goal_id, comparison, value, unit, year, line, quote", GOAL_READINGS,
                         ids=[row[0] for row in GOAL_READINGS])
def test_goal_is_read_as_its_line_states(plan, goal_id, comparison, value, unit, year, line, quote):
    goal = plan.goal(goal_id)
    assert (goal.comparison, goal.unit, goal.year) == (comparison, unit, year)
    assert goal.value == value
    assert (goal.source.line, goal.source.quote) == (line, quote)
    assert quote in _seed_line(line)


def test_every_goal_has_a_pinned_reading(plan):
    assert {g.id for g in plan.goals} == {row[0] for row in GOAL_READINGS}


def test_xiongan_density_is_a_documented_statement_not_a_goal(plan):
    """Line 171's 1万人/km2 applies to 規劃建設區: the model has no land use of its own, so it is not scored."""
    import yaml

    assert not [g for g in plan.goals if g.variable == "xiongan_built_up_density"]
    notes = yaml.safe_load(plan.path.read_text(encoding="utf-8"))["notes"]
    statement = {s["id"]: s for s in notes["statements"]}["xiongan_density_standard"]
    assert statement["source"]["line"] == 171
    assert statement["source"]["quote"] in _seed_line(171)
    assert "Not a checked goal" in statement["note"]["en"]


def test_relocation_is_counted_from_the_plans_start(model):
    """No move of the central districts -> sub-centre before 2023 is assumed: the count starts at 0."""
    ds = model.run(return_columns=["cumulative_relocation_to_sub_centre"])
    assert float(ds["cumulative_relocation_to_sub_centre"].sel(time=2023).max()) == 0.0


def test_relocation_volume_is_not_sized_from_its_goal(plan):
    """The plan scenario's relocation volume is an assumption with a range that the uncertain scenario samples."""
    import yaml

    planned = {a.id: a for a in plan.assumptions}["relocation_volume_plan"]
    assert planned.range[0] < planned.value < planned.range[1]
    assert "NOT sized from the 40-50万 goal" in planned.reason
    data = yaml.safe_load((SCENARIOS / "plan_uncertain.yaml").read_text(encoding="utf-8"))
    spec = data["uncertain"]["relocation_volume"]
    assert (spec["low"], spec["high"]) == tuple(planned.range)


@pytest.mark.parametrize("scenario_file", ["baseline_uncertain.yaml", "plan_uncertain.yaml"])
def test_uncertain_inputs_stay_within_their_assumption_ranges(plan, scenario_file):
    """Every sampled driver has a listed assumption, and its distribution stays inside that range
    (the plan's pushes inside the *_plan range in plan_uncertain.yaml)."""
    import yaml

    data = yaml.safe_load((SCENARIOS / scenario_file).read_text(encoding="utf-8"))
    planned = {a.variable: a for a in plan.assumptions if a.id.endswith("_plan")}
    default = {a.variable: a for a in plan.assumptions if not a.id.endswith("_plan")}
    assert len(data["uncertain"]) >= 20
    for name, spec in data["uncertain"].items():
        key = name.replace(" ", "")
        assumption = planned.get(key) if scenario_file.startswith("plan") and key in planned else default.get(key)
        assert assumption is not None, f"{name}: no assumption in plan.yaml"
        low, high = assumption.range
        assert low <= spec["low"] < spec["high"] <= high, f"{name}: [{spec['low']}, {spec['high']}] outside {assumption.range}"
        if "mode" in spec:
            assert spec["mode"] == pytest.approx(assumption.value), name
