"""Hostile model files, command lines and paths (issue 14): each is one exact ``Error:`` line, non-zero exit, nothing complete left behind."""
# ruff: noqa: E501, F811  (a table of exact one-line messages; the project fixture is imported from hostile.py)

import os
from pathlib import Path

import pytest

from hostile import project  # noqa: F401  (the fixture)
from hostile import assert_clean, invoke

COOL = "scenarios/teacup_town/cooling.yaml"
TEACUP = "models/teacup/teacup.mdl"


def _teacup(proj: Path, old: str, new: str, name: str = "bad.mdl") -> str:
    """A copy of the teacup model with ``old`` replaced by ``new``; returns its path."""
    text = (proj / TEACUP).read_text(encoding="utf-8")
    assert old in text
    (proj / "models" / "teacup" / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    return f"models/teacup/{name}"


def _file(proj: Path, name: str, content) -> str:
    path = proj / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content, encoding="utf-8")
    return name


WHOLE_XMILE = """<?xml version="1.0" encoding="utf-8"?>
<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">
<header><vendor>plansim tests</vendor><product version="1">hand</product></header>
<sim_specs><start>0</start><stop>1</stop><dt>1</dt></sim_specs>
<model><variables><aux name="a"><eqn>1</eqn></aux>
<aux name="b"><eqn>a * 2</eqn></aux></variables></model>
</xmile>
"""


def _cut(proj: Path, source: str, before: str, name: str) -> str:
    """A copy of ``source`` (a project file; ``models/x/whole.xmile`` is written first) that ends
    just after the first occurrence of ``before``: a file cut short, mid-equation."""
    if source == "models/x/whole.xmile":
        _file(proj, source, WHOLE_XMILE)
    text = (proj / source).read_text(encoding="utf-8")
    assert before in text
    return _file(proj, str(Path(source).parent / name), text[: text.index(before) + len(before)])


def _scenario(proj: Path, text: str) -> str:
    return _file(proj, "scenarios/teacup_town/bad.yaml", text)


