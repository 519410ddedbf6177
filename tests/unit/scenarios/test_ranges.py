"""Plausible ranges (issue 26, simulator/scenarios/ranges.py): Vensim's ``~ Dmnl [0,1]`` read from the units field;
a value outside it — set, lever, uncertain bound, plan assumption, the model's own constant — is one error line."""

from pathlib import Path

import pytest
from click.testing import CliRunner

import simulator
from run import cli
from simulator.errors import ParameterError, PlanError, ScenarioError
from simulator.plans.records import Assumption
from simulator.scenarios import ranges
from simulator.scenarios.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "scenarios").glob("*/*.yaml"))

MODEL = """{UTF-8}
Reuse Share=
\t0.2
\t~\tDmnl [0,1]
\t~\tShare of water reused.
\t|

Birth Rate=
\t0.01
\t~\t1/Year [0,0.1,0.001]
\t~\tBirths per resident per year.
\t|

Floor=
\t%s
\t~\tDmnl [0,?]
\t~\tOpen above.
\t|

Stock= INTEG (Birth Rate * Stock, 1)
\t~\tpersons
\t~\t|

INITIAL TIME = 0 ~ Year ~ |
FINAL TIME = 2 ~ Year ~ |
TIME STEP = 1 ~ Year ~ |
SAVEPER = 1 ~ Year ~ |
"""


def project(tmp_path: Path, scenario: str, floor: str = "0.5") -> Path:
    (tmp_path / "ranged.mdl").write_text(MODEL % floor, encoding="utf-8")
    path = tmp_path / "s.yaml"
    path.write_text("name: s\nmodel: ranged.mdl\n" + scenario, encoding="utf-8")
    return path


def test_the_units_field_gives_the_range():
    model = simulator.load_model(_write(MODEL % "0.5"))
    assert model.variables["reuse_share"].units == "Dmnl"
    assert model.variables["reuse_share"].limits == (0.0, 1.0)
    assert model.variables["birth_rate"].limits == (0.0, 0.1)            # [min,max,step]: the step is not a bound
    assert model.variables["floor"].limits == (0.0, None)                # ? leaves a side open
    assert model.variables["stock"].limits == (None, None)


def _write(text: str) -> Path:
    import tempfile

    path = Path(tempfile.mkdtemp()) / "ranged.mdl"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("value, intent", [
    (30.0, "30 looks like a percentage: did you mean 0.30?"),
    (7.5, "7.5 looks like a percentage: did you mean 0.075?"),
    (-0.2, "give a value inside [0, 1]"),
    (250.0, "give a value inside [0, 1]"),
])
def test_likely_intent_of_a_share(value, intent):
    assert ranges.likely_intent(value, (0.0, 1.0)) == intent


def test_a_birth_rate_typed_per_mille():
    assert ranges.likely_intent(11.35, (0.0, 0.1)) == "11.35 looks like per mille: did you mean 0.01135?"


def test_no_percentage_guess_outside_shares_and_rates():
    assert ranges.likely_intent(-3.5, (-3.1416, 3.1416)) == "give a value inside [-3.1416, 3.1416]"


@pytest.mark.parametrize("scenario, line, label, value", [
    ("set:\n  reuse_share: 30\n", 4, "set.reuse_share", "30"),
    ("levers:\n  reuse_share: {points: {0: 0.2, 2: 40}}\n", 4, "levers.reuse_share", "40"),
    ("uncertain:\n  reuse_share: {dist: uniform, low: 10, high: 40}\n", 4, "uncertain.reuse_share.low", "10"),
])
def test_a_scenario_value_outside_the_range_is_one_line(tmp_path, scenario, line, label, value):
    path = project(tmp_path, scenario)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(err.value) == (
        f"{path}:{line}: {label}: {value} is outside the plausible range [0, 1] that {tmp_path / 'ranged.mdl'}:2 "
        f"declares for 'Reuse Share'; {value} looks like a percentage: did you mean {float(value) / 100:.2f}? "
        f"(pass --allow-outside-range if it is deliberate)")
    assert load_scenario(path, allow_outside_range=True).fixed.get("reuse_share", 0.2) is not None


