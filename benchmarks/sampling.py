"""Benchmark of the sampling stage (uncertain inputs → input matrix): seconds per design.

Given as a ratio to the raw scipy.stats.qmc design.

``simulator.scenarios.sampling.sample`` = unit-cube design + one inverse CDF per column + (optionally)
Iman–Conover reordering. The reference is the bare design alone (``qmc.LatinHypercube(d).random(n)``
etc.), so the printed ratios are the cost of the marginals, and of marginals + correlation, on
top of it (10 inputs: uniform, triangular, normal, truncated normal, lognormal, choice; 3 pairs).

Usage::

    python benchmarks/sampling.py                 # n = 1e4, 1e5, 1e6 with 10 inputs
    python benchmarks/sampling.py --sizes 1000    # quick
"""

from __future__ import annotations

import argparse

import numpy as np
from scipy.stats import qmc

from simulator.scenarios.distributions import make_input
from simulator.scenarios.sampling import SampleSpace, correlation_matrix, sample
from timing import best_of

SPECS = {
    "u1": {"dist": "uniform", "low": 0.01, "high": 0.03},
    "u2": {"dist": "uniform", "low": 0.0, "high": 1.0},
    "t1": {"dist": "triangular", "low": 0.005, "mode": 0.0075, "high": 0.01},
    "t2": {"dist": "triangular", "low": 1, "mode": 2, "high": 4},
    "n1": {"dist": "normal", "mean": 0.002, "sd": 0.001},
    "n2": {"dist": "normal", "mean": 0.002, "sd": 0.001, "low": -0.002, "high": 0.006},
    "l1": {"dist": "lognormal", "median": 4.0, "sigma": 0.3},
    "l2": {"dist": "lognormal", "meanlog": 0.0, "sdlog": 0.5},
    "c1": {"dist": "choice", "values": [0, 1], "weights": [0.5, 0.5]},
    "c2": {"dist": "choice", "values": [1, 2, 3], "weights": [0.2, 0.5, 0.3]},
}
PAIRS = [("u1", "t1", 0.3), ("n1", "l1", -0.4), ("u2", "t2", 0.6)]
RAW = {
    "lhs": lambda d, n, seed: qmc.LatinHypercube(d, rng=np.random.default_rng(seed)).random(n),
    "sobol": lambda d, n, seed: qmc.Sobol(d, rng=np.random.default_rng(seed)).random(n),
    "random": lambda d, n, seed: np.random.default_rng(seed).random((n, d)),
}



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    inputs = tuple(make_input(name, spec) for name, spec in SPECS.items())
    plain = SampleSpace(inputs)
    correlated = SampleSpace(inputs, correlation_matrix(list(SPECS), PAIRS))
    d = len(inputs)
    print(f"{'method':<7} {'n':>9} {'raw design s':>13} {'sample s':>10} {'ratio':>7} "
          f"{'+correlation s':>15} {'ratio':>7}")
    for n in args.sizes:
        for method, raw in RAW.items():
            size = 1 << (n.bit_length() - 1) if method == "sobol" else n   # Sobol: power of 2 below n
            t_raw = best_of(args.repeats, lambda: raw(d, size, 1))
            t_plain = best_of(args.repeats, lambda: sample(plain, size, 1, method))
            t_corr = best_of(args.repeats, lambda: sample(correlated, size, 1, method))
            print(f"{method:<7} {size:>9} {t_raw:>13.4f} {t_plain:>10.4f} {t_plain / t_raw:>7.1f} "
                  f"{t_corr:>15.4f} {t_corr / t_raw:>7.1f}")


if __name__ == "__main__":
    main()
