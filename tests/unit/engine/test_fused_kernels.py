"""Fused step kernels (engine/kernels): the same results as the numpy program, and the fallback."""

import numpy as np
import pytest

import simulator
from simulator.engine.kernels.fused import FUSED
from simulator.engine.kernels.generate import kernel_source
from simulator.errors import ParameterError

try:  # tests/ may or may not be a package
    from .engine_mdl import write_mdl
except ImportError:
    from engine_mdl import write_mdl

pytest.importorskip("numba")

FUNCTIONS = """
Room = 70 ~ ~ |
Rate[Zone] = 0.1, 0.2, 0.3 ~ ~ |
Zone: north, mid, south ~ ~ |
Stock[Zone] = INTEG(Inflow[Zone] - Outflow[Zone], 100) ~ ~ |
Inflow[Zone] = Rate[Zone] * MAX(Room - Stock[Zone], 0) + STEP(5, 3) + RAMP(0.5, 2, 8) ~ ~ |
Outflow[Zone] = IF THEN ELSE(Stock[Zone] > 80 :AND: Time > 1, Stock[Zone] * Rate[Zone], MIN(Stock[Zone], 1)) ~ ~ |
Total = Stock[north] + Stock[mid] + Stock[south] ~ ~ |
Level = INTEG(Change, 1) ~ ~ |
Change = PULSE(2, 3) + PULSE TRAIN(1, 1, 4, 12) + XIDZ(Total, Level - 1, 7) / 100 - ZIDZ(Level, Room) ~ ~ |
Shape([(0,0)-(10,2)], (0,0), (4,1), (10,2)) ~ ~ |
Shaped = Shape(Time) + LOOKUP EXTRAPOLATE(Shape, Time * 2) + LOOKUP FORWARD(Shape, Time) ~ ~ |
Mixed = EXP(-Time / 10) + LN(1 + Time) + SQRT(Time) + MODULO(Time, 3) + INTEGER(Time / 3) + ABS(-Time) ~ ~ |
Part[north] = Total / 3 ~ ~ |
Part[mid] = Stock[mid] * 2 + SUM(Stock[Zone!] * Rate[Zone!]) ~ ~ |
Grid[Zone, Side] = Stock[Zone] * Weight[Side] ~ ~ |
Side: left, right ~ ~ |
Weight[Side] = 1, 2 ~ ~ |
Spread[Side] = VMAX(Grid[Zone!, Side]) - VMIN(Grid[Zone!, Side]) + PROD(Weight[Side!]) ~ ~ |
Logic = IF THEN ELSE(:NOT: (Time >= 4) :OR: Time = 7, 1, 0) + Level ^ 0.5 + POWER(2, Time / 5) ~ ~ |
"""


def _compare(a, b):
    """Equal within rtol 1e-12 (libm's pow/exp/log may differ from numpy's SIMD loops in the last bit)."""
    for name in a.data_vars:
        if a[name].dtype.kind == "f":
            np.testing.assert_allclose(b[name].values, a[name].values, rtol=1e-12, atol=0, err_msg=name)


@pytest.fixture(autouse=True)
def kernel_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("PLANSIM_KERNEL_CACHE", str(tmp_path_factory.getbasetemp() / "kernels"))


def test_teacup_fused_equals_numpy_bit_for_bit():
    model = simulator.load_model("tests/fixtures/models/teacup/teacup.mdl")
    params = {"Characteristic Time": np.linspace(5, 15, 37)}
    fused, plain = model.run(params=params, kernel="fused"), model.run(params=params, kernel="numpy")
    assert fused.attrs["kernel"] == FUSED
    assert plain.attrs["kernel"] == "numpy: kernel = numpy"
    _compare(plain, fused)


