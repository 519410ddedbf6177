"""Shared fixtures of the report tests: a small REAL batch (simulator.runs.batch.run_batch) and reports built from it.

The batch runs the fixture scenarios of tests/reports/fixtures (region ``reportland`` on the toy
model tests/fixtures/models/tiny_region), 48 samples each; everything is session-scoped so the
report test files share one batch and one report per language.
"""

import warnings
from types import SimpleNamespace

import pytest
from report_testdata import SCENARIOS


@pytest.fixture(scope="session")
def batch_runs(tmp_path_factory):
    """Run folders of the baseline and green fixture scenarios (real batch)."""
    from simulator.runs.batch import run_batch

    out = tmp_path_factory.mktemp("batch")
    return run_batch([SCENARIOS / "baseline.yaml", SCENARIOS / "green.yaml"], out=out)


def _build(runs, lang, formats, out):
    from reports import build_report

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        files = build_report(runs, lang=lang, formats=formats, out=out)
    return SimpleNamespace(files=files, out=out, warnings=[str(w.message) for w in caught])


@pytest.fixture(scope="session")
def zh_report(batch_runs, tmp_path_factory):
    """Chinese PDF + PNG report comparing both runs."""
    return _build(batch_runs, "zh", "pdf,png", tmp_path_factory.mktemp("report_zh"))


@pytest.fixture(scope="session")
def en_report(batch_runs, tmp_path_factory):
    """English PDF report of the baseline run alone."""
    return _build(batch_runs[:1], "en", "pdf", tmp_path_factory.mktemp("report_en"))
