"""Plan files in (models/<region>/plan.yaml) → validated ``Plan`` objects for goals, calibration and reports.

A plan file lists what a regional plan document says: figures for past years (``history``),
targets (``goals``) and every number the model needs that the plan does not give
(``assumptions``). Each plan number cites its source line in ``../shared/seeds/``;
:meth:`Source.verify` checks that the quoted words really are on that line.

Errors are raised as :class:`simulator.errors.PlanError` with one line naming the file, the YAML
line and the key, and saying how to fix it.
"""

from __future__ import annotations

import re
from pathlib import Path

from simulator.errors import PlanError
from simulator.plans.kinds import KINDS
from simulator.plans.observed import merge_published
from simulator.yamlmarks import line_of, load_yaml_with_lines

from simulator.plans.records import (  # noqa: F401  (re-exported: the reader's public names)
    BASES, DECIDERS, MODELS_DIR, PUBLISHED_SOURCE_KEYS, REPO_ROOT, Assumption, Fact, Goal, Plan, Published, Source, Text,
    Uncovered, seeds_dir,
)

_VARIABLE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_ ]*(\[[A-Za-z0-9_ ,]+\])?$")
_TOP_KEYS = {"region", "name", "plan", "model", "history", "goals", "assumptions"}
_OPTIONAL_TOP_KEYS = {"notes", "published", "calibration", "record"}


# ----------------------------------------------------------------------------- YAML with line numbers


class _LineDict(dict):
    """A mapping of plan.yaml with its own line and the line of each key (for messages)."""

    line = 0
    key_lines: dict = {}


def _with_lines(value, lines: dict, where: tuple = ()):
    """The document from :func:`simulator.yamlmarks.load_yaml_with_lines`, mappings as :class:`_LineDict`."""
    if isinstance(value, dict):
        mapping = _LineDict({k: _with_lines(v, lines, where + (k,)) for k, v in value.items()})
        mapping.line = line_of(lines, where)
        mapping.key_lines = {k: lines.get(where + (k,), mapping.line) for k in value}
        return mapping
    if isinstance(value, list):
        return [_with_lines(v, lines, where + (i,)) for i, v in enumerate(value)]
    return value


class _Checker:
    """Builds PlanError messages that name the file, the line and the key."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, node, key: str, message: str):
        line = node.key_lines.get(key.split(".")[-1], node.line) if isinstance(node, _LineDict) else 0
        raise PlanError(f"{self.path}:{line}: key '{key}': {message}")

    def require(self, node, key: str, kinds, label: str):
        if not isinstance(node, dict) or key not in node:
            self.fail(node, key, f"missing in {label}; add it (see docs/interfaces.md §2)")
        value = node[key]
        if not isinstance(value, kinds) or isinstance(value, bool) and bool not in _as_tuple(kinds):
            names = "/".join(k.__name__ for k in _as_tuple(kinds))
            self.fail(node, key, f"in {label} must be {names}, got {value!r}")
        return value


def _as_tuple(kinds):
    return kinds if isinstance(kinds, tuple) else (kinds,)


NUMBER = (int, float)


# ----------------------------------------------------------------------------- parsing


def _parse_source(check: _Checker, item, label: str) -> Source:
    src = check.require(item, "source", dict, label)
    doc = check.require(src, "doc", str, f"{label}.source")
    line = check.require(src, "line", int, f"{label}.source")
    quote = check.require(src, "quote", str, f"{label}.source")
    if not quote.strip():
        check.fail(src, "quote", f"in {label}.source is empty; copy the words that carry the number")
    return Source(doc=doc, line=line, quote=str(quote), where=f"{check.path}:{src.line} ({label})")


def _text(check: _Checker, item, key: str, label: str) -> Text:
    """A text field: plain English, or ``{zh: …, en: …}`` (both non-empty) for the report's two languages."""
    value = item.get(key, "") if isinstance(item, dict) else ""
    if isinstance(value, dict):
        if set(value) != {"zh", "en"} or not all(isinstance(v, str) and v.strip() for v in value.values()):
            check.fail(item, key, f"in {label}: a text in two languages is {{zh: 中文, en: English}}, both non-empty")
        return Text(value["en"].strip(), zh=value["zh"].strip())
    if value is not None and not isinstance(value, (str, int, float)):
        check.fail(item, key, f"in {label}: must be text or {{zh: 中文, en: English}}")
    return Text("" if value is None else str(value))


def _parse_variable(check: _Checker, item, label: str) -> str:
    variable = check.require(item, "variable", str, label)
    if not _VARIABLE_RE.match(variable):
        check.fail(item, "variable", f"in {label}: {variable!r} is not a model id like 'gdp' or 'value_added[tertiary]'")
    return variable