#: Model files given to ``simulate``: (id, setup(proj) -> argv, expected error after "Error: ").
MODELS = [
    ("missing_model", lambda p: ["simulate", "models/none.mdl"], 'models/none.mdl: model file not found; check the path'),
    ("model_is_folder", lambda p: ["simulate", "models"], "Invalid value for 'MODEL': File 'models' is a directory; see: python run.py simulate --help"),
    ("empty_mdl", lambda p: ["simulate", _file(p, "models/x/empty.mdl", "")], "models/x/empty.mdl: cannot parse model: Rule 'file' didn't match at '' (line 1, column 1)"),
    ("binary_mdl", lambda p: ["simulate", _file(p, "models/x/bin.mdl", bytes(range(256)) * 4)], "models/x/bin.mdl: not a text file: binary content (a NUL byte at byte 0); give a Vensim .mdl or an XMILE model (.xmile, .stmx) saved as text"),
    # issue 26: random bytes made PySD's encoding guess fail ("decode() argument 'encoding' must be str, not None")
    ("random_bytes_mdl", lambda p: ["simulate", _file(p, "models/x/rand.mdl", bytes((i * 7919 + 13) % 251 + 1 for i in range(4000)))], "models/x/rand.mdl: not a text file: binary content; give a Vensim .mdl or an XMILE model (.xmile, .stmx) saved as text"),
    ("binary_xmile", lambda p: ["simulate", _file(p, "models/x/bin.xmile", b"PK\x03\x04\x00\x00" + bytes(range(256)))], "models/x/bin.xmile: not a text file: binary content (a NUL byte at byte 4); give a Vensim .mdl or an XMILE model (.xmile, .stmx) saved as text"),
    # issue 26: "'NoneType' object has no attribute 'nsmap'"
    ("garbage_xmile", lambda p: ["simulate", _file(p, "models/x/junk.xmile", "this is not xml at all\n")], "models/x/junk.xmile:1: not an XML file, so not an XMILE model; give a model exported by Stella or Vensim (.xmile, .stmx) or a Vensim .mdl"),
    ("html_as_xmile", lambda p: ["simulate", _file(p, "models/x/page.xmile", "<html><body/></html>\n")], "models/x/page.xmile: not an XMILE model: its root element is <html>, not <xmile>; give a model exported by Stella or Vensim (.xmile, .stmx) or a Vensim .mdl"),
    # issue 26: a .mdl cut mid-file was "FINAL TIME is missing"; a cut .xmile, undefined references
    ("cut_mdl", lambda p: ["simulate", _cut(p, TEACUP, "Degrees Fahrenheit [32,212]", "cut.mdl")], "models/teacup/cut.mdl:25: the file ends early, at line 25, inside an equation ('TEG ( -Heat Loss to Room, 180) ~ Degrees Fahrenheit [32,212]' has no closing '|'); it was cut short (a copy or download that stopped?); save or copy the whole model again"),
    ("cut_xmile", lambda p: ["simulate", _cut(p, "models/x/whole.xmile", "<aux name=\"b\">", "cut.xmile")], "models/x/cut.xmile:6: the file ends early, at line 6, before its closing </xmile>; it was cut short (a copy or download that stopped?); save or copy the whole model again"),
    ("unknown_suffix", lambda p: ["simulate", _file(p, "models/x/model.txt", "x = 1\n")], "models/x/model.txt: unknown model file extension '.txt'; use one of .mdl, .stmx, .xmile, .xml"),
    ("dev_zero", lambda p: ["simulate", "/dev/zero"], '/dev/zero: not a regular file (a device or pipe); give a model file (.mdl, .xmile)'),
    ("unsupported_function", lambda p: ["simulate", _teacup(p, "\t70\n", "\tTIME BASE(Characteristic Time, 1)\n")], "models/teacup/bad.mdl: unsupported: 'Room Temperature': function TIME_BASE; remove or replace these"),
    ("malformed_equation", lambda p: ["simulate", _teacup(p, "\t70\n", "\t(70 + \n")], "models/teacup/bad.mdl:15: cannot parse the equation of 'Room Temperature': Rule 'prod_expr' didn't match at '' (line 1, column 6); fix the equation's syntax"),
    ("undefined_name", lambda p: ["simulate", _teacup(p, "\t70\n", "\tNo Such Thing * 2\n")], "models/teacup/bad.mdl: unsupported: 'Room Temperature': reference to undefined variable 'no_such_thing'; remove or replace these"),
    ("division_by_zero", lambda p: ["simulate", TEACUP, "--set", "Characteristic Time=0"], "models/teacup/teacup.mdl: non-finite value in 'Heat Loss to Room' at time 0 (division by zero, overflow, LN of a negative, or reading an element no equation defines?); fix the model or --set, or pass --allow-nonfinite to write it anyway"),
    ("ln_of_negative", lambda p: ["simulate", _teacup(p, "\t70\n", "\tLN(-1)\n")], "models/teacup/bad.mdl: non-finite value in 'Room Temperature' at time 0 (division by zero, overflow, LN of a negative, or reading an element no equation defines?); fix the model or --set, or pass --allow-nonfinite to write it anyway"),
    ("overflow", lambda p: ["simulate", _teacup(p, "\t70\n", "\tEXP(1000)\n")], "models/teacup/bad.mdl: non-finite value in 'Room Temperature' at time 0 (division by zero, overflow, LN of a negative, or reading an element no equation defines?); fix the model or --set, or pass --allow-nonfinite to write it anyway"),
    ("malformed_xmile", lambda p: ["simulate", _file(p, "models/x/bad.xmile", "<xmile><model>")], "models/x/bad.xmile:1: the file ends early, at line 1, before its closing </xmile>; it was cut short (a copy or download that stopped?); save or copy the whole model again"),
]

