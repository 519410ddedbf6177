"""Project folders (models/*/plan.yaml, scenarios/*/*.yaml) → inventory of models, regions, scenarios and goals.

Feeds ``run.py list``. Reads plans with simulator.plans.plan and scenarios with
simulator.scenarios.scenario (``check_model=False``: no model is compiled); a file that fails to load is
listed with its one-line error instead of stopping the listing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from simulator.errors import SimulatorError
from simulator.plans.kinds import KINDS, is_trend, is_window


@dataclass
class Catalog:
    """Rows for the tables of ``run.py list`` (plain dicts of text, in display order)."""

    models: list = field(default_factory=list)
    regions: list = field(default_factory=list)
    scenarios: list = field(default_factory=list)
    goals: list = field(default_factory=list)


def _shown(path: Path, root: Path) -> str:
    return os.path.relpath(path, root)


def _goal_target(goal) -> str:
    if is_trend(goal.comparison):
        return f"{goal.comparison} {goal.year[0]}-{goal.year[1]}"
    if is_window(goal.comparison):
        return f"average growth {goal.comparison[-2:]} {goal.value:g}/year over {goal.year[0]}-{goal.year[1]}"
    value = goal.value
    if KINDS[goal.comparison].value_shape == "pair":
        return f"between {value[0]:g} and {value[1]:g} {goal.unit} in {goal.year}"
    return f"{goal.comparison} {value:g} {goal.unit} in {goal.year}"


def catalog(root: Path | str = ".") -> Catalog:
    """Inventory the project below ``root``.

    Parameters
    ----------
    root : Path or str
        Folder holding ``models/`` and ``scenarios/``.

    Returns
    -------
    Catalog
        ``models`` (model, regions), ``regions`` (region, name, model, goals, scenarios),
        ``scenarios`` (region, file, name, description), ``goals`` (region, goal, label,
        variable, target, binding).
    """
    from simulator.plans.plan import load_plan
    from simulator.scenarios.scenario import load_scenario

    root = Path(root).resolve()
    result = Catalog()
    model_regions: dict[Path, list] = {}
    for model in sorted(p for ext in ("*.mdl", "*.xmile", "*.stmx") for p in (root / "models").glob(f"*/{ext}")):
        model_regions.setdefault(model.resolve(), [])
    scenario_files = sorted((root / "scenarios").glob("*/*.yaml")) + sorted((root / "scenarios").glob("*/*.yml"))
    by_region: dict[str, list] = {}
    for path in scenario_files:
        try:
            sc = load_scenario(path, check_model=False)
        except SimulatorError as err:
            by_region.setdefault(path.parent.name, [])
            result.scenarios.append({"region": path.parent.name, "file": _shown(path, root), "name": "-",
                                     "description": f"INVALID: {err}"})
            continue
        region = sc.region or "-"
        by_region.setdefault(region, []).append(sc.name)
        text = sc.description if isinstance(sc.description, str) else sc.description.get("en") or sc.description["zh"]
        result.scenarios.append({"region": region, "file": _shown(path, root), "name": sc.name, "description": text})
        model_regions.setdefault(Path(sc.model_path).resolve(), [])
    for plan_file in sorted((root / "models").glob("*/plan.yaml")):
        region = plan_file.parent.name
        try:
            plan = load_plan(plan_file)
        except SimulatorError as err:
            result.regions.append({"region": region, "name": "-", "model": "-", "goals": "-",
                                   "scenarios": f"INVALID PLAN: {err}"})
            continue
        model_regions.setdefault(plan.model_path.resolve(), []).append(plan.region)
        name = plan.name.get("zh") or plan.name.get("en") or ""
        if plan.name.get("zh") and plan.name.get("en"):
            name = f"{plan.name['zh']} ({plan.name['en']})"
        result.regions.append({"region": plan.region, "name": name, "model": _shown(plan.model_path, root),
                               "goals": str(len(plan.goals)),
                               "scenarios": ", ".join(by_region.get(plan.region, [])) or "-"})
        for goal in plan.goals:
            label = goal.label.get("zh") or goal.label.get("en") or ""
            result.goals.append({"region": plan.region, "goal": goal.id, "label": label, "variable": goal.variable,
                                 "target": _goal_target(goal), "binding": "binding" if goal.binding else "expected"})
    for model, regions in sorted(model_regions.items()):
        result.models.append({"model": _shown(model, root), "regions": ", ".join(regions) or "-"})
    return result
