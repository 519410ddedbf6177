"""Benchmark script check (beside the data flow): benchmarks/peers.py skips cleanly and feeds its peers
the same model. Never asserts on times."""

import argparse
import importlib.util
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

import simulator

try:  # tests/ may or may not be a package
    from . import sd_suite
except ImportError:
    import sd_suite

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "peers.py"


def _script():
    spec = importlib.util.spec_from_file_location("bench_peers", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


def test_without_gcc_it_skips_with_one_line(monkeypatch, capsys):
    peers = _script()
    monkeypatch.setattr(shutil, "which", lambda name: None)
    peers.main(["--n", "10"])
    assert capsys.readouterr().out == "gcc not found: peers benchmark skipped\n"


def test_without_node_the_sde_column_is_skipped_with_one_line(monkeypatch):
    peers = _script()
    monkeypatch.setattr(shutil, "which", lambda name: None if name in ("node", "npm") else "/usr/bin/" + name)
    args = argparse.Namespace(sde_runtime=None, sde_version="0.7.28")
    assert peers.sde_setup(args) == "node/npm not found: SDEverywhere column skipped"


def test_the_delay_n_written_out_for_sdeverywhere_is_the_same_model(tmp_path):
    """SDEverywhere gets the population model with its DELAY N as 8 stage stocks: plansim must give
    the same populations for both texts, or the SDE column would time another model."""
    source = sd_suite.suite_root() / "samples" / "Population" / "Subscripted Population Model.mdl"
    if not source.is_file():
        pytest.skip("needs the SD test-models suite (PLANSIM_TEST_MODELS)")
    expanded = tmp_path / "expanded.mdl"
    expanded.write_text(_script().expand_delay_n(source.read_text(encoding="utf-8", errors="replace")),
                        encoding="utf-8")
    params = {"Lifespan": [60.0, 70.0, 80.0]}
    ours = simulator.load_model(source).run(params=params, return_columns=["Population"])
    theirs = simulator.load_model(expanded).run(params=params, return_columns=["Population"])
    np.testing.assert_allclose(theirs["population"].values, ours["population"].values, rtol=1e-12)
