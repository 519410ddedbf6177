"""Explore app, levers: a scenario's plan levers as controls (range, unit, label, plan line) and how a moved one applies.

A *plan lever* is a constant or time path that the explored scenario sets and its baseline does not:
every name under ``set:`` or ``levers:`` in the files of the scenario's ``extends:`` chain that are
not in the baseline's chain, plus the means the plan names for its goals (``goals[].levers`` in
plan.yaml) when the scenario sets or samples them. A lever is one number in its own unit:

- ``set``: the constant's value;
- ``path``: the level of a time path (a step's or ramp's ``to``; for points, the knot farthest from the
  first knot); moving it moves every knot that differs from the first knot in proportion, so the
  path keeps its shape and its years;
- ``start``: the year a time path departs from its first value (a step's ``year``, a ramp's ``start``;
  named ``<path>@start``); moving it shifts the whole path in time by whole years (at most
  ±5, inside the run): "what if the policy starts two years later?";
- ``uncertain``: an input the scenario samples; moving it *pins* it to one value in every sampled
  scenario (the other inputs keep their sampled values: common random numbers).

Every other uncertain input of the scenario is offered too (``extra``), for the user to pin. A
lever's range and unit come from plan.yaml's ``assumptions:`` on the same variable (the one whose id
ends in ``_plan`` or whose value is nearest the scenario's), widened to hold the scenario's value
and, for a sampled input, its sampled range;
the hover text is that assumption's reason and, when the reason cites ``line N``, line N of the plan
document (``PLANSIM_SEEDS``).
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass

import numpy as np

from simulator.scenarios.schema import LeverSpec

KINDS = ("set", "path", "start", "uncertain")

#: Name suffix of a path's start-year lever (``urbanization_speed@start``); years it may move either way.
START, START_SPAN = "@start", 5

#: A plan line cited in an assumption's reason: "line 178", "lines 139-143".
_LINE_RE = re.compile(r"\blines? (\d+)")


@dataclass
class Lever:
    """One control of the app (see the module docstring for ``kind``)."""

    name: str
    kind: str
    value: float            # the scenario's own value (reset goes back to it)
    low: float
    high: float
    unit: str = ""
    label: dict = dataclasses.field(default_factory=dict)   # {zh, en}
    reason: str = ""        # the plan.yaml assumption's reason ("" when none)
    plan_line: str = ""     # the cited line of the plan document ("" when not found)
    line: int | None = None
    switch: bool = False    # 0/1 lever shown as a switch
    ranged_by: str = ""     # the assumption id that gave the range, or why there is none
    extra: bool = False     # an uncertain input that is not a plan lever: offered for pinning, hidden until chosen

    @property
    def step(self) -> float:
        """Slider step: 1 for switches and whole-number ranges of years, else 1/200 of the range."""
        if self.switch or self.kind == "start":
            return 1.0
        span = self.high - self.low
        return span / 200.0 if span > 0 else 1.0

    def as_json(self, lang: str) -> dict:
        from reports.formatting import has_cjk, has_latin, unit
        from reports.labels import pick

        # the reason only in a language it is written in (as reports.formatting.note): plan.yaml's are English
        wrong = has_latin(self.reason) if lang == "zh" else (has_cjk(self.reason) and not has_latin(self.reason))

        return {"name": self.name, "kind": self.kind, "value": self.value, "low": self.low, "high": self.high,
                "step": self.step, "unit": unit(self.unit, lang), "label": pick(self.label, lang) or self.name,
                "reason": "" if wrong else self.reason, "plan_line": _clip(self.plan_line), "line": self.line,
                "switch": self.switch, "ranged_by": self.ranged_by, "extra": self.extra, "year": self.kind == "start"}


def _clip(text: str, limit: int = 160) -> str:
    """``text`` cut to ``limit`` characters with … (a plan line can be a whole paragraph)."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def path_level(spec: LeverSpec) -> float:
    """The one number a time path is moved by: the knot value farthest from the first knot's.

    >>> path_level(LeverSpec((2020.0, 2021.0), (0.089, 0.10), "step"))
    0.1
    >>> path_level(LeverSpec((2010.0, 2021.0, 2026.0), (0.0, 1.0, 0.0), "step"))
    1.0
    """
    values = np.asarray(spec.values, dtype=float)
    return float(values[int(np.argmax(np.abs(values - values[0])))])


