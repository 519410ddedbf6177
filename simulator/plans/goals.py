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
``growth>=``, ``growth<=``
    ``year`` is ``[from_year, to_year]``; ``value`` is the average annual growth rate
    ``(v(to)/v(from))**(1/(to-from)) - 1`` (a real growth target is checked on a real series),
    met when it is at least / at most ``target``; ``first_year_met`` is blank.

``first_year_met`` is the first saved time at which the threshold condition holds (over the
whole saved horizon, so a goal met late shows *when*; for ``reached_by`` only times up to the
goal year count). ``status`` is ``"ok"``, or ``"failed: <message>"`` when the engine flagged the
scenario (``status != 0``) or the goal's values are not finite; a failed row is never met and has
blank ``value`` and ``first_year_met``.
"""

from __future__ import annotations

import difflib
from typing import Any, Iterable

import numpy as np
import pandas as pd
import xarray as xr

from simulator.errors import PlanError, UnknownVariableError
from simulator.names import split_name, to_id
from simulator.plans.kinds import DEFAULT_RELATIVE_TOLERANCE, KINDS, GoalSpec

__all__ = ["DEFAULT_RELATIVE_TOLERANCE", "GOAL_COLUMNS", "GoalSpec", "check_goals", "evaluate_goals",
           "goal_series", "goal_spec"]

#: Columns of goals.csv, in order (docs/interfaces.md §4).
GOAL_COLUMNS = [
    "scenario", "goal_id", "variable", "year", "comparison",
    "target", "value", "met", "first_year_met", "status",
]



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
    if spec.comparison not in KINDS:
        raise PlanError(
            f"goal '{spec.id}': unknown comparison '{spec.comparison}'; "
            f"use one of {', '.join(KINDS)}"
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
        KINDS[spec.comparison].evaluate(spec, times, np.asarray(series.values[:1], dtype=float))
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
    >>> import simulator
    >>> ds = simulator.load_model("tests/fixtures/models/teacup/teacup.mdl").run()
    >>> goal = {"id": "cool", "variable": "Teacup Temperature", "year": 20, "comparison": "<=", "value": 100}
    >>> evaluate_goals(ds, [goal])[["goal_id", "met", "first_year_met", "status"]].to_dict("records")
    [{'goal_id': 'cool', 'met': 1, 'first_year_met': 13.0, 'status': 'ok'}]
    """
    specs = [goal_spec(g) for g in goals]
    scenarios = np.asarray(ds["scenario"].values)
    n = len(scenarios)
    times = np.asarray(ds["time"].values, dtype=float)
    engine_failed, engine_message = _engine_status(ds, n)

    blocks = [_goal_rows(ds, spec, scenarios, times, engine_failed, engine_message) for spec in specs]
    if not blocks:
        return pd.DataFrame({c: [] for c in GOAL_COLUMNS})
    table = pd.concat(blocks, ignore_index=True)
    order = np.arange(len(table)).reshape(len(specs), n).T.ravel()   # scenario-major
    table = table.iloc[order].reset_index(drop=True)[GOAL_COLUMNS]
    if _whole_years(times, specs):
        table["first_year_met"] = table["first_year_met"].astype("Int64")
    return table


def _goal_rows(ds, spec, scenarios, times, engine_failed, engine_message) -> pd.DataFrame:
    """The goals.csv rows of one goal (one per scenario)."""
    n = len(scenarios)
    values = np.asarray(goal_series(ds, spec).values, dtype=float)
    outcome = KINDS[spec.comparison].evaluate(spec, times, values)
    failed = engine_failed | ~outcome.finite | ~np.isfinite(outcome.value)
    status = np.where(
        engine_failed, np.char.add("failed: ", engine_message),
        np.where(failed, f"failed: non-finite value of '{spec.variable}' for goal '{spec.id}'", "ok"),
    )
    return pd.DataFrame({
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
    })


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
