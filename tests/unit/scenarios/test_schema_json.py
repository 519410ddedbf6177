"""docs/scenario.schema.json (simulator/scenarios/schema_json.py): committed = generated, and every shipped scenario validates."""

import json
from pathlib import Path

import jsonschema
import pytest

from simulator.scenarios.schema_json import scenario_schema, schema_text
from simulator.yamlmarks import load_yaml_with_lines
from simulator.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[3]
SCHEMA_FILE = ROOT / "docs" / "scenario.schema.json"
SHIPPED = sorted(ROOT.glob("scenarios/*/*.yaml"))
HEADER = "# yaml-language-server: $schema=../../docs/scenario.schema.json\n"


def _as_editor_sees(path):
    """The document as the YAML language server checks it: JSON data (mapping keys become strings)."""
    data, _ = load_yaml_with_lines(path, ScenarioError)
    return json.loads(json.dumps(data))


def test_committed_schema_equals_the_generated_one():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), "run: python run.py schema -o docs/scenario.schema.json"


def test_the_schema_is_a_valid_draft7_schema():
    jsonschema.Draft7Validator.check_schema(scenario_schema())


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shipped_scenario_validates_and_names_the_schema(path):
    assert path.read_text(encoding="utf-8").startswith(HEADER)
    jsonschema.validate(_as_editor_sees(path), scenario_schema(), cls=jsonschema.Draft7Validator)


def test_there_are_shipped_scenarios():
    assert len(SHIPPED) >= 10


@pytest.mark.parametrize("bad", [
    {"nmae": "x"},
    {"method": "rk5"},
    {"uncertain": {"a": {"dist": "uniform", "low": 0}}},
    {"uncertain": {"a": {"dist": "gauss", "mean": 0, "sd": 1}}},
    {"levers": {"a": {"ramp": {"start": 2020, "end": 2025, "from": 0}}}},
    {"levers": {"a": {"points": {"2020": 1}, "step": {"year": 2020, "from": 0, "to": 1}}}},
    {"sampling": {"method": "lhs", "n": 0}},
    {"time": {"start": 0, "stop": 10}},
    {"extends": "/etc/shadow"},
    {"goals": "some"},
])
def test_the_schema_rejects_what_the_validator_rejects(bad):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, scenario_schema(), cls=jsonschema.Draft7Validator)