def moved_path(spec: LeverSpec, level: float) -> LeverSpec:
    """``spec`` with its level set to ``level``: knots other than the first scale about the first knot's value.

    >>> moved_path(LeverSpec((2020.0, 2021.0), (0.089, 0.10), "step"), 0.12).values
    (0.089, 0.12)
    >>> moved_path(LeverSpec((2010.0, 2021.0, 2026.0), (0.0, 1.0, 0.0), "step"), 0.5).values
    (0.0, 0.5, 0.0)
    """
    values = np.asarray(spec.values, dtype=float)
    first, old = values[0], path_level(spec)
    if old == first:        # a flat path: every knot after the first takes the level
        new = np.concatenate([values[:1], np.full(len(values) - 1, level)])
    else:
        new = first + (values - first) * (level - first) / (old - first)
    return LeverSpec(tuple(spec.times), tuple(round(float(v), 12) for v in new), spec.kind)


def path_start(spec: LeverSpec) -> float:
    """The year the path departs from its first value: the first knot that differs, or for linear paths the knot before it.

    >>> path_start(LeverSpec((2020.0, 2021.0), (0.089, 0.10), "step"))
    2021.0
    >>> path_start(LeverSpec((2021.0, 2025.0), (0.15, 0.25), "linear"))
    2021.0
    """
    values = np.asarray(spec.values, dtype=float)
    differs = np.flatnonzero(values != values[0])
    if not len(differs):
        return float(spec.times[0])
    k = int(differs[0])
    return float(spec.times[k - 1] if spec.kind != "step" else spec.times[k])


def shifted_path(spec: LeverSpec, years: float) -> LeverSpec:
    """``spec`` with every knot ``years`` later (earlier if negative).

    >>> shifted_path(LeverSpec((2020.0, 2021.0), (0.089, 0.10), "step"), 2).times
    (2022.0, 2023.0)
    """
    return LeverSpec(tuple(float(t) + years for t in spec.times), tuple(spec.values), spec.kind)


def _assumption_for(plan, name: str, value: float):
    """The plan.yaml assumption on ``name``: an id ending in ``_plan`` first, else the value nearest ``value``."""
    found = [a for a in (plan.assumptions if plan is not None else []) if a.variable == name]
    if not found:
        return None
    planned = [a for a in found if a.id.endswith("_plan")]
    return min(planned or found, key=lambda a: abs(float(a.value) - value))


def _plan_line(plan, reason: str) -> tuple[int | None, str]:
    """``(N, text of line N of the plan document)`` for the first ``line N`` the reason cites; (None, "") if none."""
    from simulator.plans.records import seeds_dir

    match = _LINE_RE.search(reason or "")
    doc = (plan.plan or {}).get("doc") if plan is not None else None
    if not match or not doc:
        return None, ""
    number = int(match.group(1))
    path = seeds_dir() / doc
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return number, ""
    return number, (lines[number - 1].strip() if 0 < number <= len(lines) else "")


def _own_names(scenario, baseline) -> list:
    """Names under set:/levers: in the scenario's chain files that the baseline's chain does not hold."""
    from simulator.scenarios.files import read_layer

    theirs = {path for path, _ in (baseline.files if baseline is not None else [])}
    names = []
    for path, _ in reversed(scenario.files):          # parent first: the plan file's order
        if path in theirs:
            continue
        data = read_layer(path).data
        for section in ("set", "levers"):
            names += [str(n) for n in data.get(section, {}) if str(n) not in names]
    return names


def plan_levers(scenario, baseline=None, indicators=None) -> list:
    """The scenario's plan levers (module docstring), in file order, then the goals' named means, then every other
    uncertain input of the scenario as an ``extra`` lever (one the user may choose to pin)."""
    names = _own_names(scenario, baseline)
    for goal in scenario.goals:
        names += [n for n in goal.levers if n not in names]
    levers = []
    for lever in (_lever(scenario, name, indicators) for name in names):
        if lever is not None:
            levers += [lever] + ([_start_lever(scenario, lever)] if lever.kind == "path" else [])
    extra = [_lever(scenario, spec.name, indicators) for spec in scenario.uncertain if spec.name not in names]
    for lever in extra:
        lever.extra = True
    return levers + extra


def _start_lever(scenario, path: Lever) -> Lever:
    """The start-year lever of a time-path lever: ±:data:`START_SPAN` whole years, inside the run."""
    start = path_start(scenario.lever_specs[path.name])
    run = scenario.effective_time()
    low = max(start - START_SPAN, math.ceil(run["start"])) if run.get("start") is not None else start - START_SPAN
    high = min(start + START_SPAN, math.floor(run["end"])) if run.get("end") is not None else start + START_SPAN
    label = {"zh": f"{path.label['zh']}·起始年份", "en": f"{path.label['en']} · start year"}
    return Lever(path.name + START, "start", start, float(min(low, start)), float(max(high, start)), "Year", label,
                 path.reason, path.plan_line, path.line, ranged_by=f"±{START_SPAN} years, inside the run")


