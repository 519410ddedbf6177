"""What the plan changes (issue 21.7), assumption rows by scenario, discovery rules in words, and the small points (21.9)."""

import json
import shutil

import pytest

from report_testdata import goals_csv


def context(runs, lang="en"):
    from reports.context import ReportContext, by_role
    from reports.data import load_run

    return ReportContext(by_role([load_run(path) for path in runs]), lang)


def test_the_changes_table_lists_what_the_plan_sets_differently_with_both_values(batch_runs):
    """green.yaml samples energy_intensity_decline_rate on 0.04–0.1 where baseline.yaml samples 0–0.08; nothing else
    differs. The row shows the baseline first, then the plan, whatever order the runs came in."""
    from reports import changes

    for order in (batch_runs, batch_runs[::-1]):
        blocks = changes.blocks(context(order))
        table = blocks[-1]
        assert [c.header for c in table.columns][1:3] == ["baseline", "green"]
        assert len(table.rows) == 1
        name, base, plan, line = table.rows[0]
        assert "energy_intensity_decline_rate" in name
        assert "low=0," in base and "high=0.08" in base and "low=0.04" in plan and "high=0.1" in plan
        assert line == "(no figure in the plan)"                # the fixture plan has no *_plan assumption


def test_assumption_rows_say_which_scenario_they_belong_to():
    from types import SimpleNamespace

    from reports.assumptions import scenario_of
    from reports.labels import text

    rows = [SimpleNamespace(id="plan_support_plan", variable="plan_support"),
            SimpleNamespace(id="plan_support_baseline", variable="plan_support"),
            SimpleNamespace(id="energy_intensity_decline_trend", variable="energy_intensity_decline"),
            SimpleNamespace(id="energy_intensity_decline_plan", variable="energy_intensity_decline"),
            SimpleNamespace(id="birth_rate", variable="crude_birth_rate")]
    ctx = SimpleNamespace(plan=SimpleNamespace(assumptions=rows), t=lambda key: text(key, "zh"))
    assert [scenario_of(ctx, a) for a in rows] == ["规划情景", "基准情景", "基准情景", "规划情景", "两者"]


def test_discovery_boxes_become_rules_in_the_inputs_names(batch_runs, tmp_path):
    from reports import analyses

    run = tmp_path / "run"
    shutil.copytree(batch_runs[0], run)
    goal = goals_csv(run)["goal_id"].iloc[0]
    folder = run / "analysis" / "discovery"
    folder.mkdir(parents=True)
    (folder / "discovery_limits.csv").write_text(f"goal_id,step,input,low,high\n{goal},3,water_price,5.5,9\n")
    (folder / "discovery.json").write_text(json.dumps({"goals": {goal: {
        "studied": True, "coverage": 0.8, "density": 0.9, "box": {"water_price": [5.5, 9.0]}}}}))
    ctx = context([run])
    text = " ".join(b.text for b in analyses.prim_blocks(ctx) if hasattr(b, "text"))
    assert f"“{ctx.label(next(g for g in ctx.goals() if g.id == goal))}”: when “water_price” is between 5.50 and 9.00" \
        in text
    assert "covers 80% of the failures, 90% of the samples in it fail" in text


def test_a_red_light_is_red_and_amber_stays_orange():
    from reports.attainment import LIGHT_COLOURS

    red = tuple(int(LIGHT_COLOURS["red"][i:i + 2], 16) for i in (1, 3, 5))
    amber = tuple(int(LIGHT_COLOURS["amber"][i:i + 2], 16) for i in (1, 3, 5))
    assert red[0] > 150 and red[1] < 60 and red[2] < 80            # red: no green in it (orange has plenty)
    assert amber[1] > 120


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_first_met_header_fits_its_column_on_one_line(lang):
    from matplotlib.figure import Figure

    from reports import scorecard
    from types import SimpleNamespace

    from reports.labels import text
    from reports.layout import Table, _width_em, wrap
    from reports.page import A4

    ctx = SimpleNamespace(t=lambda key, **f: text(key, lang, **f))
    column = next(c for c in scorecard.columns(ctx) if c.header == text("col_first", lang))
    fig = Figure(figsize=A4)
    width = _width_em(fig, column.width, Table(scorecard.columns(ctx), []).size)
    assert len(wrap(column.header, width)) == 1
