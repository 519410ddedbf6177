"""Levers act from the plan's first year only (issue 20 item 4): baseline and plan are identical, bit for bit, before it.

For every shipped region the central ``baseline`` and ``plan`` scenarios are run and every saved
variable is compared at each saved time before ``plan: {start_year}`` of the region's plan.yaml.
A lever that acts from the run start (a ``set:`` value where the run starts before the plan, or
a ramp anchored before it) makes the plan "fix" something before it began, as the metro area's
2024 groundwater recharge did.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulator.plans.plan import list_plans, load_plan
from simulator.scenarios.scenario import load_scenario

REPO = Path(__file__).resolve().parents[2]
REGIONS = [path.parent.name for path in list_plans() if (REPO / "scenarios" / path.parent.name / "plan.yaml").is_file()]


def _central(path: Path):
    scenario = load_scenario(path)
    return scenario, scenario.model.run(**scenario.run_kwargs()).isel(scenario=0)


@pytest.mark.parametrize("region", REGIONS)
def test_every_shipped_plan_names_its_first_year(region):
    assert isinstance(load_plan(region).start_year, int)


@pytest.mark.parametrize("region", REGIONS)
def test_baseline_and_plan_are_identical_before_the_plan_starts(region):
    start = load_plan(region).start_year
    _, base = _central(REPO / "scenarios" / region / "baseline.yaml")
    _, plan = _central(REPO / "scenarios" / region / "plan.yaml")
    before = [float(t) for t in base["time"].values if float(t) < start]
    differ = []
    for name in base.data_vars:
        if name in ("status", "message") or name not in plan.data_vars:
            continue
        a = np.asarray(base[name].sel(time=before).values)
        b = np.asarray(plan[name].sel(time=before).values)
        if not np.array_equal(a, b, equal_nan=True):
            first = next(i for i in range(len(before)) if not np.array_equal(a[i], b[i], equal_nan=True))
            differ.append(f"{name} in {before[first]:g}")
    assert not differ, f"{region}: the plan differs from the baseline before {start}: {', '.join(differ[:8])}"


def test_the_metro_groundwater_recharge_of_2024_is_the_baseline_s():
    """The case the issue reported: +4,273 万m³ under the plan against -7,017 under the baseline in 2024."""
    _, base = _central(REPO / "scenarios" / "shijiazhuang_metro" / "baseline.yaml")
    _, plan = _central(REPO / "scenarios" / "shijiazhuang_metro" / "plan.yaml")
    assert float(plan["groundwater_net_recharge"].sel(time=2024)) == float(base["groundwater_net_recharge"].sel(time=2024))
    assert float(plan["groundwater_net_recharge"].sel(time=2030)) != float(base["groundwater_net_recharge"].sel(time=2030))


@pytest.mark.parametrize("region", ["shijiazhuang", "shijiazhuang_metro"])
def test_sampled_plan_magnitudes_act_from_the_plan_s_first_year_only(region):
    """plan_uncertain samples the policy magnitudes (``from: {year, before}``): moving every one of them to the top
    of its range changes nothing before the start year, bit for bit, and changes the years after it."""
    start = load_plan(region).start_year
    scenario = load_scenario(REPO / "scenarios" / region / "plan_uncertain.yaml")
    stepped = [spec for spec in scenario.uncertain if spec.start is not None]
    assert stepped and all(spec.start[0] == start for spec in stepped)
    inputs = scenario.sample_inputs(n=4, seed=3)
    moved = inputs.copy()
    for spec in stepped:
        moved[spec.name] = float(spec.support[1])
    runs = [scenario.model.run(**scenario.run_kwargs(table)) for table in (inputs, moved)]
    times = [float(t) for t in runs[0]["time"].values]
    before = [t for t in times if t < start]
    names = [v for v in runs[0].data_vars if v not in ("status", "message")]
    for name in names:
        assert np.array_equal(runs[0][name].sel(time=before).values, runs[1][name].sel(time=before).values), name
    assert any(not np.array_equal(runs[0][name].sel(time=start + 5).values, runs[1][name].sel(time=start + 5).values)
               for name in names)


@pytest.mark.parametrize("region", ["shijiazhuang", "shijiazhuang_metro"])
def test_each_sampled_step_starts_from_the_baseline_s_value(region):
    """The ``before`` of a sampled plan magnitude is the baseline's own value and its year the plan's step year."""
    base = load_scenario(REPO / "scenarios" / region / "baseline.yaml")
    plan = load_scenario(REPO / "scenarios" / region / "plan.yaml")
    for spec in load_scenario(REPO / "scenarios" / region / "plan_uncertain.yaml").uncertain:
        if spec.start is not None:
            year, before = spec.start
            assert before == base.fixed[spec.name], spec.name
            assert year == plan.lever_specs[spec.name].times[-1], spec.name
