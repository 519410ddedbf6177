"""Capital-region model: reality checks (Sterman's extreme-condition tests), one table row per check.

Each row sets extreme or switched-off inputs and states what must follow from the structure alone
(people are conserved by moves, nobody moves without a mover, ceilings hold, stocks stay
non-negative, the time step does not decide a goal). Expected values come from the structure,
never from an earlier run. Only the top-level API is used: ``simulator.load_model``,
``model.run(params=..., n=..., time_step=...)`` and ``load_scenario`` (``simulator.load_scenario``
after the library's restructure, ``simulator.scenarios.load_scenario`` before it).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import simulator

load_scenario = simulator.load_scenario

REPO = Path(__file__).resolve().parents[2]
MODEL_PATH = REPO / "models" / "capital_region" / "capital_region.mdl"
SCENARIOS = REPO / "scenarios" / "capital_region"
#: Ceilings of plan 002 line 173 (万人).
SUB_CENTRE_CAP, TONGZHOU_CAP = 130.0, 205.0
#: Past a ceiling only natural increase remains (in-moves stop): at most +1.5 per mille a year
#: (highest sampled Beijing birth rate minus lowest death rate) for a few years.
CAP_SLACK = 1.01
#: The all-samples checks run the uncertain files' own sample (sampling: n 500, LHS, fixed seed).
N_SAMPLES = 500

RATES_OFF = {"beijing_birth_rate": 0, "beijing_death_rate": 0, "tianjin_birth_rate": 0, "tianjin_death_rate": 0,
             "hebei_birth_rate": 0, "hebei_death_rate": 0}
MIGRATION_OFF = {"external_migration_rate": 0, "migration_job_response": 0}
STOCKS = ["population", "basic_jobs", "service_jobs", "cumulative_relocation_to_sub_centre",
          "other_groundwater_extraction", "coal_intensity_index"]


@pytest.fixture(scope="module")
def model():
    return simulator.load_model(MODEL_PATH)


def _series(ds, name, area=None):
    data = ds[name]
    if area is not None:
        data = data.sel(area=area)
    return data.isel(scenario=0).values


# ----------------------------------------------------------------------------- single-run extreme conditions


def _no_births_deaths_or_moves(ds):
    pop = ds["population"].isel(scenario=0)
    np.testing.assert_allclose(pop.values, np.broadcast_to(pop.isel(time=0).values, pop.shape), rtol=1e-12)


def _relocation_zero_moves_nobody(ds):
    assert float(abs(ds["programme_move"]).max()) == 0.0
    assert float(abs(ds["job_move"]).max()) == 0.0
    basic = ds["basic_jobs"].isel(scenario=0)
    np.testing.assert_allclose(basic.values, np.broadcast_to(basic.isel(time=0).values, basic.shape), rtol=1e-12)


def _closed_region_keeps_head_count(ds):
    total = _series(ds, "total_population")
    np.testing.assert_allclose(total, total[0], rtol=1e-12)
    central = _series(ds, "population", "central_districts")
    assert central[0] - central[-1] > 50  # people did move


def _no_moves_no_relocation_count(ds):
    assert float(abs(ds["cumulative_relocation_to_sub_centre"]).max()) == 0.0


def _caps_hold_under_huge_relocation(ds):
    assert float(ds["population"].sel(area="sub_centre").max()) <= SUB_CENTRE_CAP * CAP_SLACK
    assert float(ds["tongzhou_population"].max()) <= TONGZHOU_CAP * CAP_SLACK
    assert float(ds["population"].min()) >= 0


def _uncapped_relocation_overfills(ds):
    # the same push without enforcement goes far past the ceilings: the caps, not the push, hold them
    assert float(ds["population"].sel(area="sub_centre").max()) > SUB_CENTRE_CAP + 50


def _jobs_without_people_stay_put(ds):
    """No service response and no moves: jobs are constant."""
    jobs = ds["jobs"].isel(scenario=0)
    np.testing.assert_allclose(jobs.values, np.broadcast_to(jobs.isel(time=0).values, jobs.shape), rtol=1e-12)


def _no_coal_decline_no_population_change(ds):
    coal = _series(ds, "coal_consumption")
    np.testing.assert_allclose(coal, coal[0], rtol=1e-12)


def _groundwater_without_cuts_is_constant(ds):
    net = _series(ds, "groundwater_net_recharge")
    np.testing.assert_allclose(net, net[0], rtol=1e-12)
    storage = _series(ds, "groundwater_storage")
    np.testing.assert_allclose(storage[-1], net[0] * 12, rtol=1e-9)  # 12 years at a constant rate


def _no_recharge_means_overdraft(ds):
    assert float(ds["groundwater_net_recharge"].max()) < 0
    assert np.all(np.diff(_series(ds, "groundwater_storage")) < 0)


STILL = {**RATES_OFF, **MIGRATION_OFF, "move_rate": 0, "relocation_volume": 0}

EXTREME = [
    # id, params, check, columns
    ("zero births, deaths and moves -> every population constant", STILL, _no_births_deaths_or_moves, ["population"]),
    ("relocation 0 -> no programme moves, no job moves", {"relocation_volume": 0, "cap_enforcement": 1},
     _relocation_zero_moves_nobody, ["programme_move", "job_move", "basic_jobs"]),
    ("closed region, heavy relocation -> total constant", {**RATES_OFF, **MIGRATION_OFF, "relocation_volume": 10, "cap_enforcement": 1},
     _closed_region_keeps_head_count, ["population", "total_population"]),
    ("no moves at all -> nothing counted as relocated", {"move_rate": 0, "relocation_volume": 0},
     _no_moves_no_relocation_count, ["cumulative_relocation_to_sub_centre"]),
    ("relocation 50万/yr with ceilings enforced -> ceilings hold", {"relocation_volume": 50, "cap_enforcement": 1},
     _caps_hold_under_huge_relocation, ["population", "tongzhou_population"]),
    ("relocation 50万/yr without enforcement -> sub-centre overfills", {"relocation_volume": 50, "cap_enforcement": 0},
     _uncapped_relocation_overfills, ["population"]),
    ("no people moving, no service response -> jobs constant",
     {**STILL, "service_jobs_per_resident": 0}, _jobs_without_people_stay_put, ["jobs"]),
    ("coal decline 0 and population still -> coal constant", {**STILL, "coal_per_capita_decline_rate": 0},
     _no_coal_decline_no_population_change, ["coal_consumption"]),
    ("no groundwater cut and population still -> constant net recharge", {**STILL, "groundwater_cut_rate": 0},
     _groundwater_without_cuts_is_constant, ["groundwater_net_recharge", "groundwater_storage"]),
    ("no natural recharge or replenishment -> overdraft every year",
     {"natural_groundwater_recharge": 0, "ecological_replenishment": 0},
     _no_recharge_means_overdraft, ["groundwater_net_recharge", "groundwater_storage"]),
]


@pytest.mark.parametrize("params, check, columns", [row[1:] for row in EXTREME], ids=[row[0] for row in EXTREME])
def test_extreme_condition(model, params, check, columns):
    ds = model.run(params=params, return_columns=columns)
    assert int(ds["status"].max()) == 0
    check(ds)


# ----------------------------------------------------------------------------- feedback switched on and off


def test_jobs_response_off_makes_moved_jobs_irrelevant_to_people(model):
    """With both migration responses 0, moving more jobs with the functions changes nobody's home (R1/B1 cut)."""
    base = {"migration_job_response": 0, "move_job_response": 0, "relocation_volume": 3}
    ds = model.run(params={**base, "jobs_per_relocated_resident": np.array([0.4, 1.0])}, n=2,
                   return_columns=["population", "jobs"])
    pop = ds["population"]
    np.testing.assert_allclose(pop.isel(scenario=0).values, pop.isel(scenario=1).values, rtol=1e-12)
    assert float(abs(ds["jobs"].isel(scenario=0) - ds["jobs"].isel(scenario=1)).max()) > 1  # jobs did differ


