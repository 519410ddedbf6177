"""Unit tests for simulator/engine/xmile_modules.py: XMILE module instances flattened before ingest.

Expected values are closed forms of Euler integration (a stock drained at fraction r per step of
1 holds 100·(1−r)^t), never values produced by the code under test.
"""

import tempfile
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import simulator
from simulator.engine.table import simulate_table
from simulator.errors import ModelParseError

HEAD = """<?xml version="1.0" encoding="utf-8"?>
<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">
<header><name>modules</name><smile version="1.0" uses_submodels="true"/></header>
<sim_specs><start>0</start><stop>3</stop><dt>1</dt></sim_specs>
"""

DECAY = """<model name="decay"><variables>
  <stock name="level"><eqn>100</eqn><outflow>drain</outflow></stock>
  <flow name="drain"><eqn>level * rate</eqn></flow>
  <aux name="rate" access="input"><eqn>{RATE}</eqn></aux>
</variables></model>
"""

TIMES = np.arange(4.0)


def _xmile(tmp_path, root_variables, *models, name="model.xmile"):
    path = tmp_path / name
    path.write_text(HEAD + f"<model><variables>{root_variables}</variables></model>\n" + "".join(models)
                    + "</xmile>\n", encoding="utf-8")
    return path


def _table(path):
    table = simulate_table(simulator.load_model(path))
    return table.set_index("Time")


def _decay(rate_equation="{Enter equation for use when not hooked up to other models}"):
    return DECAY.replace("{RATE}", rate_equation)


def test_two_instances_of_one_model_run_with_their_own_inputs(tmp_path):
    path = _xmile(tmp_path, """
      <aux name="fast rate"><eqn>0.5</eqn></aux>
      <aux name="slow_rate"><eqn>0.1</eqn></aux>
      <module name="fast" model="decay"><connect to="rate" from=".fast_rate"/></module>
      <module name="slow" model="decay"><connect to="slow.rate" from="slow_rate"/></module>
      <aux name="total"><eqn>fast.level + "slow"."level"</eqn></aux>
      <aux name="fast level"><eqn>7</eqn></aux>""", _decay())
    table = _table(path)
    np.testing.assert_allclose(table["fast level"], 7)   # a root name that differs from fast.level by the dot
    fast, slow = 100 * 0.5 ** TIMES, 100 * 0.9 ** TIMES
    np.testing.assert_allclose(table["fast.level"], fast)
    np.testing.assert_allclose(table["slow.level"], slow)
    np.testing.assert_allclose(table["fast.drain"], fast * 0.5)
    np.testing.assert_allclose(table["slow.rate"], 0.1)
    np.testing.assert_allclose(table["total"], fast + slow)


def test_nested_modules_are_qualified_by_their_whole_path(tmp_path):
    outer = """<model name="outer"><variables>
      <aux name="rate" access="input"><eqn>{connected}</eqn></aux>
      <module name="inner" model="decay"><connect to="rate" from=".rate"/></module>
      <aux name="half" access="output"><eqn>inner.level / 2</eqn></aux>
    </variables></model>"""
    path = _xmile(tmp_path, """
      <aux name="r"><eqn>0.25</eqn></aux>
      <module name="outer"><connect to="rate" from=".r"/></module>
      <aux name="reading"><eqn>outer.half</eqn></aux>
      <aux name="deep"><eqn>outer.inner.level</eqn></aux>""", outer, _decay())
    table = _table(path)
    level = 100 * 0.75 ** TIMES
    np.testing.assert_allclose(table["outer.inner.level"], level)
    np.testing.assert_allclose(table["outer.half"], level / 2)
    np.testing.assert_allclose(table["reading"], level / 2)
    np.testing.assert_allclose(table["deep"], level)


def test_subscripted_module_variables_keep_their_dimensions(tmp_path):
    dims = '<dimensions><dim name="region"/></dimensions>'
    decay = f"""<model name="decay"><variables>
      <stock name="level">{dims}<eqn>100</eqn><outflow>drain</outflow></stock>
      <flow name="drain">{dims}<eqn>level[region] * rate[region]</eqn></flow>
      <aux name="rate" access="input">{dims}<eqn>{{connected}}</eqn></aux></variables></model>"""
    path = _xmile(tmp_path, f"""
      <aux name="rates">{dims}<element subscript="north"><eqn>0.5</eqn></element>
        <element subscript="south"><eqn>0.1</eqn></element></aux>
      <module name="decay"><connect to="rate" from=".rates"/></module>
      <aux name="north level"><eqn>decay.level[north]</eqn></aux>""", decay)
    text = path.read_text().replace(
        "<sim_specs>", '<dimensions><dim name="region"><elem name="north"/><elem name="south"/></dim></dimensions>'
        "<sim_specs>", 1)
    path.write_text(text)
    table = _table(path)
    np.testing.assert_allclose(table["decay.level[north]"], 100 * 0.5 ** TIMES)
    np.testing.assert_allclose(table["decay.level[south]"], 100 * 0.9 ** TIMES)
    np.testing.assert_allclose(table["north level"], 100 * 0.5 ** TIMES)


