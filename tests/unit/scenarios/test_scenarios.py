"""Tests for simulator.scenarios.scenario (with scenario_files, scenario_schema, yamlmarks): schema, extends, errors.

Valid scenarios are fixtures in tests/fixtures/scenarios/toyland/ on the toy model
tests/fixtures/models/tiny_region/ and its plan tests/fixtures/models/toyland/plan.yaml. Each
error case writes a small file into a temporary folder (beside a copy of tests/fixtures/models/)
and checks the exact one-line message.
"""

import hashlib
import shutil
import textwrap
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from simulator.errors import ScenarioError
from simulator.scenarios.scenario import load_scenario

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
TOYLAND = FIXTURES / "scenarios" / "toyland"
TINY_MODEL = FIXTURES / "models" / "tiny_region" / "tiny_region.mdl"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A temporary project folder with models/ (toy model + plan); the working directory."""
    shutil.copytree(FIXTURES / "models", tmp_path / "models")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def error_of(path) -> str:
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    return str(err.value)


# --- valid files -------------------------------------------------------------------------------

def test_baseline_reads_every_section():
    sc = load_scenario(TOYLAND / "baseline.yaml")
    assert (sc.name, sc.region, sc.description) == ("baseline", "toyland", "Trends continue; every schema feature once.")
    assert sc.plan.region == "toyland" and sc.model_path == TINY_MODEL
    assert sc.time == {"start": 2020, "end": 2035, "dt": 0.25, "saveper": 1}
    assert sc.method == "euler"
    assert sc.fixed == {"migration_rate": 0.002, "cluster_growth[biomedicine]": 0.12}
    assert list(sc.levers) == ["energy_intensity_decline_rate", "coal_share", "policy_switch"]
    assert [(u.name, u.dist) for u in sc.uncertain] == [
        ("birth_rate", "triangular"), ("death_rate", "uniform"), ("cluster_growth[tourism]", "normal"),
        ("water_price", "lognormal"), ("cluster_growth[logistics]", "choice")]
    assert sc.uncertain[0].params == {"low": 0.005, "mode": 0.0075, "high": 0.01}
    assert sc.correlation == [("birth_rate", "death_rate", 0.3)]
    assert (sc.sampling.method, sc.sampling.n, sc.sampling.seed) == ("lhs", 64, 20251)
    assert sc.goal_ids == ["gdp_2025", "biomed_2030", "co2_falling"]
    # default outputs: the goal variables, then the model's stocks, each once
    assert sc.outputs[:3] == ["gdp", "cluster_output", "co2_emissions"]
    assert set(sc.outputs) == {"gdp", "cluster_output", "co2_emissions", "population", "energy_intensity"}
    digest = hashlib.sha256((TOYLAND / "baseline.yaml").read_bytes()).hexdigest()
    assert sc.files == [(TOYLAND / "baseline.yaml", digest)]
    assert sc.targets["cluster_growth[biomedicine]"] == "cluster_growth[biomedicine]"


def test_extends_overrides_keys_and_merges_sections_by_key():
    sc = load_scenario(TOYLAND / "high_growth.yaml")
    assert sc.name == "high_growth"                      # a name is never inherited
    assert sc.description == "Faster biomedicine, fewer goals."
    assert sc.fixed == {"migration_rate": 0.002, "cluster_growth[biomedicine]": 0.15}
    assert [(u.name, u.dist) for u in sc.uncertain][:2] == [("birth_rate", "normal"), ("death_rate", "uniform")]
    assert (sc.sampling.method, sc.sampling.n, sc.sampling.seed) == ("lhs", 128, 20251)
    # "Population" resolved to its id; the goals' variables are always kept too
    assert sc.outputs == ["gdp", "population", "water_demand", "cluster_output"]
    assert sc.goal_ids == ["gdp_2025", "biomed_2030"]
    assert [path.name for path, _ in sc.files] == ["high_growth.yaml", "baseline.yaml"]


def test_chain_of_two_extends_moves_a_constant_between_sections():
    sc = load_scenario(TOYLAND / "stress.yaml")
    assert sc.name == "stress test" and sc.method == "rk4"
    assert "migration_rate" not in sc.fixed
    assert sc.uncertain[-1].name == "migration_rate" and sc.uncertain[-1].dist == "uniform"
    assert (sc.sampling.method, sc.sampling.n, sc.sampling.seed) == ("sobol", 256, 20251)
    assert [path.name for path, _ in sc.files] == ["stress.yaml", "high_growth.yaml", "baseline.yaml"]


def test_grid_scenario_has_levels_times_choices_points():
    sc = load_scenario(TOYLAND / "grid.yaml")
    frame = sc.sample_inputs()
    assert sc.sampling.n == 8 and frame.shape == (8, 2) and sc.sample_inputs(n=8).equals(frame)
    with pytest.raises(ScenarioError) as err:
        sc.sample_inputs(n=999)
    assert str(err.value).endswith("grid.yaml: sampling is a grid of 8 points, so n = 999 cannot apply; "
                                   "drop n or change sampling.levels")
    assert sorted(set(frame["policy_switch"])) == [0.0, 1.0]
    assert sc.time == dict.fromkeys(["start", "end", "dt", "saveper"])


def test_scenario_without_region_uses_its_model_and_has_no_goals():
    sc = load_scenario(FIXTURES / "scenarios" / "teacup.yaml")
    assert sc.region is None and sc.plan is None and sc.goal_ids == []
    assert sc.model_path == FIXTURES / "models" / "teacup" / "teacup.mdl"
    assert sc.targets == {"Characteristic Time": "characteristic_time", "Room Temperature": "room_temperature"}
    assert sc.outputs == ["teacup_temperature"]           # no goals: the stocks
    assert sc.time["end"] == 20 and sc.time["start"] is None


def test_sample_inputs_columns_seed_and_bounds():
    sc = load_scenario(TOYLAND / "baseline.yaml")
    frame = sc.sample_inputs()
    assert list(frame.columns) == [u.name for u in sc.uncertain] and len(frame) == 64
    assert frame.index.name == "scenario" and list(frame.index) == list(range(64))
    assert frame.equals(sc.sample_inputs())
    assert not frame.equals(sc.sample_inputs(seed=1))
    assert frame["cluster_growth[tourism]"].between(0.0, 0.06).all()
    assert set(frame["cluster_growth[logistics]"]) == {0.04, 0.06}
    big = sc.sample_inputs(n=2000)
    rho = stats.spearmanr(big["birth_rate"], big["death_rate"]).statistic
    assert abs(rho - 0.3) < 0.03


def test_run_kwargs_without_and_with_inputs():
    sc = load_scenario(TOYLAND / "baseline.yaml")
    single = sc.run_kwargs()
    assert single["n"] == 1 and single["method"] == "euler"
    assert (single["initial_time"], single["final_time"], single["time_step"], single["saveper"]) == (2020, 2035, 0.25, 1)
    assert single["return_columns"] == sc.outputs
    assert set(single["params"]) == {"migration_rate", "cluster_growth[biomedicine]", "energy_intensity_decline_rate",
                                     "coal_share", "policy_switch", "birth_rate", "death_rate",
                                     "cluster_growth[tourism]", "water_price", "cluster_growth[logistics]"}
    # without sampled inputs, each uncertain input sits at its median (one deterministic central run)
    p = single["params"]
    assert p["death_rate"] == pytest.approx(0.007)                  # uniform [0.006, 0.008]
    assert p["cluster_growth[tourism]"] == pytest.approx(0.03)      # normal symmetric in [0, 0.06]
    assert p["water_price"] == pytest.approx(4.0)                   # lognormal median 4
    assert p["birth_rate"] == pytest.approx(0.0075)                 # symmetric triangular, mode 0.0075
    chunk = sc.sample_inputs().iloc[10:20]
    batch = sc.run_kwargs(chunk)
    assert batch["n"] == 10
    np.testing.assert_array_equal(batch["params"]["water_price"], chunk["water_price"].to_numpy())
    np.testing.assert_array_equal(batch["params"]["cluster_growth[tourism]"], chunk["cluster_growth[tourism]"].to_numpy())


def test_run_kwargs_refuses_inputs_without_the_uncertain_columns():
    sc = load_scenario(TOYLAND / "baseline.yaml")
    with pytest.raises(ScenarioError, match=r"the inputs lack columns \['water_price'\]"):
        sc.run_kwargs(sc.sample_inputs().drop(columns="water_price"))


def test_sampled_inputs_and_levers_reach_the_model(project):
    """Run the toy model with run_kwargs and read the inputs back from its algebra."""
    path = write(project, "wired.yaml", """
        region: toyland
        levers:
          coal_share: {ramp: {start: 2025, end: 2030, from: 0.6, to: 0.4}}
          policy_switch: {step: {year: 2026, from: 0, to: 1}}
          energy_intensity_decline_rate: {points: {2022: 0.0, 2024: 0.1}, interpolation: step}
        uncertain:
          water_price: {dist: uniform, low: 2, high: 6}
        sampling: {n: 5, seed: 3}
        outputs: [population, water_demand, co2_emissions, energy_use, cluster_output,
                  cluster_output_growth, energy_intensity, intensity_decline]
    """)
    sc = load_scenario(path)
    inputs = sc.sample_inputs()
    ds = sc.model.run(**sc.run_kwargs(inputs))
    years = ds["time"].values
    price = (0.5 * ds["population"] / ds["water_demand"]).values           # water_demand = pop * 0.5 / price
    np.testing.assert_allclose(price, np.repeat(inputs["water_price"].to_numpy()[:, None], len(years), 1), rtol=1e-9)
    coal = (ds["co2_emissions"] / (2.5 * ds["energy_use"])).values[0]      # co2 = energy_use * coal_share * 2.5
    np.testing.assert_allclose(coal, np.interp(years, [2025, 2030], [0.6, 0.4]), rtol=1e-9)
    growth = ds["cluster_output_growth"] / ds["cluster_output"]             # = cluster_growth * (1 + 0.1 switch)
    switch = ((growth / growth.isel(time=0)).values[0, :, 0] - 1) / 0.1
    np.testing.assert_allclose(switch, (years >= 2026).astype(float), atol=1e-9)
    decline = (ds["intensity_decline"] / ds["energy_intensity"]).values[0]  # = the step lever
    np.testing.assert_allclose(decline, np.where(years < 2024, 0.0, 0.1), atol=1e-12)


def test_whole_subscripted_constant_and_one_element(project):
    """A list sets every element; an element named alone overrides the whole-variable value."""
    sc = load_scenario(write(project, "subs.yaml", """
        region: toyland
        set:
          initial_cluster_output: [10, 20, 30]
          cluster_growth: 0.1
        uncertain:
          "cluster_growth[tourism]": {dist: uniform, low: 0.5, high: 0.6}
        sampling: {n: 4, seed: 1}
        outputs: [cluster_output, cluster_output_growth]
    """))
    inputs = sc.sample_inputs()
    ds = sc.model.run(**sc.run_kwargs(inputs))
    np.testing.assert_allclose(ds["cluster_output"].isel(time=0).values, [[10, 20, 30]] * 4)
    rate = (ds["cluster_output_growth"] / ds["cluster_output"]).isel(time=0).values
    np.testing.assert_allclose(rate[:, :2], 0.1)
    np.testing.assert_allclose(rate[:, 2], inputs["cluster_growth[tourism]"].to_numpy())


def test_whole_subscripted_uncertain_input_is_per_scenario_even_when_n_equals_the_elements(project):
    """Three scenarios and three clusters: each scenario's value must reach all three clusters."""
    sc = load_scenario(write(project, "whole.yaml", """
        region: toyland
        uncertain:
          cluster_growth: {dist: uniform, low: 0.1, high: 0.3}
        sampling: {n: 3, seed: 4}
        outputs: [cluster_output, cluster_output_growth]
    """))
    inputs = sc.sample_inputs()
    kwargs = sc.run_kwargs(inputs)
    assert kwargs["params"]["cluster_growth"].shape == (3, 3)
    ds = sc.model.run(**kwargs)
    rate = (ds["cluster_output_growth"] / ds["cluster_output"]).isel(time=0).values
    np.testing.assert_allclose(rate, np.repeat(inputs["cluster_growth"].to_numpy()[:, None], 3, axis=1))