def _parse_fact(check: _Checker, item, index: int) -> Fact:
    label = f"history[{index}]"
    if not isinstance(item, dict):
        raise PlanError(f"{check.path}: {label} must be a mapping with id, variable, year, value, unit, source")
    return Fact(
        id=check.require(item, "id", str, label),
        variable=_parse_variable(check, item, label),
        year=check.require(item, "year", NUMBER, label),
        value=float(check.require(item, "value", NUMBER, label)),
        unit=str(check.require(item, "unit", str, label)),
        source=_parse_source(check, item, label),
        note=_text(check, item, "note", label),
    )


def _check_goal_value(check: _Checker, item, label: str, comparison: str):
    shape = KINDS[comparison].value_shape
    value = item.get("value")
    if shape == "none":
        if value is not None:
            check.fail(item, "value", f"in {label}: '{comparison}' takes no value; remove it")
        return None
    if shape == "pair":
        if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, NUMBER) for v in value)
                and value[0] <= value[1]):
            check.fail(item, "value", f"in {label}: 'between' needs value: [low, high] with low <= high")
        return [float(v) for v in value]
    return float(check.require(item, "value", NUMBER, label))


def _check_goal_year(check: _Checker, item, label: str, comparison: str):
    year = item.get("year")
    if KINDS[comparison].window:
        if not (isinstance(year, list) and len(year) == 2 and all(isinstance(y, int) for y in year)
                and year[0] < year[1]):
            check.fail(item, "year", f"in {label}: '{comparison}' needs year: [from_year, to_year]")
        return list(year)
    return check.require(item, "year", int, label)


def _parse_goal(check: _Checker, item, index: int) -> Goal:
    label = f"goals[{index}]"
    if not isinstance(item, dict):
        raise PlanError(f"{check.path}: {label} must be a mapping (see docs/interfaces.md §2)")
    comparison = check.require(item, "comparison", str, label)
    if comparison not in KINDS:
        check.fail(item, "comparison", f"in {label}: {comparison!r} is not one of {', '.join(KINDS)}")
    tolerance = item.get("tolerance")
    if tolerance is not None and not (isinstance(tolerance, NUMBER) and tolerance >= 0):
        check.fail(item, "tolerance", f"in {label}: must be a non-negative number (relative)")
    label_dict = check.require(item, "label", dict, label)
    return Goal(
        id=check.require(item, "id", str, label),
        label=dict(label_dict),
        variable=_parse_variable(check, item, label),
        year=_check_goal_year(check, item, label, comparison),
        comparison=comparison,
        value=_check_goal_value(check, item, label, comparison),
        unit=str(check.require(item, "unit", str, label)),
        binding=check.require(item, "binding", bool, label),
        source=_parse_source(check, item, label),
        tolerance=None if tolerance is None else float(tolerance),
        note=_text(check, item, "note", label),
        levers=_goal_levers(check, item, label),
        **_goal_reading(check, item, label),
    )


def _parse_uncovered(check: _Checker, item, index: int) -> Uncovered:
    """A goal marked ``not_modelled: true``: id, label, indicator and source (no variable, never evaluated)."""
    label = f"goals[{index}]"
    return Uncovered(id=check.require(item, "id", str, label), label=dict(check.require(item, "label", dict, label)),
                     indicator=str(item.get("indicator", "")), source=_parse_source(check, item, label),
                     why=str(item.get("why", "")))


def _parse_goals(check: _Checker, items: list) -> tuple:
    """(goals, uncovered): the goals to evaluate, and those marked ``not_modelled: true``."""
    marked = {i for i, item in enumerate(items) if isinstance(item, dict) and item.get("not_modelled") is True}
    return ([_parse_goal(check, item, i) for i, item in enumerate(items) if i not in marked],
            [_parse_uncovered(check, item, i) for i, item in enumerate(items) if i in marked])


def _goal_levers(check: _Checker, item, label: str) -> tuple:
    """The optional ``levers: [name, ...]``: the plan's own means for the goal (``run.py seek`` tries them)."""
    levers = item.get("levers")
    if levers is None:
        return ()
    if not (isinstance(levers, list) and levers and all(isinstance(x, str) and _VARIABLE_RE.match(x) for x in levers)):
        check.fail(item, "levers", f"in {label}: levers must be a list of model constant names, "
                                   f"e.g. levers: [\"cluster_investment_push[biomedicine]\"]")
    return tuple(levers)


