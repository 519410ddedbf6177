"""Helpers of tests/cli/test_hostile_*.py: run a command, and check that a hostile input failed cleanly.

A hostile input is handled cleanly when the command exits non-zero, prints exactly one line,
``Error: …`` (naming the file, line or element, and the fix), and leaves nothing in the output
folder that claims to be complete (no ``results.nc`` or ``goals.csv``, no manifest with
``complete: true``).
"""

import json
from pathlib import Path

from click.testing import CliRunner


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
    assert result.output == f"Error: {expected}\n"
    if out is not None:
        assert not claims_complete(out)
