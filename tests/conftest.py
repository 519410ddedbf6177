"""Suite-wide: skip (with the reason and the variable to set) tests whose data lives outside the repository.

Two data sets sit beside the checkout in ``../shared`` on the project machine and are absent on a
fresh clone: the SDXorg test-models suite (``$PLANSIM_TEST_MODELS``, default
``../shared/test-models``) and the plan documents the plans quote (``$PLANSIM_SEEDS``, default
``../shared/seeds``). The tests that read them are listed here by node id (prefix), so a fresh
clone runs everything else and skips these with a reason naming the variable.
"""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Runs take the numpy program unless a test asks for the fused kernel (tests/unit/engine/
# test_fused_kernels.py, tests/integration/test_fused_suite.py compare the two): compiling a kernel
# per run configuration costs seconds. PLANSIM_KERNEL=fused runs the whole suite on the kernels.
os.environ.setdefault("PLANSIM_KERNEL", "numpy")

# Every test parses and compiles afresh (a test of warnings or errors at load time sees them happen);
# tests/unit/test_diskcache.py turns the cache of parsed YAML and compiled models on in a temporary folder.
os.environ.setdefault("PLANSIM_CACHE", "off")

TEST_MODELS = Path(os.environ.get("PLANSIM_TEST_MODELS", ROOT.parent / "shared" / "test-models"))
SEEDS = Path(os.environ.get("PLANSIM_SEEDS", ROOT.parent / "shared" / "seeds"))
MODEL_CORPUS = Path(os.environ.get("PLANSIM_MODEL_CORPUS", ROOT.parent / "shared" / "model-corpus"))

#: Tests that run the corpus of published models (public models of other repositories: not in plansim).
NEEDS_MODEL_CORPUS = ("tests/integration/test_corpus.py::", "tests/integration/test_sde_corpus.py::")

#: Tests that read the SDXorg test-models suite (its parametrized cases are simply empty without it).
NEEDS_TEST_MODELS = (
    "tests/integration/test_sd_suite.py::test_case_matches_canonical_output",
    "tests/integration/test_sd_suite.py::test_suite_is_found_with_every_format",
    "tests/integration/test_sd_suite.py::test_known_gaps_name_existing_cases",
    "tests/integration/test_vs_pysd.py::",
    "tests/integration/test_fused_suite.py::test_fused_kernel_agrees_with_numpy",
    "tests/integration/test_fused_suite.py::test_most_suite_models_run_on_the_kernel",
    "tests/integration/test_engine_benchmark_script.py::test_hand_loop_floor_reproduces_vensims_teacup",
    "tests/integration/test_engine_benchmark_script.py::test_quick_run_with_tiny_sizes_writes_full_table",
)

#: Tests that compare plan quotes with the plan documents.
NEEDS_SEEDS = (
    "tests/models/test_plans.py::test_plan_loads_and_names_its_folder",
    "tests/models/test_plans.py::test_every_source_quote_is_verbatim_at_its_line",
    "tests/models/test_plans.py::test_a_one_character_typo_in_a_quote_fails",
    "tests/models/test_capital_region.py::test_plan_quotes_are_on_their_lines",
    "tests/models/test_capital_region.py::test_goal_is_read_as_its_line_states",
    "tests/models/test_capital_region.py::test_xiongan_density_is_a_documented_statement_not_a_goal",
    "tests/models/test_districts.py::test_goal_is_pinned_to_its_quoted_line",
    "tests/models/test_districts.py::test_plan_quotes_verify_against_the_seeds",
    "tests/models/test_qiaoxi.py::test_misreading_8_pm25_goal_is_the_city_figure_the_district_line_adopts",
    "tests/models/test_shijiazhuang_plans.py::test_goals_are_pinned_to_their_quoted_lines",
)


def pytest_collection_modifyitems(config, items):
    missing = []
    if not TEST_MODELS.is_dir():
        missing.append((NEEDS_TEST_MODELS, pytest.mark.skip(
            reason=f"needs the SDXorg test-models suite, not found at {TEST_MODELS}; set PLANSIM_TEST_MODELS")))
    if not SEEDS.is_dir():
        missing.append((NEEDS_SEEDS, pytest.mark.skip(
            reason=f"needs the plan documents, not found at {SEEDS}; set PLANSIM_SEEDS")))
    if not MODEL_CORPUS.is_dir():
        missing.append((NEEDS_MODEL_CORPUS, pytest.mark.skip(
            reason=f"needs the corpus of published models, not found at {MODEL_CORPUS}; set PLANSIM_MODEL_CORPUS")))
    for item in items:
        for prefixes, mark in missing:
            if item.nodeid.startswith(prefixes):
                item.add_marker(mark, append=False)
