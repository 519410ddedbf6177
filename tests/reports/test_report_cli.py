"""`python run.py report` on a real batch run folder: exact output lines."""

from click.testing import CliRunner

from run import cli


def test_report_command_writes_pdf_and_says_where(batch_runs, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["report", str(batch_runs[0]), "--lang", "en", "--format", "pdf", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {out / 'report_en.pdf'}\n"
    assert (out / "report_en.pdf").stat().st_size > 50_000


def test_batch_help_names_the_chunk_default_of_the_code_and_the_analysis_folders():
    from simulator.runs.batch import DEFAULT_CHUNK_SIZE

    text = " ".join(CliRunner().invoke(cli, ["batch", "--help"]).output.split())
    assert f"Scenarios per chunk; memory grows with it (default {DEFAULT_CHUNK_SIZE:,})." in text
    assert "--analyses / --no-analyses" in text
    assert "analysis/<kind>" in text
    assert "RUN/analysis/<kind>" in " ".join(CliRunner().invoke(cli, ["report", "--help"]).output.split())


def test_batch_report_writes_the_sensitivity_and_a_seek_per_unlikely_goal_with_a_lever(tmp_path, monkeypatch):
    """Issue 21.4: the main job's report is complete without further commands; the plan run (green) gets them.
    (The fixture's goals are all met in more than half the samples: "unlikely" is raised to 70 % here.)"""
    import json

    import pandas as pd
    import yaml

    from report_testdata import PLAN, SCENARIOS
    from simulator.runs import analyses

    monkeypatch.setattr(analyses, "UNLIKELY", 0.7)
    out = tmp_path / "runs"
    result = CliRunner().invoke(cli, ["batch", str(SCENARIOS / "baseline.yaml"), str(SCENARIOS / "green.yaml"), "--quiet",
                                      "--out", str(out), "--report", "xlsx"])
    assert result.exit_code == 0, result.output
    plan_run = out / "green"
    sensitivity = pd.read_csv(plan_run / "analysis" / "sensitivity" / "sensitivity.csv")
    goals = pd.read_csv(plan_run / "goals.csv")
    assert set(sensitivity["goal_id"]) <= set(goals["goal_id"])
    assert set(json.loads((plan_run / "analysis" / "sensitivity" / "sensitivity.json").read_text())["goals"]) == \
        set(goals["goal_id"])                                            # every goal analysed
    p_met = goals.groupby("goal_id")["met"].mean()
    levers = {g["id"] for g in yaml.safe_load(PLAN.read_text(encoding="utf-8"))["goals"] if g.get("levers")}
    expected = {g for g, p in p_met.items() if p < 0.7 and g in levers}
    assert expected, "the fixture should have an unlikely goal with a lever"
    assert {p.name for p in (plan_run / "analysis").glob("seek-*")} == {f"seek-{g}" for g in expected}
    assert not (out / "baseline" / "analysis").exists()
    assert (plan_run / "report_zh.xlsx").is_file()
    assert result.output.count("wrote ") == 2 + 1 + len(expected) + 1      # runs, sensitivity, seeks, workbook
