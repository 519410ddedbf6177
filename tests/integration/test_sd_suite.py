"""Engine acceptance (model file → Dataset): every SDXorg test-models case vs its canonical output.

One case per model file (.mdl, .xmile, .stmx) in the suite's tests/ and samples/ folders that has
an ``output.csv``/``output.tab`` beside it (Vensim's or Stella's own run). Every canonical column
must be produced and match at every canonical time within rtol 1e-3 / atol 1e-3 (blank canonical
cells, Vensim's way of writing constants, are skipped). The suite is found through
``$PLANSIM_TEST_MODELS`` (default ``../shared/test-models`` beside the repository).

KNOWN_GAPS below is the one list of cases expected to fail, each with its reason; they are strict
xfails, so a case that starts passing must be taken off the list. PySD's own pass count on the same
cases, judged the same way, comes from ``python benchmarks/pysd_suite_baseline.py``.
"""

import pytest

try:  # tests/ may or may not be a package
    from . import sd_suite
except ImportError:
    import sd_suite

_MACRO = ("XMILE export calls EXPRESSION MACRO but contains no <macro> definition (no file of the suite has one; "
          "PySD's parser also fails on the call): nothing to expand; the .mdl versions pass")
_PLACEHOLDER = "model file has '???' in place of equations (incomplete export to XMILE): nothing to simulate"
_NOT_THIS_MODEL = "output written for the .mdl: its columns Input, Smoothed Input, Smoothing Time are not in this file"

# case id -> reason it is expected to fail (strict xfail). Keep this the only such list.
KNOWN_GAPS = {
    # --- deliberately out of scope ----------------------------------------------------------------
    "samples/Query_file/Query_file.mdl":
        "RANDOM UNIFORM: canonical values come from Vensim's own random stream; plansim draws from its "
        "per-scenario streams (same distribution, other numbers)",
    "tests/data_from_other_model/test_data_from_other_model.mdl":
        "DATA variables without equation are filled from a data file named at run time (Vensim .vdf, here "
        "data.tab); load_model takes no data-file argument",
    # --- defects of the suite itself (canonical file or model file): no engine can pass these ----
    "tests/macro_expression/test_macro_expression.stmx": _MACRO,
    "tests/macro_expression/test_macro_expression.xmile": _MACRO,
    "tests/macro_multi_expression/test_macro_multi_expression.stmx": _MACRO,
    "tests/macro_multi_expression/test_macro_multi_expression.xmile": _MACRO,
    "tests/macro_stock/test_macro_stock.stmx": _MACRO,
    "tests/macro_stock/test_macro_stock.xmile": _MACRO,
    "tests/data_from_other_model/model_to_generate_data.mdl":
        "output.tab in this folder belongs to test_data_from_other_model.mdl, not to this model",
    "tests/get_time_value/test_get_time_value.mdl":
        "output.tab belongs to test_get_time_value_simple.mdl (see the folder's README), not to this model",
    "tests/smooth_and_stock/test_smooth_and_stock.stmx": _NOT_THIS_MODEL,
    "tests/smooth_and_stock/test_smooth_and_stock.xmile": _NOT_THIS_MODEL,
    "tests/subscript_constant_call/test_subscript_constant_call.stmx": _PLACEHOLDER,
    "tests/subscript_constant_call/test_subscript_constant_call.xmile": _PLACEHOLDER,
    "tests/subscript_mixed_assembly/test_subscript_mixed_assembly.stmx": _PLACEHOLDER,
    "tests/subscript_mixed_assembly/test_subscript_mixed_assembly.xmile": _PLACEHOLDER,
    "tests/subscript_subranges/test_subscript_subrange.stmx": _PLACEHOLDER,
    "tests/subscript_subranges/test_subscript_subrange.xmile": _PLACEHOLDER,
    "tests/subscript_subranges_equal/test_subscript_subrange_equal.stmx": _PLACEHOLDER,
    "tests/subscript_subranges_equal/test_subscript_subrange_equal.xmile": _PLACEHOLDER,
    "tests/subscript_updimensioning/test_subscript_updimensioning.stmx": _PLACEHOLDER,
    "tests/subscript_updimensioning/test_subscript_updimensioning.xmile": _PLACEHOLDER,
    "tests/subscripted_flows/test_subscripted_flows.stmx": _PLACEHOLDER,
    "tests/subscripted_flows/test_subscripted_flows.xmile": _PLACEHOLDER,
    # --- outside the 1e-3 tolerance for reasons outside the engine --------------------------------
    "samples/Roessler_Chaos/roessler_chaos.mdl":
        "chaotic system: Vensim's printed dxdt/dzdt differ ~0.8% from float64 Euler late in the run "
        "(PySD 3.14 gives the same values as ours, e.g. dxdt(91.72) = -0.157744 vs -0.158952)",
    # --- engine gaps (the engine's to-do list; measured 10:45 UTC) ---------------------------------
    "tests/allocate_available/test_allocate_available.mdl":
        "ALLOCATE AVAILABLE: values equal PySD's but differ from Vensim's by up to ~0.5% at a few times "
        "(e.g. allocation mixed[Boston,A,large] t=12: 0.586503 vs 0.589152); PySD fails this case too",
    "tests/logicals/test_logicals.stmx":
        "PySD's XMILE parser rejects the 'not' operator in 'IF not THEN 1 ELSE 0' (PySD fails this case too)",
    "tests/special_characters_xmile/test_special_variable_names.stmx":
        "PySD's XMILE parser cannot read the stock's inflow reference 'Flow_w/_division,_lists,_and_INITIAL("
        "construction_functions)' (commas/parentheses in a name); PySD fails this case too",
}

CASES = sd_suite.discover_cases()


def _param(case):
    marks = ()
    if case.id in KNOWN_GAPS:
        marks = pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[case.id])
    return pytest.param(case, id=case.id, marks=marks)


def test_suite_is_found_with_every_format():
    root = sd_suite.suite_root()
    assert CASES, f"no test-models cases under {root}; set {sd_suite.SUITE_ENV_VAR}"
    formats = {case.format for case in CASES}
    assert formats == {"mdl", "xmile", "stmx"}, f"formats found under {root}: {sorted(formats)}"


def test_known_gaps_name_existing_cases():
    ids = {case.id for case in CASES}
    stale = sorted(set(KNOWN_GAPS) - ids)
    assert not stale, f"KNOWN_GAPS entries that are not suite cases: {stale}"


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_case_matches_canonical_output(case):
    canonical = sd_suite.read_canonical(case.canonical)
    frame, problems = sd_suite.engine_frame(case, canonical)
    problems += sd_suite.compare_to_canonical(frame, canonical)
    assert not problems, (
        f"{case.id} vs {case.canonical.name} (run {frame.attrs.get('status', '')}):\n  " + "\n  ".join(problems)
    )
