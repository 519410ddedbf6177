"""Uncertain inputs of a scenario (the ``uncertain:`` section): spec dict → validated marginal distribution.

Sits between the scenario loader (simulator.scenarios.scenario, which reads the YAML) and the sampler
(simulator.scenarios.sampling, which maps unit-cube points through :meth:`UncertainInput.ppf`). Each
distribution is one row of :data:`DISTRIBUTIONS`: its required and optional parameters, a
consistency check, and a builder for the frozen ``scipy.stats`` marginal.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from simulator.errors import ScenarioError


def _stats():
    """scipy.stats, imported on first use: a run folder's reader (the report) needs the
    distribution specs but not their frozen marginals, and the import costs ~70 MiB."""
    from scipy import stats
    return stats


class SpecError(ScenarioError):
    """A distribution spec is wrong; ``key`` names the offending parameter (None: the whole spec).

    The scenario loader catches it and re-raises it with the file and line in front.
    """

    def __init__(self, message: str, key: str | None = None):
        super().__init__(message)
        self.key = key


class _Choice:
    """A discrete marginal over ``values`` with probabilities ``weights`` (a tiny rv_discrete)."""

    def __init__(self, values, weights):
        self.values = np.asarray(values, dtype=float)
        self.cumulative = np.cumsum(np.asarray(weights, dtype=float))
        self.cumulative[-1] = 1.0

    def ppf(self, u):
        index = np.searchsorted(self.cumulative, np.asarray(u, dtype=float), side="right")
        return self.values[np.minimum(index, len(self.values) - 1)]

    def support(self):
        return float(self.values.min()), float(self.values.max())


def _check_uniform(p):
    if not p["low"] < p["high"]:
        raise SpecError(f"low ({p['low']}) must be below high ({p['high']})", "low")


def _check_triangular(p):
    if not p["low"] < p["high"]:
        raise SpecError(f"low ({p['low']}) must be below high ({p['high']})", "low")
    if not p["low"] <= p["mode"] <= p["high"]:
        raise SpecError(f"mode ({p['mode']}) must lie between low ({p['low']}) and high ({p['high']})", "mode")


def _check_normal(p):
    if not p["sd"] > 0:
        raise SpecError(f"sd ({p['sd']}) must be positive", "sd")
    if "low" in p and "high" in p and not p["low"] < p["high"]:
        raise SpecError(f"low ({p['low']}) must be below high ({p['high']})", "low")


def _check_lognormal(p):
    has_median = "median" in p or "sigma" in p
    has_log = "meanlog" in p or "sdlog" in p
    if has_median and has_log:
        raise SpecError("give either median + sigma or meanlog + sdlog, not both", "median" if "median" in p else "sigma")
    wanted = ("median", "sigma") if has_median or not has_log else ("meanlog", "sdlog")
    for key in wanted:
        if key not in p:
            raise SpecError(f"missing parameter '{key}' for lognormal (needs median + sigma, or meanlog + sdlog)")
    if "median" in p and not p["median"] > 0:
        raise SpecError(f"median ({p['median']}) must be positive", "median")
    spread = "sigma" if "sigma" in p else "sdlog"
    if not p[spread] > 0:
        raise SpecError(f"{spread} ({p[spread]}) must be positive", spread)


def _check_choice(p):
    values = p["values"]
    if not isinstance(values, list) or not values:
        raise SpecError("values must be a non-empty list of numbers, e.g. [0, 1]", "values")
    for value in values:
        _number(value, "values")
    if len(set(values)) != len(values):
        raise SpecError(f"values {values} repeat an entry; list each value once (use weights for odds)", "values")
    if "weights" in p:
        weights = p["weights"]
        if not isinstance(weights, list) or len(weights) != len(values):
            raise SpecError(f"weights must be a list of {len(values)} numbers, one per value", "weights")
        for weight in weights:
            if _number(weight, "weights") < 0:
                raise SpecError(f"weights {weights} contain a negative number; weights are probabilities", "weights")
        if not math.isclose(sum(weights), 1.0, rel_tol=0, abs_tol=1e-6):
            raise SpecError(f"weights {weights} sum to {sum(weights):g}; they must sum to 1", "weights")


def _build_normal(p):
    if "low" not in p and "high" not in p:
        return _stats().norm(loc=p["mean"], scale=p["sd"])
    low = (p.get("low", -math.inf) - p["mean"]) / p["sd"]
    high = (p.get("high", math.inf) - p["mean"]) / p["sd"]
    return _stats().truncnorm(low, high, loc=p["mean"], scale=p["sd"])


def _build_lognormal(p):
    scale = p["median"] if "median" in p else math.exp(p["meanlog"])
    return _stats().lognorm(s=p.get("sigma", p.get("sdlog")), scale=scale)


def _build_choice(p):
    weights = p.get("weights") or [1.0 / len(p["values"])] * len(p["values"])
    return _Choice(p["values"], weights)


@dataclass(frozen=True)
class Distribution:
    """One row of the distribution table."""

    required: tuple
    optional: tuple
    check: Callable[[dict], None]
    build: Callable[[dict], Any]
    example: str


#: Every distribution a scenario may name under ``uncertain: {name: {dist: …}}``.
DISTRIBUTIONS: dict[str, Distribution] = {
    "uniform": Distribution(
        ("low", "high"), (), _check_uniform,
        lambda p: _stats().uniform(loc=p["low"], scale=p["high"] - p["low"]),
        "{dist: uniform, low: 0.01, high: 0.03}"),
    "triangular": Distribution(
        ("low", "mode", "high"), (), _check_triangular,
        lambda p: _stats().triang((p["mode"] - p["low"]) / (p["high"] - p["low"]), loc=p["low"], scale=p["high"] - p["low"]),
        "{dist: triangular, low: 0.005, mode: 0.0075, high: 0.01}"),
    "normal": Distribution(
        ("mean", "sd"), ("low", "high"), _check_normal, _build_normal,
        "{dist: normal, mean: 0.002, sd: 0.001, low: -0.002, high: 0.006}"),
    "lognormal": Distribution(
        (), ("median", "sigma", "meanlog", "sdlog"), _check_lognormal, _build_lognormal,
        "{dist: lognormal, median: 4.0, sigma: 0.3}"),
    "choice": Distribution(
        ("values",), ("weights",), _check_choice, _build_choice,
        "{dist: choice, values: [0, 1], weights: [0.5, 0.5]}"),
}


def _number(value: Any, key: str) -> float:
    """``value`` as a float, or a SpecError naming ``key``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise SpecError(f"{key} must be a finite number, got {value!r}", key)
    return float(value)


