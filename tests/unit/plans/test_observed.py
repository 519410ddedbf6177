"""plans/observed.py: goals judged on observed figures (only on years that were observed), data.yaml merged into
the plan's published figures with --replace honoured, and a malformed data.yaml refused with its line."""

from types import SimpleNamespace

import pytest

from simulator.errors import PlanError
from simulator.plans.observed import merge_published, observed_verdicts
from simulator.plans.records import Published


def figure(variable, year, value, unit="share", id_=None, title="统计公报"):
    return Published(id_ or f"{variable}_{year}", variable, year, value, unit, "石家庄市",
                     {"title": title, "publisher": "石家庄市统计局"})


def goal(id_, variable, year, comparison, value=None):
    return SimpleNamespace(id=id_, variable=variable, year=year, comparison=comparison, value=value, tolerance=None)


def plan(published, goals):
    return SimpleNamespace(published=published, goals=goals)


def test_goals_are_judged_on_the_observed_figure_of_their_year():
    record = [figure("urbanization_rate", 2024, 0.7382), figure("urbanization_rate", 2025, 74.73, unit="%"),
              figure("gdp_nominal", 2025, 7889.0, unit="亿元")]
    goals = [goal("urban", "urbanization_rate", 2025, "between", [0.7125, 0.7875]),
             goal("gdp", "gdp_nominal", 2025, ">=", 10000.0),
             goal("urban_2030", "urbanization_rate", 2030, ">=", 0.78)]   # not yet observed: a forecast
    found = observed_verdicts(plan(record, goals))
    assert set(found) == {"urban", "gdp"}
    assert found["urban"].met and found["urban"].value == pytest.approx(0.7473)   # 74.73 % read as a share
    assert not found["gdp"].met and found["gdp"].value == 7889.0
    assert found["gdp"].years == (2025,) and found["gdp"].figures[0].id == "gdp_nominal_2025"


def test_a_window_goal_needs_both_ends_observed_and_is_never_interpolated():
    growth = goal("farm", "farm_gross_output", [2020, 2025], "growth>=", 0.045)
    only_end = [figure("farm_gross_output", 2021, 100.0, "亿元"), figure("farm_gross_output", 2025, 120.0, "亿元")]
    assert observed_verdicts(plan(only_end, [growth])) == {}
    both = only_end + [figure("farm_gross_output", 2020, 100.0, "亿元")]
    verdict = observed_verdicts(plan(both, [growth]))["farm"]
    assert verdict.value == pytest.approx(1.2 ** 0.2 - 1)   # (120/100)^(1/5) − 1 = 3.71 %/yr < 4.5 %
    assert not verdict.met and verdict.years == (2020, 2021, 2025)


def test_a_falling_goal_on_observed_figures():
    record = [figure("pm25", year, value, "μg/m3") for year, value in ((2021, 50.0), (2022, 47.0), (2023, 48.0))]
    verdict = observed_verdicts(plan(record, [goal("air", "pm25", [2021, 2023], "falling")]))["air"]
    assert verdict.met and verdict.value == pytest.approx(-1.0)   # least-squares slope of 50, 47, 48


def test_imported_figures_join_the_plan_and_replace_what_they_name(tmp_path):
    (tmp_path / "data.yaml").write_text(
        "region: x\nimported:\n"
        "- {id: population_2021_imported, variable: population, year: 2021, value: 1120.5, unit: 万人, geography: 石家庄市,\n"
        "   source: {title: 单位内部数据, publisher: 规划处, imported_from: 'f.csv:2'}, replaces: population_2021}\n",
        encoding="utf-8")
    published = [figure("population", 2021, 1120.47, "万人"), figure("population", 2017, 1087.99, "万人")]
    merged = merge_published(published, tmp_path / "plan.yaml")
    assert [(p.id, p.value) for p in merged] == [("population_2017", 1087.99), ("population_2021_imported", 1120.5)]


def test_no_data_file_leaves_the_plan_as_it_is(tmp_path):
    published = [figure("population", 2021, 1120.47, "万人")]
    assert merge_published(published, tmp_path / "plan.yaml") == published


def test_a_figure_without_source_is_refused_with_its_line(tmp_path):
    (tmp_path / "data.yaml").write_text(
        "region: x\nimported:\n- {id: a, variable: population, year: 2021, value: 1, unit: 万人, geography: g,\n"
        "   source: {title: t, publisher: p}}\n- {id: b, variable: population, year: 2022, value: 1, unit: 万人}\n",
        encoding="utf-8")
    with pytest.raises(PlanError) as err:
        merge_published([], tmp_path / "plan.yaml")
    assert str(err.value) == (f"{tmp_path / 'data.yaml'}:5: imported[1] lacks geography, source; "
                              f"rewrite it with python run.py data import")
