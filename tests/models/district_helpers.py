"""Test helpers for the district plans (Jizhou 003, Qiaoxi 004): their plan.yaml, scenarios and seed lines.

Shared by tests/models/test_districts.py (checks both districts pass alike) and the district-specific
test files.
"""

from pathlib import Path

import yaml

from simulator.plans.plan import load_plan
from simulator.scenarios.scenario import load_scenario

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO.parent / "shared" / "seeds"
NAMES = ("baseline", "plan", "baseline_uncertain", "plan_uncertain")
UNCERTAIN = ("baseline_uncertain", "plan_uncertain")


def plan_file(region: str) -> Path:
    return REPO / "models" / region / "plan.yaml"


def raw_plan(region: str) -> dict:
    return yaml.safe_load(plan_file(region).read_text(encoding="utf-8"))


def scenarios_of(region: str) -> dict:
    return {name: load_scenario(REPO / "scenarios" / region / f"{name}.yaml") for name in NAMES}


def seed_line(doc: str, line: int) -> str:
    path = SEEDS / doc
    if not path.is_file():
        path = Path(load_plan(plan_file("jizhou")).path).parents[3] / "shared" / "seeds" / doc
    return path.read_text(encoding="utf-8").splitlines()[line - 1]


def goal_of(raw, goal_id):
    for goal in raw["goals"]:
        if goal["id"] == goal_id:
            return goal
    raise AssertionError(f"no goal {goal_id}")


def central(scenario, columns, **params):
    kwargs = scenario.run_kwargs()
    kwargs["return_columns"] = columns
    if params:
        kwargs["params"] = {**(kwargs.get("params") or {}), **params}
    return scenario.model.run(**kwargs).isel(scenario=0)
