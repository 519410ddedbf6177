"""Indicator names (models/*/labels.yaml) used in report titles."""

from pathlib import Path
from types import SimpleNamespace

import pytest
import xarray as xr

from reports.fan_charts import variable_title
from reports.indicators import indicator_name, load_indicators
from simulator.errors import ReportError
from simulator.plans.plan import load_plan

ROOT = Path(__file__).resolve().parents[2]
PLANS = sorted(ROOT.glob("models/*/plan.yaml"))

LABELS = {"variables": {"cluster_revenue": {"zh": "产业营业收入", "en": "Industry revenue"}},
          "elements": {"biomedicine": {"zh": "生物医药", "en": "biomedicine"}}}


def test_indicator_name_joins_variable_and_element_names():
    assert indicator_name(LABELS, "cluster_revenue[biomedicine]", "zh") == "产业营业收入·生物医药"
    assert indicator_name(LABELS, "cluster_revenue[biomedicine]", "en") == "Industry revenue·biomedicine"
    assert indicator_name(LABELS, "cluster_revenue[unknown_elem]", "zh") == "产业营业收入·unknown_elem"
    assert indicator_name(LABELS, "gdp", "zh") == ""


def test_fan_chart_title_is_the_indicator_name_and_unit_in_the_report_language():
    results = xr.Dataset({"cluster_revenue": xr.DataArray([0.0], attrs={"name": "Cluster Revenue", "units": "亿元/Year"})})
    run = SimpleNamespace(results=results, indicators=LABELS)
    goal = SimpleNamespace(variable="cluster_revenue[biomedicine]", unit="亿元")
    assert variable_title(run, goal, "zh") == "产业营业收入·生物医药（亿元/年）"
    assert variable_title(run, goal, "en") == "Industry revenue·biomedicine (100 million yuan/year)"
    run.indicators = {}
    assert variable_title(run, goal, "zh") == "Cluster Revenue[biomedicine]（亿元/年）"


@pytest.mark.parametrize("plan_file", PLANS, ids=lambda p: p.parent.name)
def test_every_goal_variable_has_chinese_and_english_names(plan_file):
    plan = load_plan(plan_file)
    indicators = load_indicators(plan.model_path)
    for goal in plan.goals:
        base, _, rest = goal.variable.partition("[")
        entry = indicators.get("variables", {}).get(base)
        assert entry and entry.get("zh") and entry.get("en"), f"{goal.variable} has no indicator name"
        for element in filter(None, rest.rstrip("]").split(",")):
            assert element.strip() in indicators.get("elements", {}), f"{goal.variable}: element {element} unnamed"


def test_a_labels_file_with_unknown_keys_is_one_line_error(tmp_path):
    (tmp_path / "labels.yaml").write_text("names: {}\n", encoding="utf-8")
    with pytest.raises(ReportError, match=r"labels.yaml: expected the keys 'variables', 'elements' and 'regions' only"):
        load_indicators(tmp_path / "model.mdl")


def test_a_region_names_an_element_as_its_own_plan_does():
    """石家庄都市圈's plan says 先进新材料 (line 142) where the shared model's labels say 新材料: one name per report."""
    from pathlib import Path

    from reports.indicators import indicator_name

    model = Path(__file__).resolve().parents[2] / "models" / "regional" / "regional.mdl"
    metro, jizhou = load_indicators(model, "shijiazhuang_metro"), load_indicators(model, "jizhou")
    name = "initial_cluster_revenue[new_materials]"
    assert indicator_name(metro, name, "zh").endswith("·先进新材料")
    assert indicator_name(jizhou, name, "zh").endswith("·新材料")


def _has_label(indicators: dict, plan, name: str, lang: str) -> bool:
    """Whether ``name`` (``id`` or ``id[elem,…]``) has a name in ``lang``: labels.yaml (variable and each element)
    or the label of the plan assumption on it."""
    from simulator.names import split_name
    from reports.labels import pick

    base, elements = split_name(name) or (name, ())
    entry = indicators.get("variables", {}).get(base) or {}
    if entry.get(lang) and all((indicators.get("elements", {}).get(e) or {}).get(lang) for e in elements if e):
        return True
    return any(getattr(a, "variable", None) == name and getattr(a, "label", None) and pick(a.label, lang)
               for a in getattr(plan, "assumptions", None) or [])


@pytest.mark.parametrize("path", sorted(ROOT.glob("scenarios/*/*.yaml")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_input_a_shipped_scenario_sets_or_samples_has_a_chinese_and_an_english_name(path):
    from simulator.scenarios.scenario import load_scenario

    scenario = load_scenario(path, check_model=False)
    indicators = load_indicators(scenario.model_path)
    names = [*scenario.fixed, *scenario.levers, *(u.name for u in scenario.uncertain)]
    missing = [f"{name} ({lang})" for name in names for lang in ("zh", "en")
               if not _has_label(indicators, scenario.plan, name, lang)]
    assert names and not missing, (f"add these inputs to {Path(scenario.model_path).parent / 'labels.yaml'} "
                                   f"(variables:/elements:): {', '.join(missing)}")


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.parent.name)
def test_every_plan_assumption_on_the_assumptions_page_has_a_chinese_and_an_english_name(path):
    plan = load_plan(path)
    indicators = load_indicators(plan.model_path)
    missing = sorted({f"{a.variable} ({lang})" for a in plan.assumptions for lang in ("zh", "en")
                      if not _has_label(indicators, plan, a.variable, lang)})
    assert not missing, f"add to {Path(plan.model_path).parent / 'labels.yaml'}: {', '.join(missing)}"
