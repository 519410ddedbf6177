"""Scenario files on disk → one merged mapping that still knows which file and line each key came from.

First step of ``scenarios/*.yaml ──(validate)──▶ ScenarioSet``: read a scenario file and the chain
of files it ``extends:`` (relative paths, cycles refused), check each file's top-level keys, and
merge parent → child. Validation of the merged values is simulator.scenarios.scenario' job; every error
it raises goes through :meth:`MergedScenario.fail`, which puts ``<file>:<line>:`` in front.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from simulator.scenarios.distributions import nearest
from simulator.errors import ScenarioError
from simulator.yamlmarks import KeyPath, display_path, line_of, load_yaml_with_lines

#: Every top-level key of a scenario file, with what it holds (shown when a key is unknown).
TOP_KEYS = {
    "name": "the scenario's name (default: the file name)",
    "description": "one or two sentences",
    "extends": "a scenario file this one builds on (path relative to this file)",
    "region": "region id: uses models/<region>/plan.yaml (its model and goals)",
    "model": "model file (.mdl/.xmile), relative to this file; overrides the plan's",
    "time": "{start, end, dt, saveper}",
    "method": "integration method: euler or rk4",
    "set": "fixed constants {name: value}",
    "levers": "time-varying constants {name: {points|ramp|step}}",
    "uncertain": "sampled constants {name: {dist: …}}",
    "correlation": "rank correlations [[a, b, rho], …]",
    "sampling": "{method, n, seed, levels}",
    "outputs": "variables to keep [name, …], or {variables: [name, …], years: [2025, 2030, 2035], precision: float32|float64}",
    "goals": "all, or a list of goal ids of the plan",
}

#: Environment variable that lets ``extends:`` and ``model:`` leave the scenario's project
#: (set by ``python run.py --allow-outside-project …``; inherited by worker processes).
ALLOW_OUTSIDE_ENV = "PLANSIM_ALLOW_OUTSIDE_PROJECT"

#: File name endings of scenario files (anything else is never read as one, so never echoed).
SCENARIO_SUFFIXES = (".yaml", ".yml")

#: Sections that a child merges into its parent's key by key (other keys replace the parent's).
MERGED_BY_KEY = ("set", "levers", "uncertain", "time", "sampling")

#: Sections naming model constants; a name set in one of them in a child leaves the others.
INPUT_SECTIONS = ("set", "levers", "uncertain")

#: Keys that belong to one file only and are never inherited.
OWN_KEYS = ("name", "description", "extends")


@dataclass
class ScenarioLayer:
    """One scenario file as read: absolute ``path``, plain ``data``, key-path ``lines``, ``sha256``."""

    path: Path
    data: dict
    lines: dict
    sha256: str

    @property
    def shown(self) -> str:
        """The file's name as error messages show it."""
        return display_path(self.path)

    def fail(self, path: KeyPath, message: str) -> NoReturn:
        """Raise a ScenarioError ``"<file>:<line>: <message>"`` at key path ``path`` of this file."""
        raise ScenarioError(f"{self.shown}:{line_of(self.lines, path)}: {message}")


def read_layer(path: Path) -> ScenarioLayer:
    """Read one scenario file and check its top-level shape (no ``extends`` following).

    Raises
    ------
    ScenarioError
        Malformed YAML, a root that is not a mapping, an unknown top-level key (with the nearest
        allowed key), or a key-by-key section that is not a mapping.
    """
    data, lines = load_yaml_with_lines(path, ScenarioError)
    raw = Path(path).read_bytes()
    layer = ScenarioLayer(Path(path).resolve(), {} if data is None else data, lines, hashlib.sha256(raw).hexdigest())
    if not isinstance(layer.data, dict):
        layer.fail((), f"a scenario file must be a mapping of keys (name:, region:, set:, …), "
                       f"not a {type(layer.data).__name__}")
    for key in layer.data:
        if key not in TOP_KEYS:
            hint = nearest(key, TOP_KEYS)
            suggestion = f"did you mean '{hint[0]}'? " if hint else ""
            shown = str(key) if len(str(key)) <= 40 else str(key)[:37] + "..."
            layer.fail((key,), f"unknown key '{shown}'; {suggestion}(allowed: {', '.join(TOP_KEYS)})")
    for key in MERGED_BY_KEY:
        value = layer.data.get(key)
        if value is None:
            layer.data.pop(key, None)
        elif not isinstance(value, dict):
            layer.fail((key,), f"{key} must be a mapping {TOP_KEYS[key]}, not a {type(value).__name__}")
    _refuse_names_in_two_sections(layer)
    return layer


def _refuse_names_in_two_sections(layer: ScenarioLayer) -> None:
    """One file may not give the same constant in two of set/levers/uncertain."""
    first: dict[str, str] = {}
    for section in INPUT_SECTIONS:
        for name in layer.data.get(section, {}):
            if name in first:
                layer.fail((section, name), f"{section}.{name}: '{name}' is also under {first[name]} "
                                            f"(line {line_of(layer.lines, (first[name], name))}); give it in one section only")
            first[name] = section