def test_functions_subscripts_lookups_and_levers_agree(tmp_path):
    model = simulator.load_model(write_mdl(tmp_path, FUNCTIONS, final=12, dt=0.25, saveper=0.5))
    lever = simulator.TimeSeries([0, 6, 12], np.array([[60, 80, 65], [70, 70, 90]]))
    for params in ({"Room": [60.0, 75.0, 90.0]}, {"Room": lever, "Rate": [[0.1, 0.2, 0.3], [0.3, 0.0, 0.5]]}):
        fused, plain = model.run(params=params, kernel="fused"), model.run(params=params, kernel="numpy")
        assert fused.attrs["kernel"] == FUSED
        _compare(plain, fused)
        # Part[south] is never defined: NaN, as Vensim leaves a missing element (engine/missing.py)
        assert np.isfinite(fused["logic"].values).all() and np.isnan(fused["part"].values[..., 2]).all()


def test_return_columns_and_time_overrides_agree(tmp_path):
    model = simulator.load_model(write_mdl(tmp_path, FUNCTIONS, final=12, dt=0.25, saveper=0.5))
    kwargs = {"params": {"Room": [60.0, 75.0]}, "return_columns": ["Total", "Stock"], "final_time": 9,
              "time_step": 0.125, "saveper": 1}
    fused, plain = model.run(**kwargs, kernel="fused"), model.run(**kwargs, kernel="numpy")
    assert fused.attrs["kernel"] == FUSED and list(fused.data_vars) == list(plain.data_vars)
    _compare(plain, fused)


@pytest.mark.parametrize("body, reason", [
    ("x = DELAY FIXED(Time, 2, 0) ~ ~ |", "DELAY FIXED"),
    ("Zone: a, b, c ~ ~ |\nSub: a, b ~ ~ |\nv[Zone] = Time ~ ~ |\nx[Sub] = v[Sub] ~ ~ |", "subranges"),
    ("Zone: a, b ~ ~ |\nv[Zone] = Time ~ ~ |\nx[Zone] = VECTOR SORT ORDER(v[Zone], 1) ~ ~ |",
     "VECTOR_SORT_ORDER"),
    ("Zone: a, b ~ ~ |\nv[Zone] = Time ~ ~ |\no[Zone] = 1, 0 ~ ~ |\nx[Zone] = VECTOR ELM MAP(v[a], o[Zone]) ~ ~ |",
     "VECTOR_ELM_MAP"),
    ("Zone: a, b ~ ~ |\nv[Zone] = Time ~ ~ |\nx = VECTOR LOOKUP(v[a], 0.5, 0, 1, 0) ~ ~ |", "VECTOR_LOOKUP"),
    ("x = RANDOM WEIBULL(0, 9, 2, 0, 1, 0) + RANDOM BETA(0, 1, 2, 2, 0, 1, 0) ~ ~ |", "RANDOM_"),
])
def test_unsupported_models_fall_back_to_numpy_with_a_reason(tmp_path, body, reason):
    model = simulator.load_model(write_mdl(tmp_path, body))
    fused, plain = model.run(n=3, kernel="fused"), model.run(n=3, kernel="numpy")
    assert fused.attrs["kernel"].startswith("numpy: the kernel generator does not support")
    assert reason in fused.attrs["kernel"] and "\n" not in fused.attrs["kernel"]
    _compare(plain, fused)


def test_auto_takes_the_kernel_only_where_it_is_bit_for_bit(tmp_path, monkeypatch):
    monkeypatch.delenv("PLANSIM_KERNEL", raising=False)
    exact = simulator.load_model(write_mdl(tmp_path, "x[Zone] = INTEG(SUM(v[Zone!]) - x[Zone], 1) ~ ~ |\n"
                                           "Zone: a, b ~ ~ |\nv[Zone] = Time * 2 ~ ~ |", name="exact.mdl"))
    assert exact.run(n=100).attrs["kernel"] == FUSED
    inexact = simulator.load_model(write_mdl(tmp_path, "x[Zone] = INTEG(EXP(-x[Zone]), 1) ~ ~ |\n"
                                             "Zone: a, b ~ ~ |", name="inexact.mdl"))
    label = inexact.run(n=100).attrs["kernel"]
    assert label.startswith("numpy: kernel = auto and the model uses EXP")
    assert inexact.run(n=100, kernel="fused").attrs["kernel"] == FUSED