def test_jobs_moved_to_the_sub_centre_draw_people_there(model):
    """R1/B1 switched on: more jobs moved with the functions -> more residents in the sub-centre (no ceiling)."""
    ds = model.run(params={"relocation_volume": 3, "jobs_per_relocated_resident": np.array([0.4, 1.0])}, n=2,
                   return_columns=["population"])
    sub = ds["population"].sel(area="sub_centre", time=2035)
    assert float(sub.isel(scenario=1)) > float(sub.isel(scenario=0)) + 1


def test_ceilings_that_nobody_reaches_change_nothing(model):
    """Enforcement acts only through the ceilings (B2): with ceilings far away, enforcing them is a no-op."""
    far = {"sub_centre_population_cap": 1e5, "tongzhou_population_cap": 1e5, "xiongan_density_cap": 1e3,
           "relocation_volume": 2}
    ds = model.run(params={**far, "cap_enforcement": np.array([0.0, 1.0])}, n=2, return_columns=["population"])
    np.testing.assert_allclose(ds["population"].isel(scenario=0).values, ds["population"].isel(scenario=1).values,
                               rtol=1e-12)


def test_no_policy_push_makes_the_plan_the_baseline(model):
    """The plan scenario with every lever put back at its baseline value is the baseline, to the digit."""
    baseline = load_scenario(SCENARIOS / "baseline.yaml")
    plan = load_scenario(SCENARIOS / "plan.yaml")
    plan_kwargs = plan.run_kwargs()
    base_kwargs = baseline.run_kwargs()
    levers = {k for k in plan_kwargs["params"] if k not in base_kwargs["params"]
              or not np.array_equal(np.asarray(getattr(plan_kwargs["params"][k], "values", plan_kwargs["params"][k])),
                                    np.asarray(getattr(base_kwargs["params"][k], "values", base_kwargs["params"][k])))}
    assert levers  # the plan does push something
    unpushed = {**plan_kwargs, "params": {**plan_kwargs["params"], **{k: base_kwargs["params"][k] for k in levers}}}
    columns = ["population", "groundwater_net_recharge", "coal_consumption"]
    ours = model.run(**{**unpushed, "return_columns": columns})
    reference = model.run(**{**base_kwargs, "return_columns": columns})
    for name in columns:
        np.testing.assert_array_equal(ours[name].values, reference[name].values, err_msg=name)
    pushed = model.run(**{**plan_kwargs, "return_columns": columns})
    assert float(abs(pushed["coal_consumption"] - reference["coal_consumption"]).max()) > 1


