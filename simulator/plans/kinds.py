"""Plans, goal kinds: one record per comparison (value shape, year shape, evaluator, wording).

Everything that differs between ``>=``, ``between``, ``rising`` … is here, once: what ``value``
and ``year`` a plan must give (checked by ``plans/plan.py``), how a goal is evaluated on saved
series (``plans/goals.py``), and how it is worded (``run.py list``, reports). Semantics are
described in ``plans/goals.py``.

>>> KINDS["between"].value_shape, KINDS["rising"].trend
('pair', True)
>>> KINDS[">="].words("en", value="3", unit=" t", year="2030")
'≥ 3 t (2030)'
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from simulator.errors import PlanError, ScenarioError
from simulator.plans.series import first_time, least_squares_slope, value_at

#: Relative tolerance of an ``==`` goal that does not give its own ``tolerance``.
DEFAULT_RELATIVE_TOLERANCE = 0.01


@dataclass(frozen=True)
class GoalSpec:
    """The fields of one goal that evaluation needs, read from a Goal object or a dict."""

    id: str
    variable: str
    year: Any
    comparison: str
    value: Any = None
    tolerance: float | None = None


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
            first = first_time(times, condition(spec, values))
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
        first = first_time(times[upto], values[:, upto] >= target)
        late = np.isnan(first) & (value >= target)
    first = np.where(late, year, first)
    met = ~np.isnan(first)
    finite = np.isfinite(values[:, upto]).all(axis=1) & np.isfinite(value)
    return Outcome(value, met, first, finite, target, _plain_number(year))


def _window(spec: GoalSpec, times: np.ndarray) -> tuple[float, float]:
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
    return start, end


def _growth(sign: float):
    """Average annual growth ``(v(to)/v(from))**(1/(to-from)) - 1`` at least (+1) / at most (-1) the target."""

    def evaluate(spec: GoalSpec, times: np.ndarray, values: np.ndarray) -> Outcome:
        start, end = _window(spec, times)
        target = _number(spec)
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.power(value_at(times, values, end) / value_at(times, values, start), 1.0 / (end - start)) - 1.0
            met = sign * (rate - target) >= 0
        nothing = np.full(len(rate), np.nan)
        return Outcome(rate, met, nothing, np.isfinite(rate), target, json.dumps([_plain_number(start), _plain_number(end)]))

    return evaluate


def _trend(sign: float):
    def evaluate(spec: GoalSpec, times: np.ndarray, values: np.ndarray) -> Outcome:
        start, end = _window(spec, times)
        slope, window_values = least_squares_slope(times, values, start, end)
        with np.errstate(invalid="ignore"):
            met = sign * slope > 0
        finite = np.isfinite(window_values).all(axis=1)
        nothing = np.full(len(slope), np.nan)
        return Outcome(slope, met, nothing, finite, None, json.dumps([_plain_number(start), _plain_number(end)]))

    return evaluate


@dataclass(frozen=True)
class GoalKind:
    """One comparison: what ``value`` and ``year`` look like, how it is evaluated, how it reads.

    ``value_shape`` is ``"number"``, ``"pair"`` ([low, high]) or ``"none"``; ``window`` kinds take
    ``year: [from_year, to_year]``; ``measure`` says what a goal's value is: ``"level"`` (the
    series in the goal year), ``"slope"`` (trend kinds: least-squares slope over the window) or
    ``"growth"`` (average annual growth over the window); ``evaluate(spec, times, values (n, T))``
    returns an :class:`Outcome`; ``wording`` is the target in words by language (a template).
    """

    comparison: str
    value_shape: str
    evaluate: Callable[[GoalSpec, np.ndarray, np.ndarray], Outcome]
    wording: dict = field(default_factory=dict)
    symbol: str = ""
    measure: str = "level"

    @property
    def trend(self) -> bool:
        """Judged by the sign of the slope over a window (rising, falling)."""
        return self.measure == "slope"

    @property
    def window(self) -> bool:
        """``year`` is ``[from_year, to_year]`` (trend and growth kinds)."""
        return self.measure in ("slope", "growth")

    def words(self, lang: str, **fields) -> str:
        """The goal's target in words, e.g. ``"≥ 148.5 亿元（2025）"`` (fields as in the templates)."""
        return self.wording[lang].format(op=self.symbol or self.comparison, **fields)


_SIMPLE = "{op} {value}{unit}（{year}）", "{op} {value}{unit} ({year})"

# Wording templates: {value}, {low}, {high}, {year}, {y0}, {y1}, {op}; {unit} is "" or " <unit>".
_KINDS = (
    GoalKind(">=", "number", _threshold_goal(lambda s, v: v >= _number(s), _threshold_target),
             {"zh": _SIMPLE[0], "en": _SIMPLE[1]}, symbol="≥"),
    GoalKind("<=", "number", _threshold_goal(lambda s, v: v <= _number(s), _threshold_target),
             {"zh": _SIMPLE[0], "en": _SIMPLE[1]}, symbol="≤"),
    GoalKind("==", "number", _threshold_goal(
        lambda s, v: np.abs(v - _number(s)) <= _tolerance(s) * abs(_number(s)), _threshold_target),
        {"zh": _SIMPLE[0], "en": _SIMPLE[1]}, symbol="="),
    GoalKind("between", "pair", _threshold_goal(
        lambda s, v: (v >= _bounds(s)[0]) & (v <= _bounds(s)[1]), _between_target),
        {"zh": "{low}–{high}{unit}（{year}）", "en": "{low}–{high}{unit} ({year})"}),
    GoalKind("reached_by", "number", _reached_by,
             {"zh": "≥ {value}{unit}，不晚于 {year} 年", "en": "≥ {value}{unit} by {year}"}),
    GoalKind("rising", "none", _trend(+1.0), {"zh": "{y0}–{y1} 年上升", "en": "rising {y0}–{y1}"}, measure="slope"),
    GoalKind("falling", "none", _trend(-1.0), {"zh": "{y0}–{y1} 年下降", "en": "falling {y0}–{y1}"}, measure="slope"),
    GoalKind("growth>=", "number", _growth(+1.0),
             {"zh": "{y0}–{y1} 年年均增长 ≥ {value}", "en": "average growth ≥ {value} a year {y0}–{y1}"}, measure="growth"),
    GoalKind("growth<=", "number", _growth(-1.0),
             {"zh": "{y0}–{y1} 年年均增长 ≤ {value}", "en": "average growth ≤ {value} a year {y0}–{y1}"}, measure="growth"),
)

#: comparison → :class:`GoalKind`, in the order the docs list them.
KINDS: dict[str, GoalKind] = {kind.comparison: kind for kind in _KINDS}


def is_trend(comparison: str) -> bool:
    """True for goals judged by the slope over a window (``rising``, ``falling``)."""
    kind = KINDS.get(comparison)
    return bool(kind and kind.trend)


def is_window(comparison: str) -> bool:
    """True for goals whose year is a window: trend and growth kinds (no single goal year, no first year met)."""
    kind = KINDS.get(comparison)
    return bool(kind and kind.window)
