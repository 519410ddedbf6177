"""Plans, observed record: an office's imported figures (models/<region>/data.yaml) beside plan.yaml; goals judged on them.

``python run.py data import`` (``plans/dataimport.py``) writes ``data.yaml`` next to the plan; :func:`load_imported`
reads it into :class:`~simulator.plans.records.Published` figures that ``plans/plan.py`` adds to ``plan.published``,
so calibration, ``validate-history`` and the reports use them like the plan's own published figures. A figure
imported with ``--replace`` names the plan figure it supersedes (``replaces:``), which is then left out.
:func:`observed_verdicts` judges a goal on what happened when its year is at or before the last observed year.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simulator.errors import PlanError
from simulator.plans.records import Published
from simulator.yamlmarks import line_of, load_yaml_with_lines

#: the file beside plan.yaml holding imported figures
DATA_FILE = "data.yaml"
#: the source title of a figure an office holds itself (not published)
INTERNAL = "单位内部数据"
_RECORD_KEYS = ("id", "variable", "year", "value", "unit", "geography", "source")


def text_of(value) -> str:
    """A plan text field as plain text: a ``{zh, en}`` mapping gives its Chinese, else English; None gives ""."""
    if isinstance(value, dict):
        return str(value.get("zh") or value.get("en") or "")
    return "" if value is None else str(value)


def data_path(plan_path: Path | str) -> Path:
    """``data.yaml`` beside a plan file."""
    return Path(plan_path).parent / DATA_FILE


def load_imported(plan_path: Path | str) -> tuple[list, set]:
    """(imported Published figures, ids of plan figures they replace) from ``data.yaml``; ([], set()) without one."""
    path = data_path(plan_path)
    if not path.is_file():
        return [], set()
    data, lines = load_yaml_with_lines(path, PlanError)
    if not isinstance(data, dict) or not isinstance(data.get("imported"), list):
        raise PlanError(f"{path}: must be a mapping with imported: [figures]; rewrite it with python run.py data import")
    figures, replaced = [], set()
    for index, item in enumerate(data["imported"]):
        where = f"{path}:{line_of(lines, ('imported', index))}"
        missing = [k for k in _RECORD_KEYS if not isinstance(item, dict) or item.get(k) in (None, "")]
        if missing:
            raise PlanError(f"{where}: imported[{index}] lacks {', '.join(missing)}; "
                            f"rewrite it with python run.py data import")
        source = item["source"]
        if not isinstance(source, dict) or not source.get("title") or not source.get("publisher"):
            raise PlanError(f"{where}: imported[{index}].source needs title and publisher")
        figures.append(Published(id=str(item["id"]), variable=str(item["variable"]), year=int(item["year"]),
                                 value=float(item["value"]), unit=str(item["unit"]), geography=str(item["geography"]),
                                 source=dict(source), note=str(item.get("note", ""))))
        if item.get("replaces"):
            replaced.add(str(item["replaces"]))
    return figures, replaced


def merge_published(published: list, plan_path: Path | str) -> list:
    """The plan's published figures less those replaced, plus the imported ones (ids must stay unique)."""
    imported, replaced = load_imported(plan_path)
    kept = [p for p in published if p.id not in replaced]
    ids = {p.id for p in kept}
    for figure in imported:
        if figure.id in ids:
            raise PlanError(f"{data_path(plan_path)}: imported id '{figure.id}' is also a published id in plan.yaml; "
                            f"re-import with --replace or rename it")
        ids.add(figure.id)
    return kept + imported


def is_imported(figure) -> bool:
    """True for a figure that came from ``data.yaml`` (its source says how it was imported)."""
    return bool(isinstance(getattr(figure, "source", None), dict) and figure.source.get("imported_from"))


# ----------------------------------------------------------------------------- goals judged on what happened


@dataclass(frozen=True)
class ObservedVerdict:
    """A goal judged on observed figures: the value the goal measures, met or not, and the figures used."""

    goal_id: str
    value: float
    met: bool
    years: tuple
    figures: tuple  # the Published figures used, in year order


def observed_series(plan, variable: str) -> dict:
    """``{year: Published}`` of the plan's figures (published and imported) on ``variable``."""
    found = {}
    for figure in getattr(plan, "published", []) or []:
        if figure.variable == variable:
            found[int(figure.year)] = figure
    return found


def observed_verdict(plan, goal) -> ObservedVerdict | None:
    """The goal judged on observed figures, or None when its year (both ends of a window) is not observed.

    A goal is judged on what happened only when every year it reads has an observed figure of its
    variable; years are never interpolated between observed figures.
    """
    from simulator.plans.kinds import KINDS, GoalSpec

    series = observed_series(plan, goal.variable)
    needed = [int(y) for y in goal.year] if isinstance(goal.year, list) else [int(goal.year)]
    if not series or any(year not in series for year in needed):
        return None
    years = sorted(y for y in series if needed[0] <= y <= needed[-1])
    times = np.array(years, dtype=float)
    values = np.array([[as_fraction(series[y]) for y in years]])
    spec = GoalSpec(goal.id, goal.variable, goal.year, goal.comparison, goal.value, goal.tolerance)
    outcome = KINDS[goal.comparison].evaluate(spec, times, values)
    return ObservedVerdict(goal.id, float(outcome.value[0]), bool(outcome.met[0]), tuple(years),
                           tuple(series[y] for y in years))


def as_fraction(figure) -> float:
    """A figure's value in the model's units: published ``%`` and ``‰`` figures are compared as fractions."""
    scale = {"‰": 1e-3, "%": 1e-2}.get(str(figure.unit).strip(), 1.0)
    return float(figure.value) * scale


def observed_verdicts(plan) -> dict:
    """``{goal id: ObservedVerdict}`` for the goals whose year is at or before the last observed year of their variable."""
    result = {}
    for goal in getattr(plan, "goals", []) or []:
        verdict = observed_verdict(plan, goal)
        if verdict is not None:
            result[goal.id] = verdict
    return result
