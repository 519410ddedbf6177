"""Harness self-test (beside the data flow): the suite helpers read canonical files and judge runs correctly.

If the harness misread a file or let a wrong run through, every suite result would be meaningless;
these tests pin its behaviour on small hand-written tables.
"""

import numpy as np
import pandas as pd
import pytest

try:  # tests/ may or may not be a package
    from . import sd_suite
except ImportError:
    import sd_suite


def _write(tmp_path, name, text, newline="\n"):
    path = tmp_path / name
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_reads_tab_file_with_blank_constant_cells(tmp_path, newline):
    text = "Time\tFINAL TIME\tStock\tFlow[a,b]\n0\t2\t1\t0.5\n1\t\t1.5\t0.25\n2\t\t1.75\t0.125\n"
    frame = sd_suite.read_canonical(_write(tmp_path, "output.tab", text, newline))
    assert list(frame.columns) == ["FINAL TIME", "Stock", "Flow[a,b]"]
    assert frame.index.tolist() == [0.0, 1.0, 2.0]
    assert frame["FINAL TIME"].tolist()[0] == 2.0 and frame["FINAL TIME"].isna().sum() == 2
    assert frame["Flow[a,b]"].tolist() == [0.5, 0.25, 0.125]


def test_reads_quoted_csv_header_and_lowercase_time(tmp_path):
    text = 'time,"""$ euro""","Var[A, B]"\n0,1,2\n1,3,4\n'
    frame = sd_suite.read_canonical(_write(tmp_path, "output.csv", text))
    assert list(frame.columns) == ['"$ euro"', "Var[A, B]"]
    assert frame.loc[1.0, "Var[A, B]"] == 4.0


def test_reads_transposed_file(tmp_path):
    text = "Time\t0\t1\nStock\t1\t2\nFlow\t3\t4\n"
    frame = sd_suite.read_canonical(_write(tmp_path, "output.tab", text))
    assert frame.index.tolist() == [0.0, 1.0]
    assert frame["Flow"].tolist() == [3.0, 4.0]


def test_rejects_non_numeric_cell(tmp_path):
    path = _write(tmp_path, "output.tab", "Time\tStock\n0\t1\n1\toops\n")
    with pytest.raises(ValueError, match="non-numeric"):
        sd_suite.read_canonical(path)


def test_split_column():
    assert sd_suite.split_column("Var[a, b]") == ("Var", ("a", "b"))
    assert sd_suite.split_column("Plain Name") == ("Plain Name", ())


def _canonical():
    return pd.DataFrame(
        {"Stock": [1.0, 2.0, 4.0], "Const": [5.0, np.nan, np.nan]},
        index=pd.Index([0.0, 0.5, 1.0], name="time"),
    )


def test_compare_accepts_a_run_within_tolerance_on_a_finer_grid():
    times = [0.0, 0.25, 0.5, 0.75, 1.0]
    actual = pd.DataFrame({"Stock": [1.0005, 9.0, 2.001, 9.0, 4.003], "Const": [5.0] * 5}, index=times)
    assert sd_suite.compare_to_canonical(actual, _canonical()) == []


def test_compare_reports_value_column_and_time_problems():
    off = pd.DataFrame({"Stock": [1.0, 2.1, 4.0], "Const": [5.0, 0.0, 0.0]}, index=[0.0, 0.5, 1.0])
    (problem,) = sd_suite.compare_to_canonical(off, _canonical())
    assert problem.startswith("Stock: 1/3 values off; first at t=0.5")

    missing = pd.DataFrame({"Stock": [1.0, 2.0]}, index=[0.0, 0.5])
    problems = sd_suite.compare_to_canonical(missing, _canonical())
    assert any("not produced: 'Const'" in p for p in problems)
    assert any("canonical time(s) not in the run's times: 1.0" in p for p in problems)


def test_compare_treats_nan_in_the_run_as_a_mismatch():
    run = pd.DataFrame({"Stock": [1.0, np.nan, 4.0], "Const": [5.0] * 3}, index=[0.0, 0.5, 1.0])
    assert sd_suite.compare_to_canonical(run, _canonical())


def test_times_printed_with_six_digits_still_match():
    positions, missing = sd_suite.match_times(np.array([92.25, 92.28125, 92.3125]), np.array([92.2812]))
    assert positions.tolist() == [1] and missing == []


def test_discovery_lists_each_format_with_its_canonical_file(tmp_path):
    (tmp_path / "tests" / "case").mkdir(parents=True)
    (tmp_path / "samples" / "nocanon").mkdir(parents=True)
    for name in ("m.mdl", "m.xmile", "m.stmx", "output.tab", "m.py"):
        (tmp_path / "tests" / "case" / name).write_text("x")
    (tmp_path / "samples" / "nocanon" / "n.mdl").write_text("x")
    cases = sd_suite.discover_cases(tmp_path)
    assert [c.id for c in cases] == ["tests/case/m.mdl", "tests/case/m.stmx", "tests/case/m.xmile"]
    assert {c.canonical.name for c in cases} == {"output.tab"}
