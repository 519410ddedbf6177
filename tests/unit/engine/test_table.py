"""Tests of simulator/engine/table.py: the Vensim-style table ``run.py simulate`` writes."""

import textwrap

import numpy as np
import pytest

import simulator
from simulator.engine.table import simulate_table
from simulator.errors import UnknownVariableError

MODEL = """
{UTF-8}
Region: north, south ~ ~ |
Growth Rate = 0.5 ~ ~ |
start[Region] = 1, 2 ~ ~ |
level[Region] = INTEG(Growth Rate * level[Region], start[Region]) ~ ~ |
total = SUM(level[Region!]) ~ ~ |
table lookup((0, 0), (1, 1)) ~ ~ |
INITIAL TIME = 0 ~ ~ |
FINAL TIME = 2 ~ ~ |
TIME STEP = 0.5 ~ ~ |
SAVEPER = 1 ~ ~ |
"""


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    path = tmp_path_factory.mktemp("table") / "model.mdl"
    path.write_text(textwrap.dedent(MODEL).strip() + "\n", encoding="utf-8")
    return simulator.load_model(path)


def test_default_table_has_every_value_constants_and_control_variables(model):
    table = simulate_table(model)
    assert set(table.columns) == {
        "Time", "Growth Rate", "start[north]", "start[south]", "level[north]", "level[south]", "total",
        "INITIAL TIME", "FINAL TIME", "TIME STEP", "SAVEPER"}
    assert table["Time"].tolist() == [0.0, 1.0, 2.0]
    assert table["Growth Rate"].tolist() == [0.5] * 3
    assert table["start[south]"].tolist() == [2.0] * 3
    assert table[["INITIAL TIME", "FINAL TIME", "TIME STEP", "SAVEPER"]].iloc[0].tolist() == [0, 2, 0.5, 1]
    # Euler with dt 0.5: level *= 1.25 per step, two steps per saved time
    np.testing.assert_allclose(table["level[north]"], [1, 1.25 ** 2, 1.25 ** 4])


@pytest.mark.parametrize("name", ["growth rate", "GROWTH_RATE", "Growth  Rate", "growth_rate"])
def test_columns_accept_any_spelling_of_a_name(model, name):
    assert simulate_table(model, columns=[name]).columns.tolist() == ["Time", "Growth Rate"]


@pytest.mark.parametrize("name, column", [("final time", "FINAL TIME"), ("TIME_STEP", "TIME STEP"),
                                          ("Saveper", "SAVEPER"), ("initial_time", "INITIAL TIME")])
def test_columns_name_control_variables(model, name, column):
    assert simulate_table(model, columns=[name]).columns.tolist() == ["Time", column]


def test_columns_keep_the_order_asked_and_one_element(model):
    table = simulate_table(model, columns=["total", "LEVEL[South]", "start"])
    assert table.columns.tolist() == ["Time", "total", "level[south]", "start[north]", "start[south]"]


def test_unknown_column_is_refused_with_the_nearest_name(model):
    with pytest.raises(UnknownVariableError, match="did you mean 'Growth Rate'"):
        simulate_table(model, columns=["growth rat"])
