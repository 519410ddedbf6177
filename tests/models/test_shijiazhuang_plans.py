"""Plans 000 (models/shijiazhuang_metro) and 001 (models/shijiazhuang) on the regional model v0.2.

What this file pins, beyond the generic checks of test_plans.py / test_regions.py:

- every goal's comparison, value, unit, year and price basis against its quoted line (the
  misreadings of issue 9 that concern these plans: items 1-5);
- every goal states ``reading``, ``decided_by`` and ``decided_by_note``; money goals state their
  basis, nominal ones are checked on a ``*_nominal`` variable, real ones on a real variable;
- the scenarios set only listed assumptions, with the listed value; the plan scenarios change only
  policy constants whose value is a ``*_plan`` assumption (none derived from a goal); the uncertain
  scenarios sample within the assumption ranges;
- every scenario runs to 2035 with finite values; Σ cluster value added ≤ sector value added and
  every stock ≥ 0 in every sampled scenario and year (n = 200); pushing the clusters moves GDP; with
  the plan switched on but no push the clusters follow the baseline exactly;
- the city's baseline against the published record: the 2021 fit, and out of sample the 2023
  growth, the 2023 千亿 floors of biomedicine and electronic information, the metro plan's 2024
  floor for part of the city.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import yaml

from simulator.plans.plan import load_plan
from simulator.scenarios.scenario import load_scenario

REPO = Path(__file__).resolve().parents[2]
REGIONS = ("shijiazhuang_metro", "shijiazhuang")
SCENARIOS = ("baseline", "plan", "baseline_uncertain", "plan_uncertain")
CLUSTERS = {
    "shijiazhuang_metro": ["biomedicine", "electronic_information", "advanced_equipment", "new_materials", "modern_food"],
    "shijiazhuang": ["biomedicine", "electronic_information", "advanced_equipment", "new_materials", "commerce_logistics"],
}
CITY_DOC = "001_17aaf4cfd96d98fd.txt"
METRO_DOC = "000_fcef02064d2a7487.txt"

# goal id → (line, words that must be in the quote, comparison, value, unit, year, basis)
PINS = {
    "shijiazhuang": {
        # issue 20 item 6: 达到75%左右 on a more-is-better share is a floor at 0.95·X (an overshoot is met)
        "urbanization_2025": (19, "75%左右", ">=", 0.7125, "share", 2025, None),
        "energy_intensity_2025": (21, "降低19%", "growth<=", 0.81 ** 0.2 - 1, "tce/万元", [2020, 2025], "real"),
        "pm25_2025": (21, "降至49微克/立方米", "<=", 49, "μg/m3", 2025, None),
        "pm25_2021": (45, "下降率不低于12%", "growth<=", -0.12, "μg/m3", [2020, 2021], None),
        "groundwater_rising_2025": (21, "全面回升", "rising", None, "万m3", [2021, 2025], None),
        # issue 9 item 2: current-price 万亿 checked on nominal GDP
        "gdp_2025": (22, "力争超万亿元", ">=", 10000, "亿元", 2025, "nominal"),
        "biomedicine_1000_2025": (32, "千亿级", ">=", 1000, "亿元", 2025, "nominal"),
        "electronic_information_1000_2025": (32, "千亿级", ">=", 1000, "亿元", 2025, "nominal"),
        "five_industries_revenue_2025": (32, "主营业务收入突破万亿元", ">=", 10000, "亿元", 2025, "nominal"),
        # issue 9 item 5: gross-output growth checked as real growth of farm gross output
        "farm_output_growth_2025": (36, "年均增长4.5%以上", "growth>=", 0.045, "亿元", [2020, 2025], "real"),
        "groundwater_balance_2025": (44, "采补平衡", ">=", 0, "万m3/Year", 2025, None),
    },
    "shijiazhuang_metro": {
        "biomedicine_revenue_2035": (139, "营业收入力争突破万亿元", ">=", 10000, "亿元", 2035, "nominal"),
        "electronic_information_revenue_2035": (140, "营业收入力争突破万亿元", ">=", 10000, "亿元", 2035, "nominal"),
        "advanced_equipment_revenue_2035": (141, "营业收入力争突破万亿元", ">=", 10000, "亿元", 2035, "nominal"),
        "new_materials_revenue_2035": (142, "营业收入力争突破5000亿元", ">=", 5000, "亿元", 2035, "nominal"),
        "modern_food_revenue_2035": (143, "营业收入力争突破5000亿元", ">=", 5000, "亿元", 2035, "nominal"),
        "pm25_falling": (178, "持续下降", "falling", None, "μg/m3", [2024, 2030], None),
        "groundwater_overdraft_easing": (179, "减缓地下水超采压力", "rising", None, "万m3/Year", [2024, 2030], None),
        "co2_intensity_falling": (189, "降低碳排放强度", "falling", None, "tCO2/万元", [2024, 2035], "real"),
    },
}


def _raw(region: str) -> dict:
    return yaml.safe_load((REPO / "models" / region / "plan.yaml").read_text(encoding="utf-8"))


def _scenario(region: str, name: str):
    return load_scenario(REPO / "scenarios" / region / f"{name}.yaml")


def _run(scenario, n=None, columns=None, params=None):
    kwargs = scenario.run_kwargs(scenario.sample_inputs(n=n) if n else None)
    if params:
        kwargs["params"] = {**kwargs["params"], **params}
    if columns:
        kwargs["return_columns"] = columns
    ds = scenario.model.run(**kwargs)
    assert int(ds["status"].sum()) == 0, str(ds["message"].values)
    return ds


def _at(ds, name, year, **sel):
    data = ds[name].sel(**sel) if sel else ds[name]
    return data.sel(time=year).values


# ----------------------------------------------------------------------------- goal readings


@pytest.mark.parametrize("region", REGIONS)
def test_goals_are_pinned_to_their_quoted_lines(region):
    plan = load_plan(region)
    plan.verify_sources()
    pins = PINS[region]
    assert {g.id for g in plan.goals} == set(pins), "goal list changed: update PINS with the quoted line"
    raw = {g["id"]: g for g in _raw(region)["goals"]}
    doc = CITY_DOC if region == "shijiazhuang" else METRO_DOC
    for goal in plan.goals:
        line, words, comparison, value, unit, year, basis = pins[goal.id]
        assert goal.source.doc == doc and goal.source.line == line, goal.id
        assert words in goal.source.quote, goal.id
        assert goal.comparison == comparison, goal.id
        if value is None:
            assert goal.value is None, goal.id
        elif isinstance(value, list):
            assert goal.value == pytest.approx(value, rel=1e-9), goal.id
        else:
            assert goal.value == pytest.approx(value, abs=1e-6), goal.id
        assert goal.unit == unit, goal.id
        assert goal.year == year, goal.id
        assert raw[goal.id].get("basis") == basis, goal.id


@pytest.mark.parametrize("region", REGIONS)
def test_every_goal_states_its_reading_decider_and_basis(region):
    for goal in _raw(region)["goals"]:
        assert goal.get("reading", {}).get("en", "").strip(), goal["id"]     # {zh, en} texts (issue 21)
        assert goal.get("decided_by") in ("feedback", "assumption", "data"), goal["id"]
        assert goal.get("decided_by_note", {}).get("en", "").strip(), goal["id"]
        if "元" in goal["unit"]:
            assert goal.get("basis") in ("real", "nominal"), f"{goal['id']}: money goal without basis"
        if goal.get("basis") == "nominal":
            assert goal["variable"].split("[")[0].endswith("_nominal") or goal["variable"] == "fiscal_revenue", goal["id"]
        if goal.get("basis") == "real":
            assert "nominal" not in goal["variable"], goal["id"]
            assert isinstance(goal.get("price_year"), int), goal["id"]
        if "左右" in goal["source"]["quote"]:  # issue 20 item 6: 左右 by direction (reading.about_goal)
            from simulator.plans.reading import about_goal

            comparison, value = about_goal(goal["source"]["quote"])
            assert goal["comparison"] == comparison and goal["value"] == pytest.approx(value)
        if "力争" in goal["source"]["quote"]:
            assert goal["binding"] is False, goal["id"]


def test_city_coal_power_and_replenishment_quota_are_not_scored_on_stand_ins():
    """Issue 9 items 1 and 3: no goal on coal's share of all energy or on an assumed base + 5000."""
    raw = _raw("shijiazhuang")
    variables = {g["variable"] for g in raw["goals"]}
    assert "coal_share" not in variables
    assert not any(v.startswith("water_demand[ecological]") or v == "ecological_water_use" for v in variables)
    notes = " ".join(raw["notes"])
    assert "实现燃煤机组占全社会用电量比重逐年下降的目标" in notes and "NOT CHECKABLE" in notes
    assert "每年不低于5000万立方米" in notes and "NOT SCORED" in notes
    lines = (Path(load_plan("shijiazhuang").path).parents[2].parent / "shared" / "seeds" / CITY_DOC)
    if lines.is_file():
        text = lines.read_text(encoding="utf-8").splitlines()
        assert "实现燃煤机组占全社会用电量比重逐年下降的目标" in text[42]
        assert "争取增加常态化生态补水指标,每年不低于5000万立方米" in text[43]


