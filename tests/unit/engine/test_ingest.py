"""Unit tests for simulator/engine/ingest.py: the one PySD-importing module turns files into AbstractModels or one-line errors."""

import pytest

from simulator.errors import ModelFileError, ModelParseError
from simulator.engine.ingest import read_abstract_model

from engine_mdl import write_mdl


def test_reads_a_vensim_file(tmp_path):
    model = read_abstract_model(write_mdl(tmp_path, "a = 1 ~ ~ |"))
    names = [element.name for element in model.sections[0].elements]
    assert "a" in names


def test_missing_file_names_the_path(tmp_path):
    with pytest.raises(ModelFileError, match=r"nope\.mdl: model file not found"):
        read_abstract_model(tmp_path / "nope.mdl")


def test_unknown_extension_lists_the_known_ones(tmp_path):
    path = tmp_path / "model.txt"
    path.write_text("a = 1")
    with pytest.raises(ModelFileError, match=r"unknown model file extension '\.txt'; use one of .*\.mdl"):
        read_abstract_model(path)


def test_malformed_equation_names_file_line_and_element(tmp_path):
    path = write_mdl(tmp_path, "good = 1 ~ ~ |\nbroken = 3 +* ( ~ ~ |")
    with pytest.raises(ModelParseError) as caught:
        read_abstract_model(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}:3: cannot parse the equation of 'broken'")


def test_pysd_is_imported_only_by_ingest():
    from pathlib import Path
    package = Path(__file__).resolve().parents[3] / "simulator"
    importers = sorted(p.name for p in package.rglob("*.py")
                       if "import pysd" in p.read_text() or "from pysd" in p.read_text())
    assert importers == ["ingest.py"]


LEGACY_XMILE = """<?xml version="1.0" encoding="utf-8" ?>
<xmile version="1.0" xmlns="http://www.systemdynamics.org/XMILE">
    <header><name>legacy</name></header>
    <sim_specs method="Euler" time_units="Months"><start>0</start><stop>4</stop><dt>1</dt></sim_specs>
    <model>
        <stock name="level"><eqn>1</eqn><inflow>rate</inflow></stock>
        <flow name="rate"><eqn>2</eqn></flow>
    </model>
</xmile>
"""


def test_stella_10_file_without_variables_wrapper_is_read(tmp_path):
    import simulator
    path = tmp_path / "legacy.stmx"
    path.write_text(LEGACY_XMILE, encoding="utf-8")
    ds = simulator.load_model(path).run()
    assert list(ds["level"].values[0]) == [1, 3, 5, 7, 9]
    assert not list(tmp_path.glob("legacy_*"))


def test_malformed_xmile_equation_names_the_element(tmp_path):
    text = LEGACY_XMILE.replace("http://www.systemdynamics.org/XMILE", "http://docs.oasis-open.org/xmile/ns/XMILE/v1.0")
    text = text.replace("<model>", "<model><variables>").replace("</model>", "</variables></model>")
    text = text.replace("<eqn>2</eqn>", "<eqn>2 +* (</eqn>")
    path = tmp_path / "broken.xmile"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ModelParseError) as caught:
        read_abstract_model(path)
    assert str(caught.value).startswith(f"{path}:7: cannot parse the equation of 'rate': ")


def test_comments_inside_equations_are_ignored_as_vensim_does(tmp_path):
    """Vensim allows ``{…}`` comments inside an equation (FREE 6 writes ``x / y {*(1-z)}``);
    braces in documentation and in quoted names stay."""
    import simulator

    body = '''
    "odd {name}" = 4 ~ ~ |
    a = 2 {times three?} * 3 {
        spanning lines } + "odd {name}" ~ dmnl ~ docs keep {braces} |
    '''
    model = simulator.load_model(write_mdl(tmp_path, body))
    assert float(model.run(return_columns=["a"])["a"].values[0, 0]) == 10.0
