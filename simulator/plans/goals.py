"""Results → goal attainment: checks each scenario's saved series against the plan's goals (batch → goals.csv → reports).

``evaluate_goals(ds, goals)`` takes a results Dataset (docs/interfaces.md §1: dims
``scenario × time × subscripts``, plus ``status``/``message``) and the goals of a plan
(``simulator.plans.plan.Goal`` objects, or dicts with the same keys) and returns one row per
(scenario, goal) with the columns of ``goals.csv`` (docs/interfaces.md §4).

Semantics, per comparison (``year`` is the goal year; the value in that year is linearly
interpolated between the two saved times around it when it is not on the SAVEPER grid):

``>=``, ``<=``
    met when the value in the goal year is at least / at most ``target``.
``==``
    met when ``|value - target| <= tolerance * |target|`` (relative tolerance; the goal's
    ``tolerance``, default :data:`DEFAULT_RELATIVE_TOLERANCE`).
``between``
    met when ``low <= value <= high``; ``target`` is written as ``[low, high]``.
``reached_by``
    met when the series is ``>= target`` at some saved time up to and including the goal year
    (or in the interpolated goal-year value); ``value`` is still the value in the goal year.
``rising``, ``falling``
    ``year`` is ``[from_year, to_year]``; ``value`` is the **least-squares slope** (units per
    year) of the series over the saved times inside that window plus its two (interpolated)
    end points, and the goal is met when the slope is > 0 (rising) or < 0 (falling). A slope,
    not the sign of the end-to-end change, so that a wiggle at one end does not decide it.
    ``target`` and ``first_year_met`` are blank.

``first_year_met`` is the first saved time at which the threshold condition holds (over the
whole saved horizon, so a goal met late shows *when*; for ``reached_by`` only times up to the
goal year count). ``status`` is ``"ok"``, or ``"failed: <message>"`` when the engine flagged the
scenario (``status != 0``) or the goal's values are not finite; a failed row is never met and has
blank ``value`` and ``first_year_met``.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd
import xarray as xr

from simulator.errors import PlanError, ScenarioError, UnknownVariableError
from simulator.names import split_name, to_id

#: Relative tolerance of an ``==`` goal that does not give its own ``tolerance``.
DEFAULT_RELATIVE_TOLERANCE = 0.01

#: Columns of goals.csv, in order (docs/interfaces.md §4).
GOAL_COLUMNS = [
    "scenario", "goal_id", "variable", "year", "comparison",
    "target", "value", "met", "first_year_met", "status",
]



@dataclass(frozen=True)
class GoalSpec:
    """The fields of one goal that evaluation needs, read from a Goal object or a dict."""

    id: str
    variable: str
    year: Any
    comparison: str
    value: Any = None
    tolerance: float | None = None


def goal_spec(goal: Any) -> GoalSpec:
    """Read the evaluation fields of ``goal`` (a ``plans.Goal``, any object with those
    attributes, or a mapping).

    Parameters
    ----------
    goal : object or mapping
        Must provide ``id``, ``variable``, ``year``, ``comparison``; ``value`` and
        ``tolerance`` are optional.

    Returns
    -------
    GoalSpec
    """
    if isinstance(goal, GoalSpec):
        return goal

    def field(name, default=None):
        if isinstance(goal, dict):
            return goal.get(name, default)
        return getattr(goal, name, default)

    spec = GoalSpec(
        id=str(field("id")),
        variable=str(field("variable")),
        year=field("year"),
        comparison=str(field("comparison")),
        value=field("value"),
        tolerance=field("tolerance"),
    )
    if spec.comparison not in COMPARISONS:
        raise PlanError(
            f"goal '{spec.id}': unknown comparison '{spec.comparison}'; "
            f"use one of {', '.join(COMPARISONS)}"
        )
    return spec


# --- locating the series -------------------------------------------------------------------


def goal_series(ds: xr.Dataset, spec: GoalSpec) -> xr.DataArray:
    """The ``(scenario, time)`` series a goal refers to (``var`` or ``var[elem,...]``).

    Raises
    ------
    UnknownVariableError
        The variable is not in the results, or an element is not in its dimensions.
    """
    parsed = split_name(spec.variable)
    if parsed is None:
        raise PlanError(f"goal '{spec.id}': variable '{spec.variable}' is not 'name' or 'name[element]'")
    name, wanted = parsed
    elements = ",".join(wanted)
    wanted = list(wanted) if elements else []
    key = name if name in ds.data_vars else to_id(name)
    if key not in ds.data_vars:
        names = [str(v) for v in ds.data_vars if v not in ("status", "message")]
        near = difflib.get_close_matches(key, names, n=3)
        hint = f"; nearest: {', '.join(near)}" if near else ""
        raise UnknownVariableError(
            f"goal '{spec.id}': variable '{name}' is not in the results "
            f"(add it to the scenario's outputs{hint})"
        )
    da = ds[key]
    sub_dims = [d for d in da.dims if d not in ("scenario", "time")]
    if len(wanted) != len(sub_dims):
        raise UnknownVariableError(
            f"goal '{spec.id}': variable '{name}' has dimensions {tuple(sub_dims)}; "
            f"name one element per dimension, e.g. '{name}[{','.join(str(da[d].values[0]) for d in sub_dims)}]'"
            if sub_dims else
            f"goal '{spec.id}': variable '{name}' has no subscripts; drop '[{elements}]'"
        )
    for dim, element in zip(sub_dims, wanted):
        if element not in [str(v) for v in da[dim].values]:
            raise UnknownVariableError(
                f"goal '{spec.id}': '{element}' is not an element of dimension '{dim}' "
                f"(elements: {', '.join(str(v) for v in da[dim].values)})"
            )
        da = da.sel({dim: element})
    return da.transpose("scenario", "time")


# --- series arithmetic ---------------------------------------------------------------------


def value_at(times: np.ndarray, values: np.ndarray, year: float) -> np.ndarray:
    """Values of ``(n, T)`` series at ``year``, linear between the saved times around it.

    ``year`` must lie within ``[times[0], times[-1]]``; a year on the grid returns that column
    exactly.
    """
    exact = np.nonzero(times == year)[0]
    if exact.size:
        return values[:, exact[0]].astype(float)
    right = int(np.searchsorted(times, year))
    left = right - 1
    weight = (year - times[left]) / (times[right] - times[left])
    return (1.0 - weight) * values[:, left] + weight * values[:, right]


def least_squares_slope(times: np.ndarray, values: np.ndarray, start: float, end: float):
    """Least-squares slope (per time unit) of ``(n, T)`` series over ``[start, end]``.

    Uses the saved times strictly inside the window plus the two (interpolated) end points.

    Returns
    -------
    slope : ndarray (n,)
    window_values : ndarray (n, k)
        The values the slope was fitted to (checked for finiteness by the caller).
    """
    inside = (times > start) & (times < end)
    ts = np.concatenate([[start], times[inside], [end]])
    vs = np.column_stack([value_at(times, values, start), values[:, inside], value_at(times, values, end)])
    centred = ts - ts.mean()
    # Summed column by column in a fixed order (numpy's row reductions and BLAS products pick
    # their summation order by array shape): a scenario's slope must not depend on its chunk.
    mean = _ordered_sum(vs, np.ones(len(ts))) / len(ts)
    slope = _ordered_sum(vs - mean[:, None], centred) / float(centred @ centred)
    return slope, vs


def _ordered_sum(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``sum_j values[:, j] * weights[j]`` accumulated left to right, identical for any row count."""
    total = np.zeros(values.shape[0])
    for j, weight in enumerate(weights):
        total += values[:, j] * weight
    return total


