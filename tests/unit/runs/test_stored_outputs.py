"""The ``outputs:`` store form (simulator/scenarios/outputs.py): chosen years and float type in results.zarr.

Uses the teacup fixture (tests/fixtures/batch/): cooling.yaml, with its ``outputs:`` rewritten
into a mapping in a copy beside it. goals.csv must not depend on the store form.
"""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from simulator.errors import ScenarioError
from simulator.runs.batch import run_batch
from simulator.runs.runstore import read_results
from simulator.runs.show import format_summary, summarize_run
from simulator.scenarios.scenario import load_scenario

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
COOLING = FIXTURES / "batch" / "scenarios" / "teacup_town" / "cooling.yaml"
LIST = "outputs: [teacup_temperature, heat_loss_to_room]"


def variant(tmp_path: Path, outputs: str) -> Path:
    """A copy of the teacup fixtures whose cooling.yaml has ``outputs`` as given."""
    root = tmp_path / "fixtures"
    if not root.exists():
        shutil.copytree(FIXTURES / "batch", root / "batch")
        shutil.copytree(FIXTURES / "models", root / "models")
    text = COOLING.read_text(encoding="utf-8")
    assert LIST in text
    path = root / "batch" / "scenarios" / "teacup_town" / f"v{len(list(root.rglob('v*.yaml')))}.yaml"
    path.write_text(text.replace(LIST, outputs), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The list form (float32, every year), float64 and years [5, 10, 20]; chunk sizes differ."""
    tmp = tmp_path_factory.mktemp("forms")
    full = variant(tmp, LIST)
    exact = variant(tmp, "outputs: {variables: [teacup_temperature, heat_loss_to_room], precision: float64}")
    years = variant(tmp, "outputs: {variables: [teacup_temperature], years: [20, 5, 10]}")
    return {name: run_batch([path], out=tmp / name, chunk_size=size)[0]
            for name, path, size in (("full", full, 7), ("exact", exact, 50), ("years", years, 3))}


def test_goals_csv_is_the_same_whatever_the_store_keeps(runs):
    reference = (runs["full"] / "goals.csv").read_bytes()
    assert (runs["exact"] / "goals.csv").read_bytes() == reference
    assert (runs["years"] / "goals.csv").read_bytes() == reference


def test_float32_store_is_the_float64_run_rounded(runs):
    with read_results(runs["full"]) as rounded, read_results(runs["exact"]) as exact:
        assert rounded["teacup_temperature"].dtype == np.float32
        assert exact["teacup_temperature"].dtype == np.float64
        assert exact["input__room_temperature"].dtype == rounded["input__room_temperature"].dtype == np.float64
        np.testing.assert_array_equal(rounded["teacup_temperature"].values,
                                      exact["teacup_temperature"].values.astype(np.float32))
        worst = np.max(np.abs(rounded["teacup_temperature"].values - exact["teacup_temperature"].values)
                       / np.abs(exact["teacup_temperature"].values))
        assert 0 < worst <= 2.0 ** -24


def test_years_keeps_only_those_times_in_order(runs):
    with read_results(runs["years"]) as kept, read_results(runs["exact"]) as exact:
        assert list(kept["time"].values) == [5.0, 10.0, 20.0]
        np.testing.assert_array_equal(kept["teacup_temperature"].values,
                                      exact["teacup_temperature"].sel(time=[5, 10, 20]).values.astype(np.float32))
    manifest = json.loads((runs["years"] / "manifest.json").read_text())
    assert manifest["stored"] == {"years": [5.0, 10.0, 20.0], "precision": "float32"}
    assert "stored:   results.zarr keeps years 5, 10, 20, float32" in format_summary(summarize_run(runs["years"]))


@pytest.mark.parametrize("outputs, message", [
    ("outputs: {years: [5, 40]}", "outputs.years: 40 is outside the run (0 to 30); choose years from 0 to 30"),
    ("outputs: {years: [2.5]}", "outputs.years: 2.5 is not a saved time (the run saves every 1 from 0); "
                                "choose saved times or change time.saveper"),
    ("outputs: {years: []}", "outputs.years must be a non-empty list of years, e.g. [2025, 2030, 2035]; got []"),
    ("outputs: {precision: float16}", "outputs.precision: 'float16' is not one of float32, float64"),
    ("outputs: {year: [5]}", "outputs: unknown key 'year' (allowed: variables, years, precision)"),
])
def test_bad_outputs_form_is_one_line_naming_the_line(tmp_path, outputs, message):
    path = variant(tmp_path, outputs)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    line = COOLING.read_text(encoding="utf-8").splitlines().index(LIST) + 1
    assert str(err.value).endswith(f"{path.name}:{line}: {message}")


def test_validate_summary_names_the_stored_form_only_when_not_the_default(tmp_path):
    years = load_scenario(variant(tmp_path, "outputs: {years: [5, 10], precision: float64}"))
    plain = load_scenario(variant(tmp_path, LIST))
    assert any(line.endswith("; stored: years 5, 10, float64") for line in years.summary())
    assert not any("stored:" in line for line in plain.summary())