def test_auto_uses_the_kernel_for_many_scenarios_subscripted_or_vectorised_and_rk4_never(tmp_path, monkeypatch):
    model = simulator.load_model(write_mdl(tmp_path, "x[Zone] = INTEG(1 - x[Zone] / 4, 1) ~ ~ |\nZone: a, b ~ ~ |"))
    monkeypatch.delenv("PLANSIM_KERNEL", raising=False)
    assert model.run(n=3, kernel="auto").attrs["kernel"].startswith("numpy: 3 scenarios < 100")
    assert model.run(n=100, kernel="auto").attrs["kernel"] == FUSED
    assert model.run(n=100, kernel="fused", method="rk4").attrs["kernel"].startswith("numpy: method rk4")
    teacup = simulator.load_model("tests/fixtures/models/teacup/teacup.mdl")
    assert teacup.run(n=100).attrs["kernel"] == FUSED            # a short scalar step: vectorised across scenarios
    chain = "\n".join([f"a{k} = a{k - 1} * 1.0001 + Time ~ ~ |" for k in range(1, 200)])
    long = simulator.load_model(write_mdl(tmp_path, f"s = INTEG(a199 / 1e6, 1) ~ ~ |\na0 = s ~ ~ |\n{chain}",
                                          name="long.mdl"))
    assert long.run(n=100).attrs["kernel"].startswith("numpy: kernel = auto, no stock is subscripted and the step "
                                                      "is too long to vectorise")
    monkeypatch.setenv("PLANSIM_KERNEL", "numpy")
    assert model.run(n=100).attrs["kernel"] == "numpy: kernel = numpy"
    monkeypatch.setenv("PLANSIM_KERNEL", "fused")
    assert model.run(n=2).attrs["kernel"] == FUSED and teacup.run(n=2).attrs["kernel"] == FUSED


def test_a_short_scalar_step_is_vectorised_across_scenarios_and_bit_for_bit(tmp_path):
    """SIR's step inlined over a structure-of-arrays block (generate.py ``_main_soa``): the same values."""
    model = simulator.load_model("tests/fixtures/models/sir/SIR.mdl")
    program = model._program({"contact_infectivity"}, set(), ["infectious"])
    source = kernel_source(model.ir, program, {"contact_infectivity"}, set())
    assert source.vectorised and "V[" in source.source and "k_step" not in source.source
    params = {"Contact Infectivity": np.linspace(0.2, 0.4, 37)}
    fused = model.run(params=params, return_columns=["infectious"], kernel="fused")
    numpy = model.run(params=params, return_columns=["infectious"], kernel="numpy")
    assert fused.attrs["kernel"] == FUSED
    np.testing.assert_array_equal(fused["infectious"].values, numpy["infectious"].values)
    lever = {"Duration": simulator.TimeSeries([0, 30, 60], np.array([[5.0, 3.0, 8.0], [4.0, 6.0, 2.0]]))}
    fused = model.run(params=lever, return_columns=["infectious", "recovering"], kernel="fused")
    numpy = model.run(params=lever, return_columns=["infectious", "recovering"], kernel="numpy")
    assert fused.attrs["kernel"] == FUSED
    np.testing.assert_array_equal(fused["recovering"].values, numpy["recovering"].values)


