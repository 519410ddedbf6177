"""Scenario → plan and model: the region's plan, its goals, the model file, and every named variable checked.

Part of ``load_scenario`` (``scenario.py``); the plan and the engine are imported only when a
scenario needs them, so ``run.py list`` stays fast.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import numpy as np

from simulator.scenarios.distributions import nearest
from simulator.errors import UnknownVariableError
from simulator.names import normalise, split_name
from simulator.scenarios.files import MergedScenario, check_inside_project, project_of
from simulator.scenarios.outputs import check_run_years
from simulator.scenarios.schema import (LeverSpec)
from simulator.yamlmarks import display_path


_REPO_ROOT = Path(__file__).resolve().parents[2]


def find_plan_file(region: str, start: Path) -> Path | None:
    """``models/<region>/plan.yaml`` in the nearest ancestor of ``start`` that has it, else in the repository.

    Scenario files live in ``scenarios/<region>/`` beside ``models/``, so the nearest ancestor
    holding ``models/<region>/plan.yaml`` is the project the scenario belongs to (this also lets
    test fixtures carry their own plans).
    """
    for folder in [start, *start.parents, _REPO_ROOT]:
        candidate = folder / "models" / region / "plan.yaml"
        if candidate.is_file():
            return candidate
    return None


def _known_regions(start: Path) -> list[str]:
    regions = set()
    for folder in [start, *start.parents, _REPO_ROOT]:
        regions.update(p.parent.name for p in (folder / "models").glob("*/plan.yaml"))
    return sorted(regions)


def load_region_plan(merged: MergedScenario):
    region = merged.get("region")
    if region is None:
        return None, None
    if not isinstance(region, str) or not re.fullmatch(r"[a-z0-9_]+", region):
        merged.fail(("region",), f"region must be a lower-case ASCII id like jizhou, got {region!r}")
    where = merged.layer_of(("region",)).path.parent
    plan_file = find_plan_file(region, where)
    if plan_file is None:
        known = _known_regions(where)
        hint = nearest(region, known)
        suggestion = f"did you mean '{hint[0]}'? " if hint else ""
        merged.fail(("region",), f"region: no models/{region}/plan.yaml found above {display_path(where)}; "
                                 f"{suggestion}(known regions: {', '.join(known) or 'none'})")
    from simulator.plans.plan import load_plan

    return region, load_plan(plan_file)


def model_path_of(merged: MergedScenario, plan) -> Path:
    model = merged.get("model")
    if model is not None:
        if not isinstance(model, str):
            merged.fail(("model",), f"model: must be a path to a .mdl or .xmile file, got {model!r}")
        layer = merged.layer_of(("model",))
        path = (layer.path.parent / model).resolve()
        check_inside_project(layer, "model", path, model, project_of(merged.child.path))
        if not path.is_file():
            merged.fail(("model",), f"model: file '{model}' not found (looked for {display_path(path)}); "
                                    f"give a path relative to this file")
        return path
    if plan is not None:
        return Path(plan.model_path)
    merged.fail((), "no model: give region: (whose plan names the model) or model: (a .mdl/.xmile path)")


def parse_goals(merged: MergedScenario, plan) -> list:
    goals = merged.get("goals", "all")
    if plan is None:
        if goals not in ("all", None, []):
            merged.fail(("goals",), "goals: a goal list needs region: (the goals come from the region's plan.yaml)")
        return []
    ids = [goal.id for goal in plan.goals]
    if goals in ("all", None):
        return ids
    if not isinstance(goals, list):
        merged.fail(("goals",), f"goals must be 'all' or a list of goal ids, got {goals!r}")
    for index, goal_id in enumerate(goals):
        if goal_id not in ids:
            hint = nearest(goal_id, ids)
            suggestion = f"did you mean '{hint[0]}'? " if hint else ""
            merged.fail(("goals", index), f"goals: unknown goal id '{goal_id}'; {suggestion}"
                                          f"(goals of region {plan.region}: {', '.join(ids)})")
    return list(dict.fromkeys(goals))


_MODEL_CACHE: dict = {}


def _load_model(path: Path):
    """simulator.load_model, once per file version in this process."""
    from simulator.engine.simulate import load_model

    key = (path, path.stat().st_mtime_ns)
    if key not in _MODEL_CACHE:
        _MODEL_CACHE[key] = load_model(path)
    return _MODEL_CACHE[key]


class _Names:
    """Resolves names as written in a scenario to model variables, with near-miss suggestions."""

    def __init__(self, model):
        self.model = model

    def find(self, name: str):
        """The model's VariableInfo for ``name`` (id or Vensim name, case/space insensitive), or None."""
        try:
            return self.model.find(name)
        except UnknownVariableError:
            return None

    def suggest(self, name: str, kinds: tuple | None = None) -> str:
        pool = [var_id for var_id, info in self.model.variables.items() if kinds is None or info.kind in kinds]
        hints = difflib.get_close_matches(normalise(name), pool, n=3, cutoff=0.5)
        if hints:
            return f"did you mean {', '.join(hints)}?"
        what = "constants" if kinds == ("constant",) else "variables"
        more = ", …" if len(pool) > 3 else ""
        return f"{what} of {self.model.path.name} include {', '.join(pool[:3])}{more}" if pool else ""


