"""Every command answers --help and -h with an example whose repository paths exist; --help is fast."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import run

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = sorted(run.cli.commands)


def test_every_command_is_covered():
    assert COMMANDS == ["batch", "calibrate", "check", "discover", "export", "list", "report", "schema", "seek",
                        "sensitivity", "show", "simulate", "validate", "validate-history"]


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_top_level_help(flag):
    result = CliRunner().invoke(run.cli, [flag])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: ")
    for command in COMMANDS:
        assert command in result.output


@pytest.mark.parametrize("flag", ["--help", "-h"])
@pytest.mark.parametrize("command", COMMANDS)
def test_command_help_has_an_example(command, flag):
    result = CliRunner().invoke(run.cli, [command, flag])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: cli {command} ")
    assert "Example" in result.output and "python run.py " + command in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_example_paths_exist(command):
    """Model and scenario files named in the examples are in the repository (out/ folders are made by a batch)."""
    text = run.cli.commands[command].help or ""
    for path in re.findall(r"\b((?:models|scenarios|tests)/[\w/.-]+\.(?:mdl|xmile|yaml))\b", text):
        assert (ROOT / path).is_file(), f"{command} --help names {path}, which does not exist"


def test_help_loads_no_heavy_module():
    """``import simulator`` is lazy, so ``run.py --help`` does not load numpy/xarray/pandas (its time is not asserted
    here: a busy machine would fail it)."""
    code = ("import sys, run; "
            "print(sorted(m for m in ('xarray', 'pandas', 'scipy', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
