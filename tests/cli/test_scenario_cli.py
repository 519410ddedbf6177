"""CLI `validate` and `list` (run.py): the printed summary, the aligned table, exact one-line errors."""

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from run import cli

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TOYLAND = FIXTURES / "scenarios" / "toyland"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder with this file's fixtures only (models/, scenarios/toyland/); the working directory."""
    for name in ("teacup", "tiny_region", "toyland"):
        shutil.copytree(FIXTURES / "models" / name, tmp_path / "models" / name)
    shutil.copytree(TOYLAND, tmp_path / "scenarios" / "toyland")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_validate_prints_a_summary_and_ok(project):
    result = invoke("validate", "scenarios/toyland/high_growth.yaml")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "scenarios/toyland/high_growth.yaml",
        "  scenario   high_growth (region toyland)",
        "  files      scenarios/toyland/high_growth.yaml <- scenarios/toyland/baseline.yaml",
        "  model      models/tiny_region/tiny_region.mdl",
        "  time       2020 to 2035, dt 0.25, saveper 1, euler",
        "  fixed      2: migration_rate, cluster_growth[biomedicine]",
        "  levers     3: energy_intensity_decline_rate, coal_share, policy_switch",
        "  uncertain  5: birth_rate (normal), death_rate (uniform), cluster_growth[tourism] (normal), "
        "water_price (lognormal), cluster_growth[logistics] (choice)",
        "  sampling   lhs, n 128, seed 20251, 1 correlation(s)",
        "  goals      2 of 3: gdp_2025, biomed_2030",
        "  outputs    4: gdp, population, water_demand, cluster_output",
        "OK",
    ]


def test_validate_fills_in_the_models_time(project):
    result = invoke("validate", "scenarios/toyland/grid.yaml")
    assert result.exit_code == 0, result.output
    assert "  time       2020 to 2035, dt 0.25, saveper 1, euler" in result.output.splitlines()
    assert "  sampling   grid, levels 4, 8 points" in result.output.splitlines()


def test_validate_error_is_one_line_and_exit_1(project):
    result = invoke("validate", "scenarios/toyland/baseline.yaml", "scenarios/toyland/cycle_a.yaml")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: scenarios/toyland/cycle_b.yaml:3: extends: the chain makes a cycle: scenarios/toyland/cycle_a.yaml -> "
        "scenarios/toyland/cycle_b.yaml -> scenarios/toyland/cycle_a.yaml; remove one of these extends\n")
    assert result.stdout.splitlines()[0] == "scenarios/toyland/baseline.yaml"   # the first file passed
    assert "OK" not in result.stdout


def test_validate_malformed_yaml(project):
    (project / "broken.yaml").write_text("region: toyland\nset: {birth_rate: 0.01\n", encoding="utf-8")
    result = invoke("validate", "broken.yaml")
    assert result.exit_code == 1
    assert result.stderr == ("Error: broken.yaml:3: malformed YAML: while parsing a flow mapping; "
                             "expected ',' or '}', but got '<stream end>'; fix the syntax at that line\n")


def test_validate_needs_a_file():
    result = invoke("validate")
    assert result.exit_code == 2 and "Missing argument 'SCENARIOS...'" in result.stderr


def test_list_prints_aligned_tables_with_chinese_names(project):
    result = invoke("list")
    assert result.exit_code == 0, result.output
    text = result.output
    models, regions, scenarios, goals = text.split("\n\n")
    assert models.splitlines() == [
        "Models:",
        "  MODEL                               REGIONS",
        "  models/teacup/teacup.mdl            -",
        "  models/tiny_region/tiny_region.mdl  toyland",
    ]
    assert regions.splitlines() == [
        "Regions:",
        "  REGION   NAME              MODEL                               GOALS  SCENARIOS",
        "  toyland  玩具区 (Toyland)  models/tiny_region/tiny_region.mdl  3      baseline, grid, high_growth, stress test",
    ]
    scenario_lines = scenarios.splitlines()
    assert scenario_lines[1].split() == ["REGION", "FILE", "NAME", "DESCRIPTION"]
    assert scenario_lines[2].startswith("  toyland  scenarios/toyland/baseline.yaml     baseline     Trends continue")
    assert any("cycle_a.yaml" in line and "INVALID: " in line and "makes a cycle" in line
               for line in scenario_lines)
    goal_lines = goals.splitlines()
    assert goal_lines[1].split() == ["REGION", "GOAL", "LABEL", "VARIABLE", "TARGET", "BINDING"]
    assert goal_lines[2:] == [
        "  toyland  gdp_2025     地区生产总值  gdp                          >= 130 Yuan in 2025  expected",
        "  toyland  biomed_2030  生物医药产值  cluster_output[biomedicine]  >= 100 Yuan in 2030  expected",
        "  toyland  co2_falling  碳排放下降    co2_emissions                falling 2025-2035    binding",
    ]


def test_list_of_an_empty_folder(tmp_path):
    result = invoke("list", "--root", tmp_path)
    assert result.exit_code == 0
    assert result.output == "Models:\n  (none)\n\nRegions:\n  (none)\n\nScenarios:\n  (none)\n\nGoals:\n  (none)\n"
