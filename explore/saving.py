"""Explore app, keeping what was found: the moved levers as a scenario file that extends the explored one, and its report.

The file sets only what moved: ``set:`` values, ``levers:`` time paths (level or start year moved;
written as ``points:`` with the path's own interpolation, the same knots :mod:`explore.levers` ran) and pinned uncertain inputs as
``{dist: choice, values: [v]}`` — an input that stays in the sample with one value, so the other
inputs keep their sampled values and ``python run.py batch`` on the file gives the numbers the page
showed (same ``sampling: {n, seed}``, also written). The file is written to a hidden ``.<name>.part.yaml`` sibling,
checked with ``load_scenario`` (what ``validate`` runs) and only then renamed into place.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone
from pathlib import Path

import yaml

from explore import levers as lever_mod
from simulator.errors import ScenarioError

#: A saved scenario's file name: letters, digits, _ and - only.
NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,60}$")


def _number(value: float):
    value = float(value)
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


def scenario_mapping(explorer, values: dict, name: str, folder: Path) -> dict:
    """The saved scenario's content (a plain mapping in file order)."""
    kinds = {lever.name: lever.kind for lever in explorer.levers}
    change = lever_mod.moved(explorer.levers, values)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    moved_text = ", ".join(f"{k} = {v:g}" for k, v in change.items()) or "nothing moved"
    data = {
        "name": name,
        "description": f"Saved from python run.py explore {explorer.path.name} on {stamp}: {moved_text}.",
        "extends": os.path.relpath(explorer.path.resolve(), folder.resolve()),
    }
    fixed = {k: _number(v) for k, v in change.items() if kinds[k] == "set"}
    paths = {key: {"points": {_number(t): _number(v) for t, v in zip(spec.times, spec.values)}, "interpolation": spec.kind}
             for key, spec in lever_mod.moved_paths(explorer.scenario, explorer.levers, values).items()}
    pinned = {k: {"dist": "choice", "values": [_number(v)]} for k, v in change.items() if kinds[k] == "uncertain"}
    for section, content in (("set", fixed), ("levers", paths), ("uncertain", pinned)):
        if content:
            data[section] = content
    data["sampling"] = {"n": explorer.n, "seed": explorer.seed}
    return data


def save_scenario(explorer, values: dict, name: str, folder=None) -> Path:
    """Write the moved levers as ``<folder>/<name>.yaml`` (default folder: the explored file's), validated.

    Raises
    ------
    ScenarioError
        A bad name, an existing file, or a file ``validate`` refuses (nothing is left behind).
    """
    from simulator.scenarios.scenario import load_scenario

    if not NAME_RE.match(name or ""):
        raise ScenarioError(f"scenario name {name!r}: use 1-60 letters, digits, _ or -, e.g. plan_more_reclaimed")
    folder = Path(folder) if folder is not None else explorer.path.parent
    target = folder / f"{name}.yaml"
    if target.exists():
        raise ScenarioError(f"{target}: exists; choose another name")
    header = ("# Written by python run.py explore. A pinned input is {dist: choice, values: [v]}: it stays in the\n"
              "# sample with one value, so the other inputs keep their sampled values (common random numbers).\n")
    text = header + yaml.safe_dump(scenario_mapping(explorer, values, name, folder), allow_unicode=True,
                                   sort_keys=False, width=110)
    part = folder / f".{name}.part.yaml"         # hidden until checked; load_scenario wants a .yaml name
    part.write_text(text, encoding="utf-8")
    try:
        load_scenario(part)
        part.rename(target)
    finally:
        if part.exists():
            part.unlink()
    return target


def report_scenario(path, n: int, seed: int, lang: str) -> list:
    """``batch`` then ``report`` on a saved scenario (the normal run folder under out/); the files written."""
    from reports import build_report
    from simulator.runs.batch import run_batch

    folders = run_batch([str(path)], n=n, seed=seed)
    return [str(p) for p in build_report(folders, lang=lang, formats="pdf,png")]
