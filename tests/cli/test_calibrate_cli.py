"""CLI `calibrate` (run.py): fitted values and MAPE printed; bad --free names give one exact error line."""

from pathlib import Path

from click.testing import CliRunner

from run import cli

REPO = Path(__file__).resolve().parents[2]
JIZHOU = REPO / "scenarios" / "jizhou" / "baseline.yaml"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_calibrate_prints_fitted_values_and_mape_per_series():
    result = invoke("calibrate", JIZHOU, "--free", "tfp_growth[secondary], pollution_control_rate,air_campaign_extra_control")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "fitted constants (start -> fitted):"
    assert lines[1].startswith("  tfp_growth[secondary]: 0.05382 -> 0.0538")
    assert "MAPE per history series:" in lines
    mape = lines[lines.index("MAPE per history series:") + 1: lines.index("MAPE per history series:") + 3]
    assert mape == ["  gdp: 0.00 %", "  good_air_days: 0.00 %"]
    assert "  good_air_days_2016 (good_air_days 2016): 106 / 106" in lines
    assert lines[-1].startswith("converged: ")


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
            '--free "tfp_growth[secondary],pollution_control_rate"') in result.output