# ----------------------------------------------------------------------------- published record


@pytest.mark.parametrize("region", REGIONS)
def test_published_figures_keep_their_sources_and_lie_in_or_before_the_run(region):
    plan = load_plan(region)
    start = _scenario(region, "baseline").time["start"]
    history = {}
    for name in ("shijiazhuang", "hebei"):
        for item in yaml.safe_load((Path("/work/staging/history") / f"{name}.yaml").read_text(encoding="utf-8"))["figures"] \
                if (Path("/work/staging/history") / f"{name}.yaml").is_file() else []:
            history.setdefault(item["source"]["quote"], []).append(item["source"])
    assert plan.published
    for item in plan.published:
        for key in ("title", "publisher", "year_published", "url", "quote"):
            assert item.source.get(key) not in (None, ""), (item.id, key)
        if history:
            assert item.source in history.get(item.source["quote"], []), f"{item.id}: source differs from staging/history"
        if item.variable is not None:
            assert item.year >= start, f"{item.id}: a figure before the run start can only inform a constant (sets:)"
        else:
            assert item.sets or "LOWER BOUND" in item.note, item.id


# ----------------------------------------------------------------------------- scenarios vs assumptions


def _assumed(plan) -> dict:
    values: dict = {}
    for item in plan.assumptions:
        values.setdefault(item.variable, {})[item.id] = item
    return values


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("name", SCENARIOS)
def test_scenarios_set_only_listed_assumptions(region, name):
    plan = load_plan(region)
    assumed = _assumed(plan)
    scenario = _scenario(region, name)
    data = yaml.safe_load(scenario.path.read_text(encoding="utf-8"))
    own = set(data.get("set") or {})
    facts = {fact.variable.replace("population", "initial_population"): fact.value for fact in plan.history}
    for constant, value in scenario.fixed.items():
        if constant in facts and constant not in assumed:  # a plan fact (000 line 83: 1632万)
            assert value == pytest.approx(facts[constant]), constant
            continue
        assert constant in assumed, f"{region}/{name}: sets {constant} without an assumption"
        matches = [a for a in assumed[constant].values() if math.isclose(value, a.value, rel_tol=1e-9, abs_tol=1e-12)]
        assert matches, (constant, value, [a.value for a in assumed[constant].values()])
        if name == "plan" and constant in own:
            # the plan changes only policy constants, each a *_plan assumption or the switch
            assert constant == "plan_support" or any(a.id.endswith("_plan") for a in matches), constant
    for item in scenario.uncertain:
        assert item.name in assumed, f"{region}/{name}: samples {item.name} without an assumption"
        spec = (data.get("uncertain") or {})[item.name]
        low, high = spec["low"], spec["high"]
        ranges = [a.range for a in assumed[item.name].values()]
        assert any(r[0] <= low and high <= r[1] for r in ranges), (item.name, low, high, ranges)
    base = _scenario(region, "baseline")
    for constant, lever in (data.get("levers") or {}).items():
        # issue 20 item 4: a policy is a step at the plan's first year from the baseline's value to its *_plan value
        step = lever.get("step") if isinstance(lever, dict) else None
        assert name == "plan" and step, f"{region}/{name}: lever {constant} is not a step of the plan scenario"
        assert step["year"] == plan.start_year, constant
        assert step["from"] == pytest.approx(base.fixed.get(constant, 0)), constant
        assert any(a.id.endswith("_plan") and math.isclose(step["to"], a.value, rel_tol=1e-9)
                   for a in assumed[constant].values()), constant