def _goal_reading(check: _Checker, item, label: str) -> dict:
    """Price basis (required for money goals), reading rule and what decides the goal."""
    basis, price_year = item.get("basis"), item.get("price_year")
    if "元" in str(item.get("unit", "")) and basis not in BASES:
        check.fail(item, "basis" if "basis" in item else "unit",
                   f"in {label}: a money goal needs basis: real or nominal (docs/goal-reading.md)")
    if basis is not None and basis not in BASES:
        check.fail(item, "basis", f"in {label}: basis must be one of {', '.join(BASES)}")
    if basis == "real" and not isinstance(price_year, int):
        check.fail(item, "basis", f"in {label}: a real money goal needs price_year: YEAR (its constant prices)")
    decided_by = item.get("decided_by")
    if decided_by is not None and decided_by not in DECIDERS:
        check.fail(item, "decided_by", f"in {label}: decided_by must be one of {', '.join(DECIDERS)}")
    return {"basis": basis, "price_year": price_year, "reading": _text(check, item, "reading", label),
            "decided_by": decided_by, "decided_by_note": _text(check, item, "decided_by_note", label)}


def _parse_calibration(check: _Checker, data) -> dict:
    block = data.get("calibration")
    if block is None:
        return {}
    if not isinstance(block, dict):
        check.fail(data, "calibration", "must be a mapping {fit_until: YEAR, free: [NAME, ...]}")
    fit_until = check.require(block, "fit_until", int, "calibration")
    free = block.get("free") or []
    if not (isinstance(free, list) and all(isinstance(name, str) for name in free)):
        check.fail(block, "free", "in calibration: must be a list of constant names")
    return {"fit_until": fit_until, "free": list(free)}


def _parse_record(check: _Checker, data, anchors: set) -> dict:
    """``record: {floors: [id, ...], misfits: [{id, size, reason}, ...]}``: how the baseline holds its record.

    ``floors`` names figures the source gives as a lower bound (超过, 突破); ``misfits`` lists figures
    the baseline_uncertain band does not hold, each with its size and reason (text or ``{zh, en}``; issue 20).
    """
    block = data.get("record")
    if block is None:
        return {"floors": [], "misfits": []}
    if not isinstance(block, dict) or set(block) - {"floors", "misfits"}:
        check.fail(data, "record", "must be a mapping {floors: [ID, ...], misfits: [{id, size, reason}, ...]}")
    floors = block.get("floors") or []
    if not (isinstance(floors, list) and all(isinstance(i, str) for i in floors)):
        check.fail(block, "floors", "in record: must be a list of history/published ids")
    misfits = []
    for index, item in enumerate(block.get("misfits") or []):
        label = f"record.misfits[{index}]"
        if not isinstance(item, dict):
            raise PlanError(f"{check.path}: {label} must be a mapping with id, size, reason")
        entry = {"id": check.require(item, "id", str, label), "size": check.require(item, "size", (str, dict), label),
                 "reason": check.require(item, "reason", (str, dict), label)}
        misfits.append(entry)
    for name in [*floors, *(m["id"] for m in misfits)]:
        if name not in anchors:
            check.fail(data, "record", f"'{name}' is no history or published id naming a model variable; "
                                       f"use one of {', '.join(sorted(anchors))}")
    return {"floors": list(floors), "misfits": misfits}


def _parse_published(check: _Checker, item, index: int) -> Published:
    label = f"published[{index}]"
    if not isinstance(item, dict):
        raise PlanError(f"{check.path}: {label} must be a mapping with id, variable, year, value, unit, geography, source")
    source = check.require(item, "source", dict, label)
    for key in PUBLISHED_SOURCE_KEYS:
        if source.get(key) in (None, ""):
            check.fail(item, "source", f"in {label}: source needs {key} (title, publisher, year_published, url, quote)")
    variable = item.get("variable")
    if variable is not None:
        variable = _parse_variable(check, item, label)
    return Published(
        id=check.require(item, "id", str, label),
        variable=variable,
        year=check.require(item, "year", int, label),
        value=float(check.require(item, "value", NUMBER, label)),
        unit=str(check.require(item, "unit", str, label)),
        geography=str(check.require(item, "geography", str, label)),
        source=dict(source),
        sets=item.get("sets"),
        note=_text(check, item, "note", label),
    )


