"""Unit tests for simulator/engine/external.py and lowering/external.py: GET XLS/DIRECT CONSTANTS, DATA, LOOKUPS, SUBSCRIPT.

Each test writes a small spreadsheet with openpyxl (or a .csv) beside a tiny .mdl; the expected
numbers are the ones written into the sheet (or hand-computed from them), never produced by the
code under test.
"""

import numpy as np
import pytest
from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName

import simulator
from simulator.errors import ModelFileError
from simulator.engine.external import cell_name, column_number, split_cell

from engine_mdl import write_mdl


def _workbook(path, cells, sheet="Sheet1", names=None):
    """Write ``{"B2": 1.0, ...}`` into ``sheet`` of a new .xlsx; ``names`` {range name: "$B$2:$D$2"}."""
    book = Workbook()
    ws = book.active
    ws.title = sheet
    for cell, value in cells.items():
        ws[cell] = value
    for name, ref in (names or {}).items():
        book.defined_names[name] = DefinedName(name, attr_text=f"'{sheet}'!{ref}")
    book.save(path)
    return path


def _run(tmp_path, body, **time):
    """Load and run the model, returning every variable (constants included)."""
    model = simulator.load_model(write_mdl(tmp_path, body, **time))
    columns = [v.id for v in model.variables.values() if v.kind != "lookup"]
    return model, model.run(return_columns=columns)


def _at(ds, var, t):
    return ds[var].sel(scenario=0, time=t).values


def test_cell_helpers():
    assert column_number("A") == 0
    assert column_number("z") == 25
    assert column_number("AA") == 26
    assert column_number("AC") == 28
    assert split_cell("B3") == (2, 1)
    assert split_cell("ac19") == (18, 28)
    assert split_cell("my_range") is None
    assert split_cell("B0") is None
    assert cell_name(2, 1) == "B3"
    assert cell_name(0, 26) == "AA1"
    assert cell_name(9, 701) == "ZZ10"