#: Command lines: (id, setup(proj) -> argv, expected).
CLI = [
    ("n_not_a_number", lambda p: ["batch", COOL, "-n", "abc"], "Invalid value for '-n': 'abc' is not a valid integer; see: python run.py batch --help"),
    ("n_zero", lambda p: ["batch", COOL, "-n", "0", "--out", "out"], '-n must be a whole number >= 1, got 0'),
    ("n_negative", lambda p: ["batch", COOL, "-n", "-5", "--out", "out"], '-n must be a whole number >= 1, got -5'),
    # correlated inputs are sampled whole (Iman-Conover), so their memory grows with n
    ("n_huge", lambda p: ["batch", _scenario(p, "extends: cooling.yaml\ncorrelation: [[characteristic_time, room_temperature, 0.5]]\n"), "-n", str(10**12), "--out", "out"], "scenarios/teacup_town/bad.yaml: -n 1,000,000,000,000 needs about 116.4 TiB of memory to sample 2 inputs, 1.0 GiB is available; use -n 8,388,608 or less, or several batches with other seeds"),
    ("seed_negative", lambda p: ["batch", COOL, "--seed", "-1", "--out", "out"], '--seed must be a whole number from 0 to 9223372036854775807 (2**63 - 1), got -1'),
    ("seed_2_64", lambda p: ["batch", COOL, "--seed", str(2**64), "--out", "out"], '--seed must be a whole number from 0 to 9223372036854775807 (2**63 - 1), got 18446744073709551616'),
    ("seed_not_a_number", lambda p: ["batch", COOL, "--seed", "1e3"], "Invalid value for '--seed': '1e3' is not a valid integer; see: python run.py batch --help"),
    ("chunk_size_zero", lambda p: ["batch", COOL, "--chunk-size", "0", "--out", "out"], '--chunk-size must be a whole number >= 1, got 0'),
    ("workers_zero", lambda p: ["batch", COOL, "--workers", "0", "--out", "out"], '--workers must be a whole number >= 1, got 0'),
    ("method_rk5", lambda p: ["simulate", TEACUP, "--method", "rk5"], "Invalid value for '--method': 'rk5' is not one of 'euler', 'rk4'; see: python run.py simulate --help"),
    ("unknown_command", lambda p: ["simulat", TEACUP], "No such command 'simulat'. Did you mean 'simulate'?; see: python run.py --help"),
    ("unknown_option", lambda p: ["batch", COOL, "--seeds", "3"], "No such option '--seeds'. Did you mean '--seed'?; see: python run.py batch --help"),
    ("missing_option_value", lambda p: ["batch", COOL, "--out"], "Option '--out' requires an argument; see: python run.py --help"),
    ("set_without_equals", lambda p: ["simulate", TEACUP, "--set", "Room Temperature"], '--set \'Room Temperature\': write NAME=VALUE, e.g. --set "Room Temperature=65"'),
    ("set_not_a_number", lambda p: ["simulate", TEACUP, "--set", "Room Temperature=warm"], "--set 'Room Temperature=warm': 'warm' is not a number"),
    ("set_near_miss", lambda p: ["simulate", TEACUP, "--set", "Room Temprature=60"], "models/teacup/teacup.mdl: no variable named 'Room Temprature'; did you mean 'Room Temperature', 'Teacup Temperature'?"),
    ("columns_near_miss", lambda p: ["simulate", TEACUP, "--columns", "Teacup Temprature"], "models/teacup/teacup.mdl: no variable named 'Teacup Temprature'; did you mean 'Teacup Temperature', 'Room Temperature'?"),
    ("free_without_assumption", lambda p: ["calibrate", COOL, "--free", "characteristic_tme"], "{p}/models/teacup_town/plan.yaml: no assumption for 'characteristic_tme', so the fit has no range for it; add it under assumptions: with value, range, unit and reason"),
    ("report_bad_format", lambda p: ["batch", COOL, "--report", "odt", "--out", "out"], '--format odt: unknown report format; use pdf, png, docx or xlsx, comma-separated'),
    ("report_bad_lang", lambda p: ["batch", COOL, "--report", "pdf", "--lang", "fr", "--out", "out"], "--lang 'fr': unknown report language; use one of zh, en"),
    ("batch_without_scenario", lambda p: ["batch", "--out", "out"], 'give at least one scenario file, e.g. python run.py batch scenarios/jizhou/baseline.yaml'),
    ("resume_with_scenario", lambda p: ["batch", COOL, "--resume", "out"], '--resume takes the run folder only; the scenario, -n and --seed come from its manifest'),
    ("resume_missing_folder", lambda p: ["batch", "--resume", "nowhere"], "nowhere: no such run folder; give a folder made by 'python run.py batch'"),
    ("resume_not_a_run", lambda p: ["batch", "--resume", "scenarios"], 'scenarios: no manifest.json, so this is not a plansim run folder'),
    ("show_missing_folder", lambda p: ["show", "nowhere"], "nowhere: no such run folder; give a folder made by 'python run.py batch'"),
    ("show_not_a_run", lambda p: ["show", "models"], 'models: no manifest.json, so this is not a plansim run folder'),
    ("show_a_file", lambda p: ["show", COOL], "Invalid value for 'RUN_DIR': Directory 'scenarios/teacup_town/cooling.yaml' is a file; see: python run.py show --help"),
    ("report_missing_folder", lambda p: ["report", "nowhere"], "{p}/nowhere: no such run folder; give a folder made by 'python run.py batch'"),
    ("out_is_a_file", lambda p: ["batch", COOL, "--out", COOL], "Invalid value for '--out': Directory 'scenarios/teacup_town/cooling.yaml' is a file; see: python run.py batch --help"),
    ("out_not_empty", lambda p: ["batch", COOL, "--out", "models"], 'models: output folder exists and is not empty; choose another --out or remove it'),
    ("check_nothing", lambda p: ["check"], 'check: give a MODEL file (or --functions)'),
]

