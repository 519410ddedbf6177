"""simulator/runs/discovery.py: PRIM peeling recovers a known failure box; discover writes its files."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.errors import BatchOptionError
from simulator.runs.discovery import Step, choose, discover, in_words, prim

ROOT = Path(__file__).resolve().parents[3]
ISHIGAMI = ROOT / "tests" / "fixtures" / "sensitivity" / "scenarios" / "ishigami" / "uncertain.yaml"


def test_prim_finds_the_box_where_failures_live():
    rng = np.random.default_rng(4)
    x = rng.uniform(0, 1, (4000, 4))
    y = (x[:, 0] < 0.3) & (x[:, 2] > 0.6)            # fails in a box on inputs 0 and 2 only
    trajectory = prim(x, y)
    box = trajectory[choose(trajectory, 0.8)]
    assert choose(trajectory, 0.8) > 0
    assert box.density > 0.9 and box.coverage >= 0.8
    assert 0.25 <= box.high[0] <= 0.35 and 0.55 <= box.low[2] <= 0.65
    assert box.low[1] < 0.05 and box.high[1] > 0.95 and box.low[3] < 0.05 and box.high[3] > 0.95
    # the trajectory starts at the whole sample and never loses density
    assert trajectory[0].support == 1.0 and trajectory[0].coverage == 1.0
    assert all(b.density >= a.density for a, b in zip(trajectory, trajectory[1:]))


def test_box_in_words_names_only_restricted_inputs():
    step = Step(np.array([0.0, 0.6, 0.0]), np.array([0.3, 1.0, 0.5]), 0.9, 0.95, 0.1)
    words = in_words(step, ["a", "b", "c"], np.zeros(3), np.ones(3))
    assert words == "fails when a < 0.3 and b > 0.6 and c < 0.5"
    assert in_words(Step(np.zeros(1), np.ones(1), 1, 0.2, 1), ["a"], np.zeros(1), np.ones(1)) == \
        "fails across the whole sampled range"


def test_discover_writes_the_trajectory_and_the_box(tmp_path):
    folder, meta = discover(ISHIGAMI, n=2000, seed=2, out=tmp_path / "d")
    entry = meta["goals"]["y_high"]
    # Y >= 3.5 fails where sin^2 x2 is small: near 0 and near ±pi, two regions that no one box
    # concentrates, so no peel gains 5 points of density and the whole range is reported
    assert entry["studied"] and entry["words"] == "fails across the whole sampled range" and entry["step"] == 0
    steps = pd.read_csv(folder / "discovery_steps.csv")
    assert list(steps.columns) == ["goal_id", "step", "coverage", "density", "support", "chosen"]
    assert steps[steps.chosen == 1].shape[0] == 2      # one chosen box per studied goal
    limits = pd.read_csv(folder / "discovery_limits.csv")
    assert list(limits.columns) == ["goal_id", "step", "input", "low", "high"]
    assert json.loads((folder / "discovery.json").read_text())["n"] == 2000


def test_bad_min_coverage_is_refused(tmp_path):
    with pytest.raises(BatchOptionError, match=r"^--min-coverage must lie in \(0, 1\], got 0$"):
        discover(ISHIGAMI, min_coverage=0, out=tmp_path / "d")


def test_a_goal_failing_almost_everywhere_gets_no_spurious_box():
    rng = np.random.default_rng(5)
    x = rng.uniform(0, 1, (2000, 3))
    y = ~((x[:, 0] > 0.99) & (x[:, 1] > 0.9))          # fails in 99.9 % of the cube
    assert choose(prim(x, y)) == 0