def _resolve_target(merged: MergedScenario, names: _Names, section: str, name: str) -> str:
    """Engine parameter key (``id`` or ``id[elem,…]``) for a constant named in set/levers/uncertain."""
    path = (section, name)
    parsed = split_name(name)
    if parsed is None:
        merged.fail(path, f"{section}.{name}: write a constant as name or name[element, …]")
    base, elems = parsed
    info = names.find(base)
    if info is None:
        merged.fail(path, f"{section}.{name}: no variable '{base}' in {names.model.path.name}; "
                          f"{names.suggest(base, ('constant',))}")
    if info.kind != "constant":
        article = "an" if info.kind[0] in "aeiou" else "a"
        merged.fail(path, f"{section}.{name}: '{info.id}' is {article} {info.kind}, not a constant; set, levers and "
                          f"uncertain replace constants only; {names.suggest(base, ('constant',))}")
    if not elems:
        return info.id
    if len(elems) != len(info.dims):
        merged.fail(path, f"{section}.{name}: '{info.id}' has {len(info.dims)} subscript(s) "
                          f"{list(info.dims)}, but {len(elems)} element(s) are given")
    for elem, dim in zip(elems, info.dims):
        allowed = names.model.dimensions.get(dim, [])
        if elem not in allowed:
            hint = nearest(elem, allowed)
            suggestion = f"did you mean '{hint[0]}'? " if hint else ""
            merged.fail(path, f"{section}.{name}: '{elem}' is not an element of {dim}; {suggestion}"
                              f"(elements: {', '.join(allowed)})")
    return f"{info.id}[{','.join(elems)}]"


def check_against_model(merged: MergedScenario, scenario, outputs: list | None) -> None:
    """Resolve every named variable in the model; set ``targets`` and ``outputs``; check ``outputs.years``."""
    model = _load_model(scenario.model_path)
    scenario.model = model
    names = _Names(model)
    seen: dict[str, str] = {}
    sections = {"set": scenario.fixed, "levers": scenario.lever_specs,
                "uncertain": {spec.name: spec for spec in scenario.uncertain}}
    for section, entries in sections.items():
        for name in entries:
            key = _resolve_target(merged, names, section, name)
            if key in seen:
                merged.fail((section, name), f"{section}.{name}: names the same constant as '{seen[key]}'; keep one")
            seen[key] = name
            scenario.targets[name] = key
    for spec in scenario.uncertain:
        info = names.find(split_name(spec.name)[0])
        if info.dims and "[" not in scenario.targets[spec.name]:
            scenario.element_shapes[spec.name] = tuple(len(model.dimensions[dim]) for dim in info.dims)
    for name, value in scenario.fixed.items():
        if isinstance(value, np.ndarray):
            info = names.find(split_name(name)[0])
            shape = tuple(len(model.dimensions[dim]) for dim in info.dims) if "[" not in name else ()
            if value.shape != shape:
                merged.fail(("set", name), f"set.{name}: a list of shape {value.shape} does not match "
                                           f"{info.id}{list(info.dims)} of shape {shape}")
    resolved = []
    for index, name in enumerate(outputs or []):
        info = names.find(name)
        if info is None:
            merged.fail(("outputs", index), f"outputs: no variable '{name}' in {model.path.name}; {names.suggest(name)}")
        resolved.append(info.id)
    goal_vars = []
    where = ("goals",) if merged.get("goals") is not None else ("region",)
    for goal in scenario.goals:
        info = names.find(split_name(goal.variable)[0])
        if info is None:
            merged.fail(where, f"{where[0]}: goal '{goal.id}' of {display_path(scenario.plan.path)} uses "
                               f"'{goal.variable}', which is not a variable of {model.path.name}; "
                               f"{names.suggest(goal.variable)}")
        goal_vars.append(info.id)
    if outputs is None:
        resolved = goal_vars + [var_id for var_id, info in model.variables.items() if info.kind == "stock"]
    scenario.outputs = list(dict.fromkeys(resolved + goal_vars))
    check_run_years(merged, scenario.output_form, scenario.time, model)


def lever_series(spec: LeverSpec):
    from simulator.engine.timeseries import TimeSeries

    return TimeSeries(np.asarray(spec.times, dtype=float), np.asarray(spec.values, dtype=float), kind=spec.kind)


def check_lever_times(merged: MergedScenario, scenario) -> None:
    """Refuse a lever whose points all lie before the run's start or after its end (it would do nothing
    the run can see, e.g. years typed as 20/25 for 2020/2025)."""
    time = scenario.effective_time()
    start, end = time.get("start"), time.get("end")
    if start is None or end is None:
        return
    for name, spec in scenario.lever_specs.items():
        times = [float(t) for t in spec.times]
        if times and (max(times) < start or min(times) > end):
            merged.fail(("levers", name), f"levers.{name}: every point ({min(times):g} to {max(times):g}) lies outside "
                                          f"the run ({start:g} to {end:g}); give times inside the run, e.g. full years like 2025")