def test_an_unconnected_input_keeps_its_own_equation(tmp_path):
    path = _xmile(tmp_path, '<module name="decay"/>', _decay("0.2"))
    np.testing.assert_allclose(_table(path)["decay.level"], 100 * 0.8 ** TIMES)


def test_graphical_functions_of_a_module_are_called_by_their_qualified_name(tmp_path):
    shaped = """<model name="shaped"><variables>
      <gf name="shape"><xpts>0,10</xpts><ypts>0,100</ypts></gf>
      <aux name="by lookup"><eqn>LOOKUP(shape, TIME)</eqn></aux>
      <aux name="by call"><eqn>shape(TIME + 1)</eqn></aux>
      <aux name="own"><eqn>TIME</eqn><gf><xscale min="0" max="0"/><xpts>0,10</xpts><ypts>0,-10</ypts></gf></aux>
    </variables></model>"""
    table = _table(_xmile(tmp_path, '<module name="shaped"/>', shaped))
    np.testing.assert_allclose(table["shaped.by lookup"], 10 * TIMES)
    np.testing.assert_allclose(table["shaped.by call"], 10 * (TIMES + 1))
    np.testing.assert_allclose(table["shaped.own"], -TIMES)   # <xpts> win over a degenerate <xscale>


def test_a_module_fed_by_a_sibling_module_output(tmp_path):
    source = """<model name="source"><variables>
      <aux name="out" access="output"><eqn>0.3</eqn></aux></variables></model>"""
    path = _xmile(tmp_path, """
      <module name="source"/>
      <module name="decay"><connect to="rate" from="source.out"/></module>""", source, _decay())
    np.testing.assert_allclose(_table(path)["decay.level"], 100 * 0.7 ** TIMES)


def test_a_connection_stella_lists_under_both_modules_feeds_the_module_it_names(tmp_path):
    source = """<model name="source"><variables>
      <aux name="out" access="output"><eqn>0.3</eqn></aux></variables></model>"""
    path = _xmile(tmp_path, """
      <module name="source"><connect to="decay.rate" from="source.out"/></module>
      <module name="decay"><connect to="decay.rate" from="source.out"/></module>""", source, _decay())
    np.testing.assert_allclose(_table(path)["decay.level"], 100 * 0.7 ** TIMES)


def test_the_flat_copy_is_removed_after_loading(tmp_path):
    path = _xmile(tmp_path, '<module name="decay"/>', _decay("0.2"), name="cleanup_probe.xmile")
    simulator.load_model(path)
    assert not list(Path(tempfile.gettempdir()).glob("cleanup_probe_flat_*"))


@pytest.mark.parametrize("root, models, message", [
    ('<module name="ghost"/>', (), r"module 'ghost': no <model name=\"ghost\"> in the file"),
    ('<module name="decay" resource="decay.xmile"/>', (_decay("0.2"),),
     r"module 'decay': resource=\"decay.xmile\" \(a model in another file\) is not read; copy that model"),
    ('<module name="decay"><connect to="speed" from=".x"/></module><aux name="x"><eqn>1</eqn></aux>', (_decay(),),
     r"module 'decay': <connect to=\"speed\"> names no variable of model 'decay'; correct the to= attribute"),
    ('<module name="decay"><connect to="rate" from=".nowhere"/></module>', (_decay(),),
     r"module 'decay': <connect from=\".nowhere\"> names no variable the containing model can see"),
    ('<aux name="x"><eqn>1</eqn></aux><aux name="y"><eqn>2</eqn></aux><module name="decay">'
     '<connect to="rate" from="x"/><connect to="decay.rate" from="y"/></module>', (_decay(),),
     r"module 'decay': input 'rate' is connected to both 'x' and 'y'; keep one <connect> per input"),
    ('<module name="decay"/>', (_decay(),),
     r"module 'decay': input 'rate' is not connected and has no equation; add <connect to=\"rate\""),
    ('<module name="a"/>', ('<model name="a"><variables><module name="b"/></variables></model>',
                            '<model name="b"><variables><module name="a"/></variables></model>'),
     r"module 'a': modules form a cycle \(a → b → a\); a model may not contain itself"),
])
def test_module_errors_name_the_file_the_module_and_the_fix(tmp_path, root, models, message):
    path = _xmile(tmp_path, root, *models)
    with pytest.raises(ModelParseError, match=message) as caught:
        simulator.load_model(path)
    assert str(caught.value).startswith(f"{path}: ")


def test_simulate_cli_reports_a_module_error_on_one_line(tmp_path):
    from run import cli
    path = _xmile(tmp_path, '<module name="ghost"/>')
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(cli, ["simulate", str(path), "--output", str(out)])
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "module 'ghost'" in lines[0], result.output
    assert not out.exists()


def test_a_malformed_equation_inside_a_module_names_its_line_and_qualified_name(tmp_path):
    path = _xmile(tmp_path, '<module name="decay"/>', _decay("0.2").replace("level * rate", "level * * rate"))
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if 'name="drain"' in text)
    with pytest.raises(ModelParseError, match=rf"^{path}:{line}: cannot parse the equation of 'decay.drain'"):
        simulator.load_model(path)