@pytest.mark.parametrize("region", REGIONS)
def test_plan_scenario_levers_are_not_sized_from_goals(region):
    """Issue 9: no lever value equals a goal value or a (target/level)^(1/n) - 1 rate."""
    plan = load_plan(region)
    scenario = _scenario(region, "plan")
    base = _scenario(region, "baseline")
    changed = {k: v for k, v in scenario.fixed.items() if base.fixed.get(k) != v}
    changed.update({k: spec.values[-1] for k, spec in scenario.lever_specs.items()})   # steps from the plan's first year
    assert "plan_support" in changed
    plan_items = {a.variable: a for a in plan.assumptions if a.id.endswith("_plan")}
    for constant, value in changed.items():
        item = plan_items[constant]
        assert item.value == pytest.approx(value), constant
        assert "derived" not in item.reason.lower() or "not from a goal" in item.reason, constant
        assert item.range[0] < item.range[1], f"{constant}: a plan magnitude needs a range to sample"
    text = scenario.path.read_text(encoding="utf-8")
    assert "^(1/" not in text and "(target" not in text


@pytest.mark.parametrize("region", REGIONS)
def test_uncertain_scenarios_sample_the_drivers(region):
    for name, extra in (("baseline_uncertain", set()),
                        ("plan_uncertain", {f"cluster_investment_push[{c}]" for c in CLUSTERS[region]}
                         | {f"outside_cluster_investment[{c}]" for c in CLUSTERS[region]})):
        sampled = {item.name for item in _scenario(region, name).uncertain}
        drivers = {"outlook_tfp_factor", "outlook_inflation_rate", "migration_income_response", "base_migration_rate"}
        drivers |= {f"cluster_market_growth[{c}]" for c in CLUSTERS[region]}
        assert drivers | extra <= sampled, sorted(drivers | extra - sampled)
    base = yaml.safe_load((REPO / "scenarios" / region / "baseline_uncertain.yaml").read_text(encoding="utf-8"))["uncertain"]
    plan = yaml.safe_load((REPO / "scenarios" / region / "plan_uncertain.yaml").read_text(encoding="utf-8"))["uncertain"]
    policy = {"energy_intensity_decline", "coal_share_decline", "pollution_control_rate", "agricultural_water_saving_rate",
              "industrial_water_saving_rate", "ecological_water_use", "reclaimed_water_target_rate"}
    for name, spec in base.items():  # the same outlook drivers in both files
        if name not in policy:
            assert plan.get(name) == spec, name