def _first_time(times: np.ndarray, condition: np.ndarray) -> np.ndarray:
    """First time at which ``condition`` (n, T) holds per row; NaN if never."""
    hit = condition.any(axis=1)
    first = times[np.argmax(condition, axis=1)].astype(float)
    return np.where(hit, first, np.nan)


# --- one evaluator per comparison ----------------------------------------------------------


@dataclass
class Outcome:
    """Per-scenario results of one goal: value, met, first year met, and which rows are finite."""

    value: np.ndarray
    met: np.ndarray
    first_year_met: np.ndarray
    finite: np.ndarray
    target: Any
    year: Any


def _threshold_goal(condition: Callable[[GoalSpec, np.ndarray], np.ndarray], target_repr: Callable[[GoalSpec], Any]):
    """An evaluator for a goal met when ``condition(spec, values)`` holds in the goal year."""

    def evaluate(spec: GoalSpec, times: np.ndarray, values: np.ndarray) -> Outcome:
        year = _single_year(spec, times)
        target = target_repr(spec)
        value = value_at(times, values, year)
        with np.errstate(invalid="ignore"):
            met = condition(spec, value)
            first = _first_time(times, condition(spec, values))
        finite = np.isfinite(values).all(axis=1)
        return Outcome(value, met, first, finite, target, _plain_number(year))

    return evaluate


