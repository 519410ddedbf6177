"""Block-by-block readers of a run folder (simulator.runs.blockread): same values as a whole read, less memory."""

import numpy as np
import pandas as pd
import xarray as xr

from simulator.plans.attainment import goal_positions, goal_summary
from simulator.runs.blockread import read_compact, read_in_blocks
from simulator.runs.runstore import GOALS, read_goals, status_ok


def _goals_file(path, n=50):
    rows = []
    for s in range(n):
        rows.append([s, "gdp_2030", "gdp", 2030, ">=", 190.0, 180.0 + s, int(s > 10), 2029 if s > 10 else "", "ok"])
        rows.append([s, "co2_falling", "co2", "[2021, 2025]", "falling", "", -0.5 * s, 1, "",
                     "ok" if s % 7 else "failed: overflow, at t=2031"])
        rows.append([s, "pop_band", "population", 2030, "between", "[1100.0, 1200.0]", 1150.0, 1, 2025, ""])
    frame = pd.DataFrame(rows, columns=["scenario", "goal_id", "variable", "year", "comparison", "target", "value",
                                        "met", "first_year_met", "status"])
    frame.to_csv(path / GOALS, index=False)
    return path / GOALS


def _cells(column: pd.Series) -> list:
    return [None if pd.isna(v) else v for v in column.astype(object)]


def test_goals_read_in_small_chunks_hold_the_values_of_a_whole_read(tmp_path):
    file = _goals_file(tmp_path)
    whole = pd.read_csv(file)
    for chunk_rows in (7, 1000):        # chunk boundaries inside a scenario, and one chunk
        compact = read_compact(file, categorical=("goal_id", "year", "target", "status"),
                               narrow=("scenario", "met"), chunk_rows=chunk_rows)
        assert list(compact.columns) == list(whole.columns)
        for column in whole.columns:
            assert _cells(compact[column]) == _cells(whole[column]), column
        assert isinstance(compact["goal_id"].dtype, pd.CategoricalDtype)
        assert compact["scenario"].dtype == np.int8 and compact["met"].dtype == np.int8


def test_numeric_categories_stay_numbers_and_mixed_ones_text(tmp_path):
    file = tmp_path / "t.csv"
    pd.DataFrame({"a": [2030, 2035] * 5, "b": ["2030", "[2021, 2025]"] * 5}).to_csv(file, index=False)
    frame = read_compact(file, categorical=("a", "b"), chunk_rows=3)
    assert frame["a"].iloc[0] == 2030 and not isinstance(frame["a"].iloc[0], str)
    assert frame["b"].iloc[1] == "[2021, 2025]" and frame["b"].iloc[0] == "2030"


def test_status_ok_is_the_same_rule_for_categoricals(tmp_path):
    status = pd.Series(["ok", None, "failed: x", " OK ", "0", "failed: y"])
    assert status_ok(status.astype("category")).tolist() == status_ok(status).tolist() == [
        True, True, False, True, True, False]


def test_summary_and_positions_of_the_compact_table_match_a_whole_read(tmp_path):
    _goals_file(tmp_path)
    compact = read_goals(tmp_path)
    whole = pd.read_csv(tmp_path / GOALS)
    whole["ok"] = status_ok(whole["status"])
    assert list(goal_positions(compact)) == ["gdp_2030", "co2_falling", "pop_band"]
    assert goal_positions(compact)["co2_falling"].tolist() == list(range(1, 150, 3))
    a, b = goal_summary(compact), goal_summary(whole)
    numbers = ["n", "n_ok", "p_met", "median", "q05", "q95", "first_met"]
    pd.testing.assert_frame_equal(a[numbers], b[numbers])
    assert a["goal_id"].tolist() == b["goal_id"].tolist() and a["n_ok"].tolist() == [50, 42, 50]


def test_blocks_of_a_lazy_array_are_its_values(tmp_path):
    values = np.random.default_rng(1).normal(size=(23, 4, 2))
    xr.Dataset({"v": (("scenario", "time", "e"), values)}).to_netcdf(tmp_path / "r.nc")
    with xr.open_dataset(tmp_path / "r.nc", cache=False) as ds:
        array = ds["v"].sel(e=0)
        array.encoding["chunks"] = (5,)
        assert np.array_equal(read_in_blocks(array), values[:, :, 0])
