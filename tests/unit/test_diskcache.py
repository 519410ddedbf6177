"""Tests of the per-user cache of parsed YAML and compiled models (simulator/diskcache.py,
simulator/engine/model_cache.py): a cached object is used only while its file, the files it read and
the code that made it are unchanged, and gives the same results as a fresh load."""

import warnings

import numpy as np
import pytest

import simulator
from simulator import diskcache
from simulator.engine import model_cache
from simulator.errors import ScenarioError
from simulator.yamlmarks import load_yaml_with_lines

try:  # tests/ may or may not be a package
    from .engine.engine_mdl import write_mdl
except ImportError:
    from engine.engine_mdl import write_mdl

MODEL = """
rate = 0.1 ~ 1/Month ~ |
stock = INTEG(rate * stock, 100) ~ widgets ~ |
"""


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("PLANSIM_CACHE", str(folder))
    return folder


def _entries(folder, kind):
    return sorted((folder / kind).glob("*.pkl")) if (folder / kind).is_dir() else []


def test_a_second_load_comes_from_the_cache_and_runs_the_same(tmp_path, cache):
    path = write_mdl(tmp_path, MODEL)
    first = simulator.load_model(path)
    assert len(_entries(cache, "models")) == 1
    second = simulator.load_model(path)
    assert second is not first and second.path == path
    np.testing.assert_array_equal(first.run()["stock"].values, second.run()["stock"].values)


def test_a_cached_model_is_not_rebuilt(tmp_path, cache):
    path = write_mdl(tmp_path, MODEL)
    simulator.load_model(path)
    built = []
    model_cache.load(path, lambda: built.append(1))
    assert built == []


def test_a_changed_model_file_is_compiled_again(tmp_path, cache):
    path = write_mdl(tmp_path, MODEL)
    assert simulator.load_model(path).run()["stock"].values[0, 1] == pytest.approx(110.0)
    write_mdl(tmp_path, MODEL.replace("0.1", "0.2"))
    assert simulator.load_model(path).run()["stock"].values[0, 1] == pytest.approx(120.0)
    assert len(_entries(cache, "models")) == 2


def test_a_changed_data_file_is_read_again(tmp_path, cache):
    (tmp_path / "inputs.csv").write_text("name,value\nrate,0.1\n", encoding="utf-8")
    path = write_mdl(tmp_path, "rate = GET DIRECT CONSTANTS('inputs.csv', ',', 'B2') ~ ~ |\n"
                               "stock = INTEG(rate * stock, 100) ~ ~ |")
    assert simulator.load_model(path).run()["stock"].values[0, 1] == pytest.approx(110.0)
    (tmp_path / "inputs.csv").write_text("name,value\nrate,0.3\n", encoding="utf-8")
    assert simulator.load_model(path).run()["stock"].values[0, 1] == pytest.approx(130.0)


def test_changed_engine_code_makes_a_new_key(tmp_path, cache, monkeypatch):
    path = write_mdl(tmp_path, MODEL)
    before = model_cache.key(path)
    monkeypatch.setattr(diskcache, "code_digest", lambda *parts: "another engine")
    assert model_cache.key(path) != before


def test_the_code_digest_follows_every_source_file(tmp_path, monkeypatch):
    package = tmp_path / "simulator"
    (package / "engine").mkdir(parents=True)
    (package / "engine" / "a.py").write_text("x = 1\n", encoding="utf-8")
    (package / "errors.py").write_text("y = 1\n", encoding="utf-8")
    monkeypatch.setattr(diskcache, "_ROOT", package)
    digests = []
    for engine_source in ("x = 1\n", "x = 2\n"):
        (package / "engine" / "a.py").write_text(engine_source, encoding="utf-8")
        diskcache.code_digest.cache_clear()
        digests.append(diskcache.code_digest("engine", "errors.py"))
    diskcache.code_digest.cache_clear()
    assert digests[0] != digests[1]


def test_warnings_of_a_load_are_given_again_from_the_cache(tmp_path, cache, monkeypatch):
    path = write_mdl(tmp_path, MODEL)
    monkeypatch.setenv("PLANSIM_CACHE", "off")
    compiled = simulator.load_model(path)
    monkeypatch.setenv("PLANSIM_CACHE", str(cache))
    built = []

    def build():
        built.append(1)
        warnings.warn("model says hello", UserWarning)
        return compiled

    for _ in range(2):   # built, then from the cache
        with pytest.warns(UserWarning, match="model says hello"):
            model_cache.load(path, build)
    assert built == [1]


def test_off_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANSIM_CACHE", "off")
    path = write_mdl(tmp_path, MODEL)
    simulator.load_model(path)
    assert model_cache.key(path) is None and diskcache.cache_dir() is None


def test_a_damaged_entry_is_ignored(tmp_path, cache):
    path = write_mdl(tmp_path, MODEL)
    simulator.load_model(path)
    [entry] = _entries(cache, "models")
    entry.write_bytes(b"not a pickle")
    assert simulator.load_model(path).run()["stock"].values[0, 1] == pytest.approx(110.0)


def test_yaml_from_the_cache_equals_a_fresh_parse(tmp_path, cache, monkeypatch):
    path = tmp_path / "s.yaml"
    path.write_text("name: a\nitems:\n  - 1\n  - 2\n", encoding="utf-8")
    fresh = load_yaml_with_lines(path, ScenarioError)
    assert len(_entries(cache, "yaml")) == 1
    assert load_yaml_with_lines(path, ScenarioError) == fresh == ({"name": "a", "items": [1, 2]},
                                                                  {(): 1, ("name",): 1, ("items",): 2,
                                                                   ("items", 0): 3, ("items", 1): 4})
    path.write_text("name: b\n", encoding="utf-8")
    assert load_yaml_with_lines(path, ScenarioError)[0] == {"name": "b"}


def test_yaml_errors_are_not_cached(tmp_path, cache):
    path = tmp_path / "s.yaml"
    path.write_text("a: 1\na: 2\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ScenarioError, match="duplicate key 'a'"):
            load_yaml_with_lines(path, ScenarioError)