# ----------------------------------------------------------------------------- runs


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("name", SCENARIOS)
def test_every_scenario_runs_to_2035_with_finite_values(region, name):
    scenario = _scenario(region, name)
    ds = _run(scenario, n=20 if name.endswith("uncertain") else None)
    assert float(ds["time"][-1]) == 2035
    for var in ds.data_vars:
        if ds[var].dtype.kind == "f":
            assert np.isfinite(ds[var].values).all(), var


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("name", ["baseline_uncertain", "plan_uncertain"])
def test_clusters_stay_inside_their_sectors_and_stocks_stay_non_negative(region, name):
    scenario = _scenario(region, name)
    model = scenario.model
    stocks = [v.id for v in model.variables.values() if v.kind == "stock"]
    ds = _run(scenario, n=200, columns=["cluster_value_added", "value_added", "cluster_in_sector", *stocks])
    cva = ds["cluster_value_added"].transpose("scenario", "time", "cluster").values
    mapping = ds["cluster_in_sector"]
    mapping = mapping.isel(scenario=0, time=0) if "time" in mapping.dims else mapping.isel(scenario=0) \
        if "scenario" in mapping.dims else mapping
    mapping = mapping.transpose("cluster", "sector").values
    in_sector = np.einsum("stc,cj->stj", cva, mapping)
    sector = ds["value_added"].transpose("scenario", "time", "sector").values
    assert (in_sector <= sector * (1 + 1e-12)).all()
    assert (in_sector[..., 1] > 0).all()  # the clusters are really there
    for stock in stocks:
        assert (ds[stock].values >= -1e-9).all(), stock