def test_per_element_lever_changes_only_that_element(project):
    """A lever on cluster_growth[tourism]; the other clusters keep their set / model values."""
    sc = load_scenario(write(project, "element.yaml", """
        region: toyland
        set:
          "cluster_growth[biomedicine]": 0.12
        levers:
          "cluster_growth[tourism]": {step: {year: 2025, from: 0.03, to: 0.1}}
        outputs: [cluster_output, cluster_output_growth]
    """))
    assert sc.targets["cluster_growth[tourism]"] == "cluster_growth[tourism]"
    ds = sc.model.run(**sc.run_kwargs())
    years = ds["time"].values
    rate = (ds["cluster_output_growth"] / ds["cluster_output"]).values[0]   # (time, Cluster); policy_switch 0
    np.testing.assert_allclose(rate[:, 0], 0.12, rtol=1e-12)                # set
    np.testing.assert_allclose(rate[:, 1], 0.05, rtol=1e-12)                # model: 0.08, 0.05, 0.03
    np.testing.assert_allclose(rate[:, 2], np.where(years < 2025, 0.03, 0.1), rtol=1e-12)
    # Euler, dt 0.25: tourism output compounds at 0.03 for 20 quarter steps, then at 0.1
    np.testing.assert_allclose(ds["cluster_output"].sel(time=2026).values[0, 2],
                               20 * 1.0075 ** 20 * 1.025 ** 4, rtol=1e-12)