def _lever(scenario, name: str, indicators) -> Lever | None:
    """The control of ``name``; None for a list value or a goal's mean the scenario leaves alone."""
    from reports.indicators import indicator_name

    uncertain = {spec.name: spec for spec in scenario.uncertain}
    if name in uncertain:
        kind, value = "uncertain", float(uncertain[name].median)
        support = uncertain[name].support
    elif name in scenario.lever_specs:
        kind, value, support = "path", path_level(scenario.lever_specs[name]), None
    elif isinstance(scenario.fixed.get(name), (int, float)):
        kind, value, support = "set", float(scenario.fixed[name]), None
    else:
        return None
    assumption = _assumption_for(scenario.plan, name, value)
    if assumption is not None:
        low, high = (float(x) for x in assumption.range)
        unit, reason, ranged_by = assumption.unit, assumption.reason, assumption.id
    elif support and all(math.isfinite(s) for s in support):
        (low, high), unit, reason, ranged_by = support, "", "", "sampling range"
    else:
        low, high = (0.0, 2.0 * value) if value > 0 else ((2.0 * value, 0.0) if value < 0 else (0.0, 1.0))
        unit, reason, ranged_by = "", "", "no assumption in plan.yaml: 0 to twice the value"
    if support and all(math.isfinite(s) for s in support):    # a sampled input: its whole sampled range too
        low, high = min(low, support[0]), max(high, support[1])
    low, high = min(low, value), max(high, value)
    line, text = _plan_line(scenario.plan, reason)
    label = {lang: indicator_name(indicators or {}, name, lang) or name for lang in ("zh", "en")}
    return Lever(name, kind, value, low, high, unit, label, reason, text, line,
                 switch=(low, high) == (0.0, 1.0) and value in (0.0, 1.0) and kind != "uncertain"
                 and name.split("[")[0].endswith("support"),
                 ranged_by=ranged_by)


def moved(levers: list, values: dict) -> dict:
    """``{name: value}`` of the levers moved in ``values``: a set or path value that differs from the scenario's,
    any value of an uncertain input (pinned; ``None`` leaves it sampled). Unknown names are dropped."""
    own = {lever.name: lever for lever in levers}
    out = {}
    for name, value in (values or {}).items():
        if name in own and value is not None and (own[name].kind == "uncertain" or float(value) != own[name].value):
            out[name] = float(value)
    return out


def moved_paths(scenario, levers: list, values: dict) -> dict:
    """``{path name: LeverSpec}`` of the time paths whose level or start moved (level first, then the shift)."""
    change = moved(levers, values)
    kinds = {lever.name: lever for lever in levers}
    out = {}
    for name, value in change.items():
        path = name[:-len(START)] if kinds[name].kind == "start" else name
        if kinds[name].kind not in ("path", "start") or path in out:
            continue
        spec = scenario.lever_specs[path]
        if path in change:
            spec = moved_path(spec, change[path])
        if path + START in change:
            spec = shifted_path(spec, change[path + START] - kinds[path + START].value)
        out[path] = spec
    return out


def apply(scenario, inputs, levers: list, values: dict):
    """``(scenario, inputs)`` with the moved levers applied: set values, time paths, pinned input columns.

    The scenario is a shallow copy with new ``fixed`` / ``levers`` mappings; ``inputs`` (the sample
    matrix, one column per uncertain input) is copied only when a column is pinned.
    """
    from simulator.scenarios.resolve import lever_series

    kinds = {lever.name: lever.kind for lever in levers}
    change = moved(levers, values)
    fixed, paths, specs = dict(scenario.fixed), dict(scenario.levers), dict(scenario.lever_specs)
    pinned = inputs
    for name, spec in moved_paths(scenario, levers, values).items():
        specs[name], paths[name] = spec, lever_series(spec)
    for name, value in change.items():
        if kinds[name] == "set":
            fixed[name] = value
        elif kinds[name] == "uncertain":
            pinned = pinned.copy() if pinned is inputs else pinned
            pinned[name] = value
    return dataclasses.replace(scenario, fixed=fixed, levers=paths, lever_specs=specs), pinned