@pytest.mark.parametrize("region", REGIONS)
def test_pushing_the_clusters_moves_gdp_and_no_push_follows_the_baseline(region):
    base = _scenario(region, "baseline")
    columns = ["gdp", "cluster_revenue"]
    reference = _run(base, columns=columns)
    off = {"plan_support": 1.0}
    same = _run(base, columns=columns, params=off)  # switched on, nothing pushed
    assert np.allclose(same["cluster_revenue"].values, reference["cluster_revenue"].values, rtol=1e-12, atol=0)
    assert np.allclose(same["gdp"].values, reference["gdp"].values, rtol=1e-12, atol=0)
    pushed = dict(off)
    for cluster in CLUSTERS[region]:
        pushed[f"cluster_investment_push[{cluster}]"] = 0.5
        pushed[f"outside_cluster_investment[{cluster}]"] = 10.0
    moved = _run(base, columns=columns, params=pushed)
    gdp_change = abs(float(moved["gdp"].sel(time=2030).values.ravel()[0] / reference["gdp"].sel(time=2030).values.ravel()[0] - 1))
    assert gdp_change > 1e-4
    for cluster in CLUSTERS[region]:
        assert float(moved["cluster_revenue"].sel(cluster=cluster, time=2030).values.ravel()[0]) > \
            float(reference["cluster_revenue"].sel(cluster=cluster, time=2030).values.ravel()[0]), cluster


# ----------------------------------------------------------------------------- the city against the record


@pytest.fixture(scope="module")
def city_baseline():
    return _run(_scenario("shijiazhuang", "baseline"),
                columns=["gdp_nominal", "gdp_growth_rate", "population", "urbanization_rate", "cluster_revenue_nominal"])


def _one(ds, name, year, **sel):
    return float(np.asarray(_at(ds, name, year, **sel)).ravel()[0])


def test_city_fit_window_reproduces_the_published_2021_figures(city_baseline):
    published = {p.id: p for p in load_plan("shijiazhuang").published}
    assert _one(city_baseline, "gdp_nominal", 2021) == pytest.approx(published["gdp_nominal_2021"].value, rel=0.005)
    assert _one(city_baseline, "urbanization_rate", 2021) == pytest.approx(published["urbanization_rate_2021"].value, rel=0.005)
    assert _one(city_baseline, "population", 2021) == pytest.approx(published["population_2021"].value, rel=0.01)


def test_city_out_of_sample_figures(city_baseline):
    published = {p.id: p for p in load_plan("shijiazhuang").published}
    growth = _one(city_baseline, "gdp_growth_rate", 2023)
    assert abs(growth / published["gdp_real_growth_2023"].value - 1) < 0.10  # 6.1 % published
    for cluster, pid in (("biomedicine", "biomedicine_revenue_2023_floor"),
                         ("electronic_information", "electronic_information_revenue_2023_floor")):
        assert _one(city_baseline, "cluster_revenue_nominal", 2023, cluster=cluster) >= published[pid].value
    # 000 line 86: the city without four counties, 井陉矿区 and 辛集 had more than 7013亿元 in 2024
    assert _one(city_baseline, "gdp_nominal", 2024) > 7013


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("name", ["baseline", "plan"])
def test_halving_dt_moves_no_goal_value_by_more_than_one_percent(region, name):
    scenario = _scenario(region, name)
    plan = load_plan(region)
    columns = sorted({g.variable.split("[")[0] for g in plan.goals})
    coarse = _run(scenario, columns=columns)
    kwargs = scenario.run_kwargs()
    kwargs.update(time_step=scenario.time.get("dt", 0.25) / 2, return_columns=columns)
    fine = scenario.model.run(**kwargs)
    for goal in plan.goals:
        base, _, elem = goal.variable.partition("[")
        a, b = coarse[base], fine[base]
        if elem:
            a, b = a.sel(cluster=elem.rstrip("]")), b.sel(cluster=elem.rstrip("]"))
        years = goal.year if isinstance(goal.year, list) else [goal.year]
        for year in years:
            va = float(np.asarray(a.sel(time=year).values).ravel()[0])
            vb = float(np.asarray(b.sel(time=year).values).ravel()[0])
            scale = max(abs(va), float(np.nanmax(np.abs(a.values))))  # flows that cross zero: 1 % of their largest value
            assert abs(vb - va) <= 0.01 * scale, (goal.id, year, va, vb)
