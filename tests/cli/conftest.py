"""Fixtures of tests/cli: ``project``, a throw-away project (scenarios/ + models/) for the hostile-input tests."""

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """``tmp/proj``: scenarios/teacup_town/cooling.yaml (+ hot_room), models/teacup_town/plan.yaml,
    models/teacup/teacup.mdl; the working directory is the project."""
    proj = tmp_path / "proj"
    shutil.copytree(FIXTURES / "batch" / "scenarios", proj / "scenarios")
    shutil.copytree(FIXTURES / "batch" / "models", proj / "models")
    shutil.copytree(FIXTURES / "models" / "teacup", proj / "models" / "teacup")
    plan = proj / "models" / "teacup_town" / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("../../../models/teacup/", "../teacup/"), encoding="utf-8")
    monkeypatch.chdir(proj)
    return proj
