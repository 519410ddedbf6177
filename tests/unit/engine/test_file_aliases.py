"""Unit tests for simulator/engine/file_aliases.py: Vensim's indirect file references '?alias'.

Vensim writes the alias table into the model file's settings block (``30:?alias=path`` after
``:L<%^E!@``); a GET DIRECT/XLS function naming ``'?alias'`` reads the linked file. The expected
numbers are the ones written into the spreadsheets here.
"""

import pytest
from openpyxl import Workbook

import simulator
from simulator.engine.file_aliases import read_aliases
from simulator.errors import ModelFileError

SETTINGS = """
\\\\\\---/// Sketch information - do not modify anything except names
V300  Do not put anything below this section - it will be ignored
*View 1
$192-192-192,0,Times New Roman|12||0-0-0|0-0-0|0-0-255|-1--1--1|-1--1--1|96,96,100,0
///---\\\\\\
:L<%^E!@
1:run.vdf
9:run
{aliases}
15:0,0,0,0,0,0
"""


def _model(folder, aliases, reference="?inputs"):
    body = f"""{{UTF-8}}
rate = GET DIRECT CONSTANTS('{reference}', 'Sheet1', 'B2') ~ 1/Month ~ |
INITIAL TIME = 0 ~ Month ~ |
FINAL TIME = 2 ~ Month ~ |
TIME STEP = 1 ~ Month ~ |
SAVEPER = 1 ~ Month ~ |
"""
    path = folder / "model.mdl"
    path.write_text(body + SETTINGS.format(aliases="\n".join(aliases)), encoding="utf-8")
    return path


def _sheet(path, value):
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    book.active.title = "Sheet1"
    book.active["B2"] = value
    book.save(path)


def _rate(path):
    model = simulator.load_model(path)
    return float(model.run(return_columns=["rate"])["rate"].values[0, 0])


def test_the_alias_table_is_read_from_the_settings_block(tmp_path):
    path = _model(tmp_path, [r"30:?inputs=data\values.xlsx", "30:?other=C:\\x\\y.xlsx"])
    assert read_aliases(path) == {"?inputs": r"data\values.xlsx", "?other": "C:\\x\\y.xlsx"}


def test_an_alias_reads_the_linked_file(tmp_path):
    _sheet(tmp_path / "data" / "values.xlsx", 0.25)
    _sheet(tmp_path / "inputs", 9.0)              # a file named like the alias is not preferred
    assert _rate(_model(tmp_path, [r"30:?inputs=data\values.xlsx"])) == 0.25


def test_an_absolute_link_elsewhere_falls_back_to_the_alias_as_a_relative_path(tmp_path):
    _sheet(tmp_path / "inputs.xlsx", 0.5)
    path = _model(tmp_path, [r"30:?inputs.xlsx=Z:\somewhere\inputs.xlsx"], reference="?inputs.xlsx")
    assert _rate(path) == 0.5


def test_an_unresolved_alias_is_one_line_naming_it_and_the_fix(tmp_path):
    path = _model(tmp_path, [r"30:?inputs=Z:\gone\values.xlsx"])
    with pytest.raises(ModelFileError) as err:
        simulator.load_model(path)
    message = str(err.value)
    assert "\n" not in message and "'?inputs'" in message and "rate" in message
    assert r"Z:\gone\values.xlsx" in message and "write its name instead" in message


def test_an_alias_without_a_link_says_so(tmp_path):
    with pytest.raises(ModelFileError, match="link no file to this indirect reference"):
        simulator.load_model(_model(tmp_path, []))
