"""Analysis pages and findings read issue 11's result files when present and say "missing — run …" when not."""

import shutil

import pandas as pd
import pytest

from report_testdata import goals_csv


@pytest.fixture
def run_copy(batch_runs, tmp_path):
    target = tmp_path / "run"
    shutil.copytree(batch_runs[0], target)
    return target


def blocks_text(blocks) -> str:
    from reports.layout import Heading, Paragraph, Table

    parts = []
    for block in blocks:
        if isinstance(block, (Heading, Paragraph)):
            parts.append(block.text)
        elif isinstance(block, Table):
            parts += [c.header for c in block.columns]
            parts += [getattr(cell, "text", cell) for row in block.rows for cell in row]
    return "\n".join(parts)


def context(path, lang="en"):
    from reports.context import ReportContext
    from reports.data import load_run

    return ReportContext([load_run(path)], lang)


def test_without_analysis_files_no_page_says_missing_and_every_goal_still_gets_a_chart(run_copy):
    """Issue 21.4: an analysis that was not run is left out, never "missing — run …"; the sensitivity charts fall
    back on the run's own samples, one chart per goal, three to a page, none cut."""
    from reports import analyses

    ctx = context(run_copy)
    text = blocks_text(analyses.blocks(ctx))
    assert "missing" not in text and "python run.py" not in text
    pages = analyses.sensitivity_pages(ctx)
    goals = [g for g in ctx.goals() if g.id in ctx.summary(ctx.main).index]
    assert len(pages) == -(-len(goals) // analyses.PER_PAGE)
    drawn = [t.get_text() for page in pages for t in page.figure.texts]
    assert all(ctx.label(g) in drawn for g in goals)


def _long_rows(run_copy, goal, conf=0.05):
    folder = run_copy / "analysis" / "sensitivity"
    folder.mkdir(parents=True)
    rows = [(goal, output, name, index, estimate, conf) for output in ("value", "met")
            for name, s1, st in (("water_price", 0.1, 0.2), ("birth_rate", 0.6, 0.7))
            for index, estimate in (("S1", s1 if output == "value" else 0.0), ("ST", st if output == "value" else 0.0))]
    pd.DataFrame(rows, columns=["goal_id", "output", "input", "index", "estimate", "conf"]).to_csv(
        folder / "sensitivity.csv", index=False)


def test_the_long_rows_of_run_py_sensitivity_are_read_per_goal_and_input(run_copy):
    """``python run.py sensitivity`` writes one row per goal × output × input × index (docs/sensitivity.md)."""
    from reports import analyses, evidence, verdicts

    goal = goals_csv(run_copy)["goal_id"].iloc[0]
    _long_rows(run_copy, goal)
    ctx = context(run_copy)
    table, path = evidence.read_analysis(ctx.main, "sensitivity")
    assert path.name == "sensitivity.csv" and len(table) == 2
    assert table.set_index("input").loc["birth_rate", "ST"] == 0.7     # the value rows, not the met rows
    goal_obj = next(g for g in ctx.goals() if g.id == goal)
    assert verdicts.indices(ctx, ctx.main, goal_obj) == {"birth_rate": 0.6, "water_price": 0.1}   # S1 drives verdicts
    rows = analyses.goal_indices(ctx, ctx.main, goal_obj, table)
    assert [r[0] for r in rows] == ["birth_rate", "water_price"] and rows[0][1:] == (0.6, 0.05)
    assert analyses.unreliable(rows) == []


def test_too_few_samples_are_said_in_words_with_the_n_that_would_do(run_copy):
    """An index whose 95 % range is wider than itself: the chart says so, with a power-of-2 -n (CI ∝ 1/√N)."""
    from reports import analyses

    goal = goals_csv(run_copy)["goal_id"].iloc[0]
    _long_rows(run_copy, goal, conf=0.3)          # water_price 0.1 ± 0.3: wider than the index
    (run_copy / "analysis" / "sensitivity" / "sensitivity.json").write_text('{"n": 256, "runs": 1024}')
    ctx = context(run_copy)
    table, meta = analyses.sensitivity_source(ctx, ctx.main)
    goal_obj = next(g for g in ctx.goals() if g.id == goal)
    bad = analyses.unreliable(analyses.goal_indices(ctx, ctx.main, goal_obj, table))
    assert [b[0] for b in bad] == ["water_price"]
    assert analyses.needed_n(meta, bad) == 4096           # (0.3 / 0.1)² = 9 → 256 · 9 → next power of 2
    drawn = [t.get_text() for page in analyses.sensitivity_pages(ctx) for t in page.figure.texts]
    assert any("Too few samples" in t and "-n 4,096" in t for t in drawn)
    assert analyses.unreliable([("x", -0.02, 0.05), ("y", 0.5, 0.1)]) == []      # noise around 0 is not a warning
    assert analyses.unreliable([("x", -0.2, 0.05)]) == [("x", -0.2, 0.05)]


def test_seek_results_become_one_sentence_per_goal_in_the_levers_units(run_copy):
    import json

    from reports import analyses

    ctx = context(run_copy, "zh")
    goal = ctx.goals()[0]
    folder = run_copy / "analysis" / f"seek-{goal.id}"
    folder.mkdir(parents=True)
    (folder / "seek.json").write_text(json.dumps({
        "kind": "seek", "goal_id": goal.id, "lever": "water_price", "mode": "value", "prob": 0.8, "range": [0, 10],
        "scenario_magnitude": 2.0, "answer": 4.5, "reached": True, "p_max": 0.95}), encoding="utf-8")
    text = blocks_text(analyses.blocks(ctx))
    assert f"要使“{ctx.label(goal)}”的达成概率达到 80%，需将" in text and "提高到 4.50（规划为 2.00）" in text


def test_commands_in_the_report_show_no_machine_path(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from reports import evidence

    run_dir = tmp_path / "out" / "metro-plan_uncertain-20261130"
    run_dir.mkdir(parents=True)
    scenario = evidence.PROJECT / "scenarios" / "shijiazhuang_metro" / "plan_uncertain.yaml"
    run = SimpleNamespace(path=run_dir, manifest={"scenario_path": str(scenario)})
    monkeypatch.chdir(tmp_path)               # run folder inside the working folder: relative to it
    assert evidence.command(run, "sensitivity") == (
        "python run.py sensitivity scenarios/shijiazhuang_metro/plan_uncertain.yaml "
        "--out out/metro-plan_uncertain-20261130/analysis/sensitivity")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")   # outside the working folder: the run folder's name only
    assert evidence.command(run, "seek").endswith("--out metro-plan_uncertain-20261130/analysis/seek-GOAL")
    assert str(tmp_path) not in evidence.command(run, "prim")
    assert evidence.shown_path("out/x") == "out/x"


def test_the_metro_validation_says_plainly_that_nothing_is_out_of_sample_and_why():
    """The metro area has no published figure of its own after its start year 2024 (it was defined in 2025);
    its province figures only set constants. Nothing can be held out, and the page must say so."""
    from pathlib import Path
    from types import SimpleNamespace

    import yaml

    from reports import evidence
    from reports.labels import text
    from simulator.plans.plan import load_plan
    from simulator.runs.validation import validate_scenario

    root = Path(__file__).resolve().parents[2]
    data = yaml.safe_load((root / "models/shijiazhuang_metro/plan.yaml").read_text(encoding="utf-8"))
    report = validate_scenario(root / "scenarios/shijiazhuang_metro/baseline.yaml")
    assert report.fit_until == data["calibration"]["fit_until"] == 2024
    assert max(h["year"] for h in data["history"]) == 2024          # nothing later to hold out
    assert all(s.out_of_sample is None for s in report.series)
    others = sum(1 for p in data["published"] if p.get("variable") is None)
    for lang in ("zh", "en"):
        ctx = SimpleNamespace(plan=load_plan(root / "models/shijiazhuang_metro/plan.yaml"),
                              t=lambda key, lang=lang, **f: text(key, lang, **f))
        sentences = evidence.no_out_of_sample(ctx, report)
        assert sentences[0] == text("f_no_oos_why", lang, until=2024, last=2024)
        assert sentences[1] == text("f_no_oos_others", lang, k=others) and others == 10


def test_a_seek_in_the_levers_units_reads_its_own_fields(run_copy):
    """seek.json as issue 21.6 writes it (needed_value, plan_value, found, lever_unit): the sentence uses them."""
    import json

    from reports import findings

    ctx = context(run_copy, "zh")
    goal = ctx.goals()[0]
    folder = run_copy / "analysis" / f"seek-{goal.id}"
    folder.mkdir(parents=True)
    result = {"kind": "seek", "goal_id": goal.id, "lever": "water_price", "lever_unit": "1/Year", "prob": 0.8,
              "range": [0.0, 0.1], "plan_value": 0.03, "needed_value": 0.045, "found": True, "p_max": 0.9}
    (folder / "seek.json").write_text(json.dumps(result), encoding="utf-8")
    sentence = findings.seek_sentence(ctx, ctx.main, goal)
    assert sentence.endswith("需将“water_price”提高到 4.5%/年（规划为 3.0%/年）。")
    result.update(found=False, needed_value=None, p_max=0.35)
    (folder / "seek.json").write_text(json.dumps(result), encoding="utf-8")
    assert findings.seek_sentence(ctx, ctx.main, goal) == (
        f"即使将“water_price”提高到 10.0%/年（规划为 3.0%/年），“{ctx.label(goal)}”的达成概率也只有 35%："
        "单靠这项措施达不到目标。")
