"""Unit tests for lowering (simulator/engine/lowering/) and ordering.py: names, kinds, dimensions, order, loops, unsupported."""

import pytest

import simulator
from simulator.errors import AlgebraicLoopError, UnsupportedFeatureError
from simulator.engine.ingest import read_abstract_model
from simulator.engine.codegen.evaluate import value_at_start
from simulator.engine.lowering.convert import lower
from simulator.engine.lowering.keys import python_id, reference_key
from simulator.engine.ordering import topological_order

from engine_mdl import write_mdl


def _ir(tmp_path, body, **time):
    path = write_mdl(tmp_path, body, **time)
    return lower(read_abstract_model(path), path, value_at_start)


def test_ids_are_python_safe_lower_snake():
    assert reference_key("Teacup  Temperature") == "teacup_temperature"
    assert python_id("teacup_temperature", set()) == "teacup_temperature"
    assert python_id("1995€/$", set()) == "v_1995"
    assert python_id("class", set()) == "class_"
    assert python_id("a", {"a"}) == "a_2"


def test_kinds_units_and_docs(tmp_path):
    body = """
    level = INTEG(inflow, 1) ~ widgets ~ The stock. |
    inflow = rate * level ~ widgets/Month ~ |
    rate = 0.1 ~ 1/Month ~ |
    report = level * 2 ~ ~ |
    curve((0, 0), (1, 1)) ~ ~ |
    """
    model = _ir(tmp_path, body)
    kinds = {vid: var.kind for vid, var in model.variables.items()}
    assert kinds == {"level": "stock", "inflow": "flow", "rate": "constant", "report": "auxiliary",
                     "curve": "lookup"}
    assert model.variables["level"].units == "widgets"
    assert model.variables["level"].doc == "The stock."
    assert model.time.final == 10 and model.time.dt == 1


def test_dimensions_subranges_and_mappings(tmp_path):
    body = """
    Age: young, middle, old ~ ~ |
    Older: middle, old ~ ~ |
    Previous: young, middle -> Older ~ ~ |
    x[Age] = 1, 2, 3 ~ ~ |
    """
    model = _ir(tmp_path, body)
    assert model.dimensions["Older"].elements == ("middle", "old")
    assert model.dimensions["Previous"].mappings == {"Older": ("middle", "old")}


def test_order_puts_every_variable_after_its_inputs(tmp_path):
    body = """
    c = b * 2 ~ ~ |
    b = a + 1 ~ ~ |
    a = level ~ ~ |
    level = INTEG(c, init) ~ ~ |
    init = 3 ~ ~ |
    """
    model = _ir(tmp_path, body)
    init_order = topological_order(model, "init")
    assert init_order.index("init") < init_order.index("level") < init_order.index("a")
    step_order = topological_order(model, "step")
    assert step_order.index("a") < step_order.index("b") < step_order.index("c")


def test_algebraic_loop_names_the_variables(tmp_path):
    path = write_mdl(tmp_path, "a = b + 1 ~ ~ |\nb = a * 2 ~ ~ |\nlevel = INTEG(a, 0) ~ ~ |")
    with pytest.raises(AlgebraicLoopError) as caught:
        simulator.load_model(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: algebraic loop (each time step): ")
    assert "a → b → a" in message or "b → a → b" in message


def test_loop_through_a_stock_is_not_algebraic(tmp_path):
    model = _ir(tmp_path, "level = INTEG(outflow, 10) ~ ~ |\noutflow = -level / 2 ~ ~ |")
    assert set(topological_order(model, "step")) == {"level", "outflow"}


def test_every_unsupported_function_is_listed_at_once(tmp_path):
    body = """
    a = TIME BASE(0, 1) ~ ~ |
    b = FOO BAR(3) ~ ~ |
    c = a + b ~ ~ |
    """
    path = write_mdl(tmp_path, body)
    with pytest.raises(UnsupportedFeatureError) as caught:
        simulator.load_model(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert "'a': function TIME_BASE" in message
    assert "'b': function FOO_BAR" in message
    assert "\n" not in message


def test_control_settings_may_reference_each_other(tmp_path):
    model = _ir(tmp_path, "a = 1 ~ ~ |", initial=2000, final=2010, dt=0.25, saveper="TIME STEP * 4")
    assert (model.time.initial, model.time.final, model.time.dt, model.time.saveper) == (2000, 2010, 0.25, 1)


def test_variable_defined_by_a_stateful_function_is_a_stock(tmp_path):
    model = _ir(tmp_path, "x = 3 ~ ~ |\nsmoothed = SMOOTH(x, 2) ~ ~ |\ndelayed = DELAY1(x, 2) * 1 ~ ~ |\n"
                          "frozen = INITIAL(x) ~ ~ |")
    assert model.variables["smoothed"].kind == "stock"
    assert model.variables["delayed"].kind == "auxiliary"
    assert model.variables["frozen"].kind == "auxiliary"
    hidden = [v for v in model.variables.values() if v.hidden]
    assert hidden and all(v.id.startswith("_") for v in hidden)


def test_model_without_variables_is_an_error(tmp_path):
    from simulator.errors import ModelParseError
    path = write_mdl(tmp_path, "")
    with pytest.raises(ModelParseError, match=r"no model variables found"):
        simulator.load_model(path)


def test_wrong_number_of_arguments_is_reported(tmp_path):
    path = write_mdl(tmp_path, "a = MAX(1, 2, 3) ~ ~ |\nb = XIDZ(1, 2) ~ ~ |")
    with pytest.raises(UnsupportedFeatureError) as caught:
        simulator.load_model(path)
    message = str(caught.value)
    assert "'a': MAX with 3 arguments (it takes 2)" in message
    assert "'b': XIDZ with 2 arguments (it takes 3)" in message


def test_a_function_of_placeholders_are_named_as_incomplete_equations(tmp_path):
    """Vensim writes ``A FUNCTION OF(inputs)`` for an equation not yet written; PySD runs it as NaN.
    plansim refuses the model in one line naming every placeholder and the fix."""
    body = """
    a = 3 ~ ~ |
    b = A FUNCTION OF(a, Time) ~ ~ |
    c = INTEG(b, 0) ~ ~ |
    d = A FUNCTION OF() ~ ~ |
    e = FOO BAR(3) ~ ~ |
    """
    path = write_mdl(tmp_path, body)
    with pytest.raises(UnsupportedFeatureError) as caught:
        simulator.load_model(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: incomplete equations 'b', 'd': A FUNCTION OF")
    assert message.endswith("write the equation (or a constant)") and "\n" not in message
