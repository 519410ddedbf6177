"""Jizhou District only: the misreadings of issue 9 and the checks particular to its plan
(the checks both districts share are in test_districts.py)."""

from __future__ import annotations

import pytest
import yaml

from district_helpers import REPO, central, goal_of, plan_file, raw_plan, scenarios_of, seed_line
from simulator.plans.plan import load_plan


@pytest.fixture(scope="module")
def raw():
    return raw_plan("jizhou")


@pytest.fixture(scope="module")
def plan():
    return load_plan(plan_file("jizhou"))


@pytest.fixture(scope="module")
def scenarios():
    return scenarios_of("jizhou")


def test_misreading_6_growth_goal_uses_real_gdp(raw):
    goal = goal_of(raw, "gdp_growth_2021_2025")
    assert goal["variable"] == "gdp" and goal["basis"] == "real"


def test_misreading_7_national_carbon_peak_is_not_a_district_goal(raw):
    assert all("co2" not in goal["variable"] for goal in raw["goals"])
    assert any(item["id"] == "carbon_peak_2030" for item in raw["notes"]["removed_goals"])


def test_deflator_follows_the_plans_own_real_and_nominal_figures(scenarios):
    ds = central(scenarios["baseline"], ["price_level", "gdp", "gdp_nominal"])
    # line 9: 49.4 -> 111 (current prices) while real growth was 7.8 %/yr: deflator 1.060 over 2010-2020
    assert float(ds["price_level"].sel(time=2020)) == pytest.approx(1.0, abs=2e-3)
    assert float(ds["gdp_nominal"].sel(time=2010)) == pytest.approx(49.4, rel=1e-3)
    assert float(ds["gdp"].sel(time=2010)) == pytest.approx(49.4 / 0.9432, rel=1e-3)


def test_pm25_fall_2016_2020_is_reported_out_of_sample(scenarios):
    ds = central(scenarios["baseline"], ["pm25", "urbanization_rate"])
    fall = float(ds["pm25"].sel(time=2020)) / float(ds["pm25"].sel(time=2016)) - 1
    urban = float(ds["urbanization_rate"].sel(time=2020))
    print(f"\nPM2.5 2016->2020: model {fall:+.1%}, plan line 10 -47.4 %; urbanization 2020: model {urban:.3f}, census 0.5388")
    # issue 20: the campaign control is fitted on the 2020 good-air days, which brings the fall close to
    # the plan's -47.4 % (line 10), a figure not fitted (README)
    assert abs(fall - -0.474) < 0.03
    assert abs(urban / 0.5388 - 1) < 0.08
