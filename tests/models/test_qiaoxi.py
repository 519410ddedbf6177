"""Qiaoxi District only: the misreadings of issue 9 and the checks particular to its plan
(the checks both districts share are in test_districts.py)."""

from __future__ import annotations

import pytest
import yaml

from district_helpers import REPO, central, goal_of, plan_file, raw_plan, scenarios_of, seed_line
from simulator.plans.plan import load_plan


@pytest.fixture(scope="module")
def raw():
    return raw_plan("qiaoxi")


@pytest.fixture(scope="module")
def plan():
    return load_plan(plan_file("qiaoxi"))


@pytest.fixture(scope="module")
def scenarios():
    return scenarios_of("qiaoxi")


def test_misreading_7_national_carbon_peak_is_not_a_district_goal(raw):
    assert all("co2" not in goal["variable"] for goal in raw["goals"])
    assert any(item["id"] == "carbon_peak_2030" for item in raw["notes"]["removed_goals"])


def test_misreading_8_pm25_goal_is_the_city_figure_the_district_line_adopts(raw):
    goal = goal_of(raw, "pm25_49_2025")
    assert goal["source"]["doc"].startswith("001_")
    district = goal["district_source"]
    assert district["doc"] == "004_bc12cc43d93ca603.txt" and district["line"] == 237
    assert district["quote"] in seed_line(district["doc"], district["line"])
    assert "市政府下达" in district["quote"]


def test_misreading_9_cultural_industry_figure_is_not_the_clusters_base(raw):
    for item in [*raw["history"], *raw.get("published", [])]:
        assert "cultural_creative" not in str(item.get("variable")), item["id"]
    assert any(item["id"] == "cultural_va_2020" for item in raw["notes"]["removed_history"])
    goal = goal_of(raw, "cultural_creative_va_40_2025")
    assert "文化创意" in goal["source"]["quote"]


def test_run_starts_on_todays_boundary_and_no_older_figure_is_compared(scenarios, plan):
    assert scenarios["baseline"].effective_time()["start"] == 2015
    for item in [*plan.history, *plan.published]:
        if item.variable:
            assert item.year >= 2015, item.id


def test_pm25_fall_2015_2020_is_reported_out_of_sample(scenarios):
    ds = central(scenarios["baseline"], ["pm25"])
    fall = float(ds["pm25"].sel(time=2020)) / float(ds["pm25"].sel(time=2015)) - 1
    print(f"\nPM2.5 2015->2020: model {fall:+.1%}, plan line 23 -40 %")
    assert -0.50 < fall < -0.30
