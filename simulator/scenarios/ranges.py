"""Scenario → checked, the plausible ranges: a value outside the range its model constant declares is refused at the front door.

A model constant may carry Vensim's range in its units field, ``~ Dmnl [0,1]`` (``?`` leaves a
side open; the engine reads it into ``VariableInfo.limits``). Every value a scenario gives —
``set:``, the points of ``levers:``, the bounds of ``uncertain:`` distributions — the value and
range of each plan assumption (``models/<region>/plan.yaml``), and the model's own value of each
constant the scenario leaves alone, must lie inside it. A value outside is one error line naming
the file and line, the range and where it is declared, and the likely intent: a share typed as a
percentage (``reclaimed_water_target_rate: 30``: "30 looks like a percentage: did you mean
0.30?"), or per mille. ``--allow-outside-range`` (``load_scenario(..., allow_outside_range=True)``)
is for the deliberate case (a stress test).

>>> likely_intent(30.0, (0.0, 1.0))
'30 looks like a percentage: did you mean 0.30?'
>>> format_range((0.0, None))
'[0, ?]'
"""

from __future__ import annotations

import numpy as np

from simulator.errors import ParameterError, PlanError
from simulator.yamlmarks import display_path

ALLOW = "pass --allow-outside-range if it is deliberate"


def format_range(limits: tuple) -> str:
    """Vensim's notation: ``[0, 1]``, ``[0, ?]``."""
    return "[" + ", ".join("?" if v is None else f"{v:g}" for v in limits) + "]"


def inside(value: float, limits: tuple) -> bool:
    low, high = limits
    return (low is None or value >= low) and (high is None or value <= high)


def _short(value: float) -> str:
    text = f"{value:.2f}"
    return text if float(text) == value else f"{value:g}"


def likely_intent(value: float, limits: tuple) -> str:
    """What a value outside ``limits`` probably meant (a percentage, per mille), or the plain fix."""
    low, high = limits
    share = high is not None and high <= 1 and (low is None or low >= -1)   # shares and rates, not any small range
    small = share and high <= 0.1                                          # rates written per mille (births, deaths)
    for factor, what in ((100.0, "a percentage"), (1000.0, "per mille")):
        if abs(value) > 1 and inside(value / factor, limits) and (small if factor == 1000.0 else share):
            return f"{value:g} looks like {what}: did you mean {_short(value / factor)}?"
    return f"give a value inside {format_range(limits)}"


def _declared(model, vid: str) -> str:
    from simulator.engine.ingest import equation_line

    info = model.variables[vid]
    line = equation_line(model.path, info.name)
    return f"{display_path(model.path)}:{line}" if line else display_path(model.path)


def _problem(model, vid: str, value: float, label: str) -> str | None:
    """``label: value is outside …; intent`` if ``value`` lies outside ``vid``'s range, else None."""
    info = model.variables.get(vid)
    limits = tuple(getattr(info, "limits", None) or (None, None))
    if info is None or limits == (None, None) or inside(value, limits):
        return None
    return (f"{label}: {value:g} is outside the plausible range {format_range(limits)} that "
            f"{_declared(model, vid)} declares for '{info.name}'; {likely_intent(value, limits)} ({ALLOW})")


def _values(value) -> list[float]:
    return [float(v) for v in np.ravel(np.asarray(value, dtype=float))]


def check_scenario(merged, scenario) -> None:
    """Check every value of ``scenario`` (loaded against its model) and of its plan against the model's ranges.

    Raises
    ------
    ScenarioError
        A ``set:``, lever or ``uncertain:`` value outside its constant's range (``merged.fail``).
    PlanError
        A plan assumption's value or range outside it.
    ParameterError
        A constant the scenario leaves alone whose own value in the model file is outside it.
    """
    model = scenario.model
    vid_of = {name: key.split("[")[0] for name, key in scenario.targets.items()}
    for name, value in scenario.fixed.items():
        for v in _values(value):
            if (why := _problem(model, vid_of[name], v, f"set.{name}")):
                merged.fail(("set", name), why)
    for name, spec in scenario.lever_specs.items():
        for v in spec.values:
            if (why := _problem(model, vid_of[name], v, f"levers.{name}")):
                merged.fail(("levers", name), why)
    for spec in scenario.uncertain:
        for key in ("low", "mode", "high"):
            if key in spec.params and (why := _problem(model, vid_of[spec.name], float(spec.params[key]),
                                                       f"uncertain.{spec.name}.{key}")):
                merged.fail(("uncertain", spec.name, key), why)
    if scenario.plan is not None:
        check_plan(scenario.plan, model)
    _check_model_values(model, set(vid_of.values()))


def check_plan(plan, model) -> None:
    """Each plan assumption's value and range against the range of the model constant it is for."""
    from simulator.yamlmarks import line_of, load_yaml_with_lines

    lines = None
    for index, item in enumerate(plan.assumptions):
        vid = str(item.variable).split("[")[0]
        if vid not in model.variables:
            continue
        for key, values in (("value", [item.value]), ("range", list(item.range or ()))):
            for v in values:
                if v is None or not np.isfinite(float(v)):
                    continue
                why = _problem(model, vid, float(v), f"assumptions.{item.id}.{key}")
                if why:
                    if lines is None:
                        _, lines = load_yaml_with_lines(plan.path, PlanError)
                    raise PlanError(f"{display_path(plan.path)}:{line_of(lines, ('assumptions', index, key))}: {why}")


def _check_model_values(model, overridden: set) -> None:
    """The model file's own value of each ranged constant the scenario does not override."""
    from simulator.engine.ingest import equation_line

    for vid, var in model.ir.variables.items():
        limits = tuple(getattr(var, "limits", None) or (None, None))
        if vid in overridden or limits == (None, None) or var.kind != "constant":
            continue
        for component in var.components:
            value = getattr(component.expr, "value", None)
            if isinstance(value, (int, float)) and not inside(float(value), limits):
                line = equation_line(model.path, var.name)
                raise ParameterError(
                    f"{display_path(model.path)}:{line}: '{var.name}' = {float(value):g} is outside the plausible range "
                    f"{format_range(limits)} its units field declares; {likely_intent(float(value), limits)} ({ALLOW})")