def nearest(word: str, choices, n: int = 1, cutoff: float = 0.5) -> list[str]:
    """The ``n`` entries of ``choices`` closest to ``word`` (difflib), possibly none."""
    return difflib.get_close_matches(str(word), [str(c) for c in choices], n=n, cutoff=cutoff)


@dataclass(frozen=True)
class UncertainInput:
    """One sampled input: ``name`` (a model constant, optionally ``"name[elem]"``), ``dist`` and ``params``.

    Build it with :func:`make_input`, which validates the spec.
    """

    name: str
    dist: str
    params: dict
    #: ``(year, before)`` from ``from: {year, before}``: the sampled value acts from ``year`` on, ``before`` holds
    #: until then (a plan magnitude sampled from the plan's first year; docs/scenarios.md), else None
    start: tuple | None = None

    @property
    def marginal(self):
        """The frozen scipy.stats distribution, built on first use (a reader of specs never needs it)."""
        built = self.__dict__.get("_marginal")
        if built is None:
            built = DISTRIBUTIONS[self.dist].build(self.params)
            object.__setattr__(self, "_marginal", built)
        return built

    @property
    def median(self) -> float:
        """``ppf(0.5)`` by scipy's own formula (``_ppf(q) * scale + loc``), without importing scipy.stats.

        The central scenario (validation, calibration, the report) needs only medians, and
        scipy.stats costs ~55 MiB of the report's memory; a truncated normal still asks scipy.
        """
        p = self.params
        if self.dist == "uniform":
            return 0.5 * (p["high"] - p["low"]) + p["low"]
        if self.dist == "triangular":
            scale = p["high"] - p["low"]
            c = (p["mode"] - p["low"]) / scale
            x = math.sqrt(c * 0.5) if 0.5 < c else 1 - math.sqrt((1 - c) * 0.5)
            return x * scale + p["low"]
        if self.dist == "lognormal":
            return float(p["median"] if "median" in p else math.exp(p["meanlog"]))
        if self.dist == "normal" and "low" not in p and "high" not in p:
            return float(p["mean"])
        return float(self.ppf(0.5))

    def ppf(self, u) -> np.ndarray:
        """Map probabilities ``u`` in (0, 1) to values of this input (inverse CDF)."""
        # clip to the declared bounds: scipy's loc + scale * x can round past them (truncnorm)
        return np.clip(np.asarray(self.marginal.ppf(u), dtype=float), *self.support)

    @property
    def support(self) -> tuple[float, float]:
        """The lowest and highest value this input can take (±inf when unbounded)."""
        low, high = self.marginal.support()
        return (max(float(low), self.params.get("low", -math.inf)),
                min(float(high), self.params.get("high", math.inf)))

    @property
    def discrete_values(self) -> list[float] | None:
        """The values of a ``choice`` input, None for continuous inputs."""
        return [float(v) for v in self.params["values"]] if self.dist == "choice" else None


