"""CLI `sensitivity` (run.py): the printed summary, the files written, one-line errors with nothing written."""

import re
import shutil
from pathlib import Path

from click.testing import CliRunner

from run import cli

ROOT = Path(__file__).resolve().parents[2]
ISHIGAMI = ROOT / "tests" / "fixtures" / "sensitivity" / "scenarios" / "ishigami" / "uncertain.yaml"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_sensitivity_prints_the_top_inputs_and_writes_the_folder(tmp_path):
    out = tmp_path / "s"
    result = invoke("sensitivity", ISHIGAMI, "-n", 256, "--seed", 1, "--goals", "y_high", "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("sobol sensitivity of uncertain: N = 256, 1,280 runs (")
    assert lines[1].startswith("y_high: P(met) ")
    assert lines[2].startswith("  value ST: x1 ") and lines[3].startswith("  met   ST: ")
    assert lines[-1] == f"wrote {out}"
    assert sorted(p.name for p in out.iterdir()) == ["sensitivity.csv", "sensitivity.json"]


def test_too_few_samples_is_said_in_words_with_the_n_that_would_do(tmp_path):
    """Issue 21: with N = 8 the Ishigami indices are noise; the output says so and names a larger -n."""
    out = tmp_path / "s"
    result = invoke("sensitivity", ISHIGAMI, "-n", 8, "--seed", 1, "--goals", "y_high", "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    line = result.output.splitlines()[-2]
    match = re.fullmatch(r"too few samples: with N = 8, \d+ indices lie outside \[0, 1\] or have a 95 % interval wider "
                         r"than the index itself \(e\.g\. y_high .*\), so they rank nothing; rerun with -n ([\d,]+) or "
                         r"more \(intervals shrink as 1/√n\)", line)
    assert match, line
    needed = int(match.group(1).replace(",", ""))
    assert needed > 8 and needed & (needed - 1) == 0      # a power of 2, as Sobol' needs


def test_enough_samples_say_nothing_about_sample_size(tmp_path):
    out = tmp_path / "s"
    result = invoke("sensitivity", ISHIGAMI, "-n", 4096, "--seed", 1, "--goals", "y_high", "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    assert "too few samples" not in result.output


def test_bad_n_is_one_error_line_and_nothing_is_written(tmp_path):
    out = tmp_path / "s"
    result = invoke("sensitivity", ISHIGAMI, "-n", 100, "--out", out)
    assert result.exit_code == 1
    assert result.output == "Error: -n 100: Sobol' needs a power of 2 base samples; use 64 or 128\n"
    assert not out.exists()


def test_a_scenario_without_uncertain_inputs_is_refused(tmp_path):
    (tmp_path / "models").mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "models" / "teacup" / "teacup.mdl", tmp_path / "models" / "teacup.mdl")
    plain = tmp_path / "plain.yaml"
    plain.write_text("name: plain\nmodel: models/teacup.mdl\n")
    result = invoke("sensitivity", plain, "--out", tmp_path / "s")
    assert result.exit_code == 1
    assert result.output == (f"Error: {plain}: the scenario has no uncertain: inputs to vary; "
                             f"use its *_uncertain.yaml sibling\n")
    assert not (tmp_path / "s").exists()


def test_seek_prints_the_curve_and_the_answer(tmp_path):
    out = tmp_path / "k"
    result = invoke("seek", ISHIGAMI, "--goal", "y_high", "--prob", 0.8, "--range", "0,6", "-n", 500, "--out", out)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "P(y_high met) against shift, 500 sampled scenarios each:"
    assert lines[-2].startswith("needed for P(met) >= 80%: shift = ")
    assert lines[-1] == f"wrote {out}"


def test_seek_says_not_found_in_words_and_keeps_the_curve(tmp_path):
    """Not reaching the probability in the range is an answer (exit 0), said in words with the highest P(met)."""
    out = tmp_path / "k"
    result = invoke("seek", ISHIGAMI, "--goal", "y_very_high", "--lever", "shift", "--range", "0,1", "-n", 200,
                    "--out", out)
    assert result.exit_code == 0, result.output
    line = result.output.splitlines()[-2]
    assert re.fullmatch(r"not found: no shift in \[0, 1\] gives P\(met\) >= 80% \(highest \d+\.\d%; the scenario assumes "
                        r".*\); widen --range or lower --prob", line), line
    assert (out / "seek.csv").exists()          # the curve is kept: it shows how far the goal is


def test_seek_refuses_a_0_1_switch(tmp_path):
    result = invoke("seek", ROOT / "scenarios" / "jizhou" / "plan_uncertain.yaml", "--goal", "big_health_100_2025", "--lever",
                    "plan_support", "-n", 2, "--out", tmp_path / "k")
    assert result.exit_code == 1
    assert result.output.startswith("Error: --lever 'plan_support' is a 0/1 switch (on or off), not an amount to search")
    assert not (tmp_path / "k").exists()


def test_seek_bad_range_is_one_error_line(tmp_path):
    result = invoke("seek", ISHIGAMI, "--goal", "y_high", "--range", "0-6", "--out", tmp_path / "k")
    assert result.exit_code == 1
    assert result.output == "Error: --range '0-6': write LOW,HIGH, e.g. --range 0,3\n"


def test_discover_prints_a_box_in_words(tmp_path):
    out = tmp_path / "d"
    result = invoke("discover", ISHIGAMI, "-n", 500, "--goals", "y_high", "--out", out)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "scenario discovery (PRIM) on uncertain: 500 sampled scenarios"
    assert lines[1].startswith("y_high: P(met) ") and " fails " in lines[1] and "coverage " in lines[1]
    assert lines[-1] == f"wrote {out}"
