"""Tests of GET TIME VALUE (lowering/expressions.py): simulation time and initial time, clear refusals."""

import numpy as np
import pytest

import simulator
from simulator.errors import UnsupportedFeatureError

CONTROL = "INITIAL TIME = 3 ~ ~ |\nFINAL TIME = 6 ~ ~ |\nTIME STEP = 1 ~ ~ |\nSAVEPER = 1 ~ ~ |\n"


def _model(tmp_path, body):
    path = tmp_path / "m.mdl"
    path.write_text("{UTF-8}\n" + body + "\n" + CONTROL, encoding="utf-8")
    return path


def test_relative_to_the_initial_time(tmp_path):
    ds = simulator.load_model(_model(tmp_path, "x = GET TIME VALUE(1, 0.5, 0) ~ ~ |\ny = GET TIME VALUE(0, -1, 0) ~ ~ |")).run()
    np.testing.assert_array_equal(ds["x"].values[0], [3.5] * 4)           # INITIAL TIME + offset
    np.testing.assert_array_equal(ds["y"].values[0], [2.0, 3.0, 4.0, 5.0])  # TIME + offset


@pytest.mark.parametrize("call, words", [("GET TIME VALUE(2, 0, 0)", "computer clock"),
                                         ("GET TIME VALUE(0, 0, 1)", "calendar measure")])
def test_clock_and_calendar_are_refused_naming_file_variable_and_function(tmp_path, call, words):
    path = _model(tmp_path, f"when = {call} ~ ~ |")
    with pytest.raises(UnsupportedFeatureError) as caught:
        simulator.load_model(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and "'when'" in message and "GET TIME VALUE" in message and words in message