def make_input(name: str, spec: Any) -> UncertainInput:
    """Validate one ``uncertain:`` entry and build its marginal.

    Parameters
    ----------
    name : str
        The input's name as written in the scenario.
    spec : dict
        ``{dist: <name>, <param>: <value>, …}``; see :data:`DISTRIBUTIONS`.

    Returns
    -------
    UncertainInput

    Raises
    ------
    SpecError
        Naming the offending parameter and what is allowed.
    """
    allowed = ", ".join(DISTRIBUTIONS)
    if not isinstance(spec, dict):
        raise SpecError(f"must be a mapping like {DISTRIBUTIONS['uniform'].example}, got {spec!r}")
    if "dist" not in spec:
        raise SpecError(f"missing 'dist' (one of: {allowed})")
    dist = spec["dist"]
    if dist not in DISTRIBUTIONS:
        hint = nearest(dist, DISTRIBUTIONS)
        suggestion = f"did you mean '{hint[0]}'? " if hint else ""
        raise SpecError(f"unknown distribution '{dist}'; {suggestion}(allowed: {allowed})", "dist")
    row = DISTRIBUTIONS[dist]
    known = row.required + row.optional
    params = {}
    start = _start(spec.get("from"))
    for key, value in spec.items():
        if key in ("dist", "from"):
            continue
        if key not in known:
            hint = nearest(key, known)
            suggestion = f"did you mean '{hint[0]}'? " if hint else ""
            raise SpecError(f"unknown parameter '{key}' for {dist}; {suggestion}(allowed: {', '.join(known)})", key)
        params[key] = value if key in ("values", "weights") else _number(value, key)
    for key in row.required:
        if key not in params:
            raise SpecError(f"missing parameter '{key}' for {dist} (needs: {', '.join(row.required)}); e.g. {row.example}")
    row.check(params)
    return UncertainInput(name=name, dist=dist, params=params, start=start)


def _start(value) -> tuple | None:
    """``(year, before)`` of an uncertain input's optional ``from: {year: 2025, before: 0.03}``."""
    if value is None:
        return None
    if not (isinstance(value, dict) and set(value) == {"year", "before"}):
        raise SpecError(f"'from' must be {{year: YEAR, before: VALUE}} (the sampled value acts from YEAR, VALUE before it), "
                        f"got {value!r}", "from")
    return _number(value["year"], "from"), _number(value["before"], "from")
