"""Scorecard numbers (reports.attainment) against numbers computed here from goals.csv of a real batch."""

import numpy as np
import pandas as pd
import pytest

from reports.attainment import goal_summary, traffic_light
from reports.data import load_run
from report_testdata import goals_csv


@pytest.mark.parametrize("p, light", [(1.0, "green"), (0.9, "green"), (0.8999, "amber"), (0.5, "amber"),
                                      (0.4999, "red"), (0.0, "red")])
def test_traffic_light_boundaries(p, light):
    assert traffic_light(p) == light


def test_summary_equals_plain_pandas_on_goals_csv(batch_runs):
    for run_dir in batch_runs:
        summary = goal_summary(load_run(run_dir).goals).set_index("goal_id")
        rows = goals_csv(run_dir)
        for goal_id, group in rows.groupby("goal_id"):
            ok = group[group["status"] == "ok"]
            assert summary.loc[goal_id, "p_met"] == pytest.approx(group["met"].sum() / len(group))
            assert summary.loc[goal_id, "median"] == pytest.approx(ok["value"].median())
            assert summary.loc[goal_id, "q05"] == pytest.approx(ok["value"].quantile(0.05))
            assert summary.loc[goal_id, "q95"] == pytest.approx(ok["value"].quantile(0.95))
            first = ok["first_year_met"].fillna(np.inf).sort_values().to_numpy()
            half = first[len(first) // 2] if len(first) % 2 else (first[len(first) // 2 - 1] + first[len(first) // 2]) / 2
            assert summary.loc[goal_id, "first_met"] == half


def _rows(met, values, first, status=None):
    n = len(met)
    return pd.DataFrame({"scenario": range(n), "goal_id": "g", "variable": "x", "year": 2025, "comparison": ">=",
                         "target": 1.0, "value": values, "met": met, "first_year_met": first,
                         "status": status or ["ok"] * n, "ok": [s == "ok" for s in (status or ["ok"] * n)]})


def test_failed_samples_count_as_not_met_and_are_left_out_of_the_range():
    rows = _rows([1, 1, 0, 0], [5.0, 7.0, np.nan, 1.0], [2021, 2023, np.nan, np.nan],
                 ["ok", "ok", "failed: non-finite value", "ok"])
    summary = goal_summary(rows).iloc[0]
    assert summary["p_met"] == 0.5
    assert summary["median"] == 5.0                 # of 5, 7, 1
    assert summary["n_ok"] == 3
    assert summary["first_met"] == 2023             # of 2021, 2023, never


def test_first_met_is_never_when_most_samples_never_meet():
    summary = goal_summary(_rows([1, 0, 0], [2.0, 0.0, 0.0], [2030, np.nan, np.nan])).iloc[0]
    assert np.isinf(summary["first_met"])
    assert summary["light"] == "red"


def test_order_follows_the_plan_then_the_file():
    rows = pd.concat([_rows([1], [1.0], [2020]).assign(goal_id=g) for g in ("b", "a", "c")])
    assert list(goal_summary(rows, order=["c", "a"])["goal_id"]) == ["c", "a", "b"]