def test_constants_scalar_row_transposed_and_2d(tmp_path):
    _workbook(tmp_path / "inputs.xlsx", {
        "B2": 7.5,                                   # scalar
        "B4": 1.0, "C4": 2.0, "D4": 3.0,             # row for dim (horizontal)
        "F2": 10.0, "F3": 20.0, "F4": 30.0,          # column, read with '*'
        "B7": 1.0, "C7": 2.0, "B8": 3.0, "C8": 4.0, "B9": 5.0, "C9": 6.0,   # 3x2 block
    })
    body = """
    dim: A, B, C ~ ~ |
    two: X, Y ~ ~ |
    scalar = GET XLS CONSTANTS('inputs.xlsx', 'Sheet1', 'B2') ~ ~ |
    across[dim] = GET XLS CONSTANTS('inputs.xlsx', 'Sheet1', 'B4') ~ ~ |
    down[dim] = GET DIRECT CONSTANTS('inputs.xlsx', 'Sheet1', 'F2*') ~ ~ |
    table[dim, two] = GET XLS CONSTANTS('inputs.xlsx', 'Sheet1', 'B7') ~ ~ |
    total = scalar + SUM(across[dim!]) + SUM(down[dim!]) ~ ~ |
    """
    model, ds = _run(tmp_path, body, final=1)
    assert model.variables["scalar"].kind == "constant"
    assert float(_at(ds, "scalar", 0)) == 7.5
    np.testing.assert_array_equal(_at(ds, "across", 0), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(_at(ds, "down", 0), [10.0, 20.0, 30.0])
    np.testing.assert_array_equal(_at(ds, "table", 0), [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    assert float(_at(ds, "total", 1)) == 7.5 + 6.0 + 60.0


def test_constants_named_range_and_per_element_cells(tmp_path):
    _workbook(tmp_path / "inputs.xlsx", {"C3": 4.0, "D3": 5.0, "E3": 6.0, "A1": 9.0},
              names={"values": "$C$3:$E$3"})
    body = """
    dim: A, B, C ~ ~ |
    ranged[dim] = GET XLS CONSTANTS('inputs.xlsx', 'Sheet1', 'values') ~ ~ |
    mixed[A] = GET XLS CONSTANTS('inputs.xlsx', 'Sheet1', 'A1') ~~|
    mixed[B] = 2 ~~|
    mixed[C] = GET XLS CONSTANTS('inputs.xlsx', 'Sheet1', 'E3') ~ ~ |
    """
    _, ds = _run(tmp_path, body, final=1)
    np.testing.assert_array_equal(_at(ds, "ranged", 0), [4.0, 5.0, 6.0])
    np.testing.assert_array_equal(_at(ds, "mixed", 0), [9.0, 2.0, 6.0])


def test_constants_from_csv(tmp_path):
    (tmp_path / "inputs.csv").write_text("name,value\nalpha,0.25\nbeta,0.5\n", encoding="utf-8")
    body = """
    beta = GET DIRECT CONSTANTS('inputs.csv', ',', 'B3') ~ ~ |
    """
    _, ds = _run(tmp_path, body, final=1)
    assert float(_at(ds, "beta", 0)) == 0.5


def test_lookups_row_and_column_layout(tmp_path):
    _workbook(tmp_path / "inputs.xlsx", {
        # x in row 1 from B1, y in row 2 (one table) — GET XLS LOOKUPS(file, tab, '1', 'B2')
        "B1": 0.0, "C1": 10.0, "D1": 20.0, "B2": 0.0, "C2": 100.0, "D2": 50.0,
        # x in column A from A5, y for two elements in B:C
        "A5": 0.0, "A6": 4.0, "B5": 1.0, "B6": 3.0, "C5": 10.0, "C6": 30.0,
    })
    body = """
    two: X, Y ~ ~ |
    row lookup = GET XLS LOOKUPS('inputs.xlsx', 'Sheet1', '1', 'B2') ~ ~ |
    col lookup[two] = GET XLS LOOKUPS('inputs.xlsx', 'Sheet1', 'A', 'B5') ~ ~ |
    a = row lookup(Time * 5) ~ ~ |
    b[two] = col lookup[two](Time) ~ ~ |
    """
    model, ds = _run(tmp_path, body, final=6)
    assert model.variables["row_lookup"].kind == "lookup"
    # Time*5: 0→0, 1→5 (half way 0..100), 2→10, 3→15 (100..50 half way), 6→30 (end held)
    np.testing.assert_allclose(ds["a"].sel(scenario=0).values[[0, 1, 2, 3, 6]], [0, 50, 100, 75, 50])
    np.testing.assert_allclose(_at(ds, "b", 2), [2.0, 20.0])
    np.testing.assert_allclose(_at(ds, "b", 6), [3.0, 30.0])


def test_data_interpolation_keywords_and_blank_cells(tmp_path):
    # times in row 1 from B1: 0, 2, 4, 6; data row 2 with a blank at t=2
    _workbook(tmp_path / "inputs.xlsx", {
        "B1": 0, "C1": 2, "D1": 4, "E1": 6,
        "B2": 10.0, "D2": 30.0, "E2": 40.0,
    })
    body = """
    linear := GET XLS DATA('inputs.xlsx', 'Sheet1', '1', 'B2') ~ ~ |
    held:HOLD BACKWARD::= GET XLS DATA('inputs.xlsx', 'Sheet1', '1', 'B2') ~ ~ |
    ahead:LOOK FORWARD::= GET XLS DATA('inputs.xlsx', 'Sheet1', '1', 'B2') ~ ~ |
    """
    model, ds = _run(tmp_path, body, final=8)
    assert model.variables["linear"].kind == "data"
    # blank at t=2 is filled by each variable's own interpolation: linear 20, held 10, ahead 30
    np.testing.assert_allclose(ds["linear"].sel(scenario=0).values, [10, 15, 20, 25, 30, 35, 40, 40, 40])
    np.testing.assert_allclose(ds["held"].sel(scenario=0).values, [10, 10, 10, 10, 30, 30, 40, 40, 40])
    np.testing.assert_allclose(ds["ahead"].sel(scenario=0).values, [10, 30, 30, 30, 30, 40, 40, 40, 40])


def test_subscript_range_from_cells(tmp_path):
    _workbook(tmp_path / "inputs.xlsx", {"B1": "north", "C1": "south", "B3": 1.0, "C3": 2.0})
    body = """
    region: GET XLS SUBSCRIPT('inputs.xlsx', 'Sheet1', 'B1', 'C1', 'r ') ~ ~ |
    size[region] = GET XLS CONSTANTS('inputs.xlsx', 'Sheet1', 'B3') ~ ~ |
    """
    model, ds = _run(tmp_path, body, final=1)
    assert list(model.dimensions["region"]) == ["r north", "r south"]
    np.testing.assert_array_equal(_at(ds, "size", 0), [1.0, 2.0])


@pytest.mark.parametrize("equation, words", [
    ("GET XLS CONSTANTS('inputs.xlsx', 'NoSuchSheet', 'B2')", ["NoSuchSheet", "no such sheet", "Sheet1"]),
    ("GET XLS CONSTANTS('missing.xlsx', 'Sheet1', 'B2')", ["missing.xlsx", "file not found"]),
    ("GET XLS CONSTANTS('inputs.xlsx', 'Sheet1', 'no_range')", ["no_range", "no such named range"]),
])
def test_bad_reference_is_one_line_naming_model_variable_file_and_cell(tmp_path, equation, words):
    _workbook(tmp_path / "inputs.xlsx", {"B2": 1.0})
    path = write_mdl(tmp_path, f"rate = {equation} ~ ~ |\n", final=1)
    with pytest.raises(ModelFileError) as err:
        simulator.load_model(path)
    message = str(err.value)
    assert "\n" not in message
    for word in [str(path), "'rate'"] + words:
        assert word in message


def test_constant_block_running_off_the_sheet_is_refused(tmp_path):
    _workbook(tmp_path / "inputs.xlsx", {"B2": 1.0, "C2": 2.0})
    body = """
    dim: A, B, C ~ ~ |
    v[dim] = GET XLS CONSTANTS('inputs.xlsx', 'Sheet1', 'B2') ~ ~ |
    """
    with pytest.raises(ModelFileError, match=r"'v'.*inputs.xlsx.*cell 'B2'.*needs 1x3 cells"):
        simulator.load_model(write_mdl(tmp_path, body, final=1))


def test_blank_constant_cell_is_named(tmp_path):
    _workbook(tmp_path / "inputs.xlsx", {"B2": 1.0, "D2": 3.0})
    body = """
    dim: A, B, C ~ ~ |
    v[dim] = GET XLS CONSTANTS('inputs.xlsx', 'Sheet1', 'B2') ~ ~ |
    """
    with pytest.raises(ModelFileError, match=r"'v'.*inputs.xlsx.*cell C2 is blank or not a number"):
        simulator.load_model(write_mdl(tmp_path, body, final=1))


def test_external_constant_is_a_parameter_like_any_constant(tmp_path):
    _workbook(tmp_path / "inputs.xlsx", {"B2": 0.5, "C2": 0.25})
    body = """
    dim: A, B ~ ~ |
    share[dim] = GET XLS CONSTANTS('inputs.xlsx', 'Sheet1', 'B2') ~ ~ |
    out[dim] = share[dim] * 10 ~ ~ |
    """
    model = simulator.load_model(write_mdl(tmp_path, body, final=1))
    ds = model.run(params={"share[B]": 0.75}, return_columns=["out"])
    np.testing.assert_allclose(_at(ds, "out", 0), [5.0, 7.5])


def test_subscripted_data_down_a_column(tmp_path):
    # times in column A from A2; element X in B, element Y in C (Y blank at t=1: interpolated 25)
    _workbook(tmp_path / "inputs.xlsx", {
        "A1": "time", "B1": "x", "C1": "y",
        "A2": 0, "B2": 1.0, "C2": 20.0,
        "A3": 1, "B3": 2.0,
        "A4": 2, "B4": 4.0, "C4": 30.0,
    })
    body = """
    two: X, Y ~ ~ |
    series[two] := GET XLS DATA('inputs.xlsx', 'Sheet1', 'A', 'B2') ~ ~ |
    doubled[two] = series[two] * 2 ~ ~ |
    """
    model, ds = _run(tmp_path, body, final=3)
    assert model.variables["series"].kind == "data"
    assert not any(name.startswith("_") for name in model.variables)   # helper tables stay hidden
    np.testing.assert_allclose(ds["series"].sel(scenario=0).values, [[1, 20], [2, 25], [4, 30], [4, 30]])
    np.testing.assert_allclose(ds["doubled"].sel(scenario=0).values[1], [4, 50])


def test_data_variable_without_equation_is_reported_as_unsupported(tmp_path):
    from simulator.errors import UnsupportedFeatureError
    body = """
    measured:INTERPOLATE: ~ ~ |
    twice = measured * 2 ~ ~ |
    """
    with pytest.raises(UnsupportedFeatureError, match=r"'measured': DATA variable without equation"):
        simulator.load_model(write_mdl(tmp_path, body, final=1))


def test_data_variable_defined_by_an_expression(tmp_path):
    # Vensim's "name := expression": a data equation; here an expression over GET XLS DATA
    _workbook(tmp_path / "inputs.xlsx", {"B1": 0, "C1": 2, "D1": 4, "B2": 10.0, "C2": 30.0, "D2": 40.0,
                                         "B3": 1.0, "C3": 1.0, "D3": 5.0})
    body = """
    offset = 1 ~ ~ |
    scaled := GET XLS DATA('inputs.xlsx', 'Sheet1', '1', 'B2') * 2 + offset ~ ~ |
    plain := offset * 3 + Time ~ ~ |
    two: X, Y ~ ~ |
    per element[two] := GET XLS DATA('inputs.xlsx', 'Sheet1', '1', 'B2') / 10 ~ ~ |
    """
    model, ds = _run(tmp_path, body, final=4)
    times = [0, 1, 2, 3, 4]
    linear = np.interp(times, [0, 2, 4], [10.0, 30.0, 40.0])
    ds = model.run(return_columns=["scaled", "plain", "per element"])
    np.testing.assert_allclose(ds["scaled"].sel(scenario=0).values, linear * 2 + 1)
    np.testing.assert_allclose(ds["plain"].sel(scenario=0).values, [3 + t for t in times])
    second = np.interp(times, [0, 2, 4], [1.0, 1.0, 5.0])
    np.testing.assert_allclose(ds["per_element"].sel(scenario=0).values, np.stack([linear, second], axis=1) / 10)
