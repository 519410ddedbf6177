"""simulator/runs/seek.py: the lever magnitude for a P(met), on the Ishigami .mdl where the answer is known."""

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.errors import BatchOptionError
from simulator.runs.seek import goal_lever, seek

ROOT = Path(__file__).resolve().parents[3]
FOLDER = ROOT / "tests" / "fixtures" / "sensitivity" / "scenarios" / "ishigami"
ISHIGAMI, WITH_LEVER = FOLDER / "uncertain.yaml", FOLDER / "with_lever.yaml"


def _truth(prob: float) -> float:
    """Shift s with P(Y + s >= 3.5) = prob, from a large Monte Carlo sample of the function itself."""
    rng = np.random.default_rng(1)
    x = rng.uniform(-math.pi, math.pi, (1_000_000, 3))
    y = np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])
    return 3.5 - float(np.quantile(y, 1 - prob))


@pytest.fixture(scope="module")
def by_value(tmp_path_factory):
    return seek(ISHIGAMI, "y_high", "shift", prob=0.8, value_range=(0, 6), n=2000,
                out=tmp_path_factory.mktemp("k") / "v")


def test_answer_matches_the_known_quantile_within_its_sampling_error(by_value):
    folder, result, table = by_value
    truth = _truth(0.8)
    assert result["reached"] and result["mode"] == "value"
    assert 0 < result["answer_se"] < 0.3
    assert abs(result["answer"] - truth) <= 3 * result["answer_se"], (result["answer"], result["answer_se"], truth)


def test_curve_is_monotone_with_common_random_numbers_and_written(by_value):
    folder, result, table = by_value
    # Y + s >= 3.5 on the same samples: raising s can only add met scenarios
    assert np.all(np.diff(table["p_met"].to_numpy()) >= 0)
    written = pd.read_csv(folder / "seek.csv")
    assert list(written.columns) == ["magnitude", "p_met", "se", "n", "stage"]
    assert len(written[written.stage == "grid"]) == 11 and len(written[written.stage == "bisect"]) == 8
    assert json.loads((folder / "seek.json").read_text())["answer"] == pytest.approx(result["answer"])


def test_a_multiplier_on_a_time_path_gives_the_same_curve(tmp_path, by_value):
    _, result, table = seek(WITH_LEVER, "y_high", "shift", prob=0.8, value_range=(0, 6), n=2000, out=tmp_path / "m")
    assert result["mode"] == "multiplier" and result["scenario_magnitude"] == 1.0
    assert table["p_met"].to_numpy() == pytest.approx(by_value[2]["p_met"].to_numpy())
    assert result["answer"] == pytest.approx(by_value[1]["answer"])


def test_unreachable_probability_is_reported_not_answered(tmp_path):
    _, result, _ = seek(ISHIGAMI, "y_very_high", "shift", prob=0.8, value_range=(0, 1), n=200, out=tmp_path / "u")
    assert not result["reached"] and result["answer"] is None and result["p_max"] < 0.8


def test_the_plans_levers_field_names_the_default_lever():
    assert goal_lever(ISHIGAMI, "y_high") == "shift"
    with pytest.raises(BatchOptionError, match="goal 'y_very_high' names no levers in its plan.yaml; give --lever NAME"):
        goal_lever(ISHIGAMI, "y_very_high")


@pytest.mark.parametrize("kwargs, message", [
    ({"prob": 1.2}, "--prob must lie strictly between 0 and 1, got 1.2"),
    ({"value_range": (3, 1)}, "--range 3,1: LOW must be below HIGH"),
    ({"lever": "y"}, "--lever 'y' is a model flow, not a constant; give a constant or a lever of the scenario"),
])
def test_bad_options_are_refused(tmp_path, kwargs, message):
    args = {"lever": "shift", "value_range": (0, 1), **kwargs}
    with pytest.raises(BatchOptionError, match="^" + message.replace("(", r"\(") + "$"):
        seek(ISHIGAMI, "y_high", n=10, out=tmp_path / "x", **args)
    assert not (tmp_path / "x").exists()