def project_of(path: Path) -> Path:
    """The project a scenario file belongs to: the nearest folder above it holding ``scenarios/`` or
    ``models/`` (the file's own folder when there is none)."""
    start = Path(path).resolve().parent
    for folder in [start, *start.parents]:
        if (folder / "scenarios").is_dir() or (folder / "models").is_dir():
            return folder
    return start


def check_inside_project(layer: ScenarioLayer, key: str, target: Path, written: str, project: Path) -> None:
    """Refuse a path of ``layer`` (at ``key``) that resolves outside ``project`` unless allowed."""
    if os.environ.get(ALLOW_OUTSIDE_ENV) or target.resolve().is_relative_to(project):
        return
    layer.fail((key,), f"{key}: '{written}' lies outside the scenario's project {project}; "
                       f"copy the file into the project or run python run.py --allow-outside-project …")


def _check_scenario_name(path: Path) -> None:
    if Path(path).suffix.lower() not in SCENARIO_SUFFIXES:
        raise ScenarioError(f"{display_path(path)}: not a scenario file (a scenario is a .yaml or .yml file); "
                            f"give a scenario such as scenarios/jizhou/baseline.yaml")


def read_chain(path: Path | str) -> list[ScenarioLayer]:
    """Read ``path`` and every file it extends, child first.

    Raises
    ------
    ScenarioError
        A file that is not a .yaml/.yml, a missing file, a missing ``extends`` target, a target
        outside the scenario's project (see :func:`project_of`), or a cycle (naming the chain).
    """
    _check_scenario_name(Path(path))
    layer = read_layer(Path(path))
    project = project_of(layer.path)
    chain = [layer]
    while layer.data.get("extends") is not None:
        target = layer.data["extends"]
        if not isinstance(target, str) or not target.strip():
            layer.fail(("extends",), "extends: must be a file name relative to this file, e.g. extends: baseline.yaml")
        parent = (layer.path.parent / target).resolve()
        if parent.suffix.lower() not in SCENARIO_SUFFIXES:
            layer.fail(("extends",), f"extends: '{target}' is not a scenario file (.yaml or .yml); "
                                     f"extend another scenario, e.g. extends: baseline.yaml")
        check_inside_project(layer, "extends", parent, target, project)
        if parent in [seen.path for seen in chain]:
            cycle = " -> ".join(display_path(seen.path) for seen in chain) + f" -> {display_path(parent)}"
            layer.fail(("extends",), f"extends: the chain makes a cycle: {cycle}; remove one of these extends")
        if not parent.is_file():
            layer.fail(("extends",), f"extends: file '{target}' not found (looked for {display_path(parent)}); "
                                     f"give a path relative to this file")
        layer = read_layer(parent)
        chain.append(layer)
    return chain


@dataclass
class MergedScenario:
    """The merged values of a chain of scenario files, with the file each entry came from.

    ``values`` holds the top-level keys; ``origin`` maps ``(key,)`` or ``(section, name)`` to the
    layer that gave it. ``layers`` is the chain, child first.
    """

    layers: list
    values: dict = field(default_factory=dict)
    origin: dict = field(default_factory=dict)

    @property
    def child(self) -> ScenarioLayer:
        """The file that was asked for (the last in the chain to be merged)."""
        return self.layers[0]

    def get(self, key: str, default: Any = None) -> Any:
        """The merged value of top-level ``key``."""
        return self.values.get(key, default)

    def layer_of(self, path: KeyPath) -> ScenarioLayer:
        """The file that wrote the entry at ``path`` (the child when nobody did)."""
        for end in (2, 1):
            if tuple(path[:end]) in self.origin:
                return self.origin[tuple(path[:end])]
        return self.child

    def fail(self, path: KeyPath, message: str) -> NoReturn:
        """Raise ``"<file>:<line>: <message>"`` where the entry at ``path`` was written."""
        self.layer_of(path).fail(tuple(path), message)


def merge(chain: list[ScenarioLayer]) -> MergedScenario:
    """Merge a chain (child first): child keys override parent keys; MERGED_BY_KEY sections merge by key.

    A constant a child names in one of set/levers/uncertain is removed from the parent's other
    two (the child decides how it is given). ``name``/``description`` are not inherited.
    """
    merged = MergedScenario(layers=chain)
    for layer in reversed(chain):
        for key, value in layer.data.items():
            if key in OWN_KEYS and layer is not chain[0]:
                continue
            if key not in MERGED_BY_KEY:
                merged.values[key] = value
                merged.origin[(key,)] = layer
                continue
            section = merged.values.setdefault(key, {})
            merged.origin.setdefault((key,), layer)
            for name, entry in value.items():
                if key in INPUT_SECTIONS:
                    for other in INPUT_SECTIONS:
                        if other != key and name in merged.values.get(other, {}):
                            del merged.values[other][name]
                            merged.origin.pop((other, name), None)
                section[name] = entry
                merged.origin[(key, name)] = layer
    return merged