def test_the_structure_of_arrays_kernel_spans_blocks_bit_for_bit(monkeypatch):
    """Blocks of 16 scenarios (37 = two full blocks and a partial one), and the default wide block
    (``SOA_LANES``, one partial block here): the same values as numpy either way."""
    from simulator.engine.kernels import generate

    model = simulator.load_model("tests/fixtures/models/sir/SIR.mdl")
    params = {"Contact Infectivity": np.linspace(0.2, 0.4, 37)}
    numpy = model.run(params=params, return_columns=["infectious", "susceptible"], kernel="numpy")
    for lanes in (16, generate.SOA_LANES):
        monkeypatch.setattr(generate, "SOA_LANES", lanes)
        program = model._program({"contact_infectivity"}, set(), ["infectious", "susceptible"])
        source = kernel_source(model.ir, program, {"contact_infectivity"}, set())
        assert f"range(0, N, {lanes})" in source.source
        fused = model.run(params=params, return_columns=["infectious", "susceptible"], kernel="fused")
        assert fused.attrs["kernel"] == FUSED
        for column in ("infectious", "susceptible"):
            np.testing.assert_array_equal(fused[column].values, numpy[column].values)


def test_an_unknown_kernel_is_refused_with_the_choices():
    model = simulator.load_model("tests/fixtures/models/teacup/teacup.mdl")
    with pytest.raises(ParameterError, match="auto, fused, numpy"):
        model.run(n=1, kernel="cuda")


def test_non_finite_scenarios_are_reported_the_same(tmp_path):
    body = "g = 1 ~ ~ |\nx = INTEG(x * g, 1) ~ ~ |\ny = LN(x - 2) ~ ~ |"
    model = simulator.load_model(write_mdl(tmp_path, body, final=600, dt=1))
    params = {"g": [0.1, 3.0, 0.0]}
    fused, plain = model.run(params=params, kernel="fused"), model.run(params=params, kernel="numpy")
    _compare(plain, fused)
    assert fused.attrs["kernel"] == FUSED
    assert [fused[v].values.tolist() for v in ("first_non_finite_time",) if v in fused] == \
           [plain[v].values.tolist() for v in ("first_non_finite_time",) if v in plain]