def _number(spec: GoalSpec) -> float:
    if isinstance(spec.value, bool) or not isinstance(spec.value, (int, float)):
        raise PlanError(f"goal '{spec.id}': comparison '{spec.comparison}' needs a number as value, got {spec.value!r}")
    return float(spec.value)


def _bounds(spec: GoalSpec) -> tuple[float, float]:
    value = spec.value
    if (not isinstance(value, (list, tuple)) or len(value) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
            or value[0] > value[1]):
        raise PlanError(f"goal '{spec.id}': 'between' needs value: [low, high] with low <= high, got {value!r}")
    return float(value[0]), float(value[1])


def _tolerance(spec: GoalSpec) -> float:
    return DEFAULT_RELATIVE_TOLERANCE if spec.tolerance is None else float(spec.tolerance)


def _single_year(spec: GoalSpec, times: np.ndarray) -> float:
    year = spec.year
    if isinstance(year, bool) or not isinstance(year, (int, float)):
        raise PlanError(f"goal '{spec.id}': comparison '{spec.comparison}' needs a single year, got {year!r}")
    _check_in_range(spec, float(year), times)
    return float(year)


def _check_in_range(spec: GoalSpec, year: float, times: np.ndarray) -> None:
    if not times[0] <= year <= times[-1]:
        raise ScenarioError(
            f"goal '{spec.id}': year {_plain_number(year)} lies outside the simulated time "
            f"{_plain_number(times[0])}-{_plain_number(times[-1])}; extend the scenario's time "
            f"or leave the goal out (goals: [...])"
        )


def _plain_number(x: float):
    """``2025.0`` → ``2025`` (an int, so JSON and CSV show no ``.0``); other floats unchanged."""
    return int(x) if float(x).is_integer() else float(x)


def _threshold_target(spec: GoalSpec):
    return _number(spec)


def _between_target(spec: GoalSpec):
    low, high = _bounds(spec)
    return json.dumps([_plain_number(low), _plain_number(high)])


def _reached_by(spec: GoalSpec, times: np.ndarray, values: np.ndarray) -> Outcome:
    year = _single_year(spec, times)
    target = _number(spec)
    value = value_at(times, values, year)
    upto = times <= year
    with np.errstate(invalid="ignore"):
        first = _first_time(times[upto], values[:, upto] >= target)
        late = np.isnan(first) & (value >= target)
    first = np.where(late, year, first)
    met = ~np.isnan(first)
    finite = np.isfinite(values[:, upto]).all(axis=1) & np.isfinite(value)
    return Outcome(value, met, first, finite, target, _plain_number(year))


def _trend(sign: float):
    def evaluate(spec: GoalSpec, times: np.ndarray, values: np.ndarray) -> Outcome:
        window = spec.year
        if (not isinstance(window, (list, tuple)) or len(window) != 2
                or not all(isinstance(y, (int, float)) and not isinstance(y, bool) for y in window)
                or not window[0] < window[1]):
            raise PlanError(
                f"goal '{spec.id}': '{spec.comparison}' needs year: [from_year, to_year] with from < to, got {window!r}"
            )
        start, end = float(window[0]), float(window[1])
        _check_in_range(spec, start, times)
        _check_in_range(spec, end, times)
        slope, window_values = least_squares_slope(times, values, start, end)
        with np.errstate(invalid="ignore"):
            met = sign * slope > 0
        finite = np.isfinite(window_values).all(axis=1)
        nothing = np.full(len(slope), np.nan)
        return Outcome(slope, met, nothing, finite, None, json.dumps([_plain_number(start), _plain_number(end)]))

    return evaluate


#: comparison → evaluator(spec, times, values (n, T)) -> Outcome
COMPARISONS: dict[str, Callable[[GoalSpec, np.ndarray, np.ndarray], Outcome]] = {
    ">=": _threshold_goal(lambda s, v: v >= _number(s), _threshold_target),
    "<=": _threshold_goal(lambda s, v: v <= _number(s), _threshold_target),
    "==": _threshold_goal(
        lambda s, v: np.abs(v - _number(s)) <= _tolerance(s) * abs(_number(s)), _threshold_target),
    "between": _threshold_goal(
        lambda s, v: (v >= _bounds(s)[0]) & (v <= _bounds(s)[1]), _between_target),
    "reached_by": _reached_by,
    "rising": _trend(+1.0),
    "falling": _trend(-1.0),
}


