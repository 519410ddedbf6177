"""CLI `calibrate` (run.py): fitted values and MAPE printed; bad --free names give one exact error line."""

from pathlib import Path

from click.testing import CliRunner

from run import cli

REPO = Path(__file__).resolve().parents[2]
JIZHOU = REPO / "scenarios" / "jizhou" / "baseline.yaml"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_calibrate_fits_on_the_window_and_says_how_many_figures_per_constant():
    # the fit window of models/jizhou/plan.yaml up to 2019 holds 4 figures: GDP 2010 (plan line 9),
    # good-air days 2016 (line 10: 241 - 135), published real growth 2017 and 2018
    result = invoke("calibrate", JIZHOU, "--free", "tfp_growth[secondary], pollution_control_rate", "--fit-until", "2019")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "4 figures, 2 free constants: 2 degrees of freedom"
    assert lines[1] == "fitted constants (start -> fitted):"
    assert lines[2].startswith("  tfp_growth[secondary]: ")
    assert "MAPE per history series:" in lines
    good_air = next(line for line in lines if line.startswith("  good_air_days_2016 "))
    observed, simulated = (float(x) for x in good_air.split(": ")[1].split(" / "))
    assert observed == 106 and abs(simulated - 106) < 0.5   # one figure, one control rate: met exactly
    assert not any("2020" in line for line in lines)        # later figures stay out of the fit
    assert lines[-1].startswith("converged: ")


def test_calibrate_labels_an_exactly_identified_fit():
    result = invoke("calibrate", JIZHOU, "--free", "pollution_control_rate", "--fit-until", "2016")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "2 figures, 1 free constants: 1 degrees of freedom"
    result = invoke("calibrate", JIZHOU, "--free", "pollution_control_rate,tfp_growth[secondary]", "--fit-until", "2016")
    assert result.output.splitlines()[0] == "2 figures, 2 free constants: exactly identified — not a test"


def test_calibrate_refuses_a_constant_without_an_assumed_range():
    result = invoke("calibrate", JIZHOU, "--free", "growth_averaging_time")
    assert result.exit_code == 1
    plan = REPO / "models" / "jizhou" / "plan.yaml"
    assert result.output == (
        f"Error: {plan}: no assumption for 'growth_averaging_time', so the fit has no range for it; "
        "add it under assumptions: with value, range, unit and reason\n"
    )


def test_calibrate_help_shows_an_example():
    result = invoke("calibrate", "--help")
    assert result.exit_code == 0
    assert ('python run.py calibrate scenarios/jizhou/baseline.yaml '
            '--free "tfp_growth[secondary]" --fit-until 2019') in result.output


def test_a_zero_iteration_budget_is_one_line():
    """Issue 26: ``--max-evals 0`` ended in scipy's traceback (max_nfev must be None or positive integer)."""
    result = invoke("calibrate", JIZHOU, "--free", "pollution_control_rate", "--max-evals", "0")
    assert result.exit_code == 1
    assert result.output == "Error: --max-evals must be a whole number >= 1 (the fit's iteration budget), got 0\n"
