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


def test_missing_analyses_name_the_command_that_makes_them(run_copy):
    from reports import analyses

    text = blocks_text(analyses.blocks(context(run_copy)))
    for command, folder in (("sensitivity", "sensitivity"), ("seek", "seek-GOAL"), ("discover", "discovery")):
        assert f"missing — run `python run.py {command} " in text
        assert f" --out {run_copy.name}/analysis/{folder}`" in text      # the folder (in /tmp) by its name only
        assert str(run_copy.resolve()) not in text


def test_the_long_rows_of_run_py_sensitivity_are_read_per_goal_and_input(run_copy):
    """``python run.py sensitivity`` writes one row per goal × output × input × index (docs/sensitivity.md)."""
    from reports import evidence, findings

    goal = goals_csv(run_copy)["goal_id"].iloc[0]
    folder = run_copy / "analysis" / "sensitivity"
    folder.mkdir(parents=True)
    rows = [(goal, output, name, index, estimate, 0.05) for output in ("value", "met")
            for name, s1, st in (("water_price", 0.1, 0.2), ("birth_rate", 0.6, 0.7))
            for index, estimate in (("S1", s1 if output == "value" else 0.0), ("ST", st if output == "value" else 0.0))]
    pd.DataFrame(rows, columns=["goal_id", "output", "input", "index", "estimate", "conf"]).to_csv(
        folder / "sensitivity.csv", index=False)
    ctx = context(run_copy)
    table, path = evidence.read_analysis(ctx.main, "sensitivity")
    assert path.name == "sensitivity.csv" and len(table) == 2
    assert table.set_index("input").loc["birth_rate", "ST"] == 0.7     # the value rows, not the met rows
    goal_obj = next(g for g in ctx.goals() if g.id == goal)
    sentence = findings.decider_sentence(ctx, ctx.main, [goal_obj])
    assert sentence.index("birth_rate (explains 70%") < sentence.index("water_price (explains 20%")


def test_a_sensitivity_file_is_shown_and_decides_the_findings(run_copy):
    from reports import analyses, findings

    goal = goals_csv(run_copy)["goal_id"].iloc[0]
    (run_copy / "analysis").mkdir()
    pd.DataFrame({"goal_id": [goal, goal], "input": ["water_price", "birth_rate"], "S1": [0.1, 0.6],
                  "ST": [0.2, 0.7]}).to_csv(run_copy / "analysis" / "sensitivity_indices.csv", index=False)
    ctx = context(run_copy)
    text = blocks_text(analyses.blocks(ctx))
    assert "read from `sensitivity_indices.csv`" in text and "total-effect ST" in text
    assert "missing — run `python run.py sensitivity" not in text
    goal_obj = next(g for g in ctx.goals() if g.id == goal)
    sentence = findings.decider_sentence(ctx, ctx.main, [goal_obj])
    assert "sensitivity file `sensitivity_indices.csv`" in sentence
    assert sentence.index("birth_rate (explains 70%") < sentence.index("water_price (explains 20%")


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
