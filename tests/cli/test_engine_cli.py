"""CLI tests for the engine commands of run.py (simulate, check): exact one-line errors and exit codes."""

import textwrap

import pytest
from click.testing import CliRunner

from run import cli

CONTROL = """
INITIAL TIME = 0 ~ ~ |
FINAL TIME = 2 ~ ~ |
TIME STEP = 1 ~ ~ |
SAVEPER = 1 ~ ~ |
"""


def _mdl(tmp_path, body, name="model.mdl"):
    path = tmp_path / name
    path.write_text("{UTF-8}\n" + textwrap.dedent(body).strip() + "\n" + CONTROL, encoding="utf-8")
    return path


def _invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_simulate_writes_a_vensim_style_table_to_stdout(tmp_path):
    path = _mdl(tmp_path, "rate = 2 ~ ~ |\nlevel = INTEG(rate, 1) ~ ~ |\ndouble = level * 2 ~ ~ |")
    result = _invoke("simulate", path, "--set", "rate=3")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Time,rate,level,double,INITIAL TIME,FINAL TIME,TIME STEP,SAVEPER",
        "0.0,3.0,1.0,2.0,0.0,2.0,1.0,1.0", "1.0,3.0,4.0,8.0,0.0,2.0,1.0,1.0", "2.0,3.0,7.0,14.0,0.0,2.0,1.0,1.0"]


def test_simulate_columns_take_vensim_names_in_any_spelling_and_control_variables(tmp_path):
    path = _mdl(tmp_path, "Growth Rate = 2 ~ ~ |\nlevel = INTEG(Growth Rate, 1) ~ ~ |")
    result = _invoke("simulate", path, "--columns", "growth_rate,FINAL TIME,time_step,Level")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == ["Time,Growth Rate,FINAL TIME,TIME STEP,level", "0.0,2.0,2.0,1.0,1.0"]


def test_simulate_writes_a_file_with_selected_subscripted_columns(tmp_path):
    body = "Region: north, south ~ ~ |\nlevel[Region] = INTEG(1, 0) ~ ~ |\nother = 1 ~ ~ |"
    out = tmp_path / "out.csv"
    result = _invoke("simulate", _mdl(tmp_path, body), "-o", out, "--columns", "level", "--method", "rk4")
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {out}: 3 rows, 2 variables\n"
    assert out.read_text().splitlines()[:2] == ["Time,level[north],level[south]", "0.0,0.0,0.0"]
    assert not list(tmp_path.glob("*.part"))


def test_unsupported_function_is_one_line_naming_file_and_element(tmp_path):
    path = _mdl(tmp_path, "noise = TIME BASE(0, 1) ~ ~ |\nlevel = INTEG(noise, 0) ~ ~ |")
    result = _invoke("check", path)
    assert result.exit_code == 1
    assert result.output == (f"Error: {path}: unsupported: 'noise': function TIME_BASE; "
                             f"remove or replace these\n")


def test_algebraic_loop_is_one_line_naming_the_variables(tmp_path):
    path = _mdl(tmp_path, "a = b + 1 ~ ~ |\nb = a * 2 ~ ~ |")
    result = _invoke("simulate", path)
    assert result.exit_code == 1
    assert result.output == (f"Error: {path}: algebraic loop (each time step): a → b → a; "
                             f"break it with a stock, INITIAL or ACTIVE INITIAL\n")


def test_missing_file(tmp_path):
    result = _invoke("simulate", tmp_path / "absent.mdl")
    assert result.exit_code == 1
    assert result.output == f"Error: {tmp_path / 'absent.mdl'}: model file not found; check the path\n"


def test_malformed_equation_names_file_line_and_element(tmp_path):
    path = _mdl(tmp_path, "fine = 1 ~ ~ |\nbroken = (3 + ~ ~ |")
    result = _invoke("check", path)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {path}:3: cannot parse the equation of 'broken': ")
    assert result.output.count("\n") == 1


def test_bad_set_and_unknown_variable(tmp_path):
    path = _mdl(tmp_path, "rate = 2 ~ ~ |\nlevel = INTEG(rate, 1) ~ ~ |")
    bad = _invoke("simulate", path, "--set", "rate")
    assert bad.exit_code == 1
    assert bad.output == "Error: --set 'rate': write NAME=VALUE, e.g. --set \"Room Temperature=65\"\n"
    unknown = _invoke("simulate", path, "--set", "rat=1")
    assert unknown.exit_code == 1
    assert unknown.output == f"Error: {path}: no variable named 'rat'; did you mean 'rate'?\n"


def test_check_lists_the_model_contents(tmp_path):
    body = """
    Region: north, south ~ ~ |
    rate = 2 ~ 1/Month ~ |
    level[Region] = INTEG(inflow[Region], 1) ~ people ~ |
    inflow[Region] = rate * level[Region] ~ ~ |
    report = SUM(level[Region!]) ~ ~ |
    curve((0, 0), (1, 1)) ~ ~ |
    """
    path = _mdl(tmp_path, body)
    result = _invoke("check", path)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"Model: {path}",
        "Time: 0 to 2, time step 1, saved every 1",
        "Stocks (1):",
        "  level[Region]  \"level\"  (people)",
        "Flows (1):",
        "  inflow[Region]  \"inflow\"",
        "Auxiliaries (1):",
        "  report  \"report\"",
        "Constants (1):",
        "  rate  \"rate\"  (1/Month)",
        "Lookups (1):",
        "  curve  \"curve\"",
        "Dimensions (1):",
        "  Region: north, south",
        "Unsupported: none",
    ]


@pytest.mark.parametrize("command", ["simulate", "check"])
def test_help_has_an_example(command):
    result = _invoke(command, "--help")
    assert result.exit_code == 0
    assert "Example: python run.py " + command in " ".join(result.output.split())


def test_check_lists_the_supported_functions():
    from simulator.engine.functions import supported_functions
    result = _invoke("check", "--functions")
    assert result.exit_code == 0
    assert result.output == "Supported functions: " + ", ".join(supported_functions()) + "\n"
    assert "SMOOTH3I" in result.output and "IF THEN ELSE" in result.output
