"""Merged scenario mapping (simulator.scenarios.files) → checked values of each section, before the model is consulted.

Second step of ``scenarios/*.yaml ──(validate)──▶ ScenarioSet``: ``time``, ``method``, ``set``,
``levers`` (points | ramp | step), ``uncertain`` (simulator.scenarios.distributions), ``correlation``,
``sampling`` and ``outputs`` are checked against the schema of docs/interfaces.md §3. Every
problem is one ScenarioError line ``<file>:<line>: <key>: <problem>; <what is allowed>``.
Names of model variables are checked later, against the model (simulator.scenarios.scenario).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from simulator.scenarios.distributions import SpecError, make_input, nearest
from simulator.errors import ScenarioError
from simulator.scenarios.sampling import METHODS as SAMPLING_METHODS
from simulator.scenarios.sampling import SampleSpace, correlation_matrix, grid_levels, grid_size
from simulator.scenarios.files import MergedScenario

TIME_KEYS = ("start", "end", "dt", "saveper")
SAMPLING_KEYS = ("method", "n", "seed", "levels")
LEVER_FORMS = ("points", "ramp", "step")
INTERPOLATIONS = ("linear", "step")
#: Largest seed: numpy's int64 (seeds are stored as 64-bit integers in results.nc's attributes).
MAX_SEED = 2**63 - 1
RAMP_KEYS = ("start", "end", "from", "to")
STEP_KEYS = ("year", "from", "to")


@dataclass(frozen=True)
class Sampling:
    """How the uncertain inputs are sampled: ``method`` (lhs|sobol|random|grid), ``n``, ``seed``, grid ``levels``."""

    method: str
    n: int
    seed: int
    levels: Any = None


#: Used for the keys a scenario's ``sampling:`` leaves out (n is 1 when nothing is uncertain).
DEFAULT_SAMPLING = Sampling(method="lhs", n=100, seed=0)


@dataclass(frozen=True)
class LeverSpec:
    """A lever as written: knot ``times``, ``values`` and ``kind`` ("linear" | "step")."""

    times: tuple
    values: tuple
    kind: str


# --- small value checks ------------------------------------------------------------------------

def _is_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value)


def _all_numbers(value: Any) -> bool:
    """A (nested, rectangular) list of numbers."""
    try:
        array = np.array(value, dtype=object)
    except ValueError:
        return False
    return array.ndim > 0 and array.size > 0 and all(_is_number(v) for v in array.ravel())


def _number(merged: MergedScenario, path: tuple, value: Any, label: str) -> float:
    if not _is_number(value):
        merged.fail(path, f"{label} must be a number, got {value!r}")
    return float(value)


def _label(path: tuple) -> str:
    return ".".join(str(part) for part in path)


def _unknown_keys(merged: MergedScenario, path: tuple, spec: dict, allowed: tuple) -> None:
    for key in spec:
        if key not in allowed:
            hint = nearest(key, allowed)
            suggestion = f"did you mean '{hint[0]}'? " if hint else ""
            merged.fail(path + (key,), f"{_label(path)}: unknown key '{key}'; {suggestion}(allowed: {', '.join(allowed)})")


# --- sections ------------------------------------------------------------------------------------

def parse_time(merged: MergedScenario) -> dict:
    spec = merged.get("time", {})
    _unknown_keys(merged, ("time",), spec, TIME_KEYS)
    time = dict.fromkeys(TIME_KEYS)
    for key in TIME_KEYS:
        if spec.get(key) is not None:
            time[key] = _number(merged, ("time", key), spec[key], f"time.{key}")
    for key in ("dt", "saveper"):
        if time[key] is not None and time[key] <= 0:
            merged.fail(("time", key), f"time.{key} must be positive, got {time[key]:g}")
    if time["start"] is not None and time["end"] is not None and time["end"] <= time["start"]:
        merged.fail(("time", "end"), f"time.end ({time['end']:g}) must be after time.start ({time['start']:g})")
    return time


def _known_integrators() -> tuple:
    try:
        from simulator.engine.integrators import METHODS
    except ImportError:  # engine not importable: the interface's list (docs/interfaces.md §1)
        return ("euler", "rk4")
    return tuple(METHODS)


def parse_method(merged: MergedScenario) -> str:
    method = merged.get("method", "euler")
    allowed = _known_integrators()
    if method not in allowed:
        merged.fail(("method",), f"method: unknown integration method {method!r} (allowed: {', '.join(allowed)})")
    return method


def parse_set(merged: MergedScenario) -> dict:
    fixed = {}
    for name, value in merged.get("set", {}).items():
        if _is_number(value):
            fixed[str(name)] = float(value)
        elif isinstance(value, list) and value and _all_numbers(value):
            fixed[str(name)] = np.asarray(value, dtype=float)
        else:
            merged.fail(("set", name), f"set.{name}: must be a number (or a list of numbers, one per "
                                       f"subscript element), got {value!r}")
    return fixed


def _lever_points(merged, path, spec):
    _unknown_keys(merged, path, spec, ("points", "interpolation"))
    points = spec["points"]
    if not isinstance(points, dict) or not points:
        merged.fail(path + ("points",), f"{_label(path)}.points must be a mapping year: value, e.g. {{2020: 0.02, 2025: 0.04}}")
    for year, value in points.items():
        _number(merged, path + ("points", year), year, f"{_label(path)}.points year")
        _number(merged, path + ("points", year), value, f"{_label(path)}.points[{year}]")
    kind = spec.get("interpolation", "linear")
    if kind not in INTERPOLATIONS:
        merged.fail(path + ("interpolation",),
                    f"{_label(path)}.interpolation: unknown {kind!r} (allowed: {', '.join(INTERPOLATIONS)})")
    years = sorted(points)
    return LeverSpec(tuple(float(y) for y in years), tuple(float(points[y]) for y in years), kind)


def _lever_ramp(merged, path, spec):
    _unknown_keys(merged, path, spec, ("ramp",))
    ramp = spec["ramp"]
    wanted = RAMP_KEYS
    if not isinstance(ramp, dict):
        merged.fail(path + ("ramp",), f"{_label(path)}.ramp must be a mapping {{start, end, from, to}}")
    _unknown_keys(merged, path + ("ramp",), ramp, wanted)
    for key in wanted:
        if key not in ramp:
            merged.fail(path + ("ramp",), f"{_label(path)}.ramp: missing '{key}' (needs: start, end, from, to)")
    start, end, low, high = (_number(merged, path + ("ramp", k), ramp[k], f"{_label(path)}.ramp.{k}") for k in wanted)
    if end <= start:
        merged.fail(path + ("ramp", "end"), f"{_label(path)}.ramp: end ({end:g}) must be after start ({start:g})")
    return LeverSpec((start, end), (low, high), "linear")


def _lever_step(merged, path, spec):
    _unknown_keys(merged, path, spec, ("step",))
    step = spec["step"]
    wanted = STEP_KEYS
    if not isinstance(step, dict):
        merged.fail(path + ("step",), f"{_label(path)}.step must be a mapping {{year, from, to}}")
    _unknown_keys(merged, path + ("step",), step, wanted)
    for key in wanted:
        if key not in step:
            merged.fail(path + ("step",), f"{_label(path)}.step: missing '{key}' (needs: year, from, to)")
    year, before, after = (_number(merged, path + ("step", k), step[k], f"{_label(path)}.step.{k}") for k in wanted)
    return LeverSpec(_step_times(year), (before, after), "step")


def _step_times(year: float) -> tuple:
    """Knots of a step lever: ``from`` at ``year - 1`` (held back to the start), ``to`` from ``year`` on."""
    return (year - 1.0, year)


#: How each lever form is read, by the key that names the form.
LEVER_READERS: dict[str, Callable] = {"points": _lever_points, "ramp": _lever_ramp, "step": _lever_step}


def parse_levers(merged: MergedScenario) -> dict:
    levers = {}
    for name, spec in merged.get("levers", {}).items():
        path = ("levers", name)
        forms = [form for form in LEVER_FORMS if isinstance(spec, dict) and form in spec]
        if len(forms) != 1:
            merged.fail(path, f"levers.{name}: give exactly one of points, ramp, step, e.g. "
                              f"{{points: {{2020: 0.02, 2025: 0.04}}, interpolation: linear}}, "
                              f"{{ramp: {{start: 2025, end: 2030, from: 0.6, to: 0.4}}}} or "
                              f"{{step: {{year: 2025, from: 0, to: 1}}}}")
        levers[str(name)] = LEVER_READERS[forms[0]](merged, path, spec)
    return levers


def parse_uncertain(merged: MergedScenario) -> list:
    inputs = []
    for name, spec in merged.get("uncertain", {}).items():
        try:
            inputs.append(make_input(str(name), spec))
        except SpecError as err:
            path = ("uncertain", name) + ((err.key,) if err.key else ())
            merged.fail(path, f"uncertain.{name}: {err}")
    return inputs


def parse_correlation(merged: MergedScenario, inputs: list) -> list:
    entries = merged.get("correlation")
    if entries is None:
        return []
    if not isinstance(entries, list):
        merged.fail(("correlation",), "correlation must be a list of [a, b, rho], e.g. [[tfp_growth, birth_rate, 0.3]]")
    names = [spec.name for spec in inputs]
    pairs = []
    for index, entry in enumerate(entries):
        path = ("correlation", index)
        if not (isinstance(entry, list) and len(entry) == 3 and _is_number(entry[2])):
            merged.fail(path, f"correlation[{index}]: must be [a, b, rho] with rho a number, got {entry!r}")
        a, b, rho = str(entry[0]), str(entry[1]), float(entry[2])
        for name in (a, b):
            moved = [section for section in ("set", "levers") if name in merged.get(section, {})]
            if name not in names and moved:
                merged.fail(path, f"correlation[{index}]: '{name}' is under {moved[0]} here, not uncertain; give "
                                  f"this scenario its own correlation: list (e.g. correlation: [])")
            if name not in names:
                hint = nearest(name, names)
                suggestion = f"did you mean '{hint[0]}'? " if hint else ""
                merged.fail(path, f"correlation[{index}]: '{name}' is not an uncertain input; {suggestion}"
                                  f"(uncertain inputs: {', '.join(names) or 'none'})")
        try:
            correlation_matrix(names, pairs + [(a, b, rho)])
        except ScenarioError as err:
            if "positive definite" not in str(err):
                merged.fail(path, f"correlation[{index}]: {err}")
        pairs.append((a, b, rho))
    try:
        correlation_matrix(names, pairs)
    except ScenarioError as err:
        merged.fail(("correlation",), f"correlation: {err}")
    return pairs


def _positive_int(merged, path, value, label) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        merged.fail(path, f"{label} must be a positive whole number, got {value!r}")
    return value


def parse_sampling(merged: MergedScenario, inputs: list, pairs: list) -> Sampling:
    spec = merged.get("sampling", {})
    _unknown_keys(merged, ("sampling",), spec, SAMPLING_KEYS)
    method = spec.get("method", DEFAULT_SAMPLING.method)
    if method not in SAMPLING_METHODS:
        hint = nearest(method, SAMPLING_METHODS)
        suggestion = f"did you mean '{hint[0]}'? " if hint else ""
        merged.fail(("sampling", "method"),
                    f"sampling.method: unknown {method!r}; {suggestion}(allowed: {', '.join(SAMPLING_METHODS)})")
    seed = spec.get("seed", DEFAULT_SAMPLING.seed)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        merged.fail(("sampling", "seed"), f"sampling.seed must be a whole number from 0 to 2**63 - 1, got {seed!r}")
    levels = spec.get("levels")
    if method != "grid":
        if levels is not None:
            merged.fail(("sampling", "levels"), f"sampling.levels applies to method grid only (method is {method})")
        default_n = DEFAULT_SAMPLING.n if inputs else 1  # nothing uncertain: one run
        n = _positive_int(merged, ("sampling", "n"), spec.get("n", default_n), "sampling.n")
        if method == "sobol" and n & (n - 1):
            lower = 1 << (n.bit_length() - 1)
            merged.fail(("sampling", "n"), f"sampling.n: sobol needs a power of 2, got {n}; use {lower} or {lower * 2}")
        if pairs and n <= len(inputs):
            merged.fail(("sampling", "n"), f"sampling.n = {n} is too small to impose correlations between "
                                           f"{len(inputs)} inputs; use n > {len(inputs)}")
        return Sampling(method, n, seed)
    if pairs:
        merged.fail(("correlation",), "correlation: grid sampling is full-factorial and cannot carry correlations; "
                                      "use sampling.method lhs, sobol or random")
    names = [spec_.name for spec_ in inputs]
    if levels is None:
        levels = 3
    if isinstance(levels, dict):
        for name, count in levels.items():
            if name not in names:
                merged.fail(("sampling", "levels", name), f"sampling.levels: '{name}' is not an uncertain input "
                                                          f"(uncertain inputs: {', '.join(names) or 'none'})")
            _positive_int(merged, ("sampling", "levels", name), count, f"sampling.levels.{name}")
    else:
        _positive_int(merged, ("sampling", "levels"), levels, "sampling.levels")
    as_tuple = tuple(levels.get(name, 3) for name in names) if isinstance(levels, dict) else levels
    size = grid_size(SampleSpace(tuple(inputs), None, as_tuple))
    if "n" in spec and spec["n"] != size:
        merged.fail(("sampling", "n"), f"sampling.n: a grid of levels {grid_levels(SampleSpace(tuple(inputs), None, as_tuple))} "
                                       f"has {size} points, not {spec['n']}; drop n")
    return Sampling("grid", size, seed, levels)
