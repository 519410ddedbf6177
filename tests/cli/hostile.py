"""Helpers of tests/cli/test_hostile_*.py: a throw-away project, running a command, checking a clean failure.

A hostile input is handled cleanly when the command exits non-zero, prints exactly one line,
``Error: …`` (naming the file, line or element, and the fix), and leaves nothing in the output
folder that claims to be complete (no ``results.nc`` or ``goals.csv``, no manifest with
``complete: true``).
"""

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner


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


def invoke(*args):
    from run import cli

    return CliRunner().invoke(cli, [str(a) for a in args])


def claims_complete(folder: Path) -> bool:
    """Whether anything in ``folder`` says the run is complete."""
    folder = Path(folder)
    if not folder.is_dir():
        return False
    if (folder / "results.nc").exists() or (folder / "goals.csv").exists():
        return True
    try:
        return bool(json.loads((folder / "manifest.json").read_text(encoding="utf-8")).get("complete"))
    except (OSError, ValueError):
        return False


def assert_clean(result, expected: str, out: Path | None = None) -> None:
    """Exit non-zero, exactly ``Error: <expected>`` on one line, and no complete-looking output."""
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.output == f"Error: {expected}\n", result.output
    if out is not None:
        assert not claims_complete(out)
