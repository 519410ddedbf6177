"""The run folder's writers and readers (simulator.runs.runstore): CSV bytes, atomic chunk files, folder checks."""

import json

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from simulator.errors import RunDirError
from simulator.runs.runstore import RunFolder, csv_text, export_netcdf, read_results


def test_csv_text_writes_the_same_bytes_as_pandas():
    frame = pd.DataFrame({
        "i": [0, -3, 12345678901],
        "f": [0.1, np.nan, -1e-300],
        "g": [2027.0, 1.5e16, 3.0],
        "n": pd.array([2027, None, 2030], dtype="Int64"),
        "s": ['plain', 'has,comma', 'has "quote"'],
        "o": [None, "[2020, 2025]", 148.5],
        "z": ["line\nbreak", "", "ok"],
        "m": np.array([1, 0, 1], dtype=np.int8),
    })
    assert csv_text(frame, list(frame.columns), header=True) == frame.to_csv(index=False, lineterminator="\n")
    assert csv_text(frame, ["f", "i"], header=False) == frame[["f", "i"]].to_csv(index=False, header=False,
                                                                                 lineterminator="\n")


def test_column_names_with_commas_are_quoted_like_pandas():
    """Inputs of 2-D subscripted constants are named like ``move_rate[a,b]``: one column, not two."""
    frame = pd.DataFrame({"scenario": [0, 1], "move_rate[a,b]": [0.5, 0.25], "x": [1.0, 2.0]})
    text = csv_text(frame, list(frame.columns), header=True)
    assert text == frame.to_csv(index=False, lineterminator="\n")
    assert text.splitlines()[0] == 'scenario,"move_rate[a,b]",x'


def test_csv_text_of_no_rows():
    frame = pd.DataFrame({"a": pd.Series([], dtype=float)})
    assert csv_text(frame, ["a"], header=True) == "a\n"
    assert csv_text(frame, ["a"], header=False) == ""


def tiny_dataset(start, stop):
    n = stop - start
    return xr.Dataset(
        {"x": (("scenario", "time"), np.arange(start * 3, stop * 3, dtype=float).reshape(n, 3)),
         "status": ("scenario", np.zeros(n, dtype=np.int8)),
         "message": ("scenario", np.array([""] * n, dtype=object))},
        coords={"scenario": np.arange(start, stop), "time": [0.0, 1.0, 2.0]},
        attrs={"seed": 1},
    )


def goal_rows(start, stop):
    return pd.DataFrame({"scenario": range(start, stop), "goal_id": "g", "variable": "x", "year": 1,
                         "comparison": ">=", "target": 0.0, "value": 1.0, "met": 1, "first_year_met": 0,
                         "status": "ok"})


def test_chunks_are_merged_in_order_and_the_folder_completed(tmp_path):
    folder = RunFolder.create(tmp_path / "run", {"complete": False}, np.array([[1.0], [2.0], [3.0], [4.0], [5.0]]),
                              tiny_dataset(0, 1), chunk_size=2)
    assert (tmp_path / "run" / "PARTIAL").exists()
    for index, (a, b) in reversed(list(enumerate([(0, 2), (2, 4), (4, 5)]))):   # finish out of order
        folder.write_chunk(index, tiny_dataset(a, b), goal_rows(a, b))
    assert not any(p.name.endswith(".tmp") for p in folder.work.iterdir())
    folder.finalize({"complete": False}, 3, ["u"])
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == ["goals.csv", "inputs.csv", "manifest.json", "results.zarr"]
    with read_results(tmp_path / "run") as ds:
        assert ds["scenario"].values.tolist() == [0, 1, 2, 3, 4]
        np.testing.assert_array_equal(ds["x"].values, np.arange(15, dtype=float).reshape(5, 3))
        assert ds.attrs["seed"] == 1
    goals = pd.read_csv(tmp_path / "run" / "goals.csv")
    assert goals["scenario"].tolist() == [0, 1, 2, 3, 4]
    assert (tmp_path / "run" / "inputs.csv").read_text() == "scenario,u\n0,1.0\n1,2.0\n2,3.0\n3,4.0\n4,5.0\n"
    assert json.loads((tmp_path / "run" / "manifest.json").read_text())["complete"] is True


def test_finalize_refuses_missing_chunks(tmp_path):
    folder = RunFolder.create(tmp_path / "run", {"complete": False}, np.zeros((4, 1)), tiny_dataset(0, 1), chunk_size=2)
    folder.write_chunk(0, tiny_dataset(0, 2), goal_rows(0, 2))
    with pytest.raises(RunDirError, match=r"chunks \[1\] are not finished; resume the batch"):
        folder.finalize({}, 2, ["u"])
    assert (tmp_path / "run" / "PARTIAL").exists() and not (tmp_path / "run" / "results.zarr").exists()


def test_damaged_manifest_is_one_line(tmp_path):
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(RunDirError) as info:
        RunFolder.open_complete(tmp_path)
    assert str(info.value).startswith(f"{tmp_path / 'manifest.json'}: not valid JSON") and "\n" not in str(info.value)


def test_a_chunk_killed_half_way_is_not_done_and_is_rewritten(tmp_path):
    """The region is written before the marker: without the marker the chunk counts as not done."""
    folder = RunFolder.create(tmp_path / "run", {"complete": False}, np.zeros((4, 1)), tiny_dataset(0, 1), chunk_size=2)
    half = tiny_dataset(0, 2)
    half["x"] = half["x"] * 0 - 1
    from simulator.runs import zarrstore
    zarrstore.write_region(folder.store, half)            # as if killed before the marker
    assert not folder.chunk_done(0)
    folder.write_chunk(0, tiny_dataset(0, 2), goal_rows(0, 2))
    folder.write_chunk(1, tiny_dataset(2, 4), goal_rows(2, 4))
    assert folder.chunk_done(0) and folder.status_counts() == {"ok": 4, "failed": 0}
    folder.finalize({"complete": False}, 2, ["u"])
    with read_results(tmp_path / "run") as ds:
        np.testing.assert_array_equal(ds["x"].values, np.arange(12, dtype=float).reshape(4, 3))


def test_netcdf_export_holds_the_same_dataset(tmp_path):
    folder = RunFolder.create(tmp_path / "run", {"complete": False}, np.zeros((5, 1)), tiny_dataset(0, 1), chunk_size=2)
    for index, (a, b) in enumerate([(0, 2), (2, 4), (4, 5)]):
        part = tiny_dataset(a, b)
        part["message"] = ("scenario", np.array([f"m{i}" if i % 2 else "" for i in range(a, b)], dtype=object))
        folder.write_chunk(index, part, goal_rows(a, b))
    folder.finalize({"complete": False}, 3, ["u"])
    out = export_netcdf(tmp_path / "run")
    assert out == tmp_path / "run" / "results.nc"
    with read_results(tmp_path / "run") as zarr_ds, xr.open_dataset(out) as nc_ds:
        assert nc_ds["message"].values.tolist() == ["", "m1", "", "m3", ""]
        xr.testing.assert_identical(zarr_ds, nc_ds.load())