#: Paths that leave the project or are not scenarios: (id, setup(proj) -> argv, expected).
PATHS = [
    ("validate_etc_passwd", lambda p: ["validate", "/etc/passwd"], '/etc/passwd: not a scenario file (a scenario is a .yaml or .yml file); give a scenario such as scenarios/jizhou/baseline.yaml'),
    ("validate_dev_zero", lambda p: ["validate", "/dev/zero"], '/dev/zero: not a scenario file (a scenario is a .yaml or .yml file); give a scenario such as scenarios/jizhou/baseline.yaml'),
    ("validate_folder", lambda p: ["validate", "scenarios"], "Invalid value for 'SCENARIOS...': File 'scenarios' is a directory; see: python run.py validate --help"),
    ("validate_token_file", lambda p: ["validate", _file(p, "secret.txt", "ghp_SECRETTOKEN123\n")], 'secret.txt: not a scenario file (a scenario is a .yaml or .yml file); give a scenario such as scenarios/jizhou/baseline.yaml'),
    ("extends_etc_passwd", lambda p: ["validate", _scenario(p, "extends: /etc/passwd\n")], "scenarios/teacup_town/bad.yaml:1: extends: '/etc/passwd' is not a scenario file (.yaml or .yml); extend another scenario, e.g. extends: baseline.yaml"),
    ("extends_token_file", lambda p: ["validate", _scenario(p, "extends: ../../secret.txt\n") if _file(p, "secret.txt", "root: hunter2\n") else ""], "scenarios/teacup_town/bad.yaml:1: extends: '../../secret.txt' is not a scenario file (.yaml or .yml); extend another scenario, e.g. extends: baseline.yaml"),
    ("extends_outside_project", lambda p: ["validate", _scenario(p, "extends: ../../../outside.yaml\n") if _file(p, "../outside.yaml", "name: o\n") else ""], "scenarios/teacup_town/bad.yaml:1: extends: '../../../outside.yaml' lies outside the scenario's project {p}; copy the file into the project or run python run.py --allow-outside-project …"),
    ("extends_absolute_outside", lambda p: ["validate", _scenario(p, "extends: /srv/outside.yaml\n")], "scenarios/teacup_town/bad.yaml:1: extends: '/srv/outside.yaml' lies outside the scenario's project {p}; copy the file into the project or run python run.py --allow-outside-project …"),
    ("extends_symlink_outside", lambda p: ["validate", _scenario(p, "extends: link.yaml\n") if _file(p, "../outside.yaml", "name: o\n") and not os.symlink(p.parent / "outside.yaml", p / "scenarios/teacup_town/link.yaml") else ""], "scenarios/teacup_town/bad.yaml:1: extends: 'link.yaml' lies outside the scenario's project {p}; copy the file into the project or run python run.py --allow-outside-project …"),
    ("model_outside_project", lambda p: ["validate", _scenario(p, "model: ../../../elsewhere.mdl\n")], "scenarios/teacup_town/bad.yaml:1: model: '../../../elsewhere.mdl' lies outside the scenario's project {p}; copy the file into the project or run python run.py --allow-outside-project …"),
    ("model_absolute_outside", lambda p: ["validate", _scenario(p, "model: /etc/hostname\n")], "scenarios/teacup_town/bad.yaml:1: model: '/etc/hostname' lies outside the scenario's project {p}; copy the file into the project or run python run.py --allow-outside-project …"),
    ("model_not_found", lambda p: ["validate", _scenario(p, "model: ../../models/none.mdl\n")], "scenarios/teacup_town/bad.yaml:1: model: file '../../models/none.mdl' not found (looked for models/none.mdl); give a path relative to this file"),
    ("scenario_missing", lambda p: ["validate", "scenarios/none.yaml"], 'scenarios/none.yaml: file not found; check the path'),
]


@pytest.fixture(autouse=True)
def one_gib_of_memory(monkeypatch):
    """The memory check sees 1 GiB available, whatever the machine has (so its message is fixed)."""
    monkeypatch.setattr("simulator.runs.limits.available_memory", lambda: 2**30)


def _run(project, setup, expected):
    argv = setup(project)
    assert_clean(invoke(*argv), expected.replace("{p}", str(project)), project / "out")


@pytest.mark.parametrize("setup, expected", [c[1:] for c in MODELS], ids=[c[0] for c in MODELS])
def test_hostile_model(project, setup, expected):
    _run(project, setup, expected)


@pytest.mark.parametrize("setup, expected", [c[1:] for c in CLI], ids=[c[0] for c in CLI])
def test_hostile_command_line(project, setup, expected):
    _run(project, setup, expected)


@pytest.mark.parametrize("setup, expected", [c[1:] for c in PATHS], ids=[c[0] for c in PATHS])
def test_hostile_path(project, setup, expected):
    _run(project, setup, expected)


def test_allow_outside_project_is_explicit(project, monkeypatch):
    monkeypatch.setenv("PLANSIM_ALLOW_OUTSIDE_PROJECT", "")      # restored after the test; the flag sets it
    (project.parent / "outside.yaml").write_text("name: o\n", encoding="utf-8")
    _scenario(project, "extends: ../../../outside.yaml\nregion: teacup_town\n")
    assert invoke("validate", "scenarios/teacup_town/bad.yaml").exit_code == 1
    result = invoke("--allow-outside-project", "validate", "scenarios/teacup_town/bad.yaml")
    assert result.exit_code == 0, result.output