# --- the table -----------------------------------------------------------------------------


def check_goals(ds: xr.Dataset, goals: Iterable[Any]) -> list[GoalSpec]:
    """Validate goals against a results Dataset (variables present, years in range, values
    well formed) without computing anything per scenario; returns the specs.

    Cheap enough to call on a one-scenario trial run before a batch creates its folder.
    """
    specs = [goal_spec(g) for g in goals]
    times = np.asarray(ds["time"].values, dtype=float)
    for spec in specs:
        series = goal_series(ds, spec)
        COMPARISONS[spec.comparison](spec, times, np.asarray(series.values[:1], dtype=float))
    return specs


def evaluate_goals(ds: xr.Dataset, goals: Iterable[Any]) -> pd.DataFrame:
    """Goal attainment table: one row per (scenario, goal), scenario-major, goals in the given order.

    Parameters
    ----------
    ds : xarray.Dataset
        Results with dims ``scenario``, ``time`` (and subscripts); ``status``/``message``
        (dim scenario) are used when present.
    goals : iterable of Goal or dict
        Each with ``id``, ``variable``, ``year``, ``comparison``, ``value``, ``tolerance``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`GOAL_COLUMNS`. ``met`` is int 0/1; ``value`` and ``first_year_met`` are
        NaN where blank; ``target`` and ``year`` are objects (numbers, or JSON lists for
        ``between`` targets and trend windows).

    Raises
    ------
    PlanError, UnknownVariableError, ScenarioError
        A malformed goal, a goal variable not in ``ds``, or a goal year outside the saved time.

    Examples
    --------
    >>> table = evaluate_goals(ds, plan.goals)                      # doctest: +SKIP
    >>> table.groupby("goal_id")["met"].mean()                      # doctest: +SKIP
    """
    specs = [goal_spec(g) for g in goals]
    scenarios = np.asarray(ds["scenario"].values)
    n = len(scenarios)
    times = np.asarray(ds["time"].values, dtype=float)
    engine_failed, engine_message = _engine_status(ds, n)

    blocks = []
    for spec in specs:
        values = np.asarray(goal_series(ds, spec).values, dtype=float)
        outcome = COMPARISONS[spec.comparison](spec, times, values)
        failed = engine_failed | ~outcome.finite | ~np.isfinite(outcome.value)
        status = np.where(
            engine_failed, np.char.add("failed: ", engine_message),
            np.where(failed, f"failed: non-finite value of '{spec.variable}' for goal '{spec.id}'", "ok"),
        )
        blocks.append(pd.DataFrame({
            "scenario": scenarios,
            "goal_id": spec.id,
            "variable": spec.variable,
            "year": [outcome.year] * n,
            "comparison": spec.comparison,
            "target": [outcome.target] * n,
            "value": np.where(failed, np.nan, outcome.value),
            "met": np.where(failed, 0, outcome.met).astype(np.int8),
            "first_year_met": np.where(failed, np.nan, outcome.first_year_met),
            "status": status.astype(object),
        }))
    if not blocks:
        return pd.DataFrame({c: [] for c in GOAL_COLUMNS})
    table = pd.concat(blocks, ignore_index=True)
    order = np.arange(len(table)).reshape(len(specs), n).T.ravel()   # scenario-major
    table = table.iloc[order].reset_index(drop=True)[GOAL_COLUMNS]
    if _whole_years(times, specs):
        table["first_year_met"] = table["first_year_met"].astype("Int64")
    return table


def _whole_years(times: np.ndarray, specs: list[GoalSpec]) -> bool:
    """True when every saved time and goal year is a whole number (first_year_met is then an
    integer column, decided from the grid alone so every chunk of a batch agrees)."""
    years = [s.year for s in specs if isinstance(s.year, (int, float))]
    return bool(np.all(np.mod(times, 1.0) == 0) and all(float(y).is_integer() for y in years))


def _engine_status(ds: xr.Dataset, n: int) -> tuple[np.ndarray, np.ndarray]:
    if "status" in ds:
        failed = np.asarray(ds["status"].values) != 0
    else:
        failed = np.zeros(n, dtype=bool)
    if "message" in ds:
        message = np.asarray(ds["message"].values).astype(str)
    else:
        message = np.full(n, "")
    message = np.where(failed & (message == ""), "engine reported a failure", message)
    return failed, message
