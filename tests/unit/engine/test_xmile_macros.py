"""Unit tests for simulator/engine/xmile_macros.py: XMILE <macro> calls expanded inline before ingest.

Expected values are worked out by hand from the macro definitions (log base 10 of 1000 is 3, …).
"""

import numpy as np
import pytest

import simulator
from simulator.engine.table import simulate_table
from simulator.errors import ModelParseError

HEAD = """<?xml version="1.0" encoding="utf-8"?>
<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">
<header><name>macros</name></header>
<sim_specs><start>0</start><stop>3</stop><dt>1</dt></sim_specs>
"""
MACROS = """
<macro name="LOGB"><parm>x</parm><parm default="10">base</parm><eqn>LN(x) / LN(base)</eqn></macro>
<macro name="SQ"><parm>x</parm><eqn>x * x</eqn></macro>
<macro name="HYPOT"><parm>a</parm><parm>b</parm><eqn>SQRT(SQ(a) + SQ(b))</eqn></macro>
<macro name="HALF"><parm>value</parm><eqn>value * 0.5</eqn></macro>
"""
TIMES = np.arange(4.0)


def _xmile(tmp_path, variables, macros=MACROS, models=""):
    path = tmp_path / "model.xmile"
    path.write_text(HEAD + macros + f"<model><variables>{variables}</variables></model>{models}</xmile>\n",
                    encoding="utf-8")
    return path


def _table(path):
    return simulate_table(simulator.load_model(path)).set_index("Time")


def test_macro_calls_take_arguments_defaults_and_other_macros(tmp_path):
    table = _table(_xmile(tmp_path, """
      <aux name="ten base"><eqn>LOGB(1000)</eqn></aux>
      <aux name="two base"><eqn>LOGB(8, 2)</eqn></aux>
      <aux name="nested"><eqn>HYPOT(3, 4)</eqn></aux>
      <aux name="expression argument"><eqn>SQ(1 + 2) - sq(TIME)</eqn></aux>"""))
    np.testing.assert_allclose(table["ten base"], 3)
    np.testing.assert_allclose(table["two base"], 3)
    np.testing.assert_allclose(table["nested"], 5)
    np.testing.assert_allclose(table["expression argument"], 9 - TIMES ** 2)


def test_macros_are_expanded_inside_modules_with_the_module_names(tmp_path):
    decay = """<model name="decay"><variables>
      <stock name="level"><eqn>100</eqn><outflow>drain</outflow></stock>
      <flow name="drain"><eqn>HALF(level)</eqn></flow></variables></model>"""
    table = _table(_xmile(tmp_path, '<module name="decay"/>', models=decay))
    np.testing.assert_allclose(table["decay.level"], 100 * 0.5 ** TIMES)


@pytest.mark.parametrize("variables, macros, message", [
    ('<aux name="y"><eqn>SQ(1, 2)</eqn></aux>', MACROS, r"macro 'SQ' takes 1 argument\(s\), a call gives 2"),
    ('<aux name="y"><eqn>HYPOT(1)</eqn></aux>', MACROS, r"macro 'HYPOT': a call gives no value for its parameter 'b'"),
    ('<aux name="y"><eqn>LOOP(1)</eqn></aux>', '<macro name="LOOP"><parm>x</parm><eqn>LOOP(x) + 1</eqn></macro>',
     r"macro calls nest more than 32 deep \(a recursive macro among LOOP\).*cannot expand recursion"),
    ('<aux name="y"><eqn>ACC(1)</eqn></aux>',
     '<macro name="ACC"><parm>x</parm><eqn>s</eqn><variables><stock name="s"><eqn>0</eqn></stock></variables>'
     '</macro>', r"macro 'ACC': defines <variables> \(stocks inside a macro\)"),
])
def test_macro_errors_name_the_file_the_macro_and_the_fix(tmp_path, variables, macros, message):
    path = _xmile(tmp_path, variables, macros)
    with pytest.raises(ModelParseError, match=message) as caught:
        simulator.load_model(path)
    assert str(caught.value).startswith(f"{path}: ")