def test_element_lever_over_a_parent_lever_and_a_sampled_element(project):
    """A child levers one element of a constant its parent levers whole; another element is sampled."""
    write(project, "parent.yaml", """
        region: toyland
        levers:
          cluster_growth: {ramp: {start: 2020, end: 2030, from: 0.02, to: 0.04}}
    """)
    sc = load_scenario(write(project, "child.yaml", """
        extends: parent.yaml
        levers:
          "cluster_growth[biomedicine]": {points: {2020: 0.1, 2035: 0.1}}
        uncertain:
          "cluster_growth[tourism]": {dist: uniform, low: 0.5, high: 0.6}
        sampling: {n: 4, seed: 2}
        outputs: [cluster_output, cluster_output_growth]
    """))
    inputs = sc.sample_inputs()
    ds = sc.model.run(**sc.run_kwargs(inputs))
    years = ds["time"].values
    rate = (ds["cluster_output_growth"] / ds["cluster_output"]).values     # (scenario, time, Cluster)
    np.testing.assert_allclose(rate[:, :, 0], 0.1, rtol=1e-12)
    np.testing.assert_allclose(rate[:, :, 1], np.tile(np.interp(years, [2020, 2030], [0.02, 0.04]), (4, 1)),
                               rtol=1e-12)
    np.testing.assert_allclose(rate[:, :, 2], np.repeat(inputs["cluster_growth[tourism]"].to_numpy()[:, None],
                                                        len(years), axis=1), rtol=1e-12)