def test_the_model_files_own_value_outside_its_range(tmp_path):
    path = project(tmp_path, "set:\n  reuse_share: 0.3\n", floor="-3")
    with pytest.raises(ParameterError) as err:
        load_scenario(path)
    assert str(err.value) == (f"{tmp_path / 'ranged.mdl'}:14: 'Floor' = -3 is outside the plausible range [0, ?] its units "
                              f"field declares; give a value inside [0, ?] (pass --allow-outside-range if it is deliberate)")
    project(tmp_path, "set:\n  floor: 2\n", floor="-3")         # set by the scenario: the model's own value does not count
    assert load_scenario(tmp_path / "s.yaml").fixed["floor"] == 2.0


def test_a_plan_assumption_outside_the_range(tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text("assumptions:\n"
                    "  - {id: reuse, variable: reuse_share, value: 0.2, range: [0.1, 0.3]}\n"
                    "  - id: births\n    variable: birth_rate\n    value: 0.01\n    range: [0.005, 12]\n", encoding="utf-8")
    model = simulator.load_model(_write(MODEL % "0.5"))
    assumptions = [Assumption("reuse", "reuse_share", 0.2, (0.1, 0.3), "1", "r"),
                   Assumption("births", "birth_rate", 0.01, (0.005, 12.0), "1/Year", "r")]
    fake = type("Plan", (), {"assumptions": assumptions, "path": plan})()
    with pytest.raises(PlanError) as err:
        ranges.check_plan(fake, model)
    assert str(err.value) == (f"{plan}:6: assumptions.births.range: 12 is outside the plausible range [0, 0.1] that "
                              f"{model.path}:8 declares for 'Birth Rate'; 12 looks like per mille: did you mean 0.012? "
                              f"(pass --allow-outside-range if it is deliberate)")


@pytest.mark.parametrize("path", SHIPPED)
def test_every_shipped_scenario_is_inside_the_ranges(path):
    scenario = load_scenario(ROOT / path)                        # raises on any value outside a declared range
    declared = [v for v in scenario.model.variables.values() if v.limits != (None, None)]
    assert scenario.region in ("jizhou", "qiaoxi", "shijiazhuang", "shijiazhuang_metro", "capital_region")
    assert len(declared) >= 17                                    # the regional and capital models declare them


def test_typed_percentage_in_a_regional_scenario(tmp_path, monkeypatch):
    """``reclaimed_water_target_rate: 30`` (meaning 30 %) passed validate and reported a 667 % share."""
    from simulator.scenarios.files import ALLOW_OUTSIDE_ENV

    monkeypatch.setenv(ALLOW_OUTSIDE_ENV, "")            # restored after the test; --allow-outside-project sets it
    path = tmp_path / "typed.yaml"
    path.write_text(f"name: typed\nextends: {ROOT / 'scenarios' / 'jizhou' / 'baseline.yaml'}\n"
                    f"set:\n  reclaimed_water_target_rate: 30\n", encoding="utf-8")
    line = next(i for i, text in enumerate((ROOT / "models/regional/regional.mdl").read_text(encoding="utf-8").splitlines(), 1)
                if text.startswith("Reclaimed Water Target Rate="))
    runner = CliRunner()
    result = runner.invoke(cli, ["--allow-outside-project", "validate", str(path)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {path}:4: set.reclaimed_water_target_rate: 30 is outside the plausible range [0, 1] that "
        f"models/regional/regional.mdl:{line} declares for 'Reclaimed Water Target Rate'; 30 looks like a percentage: "
        f"did you mean 0.30? (pass --allow-outside-range if it is deliberate)\n")
    batch = runner.invoke(cli, ["--allow-outside-project", "batch", str(path), "-n", "2", "--out", str(tmp_path / "run")])
    assert batch.exit_code == 1 and batch.output == result.output and not (tmp_path / "run").exists()
    allowed = runner.invoke(cli, ["--allow-outside-project", "validate", "--allow-outside-range", str(path)])
    assert allowed.exit_code == 0 and allowed.output.endswith("OK\n")
