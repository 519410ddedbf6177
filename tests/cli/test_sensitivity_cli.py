"""CLI `sensitivity` (run.py): the printed summary, the files written, one-line errors with nothing written."""

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


def test_bad_n_is_one_error_line_and_nothing_is_written(tmp_path):
    out = tmp_path / "s"
    result = invoke("sensitivity", ISHIGAMI, "-n", 100, "--out", out)
    assert result.exit_code == 1
    assert result.output == "Error: -n 100: Sobol' needs a power of 2 base samples; use 64 or 128\n"
    assert not out.exists()


def test_a_scenario_without_uncertain_inputs_is_refused(tmp_path):
    plain = tmp_path / "plain.yaml"
    plain.write_text(f"name: plain\nmodel: {ROOT / 'tests' / 'fixtures' / 'models' / 'teacup' / 'teacup.mdl'}\n")
    result = invoke("sensitivity", plain, "--out", tmp_path / "s")
    assert result.exit_code == 1
    assert result.output == (f"Error: {plain}: the scenario has no uncertain: inputs to vary; "
                             f"use its *_uncertain.yaml sibling\n")
    assert not (tmp_path / "s").exists()