def _parse_assumption(check: _Checker, item, index: int) -> Assumption:
    label = f"assumptions[{index}]"
    if not isinstance(item, dict):
        raise PlanError(f"{check.path}: {label} must be a mapping with id, variable, value, range, unit, reason")
    value = float(check.require(item, "value", NUMBER, label))
    bounds = check.require(item, "range", list, label)
    if len(bounds) != 2 or not all(isinstance(b, NUMBER) for b in bounds):
        check.fail(item, "range", f"in {label}: must be [low, high]")
    low, high = float(bounds[0]), float(bounds[1])
    if not low <= value <= high:
        check.fail(item, "value", f"in {label}: {value} is outside its range [{low}, {high}]; fix the value or the range")
    check.require(item, "reason", (str, dict), label)
    reason = _text(check, item, "reason", label)
    if not reason.strip():
        check.fail(item, "reason", f"in {label}: give a one-line reason for the assumed value")
    return Assumption(
        id=check.require(item, "id", str, label),
        variable=_parse_variable(check, item, label),
        value=value,
        range=(low, high),
        unit=str(check.require(item, "unit", str, label)),
        reason=reason,
    )


def _check_unique(check: _Checker, items, kind: str) -> None:
    seen = set()
    for item in items:
        if item.id in seen:
            raise PlanError(f"{check.path}: duplicate {kind} id '{item.id}'; ids must be unique")
        seen.add(item.id)


def resolve_plan_path(path_or_region) -> Path:
    """A plan.yaml path from a path, or from a region id (``models/<region>/plan.yaml``)."""
    text = str(path_or_region)
    candidate = Path(text)
    if candidate.suffix in (".yaml", ".yml") or candidate.is_file():
        return candidate
    if re.fullmatch(r"[a-z0-9_]+", text):
        return MODELS_DIR / text / "plan.yaml"
    raise PlanError(f"'{text}' is neither a plan.yaml path nor a region id like 'jizhou'")


def load_plan(path_or_region) -> Plan:
    """Load and validate a plan file: the path of a plan.yaml, or a region id (``"jizhou"`` → ``models/jizhou/plan.yaml``).

    Raises PlanError, one line naming the file, the YAML line and the key, and the fix.
    """
    path = resolve_plan_path(path_or_region)
    if not path.is_file():
        raise PlanError(f"{path}: plan file not found; regions are the folders of {MODELS_DIR} that hold a plan.yaml")
    data, lines = load_yaml_with_lines(path, PlanError)  # the one YAML reader: duplicate keys refused
    data = _with_lines(data, lines)
    check = _Checker(path)
    if not isinstance(data, dict):
        raise PlanError(f"{path}: must be a YAML mapping with keys {', '.join(sorted(_TOP_KEYS))}")
    unknown = set(data) - _TOP_KEYS - _OPTIONAL_TOP_KEYS
    if unknown:
        key = sorted(unknown)[0]
        check.fail(data, key, f"unknown top-level key; allowed: {', '.join(sorted(_TOP_KEYS | _OPTIONAL_TOP_KEYS))}")
    region = check.require(data, "region", str, "plan")
    if path.parent.parent == MODELS_DIR.resolve() or path.parent.parent.name == "models":
        if region != path.parent.name:
            check.fail(data, "region", f"'{region}' differs from the folder name '{path.parent.name}'; make them equal")
    name = check.require(data, "name", dict, "plan")
    meta = check.require(data, "plan", dict, "plan")
    for key in ("doc", "title", "period"):
        check.require(meta, key, (str, dict), "plan.plan")
    if "start_year" in meta:
        check.require(meta, "start_year", int, "plan.plan")
    model_rel = check.require(data, "model", str, "plan")
    model_path = (path.parent / model_rel).resolve()
    if not model_path.is_file():
        check.fail(data, "model", f"model file {model_path} does not exist; give a path relative to {path.name}")
    history = [_parse_fact(check, item, i) for i, item in enumerate(data.get("history") or [])]
    goals, uncovered = _parse_goals(check, data.get("goals") or [])
    assumptions = [_parse_assumption(check, item, i) for i, item in enumerate(data.get("assumptions") or [])]
    published = [_parse_published(check, item, i) for i, item in enumerate(data.get("published") or [])]
    for items, kind in ((history, "history"), (goals + uncovered, "goal"), (assumptions, "assumption"), (published, "published")):
        _check_unique(check, items, kind)
    published = merge_published(published, path)  # an office's imported figures (data.yaml beside the plan)
    return Plan(
        region=region,
        name=dict(name),
        plan=dict(meta),
        model_path=model_path,
        history=history,
        goals=goals,
        assumptions=assumptions,
        path=path.resolve(),
        published=published,
        calibration=_parse_calibration(check, data),
        not_modelled=uncovered,
        record=_parse_record(check, data, {f.id for f in history} | {p.id for p in published if p.variable}),
    )


def list_plans() -> list:
    """Every ``models/*/plan.yaml`` in the repository, sorted."""
    return sorted(MODELS_DIR.glob("*/plan.yaml"))