def test_list_of_the_wrong_shape_is_refused(project):
    assert error_of(write(project, "bad.yaml", """
        region: toyland
        set:
          initial_cluster_output: [10, 20]
    """)) == ("bad.yaml:3: set.initial_cluster_output: a list of shape (2,) does not match "
              "initial_cluster_output['Cluster'] of shape (3,)")


# --- errors: one line naming the file, the line and the key --------------------------------------

def test_cycle_in_extends_is_refused_naming_the_chain(monkeypatch):
    monkeypatch.chdir(TOYLAND)
    assert error_of("cycle_a.yaml") == (
        "cycle_b.yaml:3: extends: the chain makes a cycle: cycle_a.yaml -> cycle_b.yaml -> cycle_a.yaml; "
        "remove one of these extends")


CASES = {
    "unknown_key": ("""
        region: toyland
        sampling: {n: 8}
        levres: {}
     """, "bad.yaml:3: unknown key 'levres'; did you mean 'levers'? (allowed: name, description, extends, region, "
          "model, time, method, set, levers, uncertain, correlation, sampling, outputs, goals)"),
    "low_above_high": ("""
        region: toyland
        uncertain:
          birth_rate:
            dist: uniform
            low: 0.05
            high: 0.03
     """, "bad.yaml:5: uncertain.birth_rate: low (0.05) must be below high (0.03)"),
    "unknown_distribution": ("""
        region: toyland
        uncertain:
          birth_rate: {dist: beta, low: 0, high: 1}
     """, "bad.yaml:3: uncertain.birth_rate: unknown distribution 'beta'; (allowed: uniform, triangular, normal, "
          "lognormal, choice)"),
    "missing_extends": ("""
        name: child
        extends: nowhere.yaml
     """, "bad.yaml:2: extends: file 'nowhere.yaml' not found (looked for nowhere.yaml); "
          "give a path relative to this file"),
    "unknown_variable": ("""
        region: toyland
        set:
          birth_rat: 0.01
     """, "bad.yaml:3: set.birth_rat: no variable 'birth_rat' in tiny_region.mdl; did you mean birth_rate, "
          "death_rate, migration_rate?"),
    "lever_on_non_constant": ("""
        region: toyland
        levers:
          GDP: {points: {2020: 1, 2030: 2}}
     """, "bad.yaml:3: levers.GDP: 'gdp' is an auxiliary, not a constant; set, levers and uncertain replace "
          "constants only; constants of tiny_region.mdl include cluster_growth, initial_cluster_output, "
          "policy_switch, …"),
    "lever_on_stock": ("""
        region: toyland
        uncertain:
          population: {dist: uniform, low: 90, high: 110}
     """, "bad.yaml:3: uncertain.population: 'population' is a stock, not a constant; set, levers and uncertain "
          "replace constants only; constants of tiny_region.mdl include cluster_growth, initial_cluster_output, "
          "policy_switch, …"),
    "same_element_set_and_lever": ("""
        region: toyland
        set:
          "cluster_growth[tourism]": 0.05
        levers:
          "cluster_growth[tourism]": {step: {year: 2025, from: 0.03, to: 0.1}}
     """, "bad.yaml:5: levers.cluster_growth[tourism]: 'cluster_growth[tourism]' is also under set (line 3); "
          "give it in one section only"),
    "same_element_lever_two_spellings": ("""
        region: toyland
        set:
          "cluster_growth[tourism]": 0.05
        levers:
          "Cluster Growth[tourism]": {step: {year: 2025, from: 0.03, to: 0.1}}
     """, "bad.yaml:5: levers.Cluster Growth[tourism]: names the same constant as 'cluster_growth[tourism]'; keep one"),
    "malformed_yaml": ("""
        region: toyland
        set:
          birth_rate: [0.01
        method: euler
     """, "bad.yaml:4: malformed YAML: while parsing a flow sequence; expected ',' or ']', but got ':'; "
          "fix the syntax at that line"),
    "unknown_goal": ("""
        region: toyland
        goals: [gdp_2025, gdp_2052]
     """, "bad.yaml:2: goals: unknown goal id 'gdp_2052'; did you mean 'gdp_2025'? (goals of region toyland: "
          "gdp_2025, biomed_2030, co2_falling)"),
    "wrong_element": ("""
        region: toyland
        set:
          "cluster_growth[biomed]": 0.1
     """, "bad.yaml:3: set.cluster_growth[biomed]: 'biomed' is not an element of Cluster; did you mean "
          "'biomedicine'? (elements: biomedicine, logistics, tourism)"),
    "duplicate_key": ("""
        region: toyland
        set:
          birth_rate: 0.01
          birth_rate: 0.02
     """, "bad.yaml:4: duplicate key 'birth_rate' (first given at line 3); keep only one"),
    "same_constant_twice": ("""
        region: toyland
        set:
          birth_rate: 0.01
        uncertain:
          birth_rate: {dist: uniform, low: 0.005, high: 0.01}
     """, "bad.yaml:5: uncertain.birth_rate: 'birth_rate' is also under set (line 3); give it in one section only"),
    "same_constant_two_spellings": ("""
        region: toyland
        set:
          Birth Rate: 0.01
          birth_rate: 0.02
     """, "bad.yaml:4: set.birth_rate: names the same constant as 'Birth Rate'; keep one"),
    "not_positive_definite": ("""
        region: toyland
        uncertain:
          birth_rate: {dist: uniform, low: 0.005, high: 0.01}
          death_rate: {dist: uniform, low: 0.005, high: 0.01}
          water_price: {dist: uniform, low: 3, high: 5}
        correlation:
          - [birth_rate, death_rate, 0.9]
          - [birth_rate, water_price, 0.9]
          - [death_rate, water_price, -0.9]
     """, "bad.yaml:6: correlation: the correlations do not form a valid correlation matrix (not positive "
          "definite, smallest eigenvalue -0.8); weaken some of them"),
    "correlation_unknown_input": ("""
        region: toyland
        uncertain:
          birth_rate: {dist: uniform, low: 0.005, high: 0.01}
          death_rate: {dist: uniform, low: 0.005, high: 0.01}
        correlation: [[birth_rate, deth_rate, 0.2]]
     """, "bad.yaml:5: correlation[0]: 'deth_rate' is not an uncertain input; did you mean 'death_rate'? "
          "(uncertain inputs: birth_rate, death_rate)"),
    "sobol_n": ("""
        region: toyland
        uncertain:
          birth_rate: {dist: uniform, low: 0.005, high: 0.01}
        sampling:
          method: sobol
          n: 1000
     """, "bad.yaml:6: sampling.n: sobol needs a power of 2, got 1000; use 512 or 1024"),
    "sampling_method": ("""
        region: toyland
        sampling: {method: lhc}
     """, "bad.yaml:2: sampling.method: unknown 'lhc'; did you mean 'lhs'? (allowed: lhs, sobol, random, grid)"),
    "lever_two_forms": ("""
        region: toyland
        levers:
          coal_share: {ramp: {start: 2025, end: 2030, from: 0.6, to: 0.4}, step: {year: 2025, from: 0, to: 1}}
     """, "bad.yaml:3: levers.coal_share: give exactly one of points, ramp, step, e.g. {points: {2020: 0.02, "
          "2025: 0.04}, interpolation: linear}, {ramp: {start: 2025, end: 2030, from: 0.6, to: 0.4}} or "
          "{step: {year: 2025, from: 0, to: 1}}"),
    "lever_interpolation": ("""
        region: toyland
        levers:
          coal_share:
            points: {2020: 0.6, 2030: 0.4}
            interpolation: cubic
     """, "bad.yaml:5: levers.coal_share.interpolation: unknown 'cubic' (allowed: linear, step)"),
    "ramp_missing_key": ("""
        region: toyland
        levers:
          coal_share:
            ramp: {start: 2025, end: 2030, from: 0.6}
     """, "bad.yaml:4: levers.coal_share.ramp: missing 'to' (needs: start, end, from, to)"),
    "time_backwards": ("""
        region: toyland
        time:
          start: 2035
          end: 2020
     """, "bad.yaml:4: time.end (2020) must be after time.start (2035)"),
    "time_unknown_key": ("""
        region: toyland
        time: {start: 2020, final: 2035}
     """, "bad.yaml:2: time: unknown key 'final'; (allowed: start, end, dt, saveper)"),
    "method": ("""
        region: toyland
        method: rk45
     """, "bad.yaml:2: method: unknown integration method 'rk45' (allowed: euler, rk4)"),
    "no_model": ("""
        name: lonely
        set: {a: 1}
     """, "bad.yaml:1: no model: give region: (whose plan names the model) or model: (a .mdl/.xmile path)"),
    "goals_without_region": ("""
        model: models/tiny_region/tiny_region.mdl
        goals: [gdp_2025]
     """, "bad.yaml:2: goals: a goal list needs region: (the goals come from the region's plan.yaml)"),
    "unknown_output": ("""
        region: toyland
        outputs: [gdp, populaton]
     """, "bad.yaml:2: outputs: no variable 'populaton' in tiny_region.mdl; did you mean population?"),
    "missing_model_file": ("""
        model: models/nothing.mdl
     """, "bad.yaml:1: model: file 'models/nothing.mdl' not found (looked for models/nothing.mdl); "
          "give a path relative to this file"),
    "set_text": ("""
        region: toyland
        set:
          birth_rate: high
     """, "bad.yaml:3: set.birth_rate: must be a number (or a list of numbers, one per subscript element), "
          "got 'high'"),
    "not_a_mapping": ("""
        - region: toyland
     """, "bad.yaml:1: a scenario file must be a mapping of keys (name:, region:, set:, …), not a list"),
    "grid_correlation": ("""
        region: toyland
        uncertain:
          birth_rate: {dist: uniform, low: 0.005, high: 0.01}
          death_rate: {dist: uniform, low: 0.005, high: 0.01}
        correlation: [[birth_rate, death_rate, 0.5]]
        sampling: {method: grid, levels: 3}
     """, "bad.yaml:5: correlation: grid sampling is full-factorial and cannot carry correlations; use "
          "sampling.method lhs, sobol or random"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_error_is_one_line_with_file_line_and_key(project, case):
    text, expected = CASES[case]
    message = error_of(write(project, "bad.yaml", text))
    assert "\n" not in message
    assert message == expected


def test_error_in_a_parent_file_names_the_parent(project):
    write(project, "parent.yaml", """
        region: toyland
        uncertain:
          birth_rate: {dist: triangular, low: 0.01, mode: 0.02, high: 0.015}
    """)
    child = write(project, "child.yaml", """
        extends: parent.yaml
        sampling: {n: 10}
    """)
    assert error_of(child) == "parent.yaml:3: uncertain.birth_rate: mode (0.02) must lie between low (0.01) and high (0.015)"


def test_a_child_fixing_a_correlated_input_must_restate_the_correlation(project):
    write(project, "parent.yaml", """
        region: toyland
        uncertain:
          birth_rate: {dist: uniform, low: 0.005, high: 0.01}
          death_rate: {dist: uniform, low: 0.005, high: 0.01}
        correlation: [[birth_rate, death_rate, 0.4]]
    """)
    child = write(project, "child.yaml", """
        extends: parent.yaml
        set: {death_rate: 0.007}
    """)
    assert error_of(child) == ("parent.yaml:5: correlation[0]: 'death_rate' is under set here, not uncertain; "
                               "give this scenario its own correlation: list (e.g. correlation: [])")
    fixed = write(project, "fixed.yaml", """
        extends: parent.yaml
        set: {death_rate: 0.007}
        correlation: []
    """)
    sc = load_scenario(fixed)
    assert [u.name for u in sc.uncertain] == ["birth_rate"] and sc.correlation == [] and sc.fixed == {"death_rate": 0.007}


def test_unknown_region_suggests_the_nearest(project):
    message = error_of(write(project, "bad.yaml", "region: toyand\n"))
    assert message.startswith("bad.yaml:1: region: no models/toyand/plan.yaml found above .; did you mean 'toyland'? "
                              "(known regions: "), message


def test_a_goal_on_a_variable_the_model_lacks_is_refused(project):
    plan = (project / "models" / "toyland" / "plan.yaml").read_text(encoding="utf-8")
    (project / "models" / "badland").mkdir()
    (project / "models" / "badland" / "plan.yaml").write_text(
        plan.replace("region: toyland", "region: badland").replace("variable: co2_emissions", "variable: co2_emision"),
        encoding="utf-8")
    assert error_of(write(project, "bad.yaml", "region: badland\n")) == (
        "bad.yaml:1: region: goal 'co2_falling' of models/badland/plan.yaml uses 'co2_emision', which is not a "
        "variable of tiny_region.mdl; did you mean co2_emissions, net_migration?")


def test_without_uncertain_inputs_one_run_is_the_default(project):
    sc = load_scenario(write(project, "fixed.yaml", "region: toyland\nset: {birth_rate: 0.008}\n"))
    assert (sc.sampling.n, sc.sample_inputs().shape) == (1, (1, 0))
    assert sc.run_kwargs(sc.sample_inputs())["n"] == 1


def test_check_model_false_skips_the_model(project):
    path = write(project, "quick.yaml", """
        region: toyland
        set:
          no_such_constant: 1
    """)
    sc = load_scenario(path, check_model=False)
    assert sc.model is None and sc.fixed == {"no_such_constant": 1.0}
    assert "no variable 'no_such_constant'" in error_of(path)
