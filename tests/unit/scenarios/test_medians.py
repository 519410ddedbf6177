"""UncertainInput.median (simulator/scenarios/distributions.py) equals scipy's ppf(0.5) to the last bit."""

import subprocess
import sys

import numpy as np
import pytest

from simulator.scenarios.distributions import make_input


def _specs(seed=5, count=40):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        low = float(rng.uniform(-5, 5))
        high = low + float(rng.uniform(1e-6, 10))
        mode = float(rng.choice([low, high, rng.uniform(low, high), low + 0.5 * (high - low)]))
        yield {"dist": "uniform", "low": low, "high": high}
        yield {"dist": "triangular", "low": low, "mode": mode, "high": high}
        yield {"dist": "lognormal", "median": high + 6, "sigma": float(rng.uniform(0.01, 2))}
        yield {"dist": "lognormal", "meanlog": low, "sdlog": float(rng.uniform(0.01, 2))}
        yield {"dist": "normal", "mean": low, "sd": float(rng.uniform(0.01, 3))}
        yield {"dist": "normal", "mean": low, "sd": 1.0, "low": low - 1, "high": low + 3}
        yield {"dist": "choice", "values": [low - 1, low, high + 1]}


@pytest.mark.parametrize("spec", list(_specs()), ids=lambda s: s["dist"])
def test_median_is_scipys_ppf_at_one_half(spec):
    item = make_input("x", spec)
    assert item.median == float(item.ppf(0.5))


def test_reading_a_scenario_and_its_median_leaves_scipy_stats_unloaded():
    code = ("import sys; from simulator.scenarios.distributions import make_input;"
            "m = make_input('x', {'dist': 'triangular', 'low': 0, 'mode': 1, 'high': 3}).median;"
            "print('scipy.stats' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
