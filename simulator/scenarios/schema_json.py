"""Scenario format → JSON Schema (docs/scenario.schema.json), built from the validator's own tables so the two never drift.

Editors with the YAML language server (VS Code's YAML extension and others) read the
``# yaml-language-server: $schema=…`` first line of a scenario file and offer completion and
inline errors from this schema. It is generated from :data:`simulator.scenarios.files.TOP_KEYS`,
the key tuples and lever readers of :mod:`simulator.scenarios.schema`, the distribution table
:data:`simulator.scenarios.distributions.DISTRIBUTIONS` and the sampling and integration
method lists; ``python run.py schema -o docs/scenario.schema.json`` writes it, and a test checks
the committed file equals a fresh one. The schema checks shape only: names of model variables,
goal ids and the numbers' relations (low < high) are the validator's job (``run.py validate``).
"""

from __future__ import annotations

import json

from simulator.engine.ingest import VENSIM_SUFFIXES, XMILE_SUFFIXES
from simulator.scenarios import schema
from simulator.scenarios.distributions import DISTRIBUTIONS
from simulator.scenarios.files import TOP_KEYS
from simulator.scenarios.outputs import PRECISIONS
from simulator.scenarios.sampling import METHODS as SAMPLING_METHODS

NUMBER = {"type": "number"}
NAME = {"type": "string", "minLength": 1}
MODEL_SUFFIXES = VENSIM_SUFFIXES + XMILE_SUFFIXES


def _numbers():
    """A number, or a (nested) list of numbers (one per subscript element)."""
    return {"anyOf": [NUMBER, {"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/numbers"}}]}


def _closed(properties: dict, required=(), description: str | None = None) -> dict:
    out = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        out["required"] = list(required)
    if description:
        out["description"] = description
    return out


def _distribution(name: str, row) -> dict:
    props = {"dist": {"const": name}}
    for key in row.required + row.optional:
        props[key] = {"type": "array", "items": NUMBER, "minItems": 1} if key in ("values", "weights") else NUMBER
    props["from"] = _closed({"year": NUMBER, "before": NUMBER}, ("year", "before"),
                            "the sampled value acts from year on; before holds until then")
    return _closed(props, ("dist",) + row.required, f"e.g. {row.example}")


def _levers() -> dict:
    year_keyed = {"type": "object", "minProperties": 1, "additionalProperties": NUMBER,
                  "propertyNames": {"pattern": r"^-?[0-9]+(\.[0-9]+)?$"}}
    forms = {
        "points": _closed({"points": year_keyed, "interpolation": {"enum": list(schema.INTERPOLATIONS)}}, ("points",),
                          "{points: {2020: 0.02, 2025: 0.04}, interpolation: linear}"),
        "ramp": _closed({"ramp": _closed({k: NUMBER for k in schema.RAMP_KEYS}, schema.RAMP_KEYS)}, ("ramp",),
                        "{ramp: {start: 2025, end: 2030, from: 0.6, to: 0.4}}"),
        "step": _closed({"step": _closed({k: NUMBER for k in schema.STEP_KEYS}, schema.STEP_KEYS)}, ("step",),
                        "{step: {year: 2025, from: 0, to: 1}}"),
    }
    assert tuple(forms) == schema.LEVER_FORMS == tuple(schema.LEVER_READERS)
    return {"type": "object", "additionalProperties": {"oneOf": list(forms.values())}}


def _sampling() -> dict:
    props = {
        "method": {"enum": list(SAMPLING_METHODS)},
        "n": {"type": "integer", "minimum": 1},
        "seed": {"type": "integer", "minimum": 0, "maximum": schema.MAX_SEED},
        "levels": {"anyOf": [{"type": "integer", "minimum": 1},
                             {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1}}]},
    }
    assert tuple(props) == schema.SAMPLING_KEYS
    return _closed(props)


def _sections() -> dict:
    return {
        "name": {"type": "string"},
        "description": {"anyOf": [{"type": "string"}, _closed({"zh": {"type": "string"}, "en": {"type": "string"}},
                                                               required=("zh", "en"))]},
        "extends": {"type": ["string", "null"], "pattern": r"\.(yaml|yml)$"},
        "region": {"type": "string", "pattern": "^[a-z0-9_]+$"},
        "model": {"type": "string", "pattern": "(" + "|".join(s.replace(".", r"\.") for s in MODEL_SUFFIXES) + ")$"},
        "time": _closed({k: NUMBER for k in schema.TIME_KEYS}),
        "method": {"enum": list(schema._known_integrators())},
        "set": {"type": "object", "additionalProperties": {"$ref": "#/definitions/numbers"}},
        "levers": _levers(),
        "uncertain": {"type": "object", "additionalProperties": {
            "oneOf": [_distribution(name, row) for name, row in DISTRIBUTIONS.items()]}},
        "correlation": {"type": "array", "items": {"type": "array", "minItems": 3, "maxItems": 3,
                                                   "items": [NAME, NAME, {"type": "number", "minimum": -1, "maximum": 1}]}},
        "sampling": _sampling(),
        "outputs": {"oneOf": [{"type": "array", "items": NAME}, _closed({
            "variables": {"type": "array", "items": NAME},
            "years": {"type": "array", "minItems": 1, "items": NUMBER},
            "precision": {"enum": list(PRECISIONS)}})]},
        "goals": {"anyOf": [{"const": "all"}, {"type": "array", "items": NAME}]},
    }


def scenario_schema() -> dict:
    """The JSON Schema (draft-07) of one scenario file."""
    sections = _sections()
    assert tuple(sections) == tuple(TOP_KEYS), "files.TOP_KEYS and the schema's sections differ"
    for key, what in TOP_KEYS.items():
        sections[key] = {"description": what, **sections[key]}
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "plansim scenario",
        "description": "A plansim scenario file (docs/scenarios.md). Generated by python run.py schema; do not edit.",
        "type": "object",
        "properties": sections,
        "additionalProperties": False,
        "definitions": {"numbers": _numbers()},
    }


def schema_text() -> str:
    """The schema as the committed docs/scenario.schema.json holds it."""
    return json.dumps(scenario_schema(), indent=2, ensure_ascii=False) + "\n"
