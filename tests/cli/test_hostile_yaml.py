"""Hostile scenario YAML (issue 14): every case is one exact ``Error:`` line from validate and batch, and no complete-looking run folder."""
# ruff: noqa: E501, F811  (a table of exact one-line messages; the project fixture is imported from hostile.py)

import pytest

from hostile import project  # noqa: F401  (the fixture)
from hostile import assert_clean, invoke

F = "scenarios/teacup_town/bad.yaml"
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi"))
HEAD = "region: teacup_town\n"

#: (id, file content, the expected error after "Error: ")
CASES = [
    ("tab_indent", "name: x\nset:\n\tcharacteristic_time: 3\n", "{f}:3: malformed YAML: while scanning for the next token; found character '\\t' that cannot start any token; fix the syntax at that line"),
    ("unclosed_bracket", "name: x\noutputs: [a, b\n", "{f}:3: malformed YAML: while parsing a flow sequence; expected ',' or ']', but got '<stream end>'; fix the syntax at that line"),
    ("duplicate_key", "name: x\nname: y\n", "{f}:2: duplicate key 'name' (first given at line 1); keep only one"),
    ("root_list", "- a\n- b\n", '{f}:1: a scenario file must be a mapping of keys (name:, region:, set:, …), not a list'),
    ("root_scalar", "just words\n", '{f}:1: a scenario file must be a mapping of keys (name:, region:, set:, …), not a str'),
    ("unknown_top_key", "regon: teacup_town\n", "{f}:1: unknown key 'regon'; did you mean 'region'? (allowed: name, description, extends, region, model, time, method, set, levers, uncertain, correlation, sampling, outputs, goals)"),
    ("long_unknown_key", "x" * 300 + ": 1\n", "{f}:1: unknown key 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'; (allowed: name, description, extends, region, model, time, method, set, levers, uncertain, correlation, sampling, outputs, goals)"),
    ("alias_bomb", BOMB, '{f}:6: aliases (*name) expand this document beyond 200,000 values; write the values out or use fewer aliases'),
    ("recursive_alias", "a: &a [x, *a]\n", '{f}:1: an alias refers to a node that contains it (a recursive YAML structure); remove the alias'),
    ("deep_nesting", "x: " + "[" * 200 + "]" * 200 + "\n", '{f}:1: nesting deeper than 64 levels; flatten the document'),
    ("huge_file", "# " + "x" * (5 * 2**20) + "\n", '{f}: 5,242,883 bytes, more than the 4,194,304 a YAML input may have; is this the right file?'),
    ("not_utf8", b"name: caf\xe9\n", '{f}: not UTF-8 text (invalid continuation byte at byte 9); save the file as UTF-8'),
    ("nul_bytes", b"name: a\x00b\n", '{f}:1: character #x0000 is not allowed in YAML; remove it (is this a text file?)'),
    ("empty_file", "", '{f}:1: no model: give region: (whose plan names the model) or model: (a .mdl/.xmile path)'),
    ("mapping_key_is_list", "[a, b]: 1\n", '{f}:1: a mapping key must be a plain name or number'),
    ("name_not_text", HEAD + "name: [1, 2]\n", '{f}:2: name must be text, got [1, 2]'),
    ("set_string_value", HEAD + "set:\n  characteristic_time: fast\n", "{f}:3: set.characteristic_time: must be a number (or a list of numbers, one per subscript element), got 'fast'"),
    ("set_not_mapping", HEAD + "set: [1, 2]\n", '{f}:2: set must be a mapping fixed constants {name: value}, not a list'),
    ("set_unknown_variable", HEAD + "set:\n  charcteristic_time: 3\n", "{f}:3: set.charcteristic_time: no variable 'charcteristic_time' in teacup.mdl; did you mean characteristic_time?"),
    ("set_a_stock", HEAD + "set:\n  teacup_temperature: 3\n", "{f}:3: set.teacup_temperature: 'teacup_temperature' is a stock, not a constant; set, levers and uncertain replace constants only; did you mean room_temperature?"),
    ("set_nan", HEAD + "set:\n  characteristic_time: .nan\n", '{f}:3: set.characteristic_time: must be a number (or a list of numbers, one per subscript element), got nan'),
    ("uncertain_low_above_high", HEAD + "uncertain:\n  characteristic_time: {dist: uniform, low: 9, high: 1}\n", '{f}:3: uncertain.characteristic_time: low (9.0) must be below high (1.0)'),
    ("uncertain_unknown_dist", HEAD + "uncertain:\n  characteristic_time: {dist: gauss, mean: 1, sd: 1}\n", "{f}:3: uncertain.characteristic_time: unknown distribution 'gauss'; (allowed: uniform, triangular, normal, lognormal, choice)"),
    ("uncertain_missing_param", HEAD + "uncertain:\n  characteristic_time: {dist: normal, mean: 1}\n", "{f}:3: uncertain.characteristic_time: missing parameter 'sd' for normal (needs: mean, sd); e.g. {dist: normal, mean: 0.002, sd: 0.001, low: -0.002, high: 0.006}"),
    ("uncertain_bad_weights", HEAD + "uncertain:\n  characteristic_time: {dist: choice, values: [1, 2], weights: [0.9, 0.9]}\n", '{f}:3: uncertain.characteristic_time: weights [0.9, 0.9] sum to 1.8; they must sum to 1'),
    ("sampling_n_zero", HEAD + "sampling: {n: 0}\n", '{f}:2: sampling.n must be a positive whole number, got 0'),
    ("sampling_seed_negative", HEAD + "sampling: {seed: -1}\n", '{f}:2: sampling.seed must be a whole number from 0 to 2**63 - 1, got -1'),
    ("sampling_seed_too_big", HEAD + f"sampling: {{seed: {2**64}}}\n", '{f}:2: sampling.seed must be a whole number from 0 to 2**63 - 1, got 18446744073709551616'),
    ("sampling_unknown_method", HEAD + "sampling: {method: lhc}\n", "{f}:2: sampling.method: unknown 'lhc'; did you mean 'lhs'? (allowed: lhs, sobol, random, grid)"),
    ("sobol_not_power_of_two", HEAD + "uncertain:\n  characteristic_time: {dist: uniform, low: 5, high: 15}\n"
                                      "sampling: {method: sobol, n: 100}\n", '{f}:4: sampling.n: sobol needs a power of 2, got 100; use 64 or 128'),
    ("sampling_not_mapping", HEAD + "sampling: 100\n", '{f}:2: sampling must be a mapping {method, n, seed, levels}, not a int'),
    ("time_end_before_start", HEAD + "time: {start: 10, end: 5}\n", '{f}:2: time.end (5) must be after time.start (10)'),
    ("time_dt_zero", HEAD + "time: {dt: 0}\n", '{f}:2: time.dt must be positive, got 0'),
    ("time_unknown_key", HEAD + "time: {stop: 10}\n", "{f}:2: time: unknown key 'stop'; (allowed: start, end, dt, saveper)"),
    ("method_rk5", HEAD + "method: rk5\n", "{f}:2: method: unknown integration method 'rk5' (allowed: euler, rk4)"),
    ("lever_points_outside_run", HEAD + "levers:\n  room_temperature: {points: {1900: 60, 2200: 70}}\n", '{f}:3: levers.room_temperature: every point (1900 to 2200) lies outside the run (0 to 30); give times inside the run, e.g. full years like 2025'),
    ("lever_two_forms", HEAD + "levers:\n  room_temperature: {points: {1: 60}, step: {year: 5, from: 60, to: 70}}\n", '{f}:3: levers.room_temperature: give exactly one of points, ramp, step, e.g. {points: {2020: 0.02, 2025: 0.04}, interpolation: linear}, {ramp: {start: 2025, end: 2030, from: 0.6, to: 0.4}} or {step: {year: 2025, from: 0, to: 1}}'),
    ("lever_ramp_missing_key", HEAD + "levers:\n  room_temperature: {ramp: {start: 1, end: 5, from: 60}}\n", "{f}:3: levers.room_temperature.ramp: missing 'to' (needs: start, end, from, to)"),
    ("lever_ramp_backwards", HEAD + "levers:\n  room_temperature: {ramp: {start: 5, end: 1, from: 60, to: 70}}\n", '{f}:3: levers.room_temperature.ramp: end (1) must be after start (5)'),
    ("correlation_unknown_name", HEAD + "uncertain:\n  characteristic_time: {dist: uniform, low: 5, high: 15}\n"
                                        "correlation: [[characteristic_time, room_temp, 0.5]]\n", "{f}:4: correlation[0]: 'room_temp' is not an uncertain input; (uncertain inputs: characteristic_time)"),
    ("correlation_rho_too_big", HEAD + "uncertain:\n  characteristic_time: {dist: uniform, low: 5, high: 15}\n"
                                       "  room_temperature: {dist: uniform, low: 60, high: 80}\n"
                                       "correlation: [[characteristic_time, room_temperature, 2]]\n", "{f}:5: correlation[0]: correlation 2.0 between 'characteristic_time' and 'room_temperature' must lie strictly between -1 and 1"),
    ("goals_unknown_id", HEAD + "goals: [cool_by_2O]\n", "{f}:2: goals: unknown goal id 'cool_by_2O'; did you mean 'cool_by_20'? (goals of region teacup_town: cool_by_20, warm_at_5, drinkable_at_10, loss_falling, loss_reaches_11)"),
    ("goals_not_list", HEAD + "goals: some\n", "{f}:2: goals must be 'all' or a list of goal ids, got 'some'"),
    ("outputs_unknown_variable", HEAD + "outputs: [teacup_temprature]\n", "{f}:2: outputs: no variable 'teacup_temprature' in teacup.mdl; did you mean teacup_temperature, room_temperature?"),
    ("outputs_not_list", HEAD + "outputs: teacup_temperature\n", '{f}:2: outputs must be a list of variable names, e.g. [gdp, population], or {variables: [...], years: [...], precision: float32|float64}'),
    ("region_unknown", "region: teacup_twn\n", "{f}:1: region: no models/teacup_twn/plan.yaml found above scenarios/teacup_town; did you mean 'teacup_town'? (known regions: capital_region, jizhou, qiaoxi, shijiazhuang, shijiazhuang_metro, teacup_town)"),
    ("region_not_an_id", "region: Teacup Town\n", "{f}:1: region must be a lower-case ASCII id like jizhou, got 'Teacup Town'"),
    ("no_model_no_region", "name: x\n", '{f}:1: no model: give region: (whose plan names the model) or model: (a .mdl/.xmile path)'),
    ("extends_missing", "extends: nowhere.yaml\n", "{f}:1: extends: file 'nowhere.yaml' not found (looked for scenarios/teacup_town/nowhere.yaml); give a path relative to this file"),
    ("extends_not_text", "extends: 42\n", '{f}:1: extends: must be a file name relative to this file, e.g. extends: baseline.yaml'),
    ("extends_self", "extends: bad.yaml\n", '{f}:1: extends: the chain makes a cycle: {f} -> {f}; remove one of these extends'),
]


@pytest.mark.parametrize("command", ["validate", "batch"])
@pytest.mark.parametrize("content, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_scenario_yaml(project, command, content, expected):
    bad = project / F
    if isinstance(content, bytes):
        bad.write_bytes(content)
    else:
        bad.write_text(content, encoding="utf-8")
    args = [command, F] + (["--out", project / "out", "--quiet"] if command == "batch" else [])
    assert_clean(invoke(*args), expected.replace("{f}", F), project / "out")