# ----------------------------------------------------------------------------- every sampled scenario


@pytest.fixture(scope="module", params=["baseline_uncertain.yaml", "plan_uncertain.yaml"])
def sampled(request, model):
    scenario = load_scenario(SCENARIOS / request.param)
    inputs = scenario.sample_inputs()
    kwargs = scenario.run_kwargs(inputs)
    kwargs["return_columns"] = [*STOCKS, "net_internal_migration", "moves_in", "moves_out", "jobs",
                                "job_moves_in", "job_moves_out", "tongzhou_population", "acceptance"]
    ds = model.run(**kwargs)
    return request.param, inputs, ds


def test_every_sample_runs(sampled):
    _, inputs, ds = sampled
    assert int(ds["status"].max()) == 0
    assert ds.sizes["scenario"] == N_SAMPLES
    assert all(float(np.ptp(inputs[name])) > 0 for name in inputs.columns)  # the drivers really vary


def test_every_stock_stays_non_negative_in_every_sample(sampled):
    _, _, ds = sampled
    negative = {name: float(ds[name].min()) for name in STOCKS if float(ds[name].min()) < 0}
    assert not negative


def test_moves_conserve_people_and_jobs_in_every_sample(sampled):
    _, _, ds = sampled
    scale = float(ds["moves_out"].sum("area").max())
    assert scale > 1
    assert float(abs(ds["net_internal_migration"].sum("area")).max()) <= 1e-9 * scale
    np.testing.assert_allclose(ds["moves_in"].sum("dest").values, ds["moves_out"].sum("area").values, rtol=1e-12)
    np.testing.assert_allclose(ds["job_moves_in"].sum("dest").values, ds["job_moves_out"].sum("area").values,
                               rtol=1e-12, atol=1e-12)


def test_ceilings_hold_in_every_plan_sample_and_throttle_nobody_in_the_baseline(sampled):
    name, _, ds = sampled
    if name.startswith("baseline"):  # ceilings not enforced: every in-move is accepted
        assert float(ds["acceptance"].min()) == 1.0
        return
    assert float(ds["population"].sel(area="sub_centre").max()) <= SUB_CENTRE_CAP * CAP_SLACK
    assert float(ds["tongzhou_population"].max()) <= TONGZHOU_CAP * CAP_SLACK
    assert 0 <= float(ds["acceptance"].min()) and float(ds["acceptance"].max()) <= 1


# ----------------------------------------------------------------------------- time step


#: Goal variable → a scale for "1 %": the variable itself, or for a change/balance that starts near
#: zero the level it is a change of (Beijing's population, the region's groundwater recharge).
DT_GOALS = {
    "population[sub_centre]": None,
    "cumulative_relocation_to_sub_centre": None,
    "tongzhou_population": None,
    "beijing_population_change": "beijing_population",
    "population[central_districts]": None,
    "population[other_beijing]": None,
    "population[xiongan]": None,
    "groundwater_net_recharge": "groundwater_recharge",
    "coal_consumption": None,
}


def _value_2035(ds, name):
    base, _, element = name.partition("[")
    data = ds[base]
    if element:
        data = data.sel(area=element.rstrip("]"))
    return float(data.sel(time=2035).isel(scenario=0))


@pytest.mark.parametrize("scenario_file", ["baseline.yaml", "plan.yaml"])
def test_halving_dt_changes_no_2035_goal_value_by_more_than_one_percent(model, scenario_file):
    scenario = load_scenario(SCENARIOS / scenario_file)
    kwargs = scenario.run_kwargs()
    columns = sorted({n.partition("[")[0] for n in DT_GOALS} | {s for s in DT_GOALS.values() if s})
    coarse = model.run(**{**kwargs, "return_columns": columns})
    fine = model.run(**{**kwargs, "time_step": 0.125, "return_columns": columns})
    for name, scale_name in DT_GOALS.items():
        a, b = _value_2035(coarse, name), _value_2035(fine, name)
        scale = abs(_value_2035(coarse, scale_name)) if scale_name else abs(a)
        assert abs(a - b) <= 0.01 * scale, f"{name}: {a} (dt 0.25) vs {b} (dt 0.125)"
