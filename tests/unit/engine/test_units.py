"""Tests of simulator/engine/units.py and ``run.py check --units``: dimensional consistency from unit strings."""

import pytest
from click.testing import CliRunner

import simulator
from simulator.engine.units import check_units

CONTROL = """
INITIAL TIME = 0 ~ Month ~ |
FINAL TIME = 2 ~ Month ~ |
TIME STEP = 1 ~ Month ~ |
SAVEPER = 1 ~ Month ~ |
"""

GOOD = """{UTF-8}
stock = INTEG(inflow - outflow, 10) ~ widgets ~ |
inflow = orders * price / price ~ widgets/Month ~ |
orders = 3 ~ widgets/Months ~ |
price = 2 ~ dollars/widget ~ |
outflow = stock / residence time ~ widgets/Month ~ |
residence time = 4 ~ Month ~ |
share = ZIDZ(outflow, inflow) ~ Dmnl ~ |
growth = EXP(share) * MAX(inflow, outflow) ~ widgets/Month ~ |
"""

BAD = """{UTF-8}
stock = INTEG(inflow, 10) ~ widgets ~ |
inflow = stock ~ widgets/Month ~ |
price = 2 ~ dollars ~ |
mixed = stock + price ~ widgets ~ |
choice = IF THEN ELSE(stock > 1, price, stock) ~ widgets ~ |
"""


def _model(tmp_path, body):
    path = tmp_path / "units.mdl"
    path.write_text(body + CONTROL, encoding="utf-8")
    return path


def test_consistent_model_passes_with_every_equation_compared(tmp_path):
    checked, problems = check_units(simulator.load_model(_model(tmp_path, GOOD)).ir)
    assert problems == []
    assert checked == 5          # stock (flows per Month), inflow (Months = Month), outflow, share, growth


def test_each_inconsistency_is_named(tmp_path):
    _checked, problems = check_units(simulator.load_model(_model(tmp_path, BAD)).ir)
    text = "\n".join(problems)
    assert "'inflow': its equation gives widget, expected widget / month" in text
    assert "'mixed'" in text and "'choice'" in text
    assert "'stock'" not in text      # its flow has widgets/Month: consistent


@pytest.mark.parametrize("body, code, words", [(GOOD, 0, "0 inconsistent"), (BAD, 1, "Error: ")])
def test_check_units_command(tmp_path, body, code, words):
    from run import cli

    result = CliRunner().invoke(cli, ["check", str(_model(tmp_path, body)), "--units"])
    assert result.exit_code == code, result.output
    assert words in result.output


SCALED = """{UTF-8}
people = 3 ~ 10k persons ~ |
coal per person = 2 ~ t/(person*Month) ~ |
coal = people * coal per person ~ 10k t/Month ~ |
coal wrong scale = people * coal per person ~ t/Month ~ |
residents = 5 ~ 万人 ~ |
income per resident = 4 ~ 元/(人*Month) ~ |
income = residents * income per resident ~ 万元/Month ~ |
income in 亿 = residents * income per resident ~ 亿元/Month ~ |
intensity = coal / income ~ t/元 ~ |
"""


def test_a_scale_in_a_unit_string_counts(tmp_path):
    _checked, problems = check_units(simulator.load_model(_model(tmp_path, SCALED)).ir)
    text = "\n".join(problems)
    assert "'coal':" not in text and "'income':" not in text and "'intensity':" not in text, text
    assert "'coal wrong scale': its equation gives 10000 t / month, expected t / month" in text
    assert "'income in 亿': its equation gives 10000 yuan / month, expected 1e+08 yuan / month" in text
    assert len(problems) == 2, text


@pytest.mark.parametrize("model", ["models/regional/regional.mdl", "models/capital_region/capital_region.mdl"])
def test_the_shipped_models_pass_the_units_check(model):
    checked, problems = check_units(simulator.load_model(model).ir)
    assert problems == []
    assert checked >= 70     # the money, people, water and energy equations are compared, not skipped
