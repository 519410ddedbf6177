"""CLI `batch` and `show` (run.py): exact one-line errors, the printed summary, and --resume after a SIGKILL."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from run import cli
from simulator.runs import stops
from simulator.runs.batch import run_batch

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
COOLING = FIXTURES / "batch" / "scenarios" / "teacup_town" / "cooling.yaml"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli") / "run"
    result = invoke("batch", COOLING, "--out", folder, "--chunk-size", 20, "--quiet")
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {folder}\n"
    return folder


def test_batch_writes_a_complete_run(run_dir):
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["complete"] is True and manifest["n"] == 50 and manifest["chunk_size"] == 20


def test_progress_line_reports_rate_and_eta(tmp_path):
    result = invoke("batch", COOLING, "--out", tmp_path / "r", "--chunk-size", 25)
    assert result.exit_code == 0
    assert "cooling [" in result.output and "50/50 scenarios" in result.output and "ETA" in result.output


def test_show_prints_the_summary(run_dir):
    result = invoke("show", run_dir)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"run:      {run_dir}"
    assert lines[1] == "scenario: cooling   region: teacup_town"
    assert lines[2] == "n:        50   seed: 7   sampling: lhs   method: euler"
    assert lines[3] == "status:   50 ok, 0 failed"
    header = lines[6]
    assert header.split() == ["goal", "label", "year", "test", "target", "P(met)", "median", "5%", "95%", "first", "met"]
    # P(met) of each goal, recomputed from goals.csv here
    goals = pd.read_csv(run_dir / "goals.csv")
    expected = goals.groupby("goal_id", sort=False)["met"].mean()
    rows = {line.split()[0]: line for line in lines[7:]}
    assert list(rows) == ["cool_by_20", "warm_at_5", "drinkable_at_10", "loss_falling", "loss_reaches_11"]
    for goal_id, share in expected.items():
        assert f"{100 * share:.1f}%" in rows[goal_id].split()
    assert "二十分钟降到百度以下" in rows["cool_by_20"]
    # the P(met) column is right-aligned: every "%" ends in the same display column
    from simulator.runs.show import display_width
    ends = {display_width(line[: line.index("%") + 1]) for line in lines[7:]}
    assert len(ends) == 1


def test_show_and_report_print_the_same_attainment(run_dir):
    """``run.py show`` and the report take P(met) and first year met from one function (issue 8)."""
    from reports.attainment import goal_summary
    from reports.data import load_run
    from simulator.runs.show import summarize_run

    shown = summarize_run(run_dir).goals.set_index("goal_id")
    report = goal_summary(load_run(run_dir).goals).set_index("goal_id")
    assert list(shown.index) == list(report.index)
    for column in ("p_met", "median", "q05", "q95", "first_met"):
        assert np.allclose(shown[column].to_numpy(float), report[column].to_numpy(float), equal_nan=True), column
    lines = {line.split()[0]: line.split() for line in invoke("show", run_dir).output.splitlines()[7:]}
    for goal_id, row in report.iterrows():
        assert f"{100 * row['p_met']:.1f}%" in lines[goal_id]
        first = "never" if np.isinf(row["first_met"]) else f"{row['first_met']:.4g}"
        assert lines[goal_id][-1] == first


def test_show_median_matches_goals_csv(run_dir):
    goals = pd.read_csv(run_dir / "goals.csv")
    values = goals[goals.goal_id == "cool_by_20"]["value"].to_numpy()
    line = next(row for row in invoke("show", run_dir).output.splitlines() if row.startswith("cool_by_20"))
    assert f"{np.median(values):.4g}" in line.split()


@pytest.mark.parametrize("args, message", [
    (["--chunk-size", "0"], "Error: --chunk-size must be a whole number >= 1, got 0\n"),
    (["--workers", "0"], "Error: --workers must be a whole number >= 1, got 0\n"),
    (["--scheduler", "8786"], "Error: --scheduler '8786': give tcp://HOST:PORT (a running `dask scheduler`) "
                              "or local:N (N >= 1 local worker processes)\n"),
])
def test_bad_options_give_one_line(tmp_path, args, message):
    result = invoke("batch", COOLING, "--out", tmp_path / "run", *args)
    assert result.exit_code == 1 and result.output == message
    assert not (tmp_path / "run").exists()


def test_missing_scenario_file_gives_one_line(tmp_path):
    result = invoke("batch", tmp_path / "nope.yaml", "--out", tmp_path / "run")
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1 and "nope.yaml" in result.output
    assert not (tmp_path / "run").exists()


def test_no_scenario_gives_one_line():
    result = invoke("batch")
    assert result.exit_code == 1
    assert result.output == ("Error: give at least one scenario file, "
                             "e.g. python run.py batch scenarios/jizhou/baseline.yaml\n")


def test_show_missing_folder(tmp_path):
    result = invoke("show", tmp_path / "nothing")
    assert result.exit_code == 1
    assert result.output == f"Error: {tmp_path / 'nothing'}: no such run folder; give a folder made by 'python run.py batch'\n"


def test_show_folder_without_manifest(tmp_path):
    result = invoke("show", tmp_path)
    assert result.output == f"Error: {tmp_path}: no manifest.json, so this is not a plansim run folder\n"


def test_resume_with_scenario_files_is_refused(run_dir):
    result = invoke("batch", COOLING, "--resume", run_dir)
    assert result.output == ("Error: --resume takes the run folder only; "
                             "the scenario, -n and --seed come from its manifest\n")


def stopped_at(step: str, tmp_path: Path, args: list, stderr=subprocess.DEVNULL) -> subprocess.Popen:
    """A ``run.py batch`` subprocess that waits once it reaches ``step`` (simulator/runs/stops.py): the
    test signals it on that event, however fast or slow the machine is.

    SIGINT is reset to its default in the child: a suite started in the background by a shell
    inherits SIGINT ignored, and Python then never raises KeyboardInterrupt.
    """
    flag = tmp_path / f"reached-{step}"
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "run.py"), "batch", *map(str, args)], cwd=ROOT,
        env=dict(os.environ, **{stops.ENV: f"{step}:wait:{flag}"}), stdout=subprocess.DEVNULL, stderr=stderr, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    while not flag.exists() and process.poll() is None:
        time.sleep(0.005)
    assert process.poll() is None, "the batch ended before it reached " + step
    return process


def test_resume_after_sigkill_equals_uninterrupted_run(tmp_path):
    """Run the CLI in a subprocess, SIGKILL it once the first chunk is recorded, then --resume."""
    folder = tmp_path / "killed"
    process = stopped_at("chunk-recorded-1", tmp_path,
                         [COOLING, "-n", "3000", "--chunk-size", "100", "--out", folder, "--quiet"])
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    assert (folder / "PARTIAL").exists()
    assert not (folder / "goals.csv").exists() and not (folder / "results.zarr").exists()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["complete"] is False
    assert manifest["command"] == (f"python run.py batch {COOLING} -n 3000 --chunk-size 100 --out {folder} --quiet")
    partial = invoke("show", folder)
    assert partial.output == (f"Error: {folder}: batch is incomplete (PARTIAL); finish it with: "
                              f"python run.py batch --resume {folder}\n")

    resumed = invoke("batch", "--resume", folder, "--quiet")
    assert resumed.exit_code == 0, resumed.output
    assert not (folder / "PARTIAL").exists() and not (folder / "_chunks").exists()

    whole = run_batch([COOLING], n=3000, out=tmp_path / "whole", chunk_size=1000)[0]
    assert (folder / "goals.csv").read_bytes() == (whole / "goals.csv").read_bytes()
    assert (folder / "inputs.csv").read_bytes() == (whole / "inputs.csv").read_bytes()


def test_ctrl_c_with_workers_is_one_line_and_resumable(tmp_path):
    """SIGINT to a 2-worker batch: one Error line naming the resume command; --resume finishes it."""
    folder = tmp_path / "interrupted"
    process = stopped_at("chunk-recorded-2", tmp_path,
                         [COOLING, "-n", "4000", "--chunk-size", "100", "--workers", "2", "--out", folder, "--quiet"],
                         stderr=subprocess.PIPE)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate()
    assert process.returncode == 1
    done = json.loads((folder / "manifest.json").read_text())["chunks_done"]
    assert stderr == (f"Error: {folder}: batch interrupted after {100 * len(done):,} of 4,000 scenarios; "
                      f"finish it with: python run.py batch --resume {folder}\n")
    assert (folder / "PARTIAL").exists()

    assert invoke("batch", "--resume", folder, "--quiet").exit_code == 0
    whole = run_batch([COOLING], n=4000, out=tmp_path / "whole", chunk_size=4000)[0]
    assert (folder / "goals.csv").read_bytes() == (whole / "goals.csv").read_bytes()
