"""Scenarios, new region: a plan text + a like region → models/NAME/plan.yaml and the four scenario files.

The goals and history come from :func:`simulator.plans.extract.draft.extract`; everything the
model needs that the text does not give is borrowed from the ``like`` region: its model file,
its assumptions (each marked ``borrowed``, its range widened by half its width on each side, not
below zero when it was not) and its scenarios (the sampled ranges widened the same way). Nothing
is written when anything fails; an existing region is never overwritten.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from simulator.errors import PlanError
from simulator.plans.extract.document import document, dump
from simulator.plans.extract.draft import extract

SCENARIOS = ("baseline", "plan", "baseline_uncertain", "plan_uncertain")
WIDEN = 0.5


@dataclass
class NewRegion:
    """What ``create_region`` wrote, and the draft it read."""

    draft: object
    written: list = field(default_factory=list)
    note: str = ""


def widened(low: float, high: float, limits: tuple = (None, None)) -> tuple:
    """``[low, high]`` widened by half its width each side; a range that was not negative stays >= 0, and the
    widened range stays inside the plausible ``limits`` the model declares for the constant (``~ Dmnl [0,1]``).

    >>> widened(0.2, 0.4)
    (0.1, 0.5)
    >>> widened(0.0, 1.0)
    (0.0, 1.5)
    >>> widened(0.0, 1.0, (0, 1))
    (0.0, 1.0)
    """
    pad = (high - low) * WIDEN
    new_low = low - pad if low < 0 else max(0.0, low - pad)
    new_high = high + pad
    if limits[0] is not None:
        new_low = max(new_low, float(limits[0]))
    if limits[1] is not None:
        new_high = min(new_high, float(limits[1]))
    return round(new_low, 10), round(new_high, 10)


def _limits_reader(model_path: Path):
    """``name -> (low, high)``: the plausible range the borrowed model declares for a constant (``a[x]`` reads ``a``)."""
    from simulator.engine.simulate import load_model
    from simulator.errors import SimulatorError

    model = load_model(model_path)

    def limits(name: str) -> tuple:
        try:
            info = model.find(str(name).split("[")[0].strip())
        except SimulatorError:
            return (None, None)
        return tuple(getattr(info, "limits", None) or (None, None))
    return limits


def _borrowed_text(text, like: str) -> dict:
    zh = text.get("zh", "") if isinstance(text, dict) else ""
    en = text.get("en", "") if isinstance(text, dict) else str(text or "")
    return {"zh": f"借自{like}（区间向两侧各放宽其宽度的一半，不超出模型声明的合理范围）：{zh or en}",
            "en": f"borrowed from {like} (range widened by half its width each side, inside the model's plausible range): {en}"}


def _borrowed_assumptions(like_plan: dict, like: str, limits) -> list:
    rows = []
    for item in like_plan.get("assumptions") or []:
        low, high = widened(*item["range"], limits(item.get("variable", "")))
        rows.append({**item, "range": [low, high], "borrowed": like, "reason": _borrowed_text(item.get("reason"), like)})
    return rows


def _widen_distribution(spec, limits: tuple):
    if not isinstance(spec, dict) or "low" not in spec or "high" not in spec:
        return spec
    low, high = widened(float(spec["low"]), float(spec["high"]), limits)
    out = {**spec, "low": low, "high": high}
    if "mode" in out:
        out["mode"] = min(max(float(out["mode"]), low), high)
    return out


def _scenario(data: dict, name: str, like: str, limits) -> dict:
    data = dict(data)
    data["region"] = name
    kind = data.get("name", "")
    data["description"] = {
        "zh": f"{name}：借自{like}的{kind}情景（python run.py region new）：其设定、政策杠杆和抽样区间（已放宽）沿用{like}，"
              f"直至本单位替换。",
        "en": f"{name}: {kind} scenario borrowed from {like} (python run.py region new): its settings, levers and sampled "
              f"ranges (widened) are {like}'s until the office replaces them."}
    if isinstance(data.get("uncertain"), dict):
        data["uncertain"] = {key: _widen_distribution(spec, limits(key)) for key, spec in data["uncertain"].items()}
    return data


def _load(path: Path) -> dict:
    if not path.is_file():
        raise PlanError(f"{path}: not found; --like must name a region with models/<like>/plan.yaml and scenarios/<like>/")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _outside_model(drafted: dict, model_path: Path) -> None:
    """Goals and facts whose variable the borrowed model lacks become not modelled / notes (the dictionary is
    written for models/regional; another model may not have its variables)."""
    from simulator.engine.simulate import load_model

    known = set(load_model(model_path).variables)  # cached: the limits reader loads the same compiled model
    for goal in drafted["goals"]:
        variable = goal.get("variable")
        if variable and variable.split("[")[0] not in known:
            goal.pop("variable")
            goal.update({"not_modelled": True, "indicator": variable, "why": f"{variable} is not in {model_path.name}"})
    lacking = [fact for fact in drafted["history"] if fact["variable"].split("[")[0] not in known]
    if lacking:
        drafted["history"] = [fact for fact in drafted["history"] if fact not in lacking]
        drafted["notes"].setdefault("history_without_variable", []).extend(lacking)


def _plan_document(name: str, draft, like_plan: dict, like_dir: Path, new_dir: Path, like: str) -> dict:
    model = (like_dir / like_plan["model"]).resolve()
    drafted = document(draft)
    _outside_model(drafted, model)
    return {
        "region": name,
        "name": {"zh": name, "en": name},
        "plan": drafted["plan"],
        "model": os.path.relpath(model, new_dir),
        "history": drafted["history"],
        "goals": drafted["goals"],
        "assumptions": _borrowed_assumptions(like_plan, like, _limits_reader(model)),
        "notes": {**drafted["notes"], "borrowed_from": like},
    }


def create_region(name: str, plan_text, like: str = "jizhou", project=".", year_default: int | None = None) -> NewRegion:
    """Write ``models/NAME/plan.yaml`` and ``scenarios/NAME/*.yaml`` under ``project`` (PlanError on failure)."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise PlanError(f"region name '{name}' must be a lower-case ASCII id like hengshui (letters, digits, _)")
    project = Path(project)
    new_models, new_scenarios = project / "models" / name, project / "scenarios" / name
    if new_models.exists() or new_scenarios.exists():
        raise PlanError(f"{new_models}: region '{name}' exists already; choose another NAME or remove its folders")
    like_dir = _find_like(project, like)
    like_plan = _load(like_dir / "plan.yaml")
    scenarios = {s: _load(like_dir.parent.parent / "scenarios" / like / f"{s}.yaml") for s in SCENARIOS}
    draft = extract(plan_text, year_default=year_default)
    plan = _plan_document(name, draft, like_plan, like_dir, new_models, like)
    limits = _limits_reader((like_dir / like_plan["model"]).resolve())
    texts = {new_models / "plan.yaml": dump(plan, draft.doc)}
    for scenario, data in scenarios.items():
        header = "# yaml-language-server: $schema=../../docs/scenario.schema.json\n"
        borrowed = _scenario(data, name, like, limits)
        texts[new_scenarios / f"{scenario}.yaml"] = header + yaml.safe_dump(borrowed, allow_unicode=True, sort_keys=False,
                                                                            width=200)
    made = NewRegion(draft=draft)
    try:
        for path, text in texts.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            made.written.append(path)
    except OSError:
        for path in made.written:
            path.unlink(missing_ok=True)
        raise
    mapped = sum(1 for goal in plan["goals"] if "variable" in goal)
    made.note = (f"region {name}: {len(plan['goals'])} goals ({mapped} on model variables, {len(plan['goals']) - mapped} "
                 f"listed as not modelled), {len(plan['assumptions'])} assumptions borrowed from {like}")
    return made


def _find_like(project: Path, like: str) -> Path:
    """``models/<like>`` in ``project``, else in the repository."""
    from simulator.plans.records import MODELS_DIR

    for folder in (project / "models" / like, MODELS_DIR / like):
        if (folder / "plan.yaml").is_file():
            return folder
    raise PlanError(f"--like {like}: no models/{like}/plan.yaml in {project} or {MODELS_DIR}; name an existing region")
