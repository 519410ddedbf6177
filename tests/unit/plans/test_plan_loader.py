"""Unit tests of simulator.plans.plan: loading, validation messages, source verification."""

from pathlib import Path

import pytest

from simulator.errors import PlanError, SimulatorError
from simulator.plans.plan import Source, load_plan, resolve_plan_path

SEED = "line one 地区生产总值达到 743 亿元\nline two 再生水利用率达到30%以上\n"

GOOD = """\
region: testland
name: {zh: 测试区, en: Testland}
plan: {doc: seed.txt, title: {zh: 规划, en: Plan}, period: "2021-2025"}
model: model.mdl
history:
  - id: gdp_2020
    variable: gdp
    year: 2020
    value: 743
    unit: 亿元
    source: {doc: seed.txt, line: 1, quote: "地区生产总值达到 743 亿元"}
goals:
  - id: reclaimed_2025
    label: {zh: 再生水, en: reclaimed water}
    variable: reclaimed_water_share
    year: 2025
    comparison: ">="
    value: 0.3
    unit: "1"
    binding: false
    source: {doc: seed.txt, line: 2, quote: "再生水利用率达到30%以上"}
  - id: storage_rising
    label: {zh: 回升, en: rising}
    variable: groundwater_storage
    year: [2022, 2025]
    comparison: rising
    unit: 万m3
    binding: true
    source: {doc: seed.txt, line: 2, quote: "再生水"}
assumptions:
  - {id: a, variable: "tfp_growth[secondary]", value: 0.03, range: [0.0, 0.08], unit: 1/year, reason: "why"}
"""


@pytest.fixture()
def workdir(tmp_path):
    (tmp_path / "model.mdl").write_text("{UTF-8}\n", encoding="utf-8")
    (tmp_path / "seed.txt").write_text(SEED, encoding="utf-8")
    return tmp_path


def write(workdir: Path, text: str) -> Path:
    path = workdir / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_loads_all_sections(workdir):
    plan = load_plan(write(workdir, GOOD))
    assert plan.region == "testland"
    assert plan.model_path == (workdir / "model.mdl").resolve()
    assert [f.id for f in plan.history] == ["gdp_2020"]
    assert plan.history[0].value == 743.0
    goal = plan.goal("reclaimed_2025")
    assert (goal.comparison, goal.value, goal.year, goal.binding) == (">=", 0.3, 2025, False)
    rising = plan.goal("storage_rising")
    assert rising.value is None and rising.year == [2022, 2025]
    assert plan.assumptions[0].range == (0.0, 0.08)
    assert plan.variables() == {"gdp", "reclaimed_water_share", "groundwater_storage", "tfp_growth[secondary]"}


def test_verify_sources_passes_and_fails_on_one_character(workdir):
    plan = load_plan(write(workdir, GOOD))
    plan.verify_sources(workdir)
    bad = Source("seed.txt", 1, "地区生产总值达到743 亿元")  # one space missing
    with pytest.raises(PlanError, match="not on line 1 of seed.txt"):
        bad.verify(workdir)


def test_verify_names_the_right_line_when_the_number_is_off(workdir):
    with pytest.raises(PlanError, match=r"the quote is on line\(s\) \[2\]"):
        Source("seed.txt", 1, "再生水利用率").verify(workdir)


def test_verify_line_out_of_range_and_missing_doc(workdir):
    with pytest.raises(PlanError, match="outside seed.txt"):
        Source("seed.txt", 9, "x").verify(workdir)
    with pytest.raises(PlanError, match="not found"):
        Source("nope.txt", 1, "x").verify(workdir)


@pytest.mark.parametrize(
    "old, new, message",
    [
        ('comparison: ">="', 'comparison: ">>"', r"plan.yaml:\d+: key 'comparison'.*not one of"),
        ("    value: 0.3\n", "", r"key 'value': missing"),
        ("range: [0.0, 0.08]", "range: [0.05, 0.08]", r"outside its range \[0.05, 0.08\]"),
        ("model: model.mdl", "model: missing.mdl", r"key 'model'.*does not exist"),
        ("year: [2022, 2025]", "year: 2025", r"key 'year'.*needs year: \[from_year, to_year\]"),
        ("binding: false", "binding: maybe", r"key 'binding'.*must be bool"),
        ("variable: gdp", "variable: gdp growth!", r"key 'variable'.*not a model id"),
        ("id: reclaimed_2025", "id: storage_rising", r"duplicate goal id 'storage_rising'"),
        ("region: testland", "region: testland\nextra: 1", r"key 'extra': unknown top-level key"),
    ],
)
def test_bad_input_gives_one_line_naming_file_and_key(workdir, old, new, message):
    assert old in GOOD
    with pytest.raises(PlanError, match=message) as info:
        load_plan(write(workdir, GOOD.replace(old, new, 1)))
    text = str(info.value)
    assert "\n" not in text and "plan.yaml" in text
    assert isinstance(info.value, SimulatorError)


