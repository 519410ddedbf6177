"""The published record as a test (issue 20): each region's baseline_uncertain band holds its figures.

For every shipped region, every history/published figure that names a model variable must lie in the
5-95 % band of ``baseline_uncertain`` in its year (±0.5 %; a figure the source gives as a floor only
needs the band's top above it), or be listed under ``record.misfits`` in the region's plan.yaml with
its size and reason, and named in the region's README. Census population and the plan's base-year
GDP may never be misfits. Then the behaviour a reviewer checks first: central real growth slows
(2031-35 below 2021-25, 2030 at most 6 %), no sector share runs to an extreme, and the parts stay
inside their published wholes. Samples are modest (40) and seeded, so the bands are reproducible.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulator.plans.plan import load_plan
from simulator.runs.validation import band_holds, record_bands, record_coverage
from simulator.scenarios.scenario import load_scenario

REPO = Path(__file__).resolve().parents[2]
REGIONS = ("shijiazhuang_metro", "shijiazhuang", "capital_region", "jizhou", "qiaoxi")
REGIONAL = ("shijiazhuang_metro", "shijiazhuang", "jizhou", "qiaoxi")
N, SEED = 40, 20201101
#: figures that may never be explained away as misfits
NEVER_MISFIT = ("population_2020_census7", "gdp_nominal_2020")
#: regions where the 90 % goal is not met yet, with the reason (strict xfail)
#: the highest sector share of GDP in 2035 a region may reach, with the stated reason where above 0.9
SECTOR_SHARE_LIMIT = {"qiaoxi": (0.96, "a central urban district: services were 87 % of GDP in 2015 (assumed split, 2020 services"
                                      " 677.7 of 743亿 = 91 %, plan line 15) and industry relocates out (退二进三)")}
BELOW_GOAL = {"qiaoxi": "8 figures only, one of them (urbanization 2018) held by construction: the pre-census '人口80万' of 2016"
                        " is the one misfit, 7/8 = 88 %; no district figure after 2020 was found (models/qiaoxi/README.md)"}


@pytest.fixture(scope="module", params=REGIONS)
def coverage(request):
    region = request.param
    return region, record_coverage(REPO / "scenarios" / region / "baseline_uncertain.yaml", N, SEED)


def test_every_figure_is_held_or_a_listed_misfit(coverage):
    region, rows = coverage
    plan = load_plan(region)
    listed = {m["id"] for m in plan.record["misfits"]}
    missed = {row.id: f"{row.value:g} outside [{row.low:.4g}, {row.high:.4g}] in {row.year:g}" for row in rows if not row.inside}
    assert set(missed) <= listed, f"{region}: unlisted misfits {{id: why}}: { {k: v for k, v in missed.items() if k not in listed} }"
    assert not listed - set(missed), f"{region}: listed as misfits but held now: {sorted(listed - set(missed))}"
    assert not listed & set(NEVER_MISFIT), f"{region}: census population / base-year GDP cannot be a misfit"


def test_the_band_the_report_draws_is_the_band_tested(coverage):
    # reports/validation_page.py shades record_bands over each series' years; at a figure's year it must be
    # the band record_coverage judged the figure against (same scenario, samples and seed)
    region, rows = coverage
    spans = {}
    for row in rows:
        first, last = spans.get(row.variable, (row.year, row.year))
        spans[row.variable] = (min(first, row.year) - 1, max(last, row.year) + 1)
    from reports.evidence import BAND_SAMPLES, BAND_SEED   # what the page draws with

    bands = record_bands(REPO / "scenarios" / region / "baseline_uncertain.yaml", spans, BAND_SAMPLES, BAND_SEED)
    for row in rows:
        years, low, high = bands[row.variable]
        at = list(years).index(row.year)
        assert np.isclose(low[at], row.low) and np.isclose(high[at], row.high), (region, row.id)


def test_misfits_are_explained_in_the_readme(coverage):
    region, _rows = coverage
    readme = (REPO / "models" / region / "README.md").read_text(encoding="utf-8")
    for misfit in load_plan(region).record["misfits"]:
        assert misfit["id"] in readme, f"{region}: misfit {misfit['id']} is not in the README"
        assert misfit["size"] and misfit["reason"]


def test_coverage_reaches_ninety_percent(coverage, request):
    region, rows = coverage
    if region in BELOW_GOAL:
        request.applymarker(pytest.mark.xfail(strict=True, reason=BELOW_GOAL[region]))
    held = sum(row.inside for row in rows)
    assert rows and held / len(rows) >= 0.9, f"{region}: {held}/{len(rows)}"


def _central(region: str, columns):
    scenario = load_scenario(REPO / "scenarios" / region / "baseline_uncertain.yaml")
    kwargs = scenario.run_kwargs()
    kwargs["return_columns"] = columns
    return scenario.model.run(**kwargs).isel(scenario=0)


def _growth(gdp, a: int, b: int) -> float:
    a = max(a, int(gdp["time"][0]))
    return float((gdp.sel(time=b) / gdp.sel(time=a)) ** (1.0 / (b - a)) - 1)


@pytest.mark.parametrize("region", REGIONAL)
def test_growth_slows_for_a_reason(region):
    ds = _central(region, ["gdp"])
    early, late, in_2030 = _growth(ds["gdp"], 2020, 2025), _growth(ds["gdp"], 2030, 2035), _growth(ds["gdp"], 2029, 2030)
    assert late < early, f"{region}: central real growth 2031-35 {late:.2%} not below 2021-25 {early:.2%}"
    assert in_2030 <= 0.06, f"{region}: central real growth in 2030 {in_2030:.2%} above 6 %"


@pytest.mark.parametrize("region", REGIONAL)
def test_no_sector_or_cluster_runs_to_an_extreme(region):
    ds = _central(region, ["gdp", "value_added", "cluster_value_added"])
    gdp = ds["gdp"].sel(time=2035)
    shares = ds["value_added"].sel(time=2035) / gdp
    limit = SECTOR_SHARE_LIMIT.get(region, (0.9, ""))[0]
    assert float(shares.max()) < limit, f"{region}: a sector holds {float(shares.max()):.0%} of GDP in 2035"
    cluster_share = ds["cluster_value_added"].sel(time=2035) / gdp
    assert float(cluster_share.max()) <= 0.30, f"{region}: a cluster holds {float(cluster_share.max()):.0%} of GDP in 2035"
    tertiary = ds["value_added"].sel(sector="tertiary")
    assert float(tertiary.sel(time=2035)) > float(tertiary.sel(time=2030)), f"{region}: services shrink in 2030-35"


def test_shijiazhuang_clusters_leave_the_rest_of_industry_a_share():
    # 规上工业营业收入 5732.5亿 in 2023 (models/shijiazhuang/plan.yaml above_scale_industry_revenue_2023)
    whole = next(p.value for p in load_plan("shijiazhuang").published if p.id == "above_scale_industry_revenue_2023")
    ds = _central("shijiazhuang", ["cluster_revenue_nominal"])
    revenue = ds["cluster_revenue_nominal"]
    four = revenue.sel(cluster=["biomedicine", "electronic_information", "advanced_equipment", "new_materials"], time=2023).sum()
    assert float(four) / whole <= 0.75, f"four clusters are {float(four) / whole:.0%} of all above-scale industry"
    # milestones: biomedicine and electronic information past 1000亿 by 2023, equipment only at end-2024
    assert float(revenue.sel(cluster="biomedicine", time=2023)) >= 1000
    assert float(revenue.sel(cluster="electronic_information", time=2023)) >= 1000
    assert float(revenue.sel(cluster="advanced_equipment", time=2023)) < 1000


def test_qiaoxi_retail_sales_follow_demand_not_capacity():
    # with the market binding, a push into retail builds capacity but does not add sales
    scenario = load_scenario(REPO / "scenarios" / "qiaoxi" / "baseline.yaml")
    kwargs = scenario.run_kwargs()
    kwargs["return_columns"] = ["cluster_revenue"]
    base = scenario.model.run(**kwargs)["cluster_revenue"].sel(cluster="retail").to_numpy()
    kwargs["params"] = {**kwargs["params"], "plan_support": 1.0, "cluster_investment_push[retail]": 1.0}
    pushed = scenario.model.run(**kwargs)["cluster_revenue"].sel(cluster="retail").to_numpy()
    np.testing.assert_allclose(pushed, base, rtol=1e-9)


def test_jizhou_pm25_keeps_falling_after_2021_like_hengshui():
    # Hengshui city: 41 μg/m³ in Jan-Nov 2023 (models/jizhou/plan.yaml hengshui_pm25_2023); the district
    # must not stay flat at the 2021 level as v0.2 did (61-64 in 2021-2030)
    ds = _central("jizhou", ["pm25"])
    pm = ds["pm25"]
    assert float(pm.sel(time=2023)) <= 45
    assert float(pm.sel(time=2025)) < float(pm.sel(time=2021))


def test_jizhou_bands_hold_hengshui_after_2021():
    # out of sample (fit until 2020): the district publishes nothing after 2020, so the city's full-year
    # figures are the proxies: PM2.5 41 in 2024 and real growth 4.2 % in 2022 (models/jizhou/plan.yaml
    # hengshui_pm25_2024, hengshui_gdp_real_growth_2022) must lie in the district's 5-95 % band (±0.5 %)
    published = {p.id: p.value for p in load_plan("jizhou").published}
    scenario = load_scenario(REPO / "scenarios" / "jizhou" / "baseline_uncertain.yaml")
    kwargs = scenario.run_kwargs(scenario.sample_inputs(N, SEED))
    kwargs["return_columns"] = ["pm25", "gdp"]
    ds = scenario.model.run(**kwargs)
    pm = ds["pm25"].sel(time=2024).to_numpy()
    growth = (ds["gdp"].sel(time=2022) / ds["gdp"].sel(time=2021)).to_numpy() - 1
    for name, value, sim in (("PM2.5 2024", published["hengshui_pm25_2024"], pm),
                             ("growth 2022", published["hengshui_gdp_real_growth_2022"], growth)):
        low, high = np.percentile(sim, [5, 95])
        assert band_holds(value, float(low), float(high)), f"Hengshui {name} {value:g} outside [{low:.4g}, {high:.4g}]"
