"""Tests for simulator.yamlmarks: the line of every key, and one-line errors for bad YAML."""

import pytest

from simulator.errors import ScenarioError
from simulator.yamlmarks import line_of, load_yaml_with_lines


def load(tmp_path, text, name="s.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_yaml_with_lines(path, ScenarioError)


def test_lines_of_keys_and_items(tmp_path):
    data, lines = load(tmp_path, "a: 1\nb:\n  c: [x, y]\n  d:\n    - 1\n    - {e: 2}\nlevers:\n  l: {points: {2020: 1}}\n")
    assert data == {"a": 1, "b": {"c": ["x", "y"], "d": [1, {"e": 2}]}, "levers": {"l": {"points": {2020: 1}}}}
    assert lines[("a",)] == 1 and lines[("b", "c")] == 3 and lines[("b", "d", 0)] == 5
    assert lines[("b", "d", 1, "e")] == 6
    assert lines[("levers", "l", "points", 2020)] == 8          # an int key stays an int
    assert line_of(lines, ("b", "d", 1, "missing")) == 6 and line_of(lines, ("zzz",)) == 1


def test_anchors_and_merge_keys(tmp_path):
    data, lines = load(tmp_path, "u:\n  a: &c {dist: uniform, low: 0, high: 1}\n  b:\n    <<: *c\n    high: 2\n")
    assert data["u"]["b"] == {"dist": "uniform", "low": 0, "high": 2}
    assert lines[("u", "b", "high")] == 5 and lines[("u", "b", "low")] == 2


def test_duplicate_key(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError) as err:
        load(tmp_path, "set:\n  a: 1\n  b: 2\n  a: 3\n")
    assert str(err.value) == "s.yaml:4: duplicate key 'a' (first given at line 2); keep only one"


def test_malformed_yaml_names_file_and_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError) as err:
        load(tmp_path, "a: 1\nb: [1, 2\nc: 3\n")
    assert str(err.value) == ("s.yaml:3: malformed YAML: while parsing a flow sequence; expected ',' or ']', "
                              "but got ':'; fix the syntax at that line")


def test_empty_file_and_bad_encoding(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load(tmp_path, "") == (None, {(): 1})
    (tmp_path / "latin.yaml").write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ScenarioError) as err:
        load_yaml_with_lines(tmp_path / "latin.yaml", ScenarioError)
    assert str(err.value) == "latin.yaml: not UTF-8 text (invalid continuation byte at byte 9); save the file as UTF-8"
    with pytest.raises(ScenarioError) as err:
        load_yaml_with_lines(tmp_path / "nothing.yaml", ScenarioError)
    assert str(err.value) == "nothing.yaml: file not found; check the path"