def test_auto_decides_against_an_inexact_kernel_before_importing_numba():
    """Importing numba costs ~100 MiB; a regional-model batch (LN, ^: inexact) must not pay it."""
    import subprocess
    import sys

    code = ("import sys, simulator; m = simulator.load_model('models/regional/regional.mdl');"
            "ds = m.run(n=200, kernel='auto'); print(ds.attrs['kernel'].startswith('numpy: kernel = auto'),"
            "'numba' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "False"]


def test_a_changed_runtime_helper_gives_the_kernel_a_new_cache_name(tmp_path, monkeypatch):
    """numba's cache watches only the kernel's own file, so the helpers it calls are in its name:
    kernels cached before a helper changed (e.g. PULSE TRAIN's end) are not reused after it."""
    from simulator.engine.kernels import fused

    source = "def _kernel():\n    return 0\n"
    before = fused.kernel_digest(source)
    assert fused.kernel_digest(source) == before
    helpers = tmp_path / "runtime.py"
    helpers.write_bytes(fused.Path(fused.__file__).with_name("runtime.py").read_bytes() + b"\n# changed\n")
    monkeypatch.setattr(fused, "__file__", str(tmp_path / "fused.py"))
    assert fused.kernel_digest(source) != before


LANES_MODEL = """
Zone: north, mid, south, east, west ~ ~ |
Lifespan = 6 ~ ~ |
Rate[Zone] = 0.1, 0.2, 0.3, 0.05, 0.15 ~ ~ |
Town[Zone] = INTEG(Births[Zone] - Deaths[Zone], 100) ~ ~ |
Boost = 1 ~ ~ |
Births[Zone] = Rate[Zone] * Town[Zone] * Boost + Shape(Time) ~ ~ |
Deaths[Zone] = DELAY N(Births[Zone], Lifespan, Town[Zone] / Lifespan, 4) ~ ~ |
Shape([(0,0)-(10,2)], (0,0), (4,1), (10,2)) ~ ~ |
Draw[Zone] = INTEG(Rate[Zone] * 10 - Drain[Zone], 1) ~ ~ |
Drain[Zone] = Draw[Zone] + SUM(Town[Zone!]) / 1000 + Draw[north] ~ ~ |
Share[Zone] = Births[Zone] / SUM(Births[Zone!]) + Births[west] / 1000 + PULSE TRAIN(1, 1, 4, 12) + MAX(Draw[Zone], 0) ~ ~ |
Unread[Zone] = INTEG(Unread[Zone] * 1e300 + 1e300, 1) ~ ~ |
"""


def test_subscripted_stocks_run_in_lanes_bit_for_bit(tmp_path):
    """Subscripted stocks: the step lowered for blocks of scenarios as vector lanes (lanes.py; no call
    per scenario), equal to the numpy program bit for bit — a DELAY N, a lookup, SUMs over the
    elements (not merged into one loop with what they read), a clipped stock, levers, a pruned
    stock that would overflow, and more scenarios than one block (the last block partial)."""
    model = simulator.load_model(write_mdl(tmp_path, LANES_MODEL, final=12, dt=0.25, saveper=0.5))
    model.ir.variables["draw"].non_negative = True      # XMILE's <non_negative/>, set in the IR
    columns = ["Town", "Share", "Draw", "Drain"]
    program = model._program({"lifespan"}, set(), [model.find(c).id for c in columns])
    source = kernel_source(model.ir, program, {"lifespan"}, set())
    assert source.lanes and source.vectorised and "k_block(STEP, V," in source.source and "R = V[b]" not in source.source
    # each column saved by the step itself for full blocks (lanes.keep), by the finish for the partial one
    assert all(f"br i1 %copy, label %k{j}," in source.step_ir for j in range(len(columns)))
    lever = simulator.TimeSeries([0, 6, 12], np.array([[1, 1.5, 0.5], [1, 1, 2], [0.8, 1, 1]]))
    for params in ({"Lifespan": np.linspace(2, 9, source.lanes + 45)},
                   {"Lifespan": np.linspace(2, 9, 3), "Boost": lever}):
        fused = model.run(params=params, return_columns=columns, kernel="fused")
        plain = model.run(params=params, return_columns=columns, kernel="numpy")
        assert fused.attrs["kernel"] == FUSED
        for column in plain.data_vars:
            np.testing.assert_array_equal(fused[column].values, plain[column].values, err_msg=column)
    assert (fused["draw"].values >= 0).all() and (fused["draw"].values == 0).any()     # the clip was taken
    assert int(fused["status"].values.max()) == 0       # Unread (pruned) is not integrated


def test_equations_over_the_same_elements_share_one_loop_only_where_that_is_the_same():
    from simulator.engine.kernels.lanes import fuse

    head = ["for k0 in range(3):", "    k = k0 * 1"]
    first = (head + ["    v_a[k] = v_s[k] * 2.0"], {"s"}, "a", False)
    same = (head + ["    v_b[k] = v_a[k] + 1.0"], {"a"}, "b", False)
    other = (head + ["    _a0 = 0.0", "    for j0 in range(3):", "        _a0 = _a0 + v_a[j0 * 1]",
                     "    v_c[k] = _a0"], {"a"}, "c", False)
    derivative = (head + ["    d_s[k] = v_b[k] - v_a[0]"], {"a", "b"}, "s", True)
    merged = fuse([first, same, other, derivative])
    assert [entry[4] for entry in merged] == [[("a", False), ("b", False)], [("c", False), ("s", True)]]
    assert merged[0][0] == head + ["    v_a[k] = v_s[k] * 2.0", "    v_b[k] = v_a[k] + 1.0"]
    # values only their own loop reads (and not saved) stay in registers
    assert fuse([first, same], saved={"b"})[0][0] == head + ["    _l_a = v_s[k] * 2.0", "    v_b[k] = _l_a + 1.0"]


INIT_MODEL = """
Zone: north, south, east ~ ~ |
Start = 1 ~ ~ |
Base[Zone] = 3, 5, 7 ~ ~ |
Stock[Zone] = INTEG(-Stock[Zone] * 0.1, Start * Base[Zone] / 3) ~ ~ |
Twin[Zone] = INTEG(Stock[Zone] * 0.01, Start * Base[Zone] / 3) ~ ~ |
Fixed[Zone] = INTEG(Twin[Zone] * 0.01, Base[Zone]) ~ ~ |
Single = INTEG(1, Start * 2) ~ ~ |
"""


def test_the_lanes_kernel_reads_each_scenarios_initial_state_itself(tmp_path):
    """The lanes kernel copies each block's initial state from the stocks' initial arrays (fused.initial_values:
    one per expression, one row when no scenario differs), not from an S numpy filled for all scenarios."""
    model = simulator.load_model(write_mdl(tmp_path, INIT_MODEL, final=4, dt=0.5))
    params = {"Start": np.linspace(0.5, 3, 301)}        # a full block of 256 and a partial one
    columns = ["Stock", "Twin", "Fixed", "Single"]
    fused = model.run(params=params, return_columns=columns, kernel="fused")
    plain = model.run(params=params, return_columns=columns, kernel="numpy")
    assert fused.attrs["kernel"] == FUSED
    for column in plain.data_vars:
        np.testing.assert_array_equal(fused[column].values, plain[column].values, err_msg=column)
    assert len(np.unique(fused["stock"].values[:, 0, 0])) == 301       # each scenario its own initial value


def test_outputs_are_saved_from_the_element_loops_only_where_each_element_is_written_at_k():
    from simulator.engine.kernels.lanes import keep

    head = ["for k0 in range(3):", "    k = k0 * 1"]
    stock = (head + ["    d_s[k] = (v_a[k]) * _dt + v_s[k]"], {"a", "s"}, "s", True)
    aux = (head + ["    v_a[k] = v_s[k] * 2.0"], {"s"}, "a", False)
    by_element = (["v_b[0] = v_s[0]", "for k0 in range(2):", "    k = k0 * 1 + 1", "    v_b[k] = v_s[k]"], {"s"}, "b", False)
    saved = [("b", (9, 3)), ("s", (0, 3)), ("a", (6, 3)), ("scalar", (12, None))]
    out, kept = keep([aux, stock, by_element], saved)
    assert kept == {1, 2}
    assert out[0][0] == head + ["    v_a[k] = v_s[k] * 2.0", "    _keep(2, 3, k, v_a[k])"]    # after the value
    assert out[1][0] == head + ["    _keep(1, 3, k, v_s[k])", "    d_s[k] = (v_a[k]) * _dt + v_s[k]"]  # the current value
    assert out[2][0] == by_element[0] and out[1][1:] == stock[1:]


@pytest.mark.parametrize("zone", ["[Zone]", ""])
def test_non_finite_scenarios_in_vectorised_kernels_are_reported_the_same(tmp_path, zone):
    """A vectorised kernel (lanes.py for subscripted stocks, generate.py's ``_main_soa`` for scalar ones)
    sums each scenario's saved values and final state as it goes; the run checks the outputs in full
    only where a sum is not finite: the same reports as numpy's."""
    body = (f"Zone: a, b ~ ~ |\ng = 1 ~ ~ |\nx{zone} = INTEG(x{zone} * g, 1) ~ ~ |\n"
            f"y{zone} = 1 / (x{zone} - 2) ~ ~ |\nu{zone} = INTEG(1, g / (g - g)) ~ ~ |")
    model = simulator.load_model(write_mdl(tmp_path, body, final=600, dt=1))
    params = {"g": [0.1, 3.0, 0.0, 2.0]}
    for columns in (["x", "y"], ["u"], ["x"]):
        fused = model.run(params=params, return_columns=columns, kernel="fused")
        plain = model.run(params=params, return_columns=columns, kernel="numpy")
        assert fused.attrs["kernel"] == FUSED
        for name in plain.data_vars:
            np.testing.assert_array_equal(fused[name].values, plain[name].values, err_msg=f"{columns} {name}")
    # x stays finite in scenarios 0 and 2: only the final state (u, not returned) marks them
    assert np.isfinite(fused["x"].values[[0, 2]]).all() and fused["status"].values.tolist() == [1, 1, 1, 1]