def test_error_line_number_points_at_the_key(workdir):
    text = GOOD.replace('comparison: ">="', 'comparison: "=>"')
    line = next(i for i, row in enumerate(text.splitlines(), 1) if '"=>"' in row)
    with pytest.raises(PlanError, match=rf"plan.yaml:{line}: key 'comparison'"):
        load_plan(write(workdir, text))


def test_invalid_yaml_reports_line(workdir):
    with pytest.raises(PlanError, match=r"plan.yaml:\d+: malformed YAML"):
        load_plan(write(workdir, GOOD + "  - {unclosed\n"))


def test_between_needs_ordered_pair(workdir):
    text = GOOD.replace('comparison: ">="\n    value: 0.3', 'comparison: between\n    value: [0.4, 0.3]')
    with pytest.raises(PlanError, match="between"):
        load_plan(write(workdir, text))


def test_region_id_resolves_to_models_folder():
    path = resolve_plan_path("jizhou")
    assert path.parts[-3:] == ("models", "jizhou", "plan.yaml")
    with pytest.raises(PlanError, match="neither a plan.yaml path nor a region id"):
        resolve_plan_path("Not A Region!")


def test_unknown_goal_lists_known_ids(workdir):
    plan = load_plan(write(workdir, GOOD))
    with pytest.raises(PlanError, match="known goals: reclaimed_2025, storage_rising"):
        plan.goal("nope")


def test_seeds_dir_follows_the_environment(monkeypatch, workdir):
    from simulator.plans.plan import seeds_dir

    monkeypatch.setenv("PLANSIM_SEEDS", str(workdir))
    assert seeds_dir() == workdir
    Source("seed.txt", 2, "再生水利用率").verify()  # default folder = $PLANSIM_SEEDS
    monkeypatch.delenv("PLANSIM_SEEDS")
    assert seeds_dir().parts[-2:] == ("shared", "seeds")


def test_duplicate_key_is_refused_with_its_line(workdir):
    """plan.yaml goes through the one YAML reader (simulator.yamlmarks): a second 'region' is refused."""
    text = GOOD.replace("region:", "region: other\nregion:", 1)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("region:")) + 1
    with pytest.raises(PlanError, match=rf"plan.yaml:{line}: duplicate key 'region' \(first given at line {line - 1}\)"):
        load_plan(write(workdir, text))


def _money_goal_plan(tmp_path, extra: str) -> Path:
    model = Path(__file__).resolve().parents[3] / "models" / "regional" / "regional.mdl"
    text = f"""region: r
name: {{zh: 区, en: R}}
plan: {{doc: d.txt, title: t, period: "2021-2025"}}
model: {model}
history: []
goals:
  - id: gdp_2025
    label: {{zh: 地区生产总值, en: GDP}}
    variable: gdp_nominal
    year: 2025
    comparison: ">="
    value: 100
    unit: 亿元
    binding: false
    source: {{doc: d.txt, line: 1, quote: q}}
{extra}assumptions: []
"""
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_money_goal_without_a_price_basis_is_refused_with_its_line(tmp_path):
    path = _money_goal_plan(tmp_path, "")
    with pytest.raises(PlanError, match=r"plan.yaml:13: key .unit.: .*a money goal needs basis: real or nominal"):
        load_plan(path)


def test_a_real_money_goal_needs_its_price_year(tmp_path):
    path = _money_goal_plan(tmp_path, "    basis: real\n")
    with pytest.raises(PlanError, match="needs price_year"):
        load_plan(path)
    goal = load_plan(_money_goal_plan(tmp_path, "    basis: nominal\n")).goals[0]
    assert goal.basis == "nominal"
