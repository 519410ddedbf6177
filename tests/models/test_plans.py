"""Every models/*/plan.yaml: loads, cites its sources verbatim, names variables its model has.

Parametrized over all plan files, so the plans of every region (and every helper) are checked
the same way. Source quotes are compared against ../shared/seeds (PLANSIM_SEEDS overrides).
"""

from __future__ import annotations

from functools import lru_cache

import pytest

import simulator
from simulator.names import split_name
from simulator.errors import PlanError, UnknownVariableError
from simulator.plans.plan import list_plans, load_plan, seeds_dir

PLANS = list_plans()
IDS = [path.parent.name for path in PLANS]


@lru_cache(maxsize=None)
def _model(path):
    return simulator.load_model(path)


@pytest.fixture(params=PLANS, ids=IDS, scope="module")
def plan(request):
    return load_plan(request.param)


def test_there_are_plans_for_the_five_regions():
    assert {"jizhou", "qiaoxi"} <= set(IDS)


def test_plan_loads_and_names_its_folder(plan):
    assert plan.region == plan.path.parent.name
    assert plan.model_path.is_file()
    assert (seeds_dir() / plan.plan["doc"]).is_file(), f"plan.doc {plan.plan['doc']} is not in {seeds_dir()}"
    assert plan.goals, "a plan without goals has nothing to check"


def test_every_source_quote_is_verbatim_at_its_line(plan):
    failures = []
    for source in plan.sources():
        try:
            source.verify(seeds_dir())
        except PlanError as err:
            failures.append(str(err))
    assert not failures, "\n".join(failures)


def test_a_one_character_typo_in_a_quote_fails(plan):
    source = plan.sources()[0]
    broken = type(source)(source.doc, source.line, source.quote + "X")
    with pytest.raises(PlanError, match=f"not on line {source.line}"):
        broken.verify(seeds_dir())


def test_every_variable_exists_in_the_model(plan):
    model = _model(plan.model_path)
    missing = []
    for item in [*plan.history, *plan.goals, *plan.assumptions]:
        base, elements = split_name(item.variable)
        try:
            info = model.find(base)
        except UnknownVariableError as err:
            missing.append(f"{item.id}: {err}")
            continue
        if not elements and item in plan.assumptions:
            continue  # an assumption on a whole subscripted constant sets every element
        if len(elements) != len(info.dims):
            missing.append(f"{item.id}: '{item.variable}' needs {len(info.dims)} subscript(s) {info.dims}")
            continue
        for dim, element in zip(info.dims, elements):
            if element not in model.dimensions[dim]:
                missing.append(f"{item.id}: '{element}' is not an element of {dim} {model.dimensions[dim]}")
    assert not missing, "\n".join(missing)


def test_assumptions_lie_within_their_ranges(plan):
    outside = [a.id for a in plan.assumptions if not a.range[0] <= a.value <= a.range[1]]
    assert not outside
    assert all(a.reason.strip() for a in plan.assumptions)


@pytest.mark.parametrize("region", ["jizhou", "qiaoxi"])
def test_every_scenario_constant_is_an_assumption_or_a_plan_fact(region):
    """Numbers in the scenarios that are not from the plan must be listed as assumptions (M1a regions)."""
    import yaml

    plan = load_plan(region)
    known = {item.variable for item in [*plan.assumptions, *plan.history]}
    unlisted = []
    for path in sorted(plan.path.parents[2].joinpath("scenarios", region).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for section in ("set", "levers", "uncertain"):
            unlisted += [f"{path.name}: {section}: {name}" for name in (data.get(section) or {}) if name not in known]
    assert not unlisted, "\n".join(unlisted)


def test_every_goal_says_how_it_was_read_and_what_decides_it(plan):
    missing = [g.id for g in plan.goals if not g.reading.strip() or g.decided_by is None]
    assert not missing, f"goals without reading/decided_by: {missing}"


def test_money_goals_are_checked_against_the_variable_of_their_price_basis(plan):
    wrong = []
    for goal in plan.goals:
        if goal.basis is None:
            continue
        base = goal.variable.split("[")[0]
        nominal = base.endswith("_nominal") or base == "fiscal_revenue"
        if (goal.basis == "nominal") != nominal:
            wrong.append(f"{goal.id}: basis {goal.basis} checked on {goal.variable}")
    assert not wrong


PUBLISHED_UNITS = {"万人", "1/Year", "‰", "%", "亿元/Year", "亿元", "m", "μg/m3", "亿立方米", "万立方米", "Dmnl",
                   "day/Year", "万吨", "万吨标准煤"}


def test_published_figures_carry_their_source_and_a_plausible_unit(plan):
    for figure in plan.published:
        assert all(str(figure.source.get(key, "")).strip() for key in
                   ("title", "publisher", "year_published", "url", "quote")), figure.id
        assert figure.unit in PUBLISHED_UNITS, (figure.id, figure.unit)
        assert 1949 < figure.year <= 2026 and int(figure.source["year_published"]) >= figure.year, figure.id
