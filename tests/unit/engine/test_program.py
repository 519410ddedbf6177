"""Unit tests for simulator/engine/codegen/program.py: what the generated step function does (and does not) compute."""

import simulator
from simulator.engine.codegen.program import build_program

from engine_mdl import write_mdl

BODY = """
rate = 0.1 ~ ~ |
doubled rate = rate * 2 ~ ~ |
level = INTEG(level * doubled rate, 1) ~ ~ |
report = level * 100 ~ ~ |
clock = Time * 2 ~ ~ |
"""


def _step_source(program):
    return program.source.split("def _step")[1].split("\ndef _euler_loop")[0]


def _euler_loop_source(program):
    return program.source.split("\ndef _euler_loop")[1]


def test_constants_and_their_functions_are_computed_once(tmp_path):
    model = simulator.load_model(write_mdl(tmp_path, BODY))
    program = build_program(model.ir, save=["level", "report", "clock"])
    step = _step_source(program)
    assert "v_doubled_rate =" in program.source.split("def _step")[0]
    assert "v_doubled_rate =" not in step and "v_rate =" not in step
    assert step.count("v_report =") == 1 and step.count("v_clock =") == 1
    assert "dict" not in step and "[\"" not in step
    loop = _euler_loop_source(program)          # the same body, inlined in the fused Euler loop
    assert "v_doubled_rate =" not in loop and "v_rate =" not in loop
    assert loop.count("v_report =") == 1 and loop.count("v_clock =") == 1


def test_unrequested_outputs_are_not_computed_each_step(tmp_path):
    model = simulator.load_model(write_mdl(tmp_path, BODY))
    step = _step_source(build_program(model.ir, save=["level"]))
    assert "v_report =" not in step and "v_clock =" not in step


def test_parameters_and_levers_replace_equations(tmp_path):
    model = simulator.load_model(write_mdl(tmp_path, BODY))
    program = build_program(model.ir, replaced={"rate", "doubled_rate"}, levers={"doubled_rate"}, save=["level"])
    init, step = program.source.split("def _step")
    assert "v_rate = _p_rate" in init and "v_doubled_rate = _lev_doubled_rate[0]" in init
    assert "v_doubled_rate = _lev_doubled_rate[j]" in step


def test_programs_are_reused_per_configuration(tmp_path):
    model = simulator.load_model(write_mdl(tmp_path, BODY))
    model.run(params={"rate": [0.1, 0.2]})
    model.run(params={"rate": [0.3, 0.4, 0.5]})
    model.run(return_columns=["level"])
    assert len(model._programs) == 2


def test_stocks_with_the_same_initial_expression_share_one_initial_array(tmp_path):
    """A DELAY N's stages all start at input * delay / order: computed once (one temporary of
    (scenarios, elements), not one per stage); S gets a copy for each, so they evolve apart."""
    body = ("Zone: a, b, c ~ ~ |\nlife = 4 ~ ~ |\ninflow[Zone] = 1 + Time * 0.5 ~ ~ |\n"
            "out[Zone] = DELAY N(inflow[Zone], life, inflow[Zone] * 2, 4) ~ ~ |")
    model = simulator.load_model(write_mdl(tmp_path, body, final=10, dt=0.25))
    program = build_program(model.ir, replaced={"life"}, save=["out"])
    init = program.source.split("def _init")[1].split("def _step")[0]
    stages = [line.split(" = ", 1) for line in init.splitlines() if line.strip().startswith("v__delay")]
    assert len(stages) == 4 and sum(" " in value.strip() for _, value in stages) == 1      # one expression, 3 names
    shared = model.run(params={"life": [3.0, 4.0]}, kernel="numpy")
    alone = [model.run(params={"life": life}, kernel="numpy") for life in (3.0, 4.0)]
    for k in (0, 1):
        assert (shared["out"].values[k] == alone[k]["out"].values[0]).all()
    # the output of a pipeline of independent stages: it rises after the input rises (aliased stages would not lag)
    assert shared["out"].values[1, 0, 0] == 2.0 and 2.0 < shared["out"].values[1, -1, 0] < 1 + 10 * 0.5
