"""Goal evaluation (simulator.plans.goals) on hand-built Datasets; every expected number is worked out by hand in a comment."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from simulator.errors import PlanError, ScenarioError, UnknownVariableError
from simulator.plans.goals import GOAL_COLUMNS, evaluate_goals
from simulator.plans.plan import Goal, Source

YEARS = np.arange(2020.0, 2026.0)  # 2020 … 2025


def dataset(gdp, status=None, message=None, times=YEARS, **more):
    """Results with one (scenario, time) variable ``gdp`` (and optional others)."""
    gdp = np.asarray(gdp, dtype=float)
    n = gdp.shape[0]
    data = {"gdp": (("scenario", "time"), gdp)}
    for name, values in more.items():
        data[name] = values
    data["status"] = ("scenario", np.asarray(status if status is not None else [0] * n, dtype=np.int8))
    data["message"] = ("scenario", np.asarray(message if message is not None else [""] * n, dtype=object))
    return xr.Dataset(data, coords={"scenario": np.arange(n), "time": times})


RISING = [1, 2, 3, 4, 5, 6]
FALLING = [6, 5, 4, 3, 2, 1]


def one(ds, **goal):
    goal.setdefault("id", "g")
    goal.setdefault("variable", "gdp")
    return evaluate_goals(ds, [goal])


def test_columns_and_row_order_are_scenario_major():
    table = evaluate_goals(dataset([RISING, FALLING]), [
        {"id": "a", "variable": "gdp", "year": 2021, "comparison": ">=", "value": 1},
        {"id": "b", "variable": "gdp", "year": 2021, "comparison": "<=", "value": 1},
    ])
    assert list(table.columns) == GOAL_COLUMNS
    assert list(zip(table.scenario, table.goal_id)) == [(0, "a"), (0, "b"), (1, "a"), (1, "b")]


def test_greater_equal_on_grid_year():
    # value in 2023: rising 4, falling 3; target 3.5 → met 1, 0.
    # first year >= 3.5: rising 2023 (value 4); falling 2020 (value 6, before dropping below).
    table = one(dataset([RISING, FALLING]), year=2023, comparison=">=", value=3.5)
    assert table.value.tolist() == [4.0, 3.0]
    assert table.met.tolist() == [1, 0]
    assert table.first_year_met.tolist() == [2023, 2020]
    assert table.target.tolist() == [3.5, 3.5]
    assert table.status.tolist() == ["ok", "ok"]


def test_less_equal_interpolates_between_saved_years():
    # 2022.25 lies a quarter of the way from 2022 (3) to 2023 (4) → 3.25 on the rising series;
    # the falling one: 4 - 0.25 = 3.75. Target <= 3.5 → met 1, 0.
    table = one(dataset([RISING, FALLING]), year=2022.25, comparison="<=", value=3.5)
    assert table.value.tolist() == pytest.approx([3.25, 3.75])
    assert table.met.tolist() == [1, 0]
    # first saved year with value <= 3.5: rising 2020 (1); falling 2023 (3).
    assert table.first_year_met.tolist() == [2020, 2023]


def test_equal_uses_relative_tolerance():
    # value 2024 = 5 (rising). |5 - 5.2| = 0.2; 0.2 <= 0.05 * 5.2 = 0.26 → met; with tol 0.03: 0.156 → not met.
    ds = dataset([RISING])
    assert one(ds, year=2024, comparison="==", value=5.2, tolerance=0.05).met.tolist() == [1]
    assert one(ds, year=2024, comparison="==", value=5.2, tolerance=0.03).met.tolist() == [0]


def test_equal_default_tolerance_is_one_percent():
    # |5 - 5.04| = 0.04 <= 0.01 * 5.04 = 0.0504 → met; |5 - 5.06| = 0.06 > 0.0506 → not met.
    ds = dataset([RISING])
    assert one(ds, year=2024, comparison="==", value=5.04).met.tolist() == [1]
    assert one(ds, year=2024, comparison="==", value=5.06).met.tolist() == [0]


def test_between_inclusive_bounds_and_json_target():
    # 2022: rising 3, falling 4; [3, 3.5] → met 1 (on the bound), 0.
    table = one(dataset([RISING, FALLING]), year=2022, comparison="between", value=[3, 3.5])
    assert table.met.tolist() == [1, 0]
    assert table.target.tolist() == ["[3, 3.5]", "[3, 3.5]"]
    # first year inside [3, 3.5]: rising 2022 (3); falling 2023 (3).
    assert table.first_year_met.tolist() == [2022, 2023]


def test_reached_by_counts_only_years_up_to_the_goal_year():
    # threshold 4 by 2022: rising reaches 4 only in 2023 → not met; falling starts at 6 → met in 2020.
    table = one(dataset([RISING, FALLING]), year=2022, comparison="reached_by", value=4)
    assert table.met.tolist() == [0, 1]
    assert table.first_year_met.astype(object).tolist() == [pd.NA, 2020]
    assert table.value.tolist() == [3.0, 4.0]  # still the value in the goal year


def test_reached_by_between_saved_years_uses_interpolated_goal_year():
    # saved yearly; threshold 3.5 by 2022.5: 2022.5 value = 3.5 (rising) → reached exactly at the goal year.
    table = one(dataset([RISING]), year=2022.5, comparison="reached_by", value=3.5)
    assert table.met.tolist() == [1]
    assert table.first_year_met.tolist() == [2022.5]


def test_rising_and_falling_use_least_squares_slope():
    # wiggly: [1, 3, 2, 4, 3, 5] over 2020..2025. Centred t = -2.5..2.5 (sum t^2 = 17.5);
    # sum t*(v - mean) = -2.5*1 -1.5*3 -0.5*2 +0.5*4 +1.5*3 +2.5*5 = 11 → slope 11/17.5 = 0.628571…
    # The end-to-end change over [2021, 2022] is negative (3 → 2): slope over that window is -1.
    wiggly = [1, 3, 2, 4, 3, 5]
    ds = dataset([wiggly])
    rising = one(ds, year=[2020, 2025], comparison="rising")
    assert rising.value.tolist() == pytest.approx([11 / 17.5])
    assert rising.met.tolist() == [1]
    assert rising.year.tolist() == ["[2020, 2025]"]
    assert rising.first_year_met.isna().all() and rising.target.isna().all()
    falling = one(ds, year=[2021, 2022], comparison="falling")
    assert falling.value.tolist() == pytest.approx([-1.0])
    assert falling.met.tolist() == [1]


def test_trend_window_between_saved_years_uses_interpolated_end_points():
    # window [2020.5, 2022.5] on RISING: points (2020.5, 1.5), (2021, 2), (2022, 3), (2022.5, 3.5) — a line of slope 1.
    table = one(dataset([RISING]), year=[2020.5, 2022.5], comparison="rising")
    assert table.value.tolist() == pytest.approx([1.0])


def test_flat_series_is_neither_rising_nor_falling():
    ds = dataset([[2.0] * 6])
    assert one(ds, year=[2020, 2025], comparison="rising").met.tolist() == [0]
    assert one(ds, year=[2020, 2025], comparison="falling").met.tolist() == [0]


def test_engine_failure_is_failed_and_never_met():
    ds = dataset([RISING, RISING], status=[0, 1], message=["", "non-finite value in 'gdp' at time 2023"])
    table = one(ds, year=2021, comparison=">=", value=0)
    assert table.met.tolist() == [1, 0]
    assert table.status.tolist() == ["ok", "failed: non-finite value in 'gdp' at time 2023"]
    assert np.isnan(table.value[1]) and pd.isna(table.first_year_met[1])


def test_non_finite_values_fail_even_without_engine_status():
    ds = dataset([RISING, [1, 2, np.inf, 4, 5, 6]])
    table = one(ds, year=2025, comparison=">=", value=0)
    assert table.met.tolist() == [1, 0]
    assert table.status[1] == "failed: non-finite value of 'gdp' for goal 'g'"


def test_subscripted_variable_selects_the_element():
    output = np.array([[[1, 10], [2, 20], [3, 30], [4, 40], [5, 50], [6, 60]]], dtype=float)  # (1, 6, 2)
    ds = dataset([RISING], output=(("scenario", "time", "cluster"), output))
    ds = ds.assign_coords(cluster=["biomedicine", "tourism"])
    table = one(ds, variable="output[tourism]", year=2022, comparison=">=", value=25)
    assert table.value.tolist() == [30.0] and table.met.tolist() == [1]


def test_plan_goal_objects_are_accepted():
    goal = Goal(id="gdp_2025", label={"zh": "地区生产总值"}, variable="gdp", year=2025, comparison=">=",
                value=5.5, unit="亿元", binding=True, source=Source("x.txt", 1, "q"))
    table = evaluate_goals(dataset([RISING]), [goal])
    assert table.goal_id.tolist() == ["gdp_2025"] and table.met.tolist() == [1]


def test_first_year_met_is_integer_on_whole_year_grid():
    csv = one(dataset([RISING]), year=2023, comparison=">=", value=3.5).to_csv(index=False)
    assert csv.splitlines()[1] == "0,g,gdp,2023,>=,3.5,4.0,1,2023,ok"


@pytest.mark.parametrize("goal, error, words", [
    ({"variable": "gpd", "year": 2021, "comparison": ">=", "value": 1}, UnknownVariableError, "nearest: gdp"),
    ({"year": 2030, "comparison": ">=", "value": 1}, ScenarioError, "outside the simulated time 2020-2025"),
    ({"year": 2021, "comparison": "~", "value": 1}, PlanError, "unknown comparison '~'"),
    ({"year": 2021, "comparison": "between", "value": [3, 1]}, PlanError, "low <= high"),
    ({"year": 2021, "comparison": "rising"}, PlanError, "[from_year, to_year]"),
    ({"year": 2021, "comparison": ">=", "value": "lots"}, PlanError, "needs a number"),
    ({"variable": "gdp[x]", "year": 2021, "comparison": ">=", "value": 1}, UnknownVariableError, "no subscripts"),
])
def test_bad_goals_raise_one_clear_error(goal, error, words):
    with pytest.raises(error) as info:
        one(dataset([RISING]), **goal)
    message = str(info.value)
    assert words in message and "goal 'g'" in message and "\n" not in message


# --- properties -----------------------------------------------------------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402
from hypothesis.extra.numpy import arrays  # noqa: E402

from simulator.runs.runstore import goals_csv_text  # noqa: E402

MIXED_GOALS = [
    {"id": "ge", "variable": "gdp", "year": 2023.5, "comparison": ">=", "value": 0.0},
    {"id": "eq", "variable": "gdp", "year": 2024, "comparison": "==", "value": 1.0, "tolerance": 0.5},
    {"id": "bt", "variable": "gdp", "year": 2022, "comparison": "between", "value": [-1, 1]},
    {"id": "rb", "variable": "gdp", "year": 2024, "comparison": "reached_by", "value": 0.5},
    {"id": "up", "variable": "gdp", "year": [2020, 2025], "comparison": "rising"},
    {"id": "dn", "variable": "gdp", "year": [2020.5, 2024.5], "comparison": "falling"},
]

series = arrays(np.float64, st.tuples(st.integers(1, 40), st.just(6)),
                elements=st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False))


@settings(max_examples=60, deadline=None)
@given(values=series, cut=st.integers(0, 40))
def test_a_scenario_row_does_not_depend_on_its_chunk(values, cut):
    """The batch promise at the goal level: evaluating chunks and joining them gives the same bytes."""
    whole = evaluate_goals(dataset(values), MIXED_GOALS)
    cut = min(cut, len(values))
    parts = [dataset(values[:cut]), dataset(values[cut:])]
    parts[1] = parts[1].assign_coords(scenario=np.arange(cut, len(values)))
    joined = pd.concat([evaluate_goals(p, MIXED_GOALS) for p in parts if p.sizes["scenario"]], ignore_index=True)
    assert goals_csv_text(joined, header=False) == goals_csv_text(whole, header=False)


@settings(max_examples=60, deadline=None)
@given(values=series)
def test_trend_slope_equals_numpy_polyfit_on_grid_windows(values):
    table = evaluate_goals(dataset(values), [{"id": "up", "variable": "gdp", "year": [2020, 2025],
                                              "comparison": "rising"}])
    expected = [np.polyfit(YEARS, row, 1)[0] for row in values]
    np.testing.assert_allclose(table["value"].to_numpy(), expected, rtol=1e-9, atol=1e-6)
    assert table["met"].tolist() == [int(s > 0) for s in table["value"]]


def test_growth_goals_use_the_average_annual_rate_over_the_window():
    # 100 → 121 over 2020-2022 is exactly 10 %/yr; 100 → 81 is exactly -10 %/yr
    up = [100, 110, 121, 130, 140, 150]
    down = [100, 90, 81, 70, 60, 50]
    table = one(dataset([up, down]), year=[2020, 2022], comparison="growth>=", value=0.06)
    assert table.value.tolist() == pytest.approx([0.10, -0.10])
    assert table.met.tolist() == [1, 0]
    assert table.target.tolist() == [0.06, 0.06]
    assert table.first_year_met.isna().all()
    table = one(dataset([up, down]), year=[2020, 2022], comparison="growth<=", value=-0.05)
    assert table.met.tolist() == [0, 1]


def test_growth_goal_needs_a_window():
    with pytest.raises(PlanError, match=r"needs year: \[from_year, to_year\]"):
        one(dataset([RISING]), year=2022, comparison="growth>=", value=0.06)
