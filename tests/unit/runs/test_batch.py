"""Batch runs (simulator.runs.batch, simulator.runs.runstore): run-folder contents and errors.

Determinism across chunking and workers, interruption and resume, front-door errors.

Uses the teacup fixture (tests/fixtures/batch/): a 50-scenario LHS over the room temperature and
the characteristic time, with five goals of every kind.
"""

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from simulator.runs.runstore import read_results
from simulator.runs.batch import run_batch
from simulator.errors import BatchOptionError, RunDirError, ScenarioError
from simulator.plans.goals import GOAL_COLUMNS

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SCENARIOS = FIXTURES / "batch" / "scenarios" / "teacup_town"
COOLING = SCENARIOS / "cooling.yaml"
N_GOALS = 5


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """One uninterrupted run of cooling.yaml (50 scenarios, chunks of 7)."""
    return run_batch([COOLING], out=tmp_path_factory.mktemp("ref") / "run", chunk_size=7)[0]


def read(path: Path) -> bytes:
    return path.read_bytes()


def test_run_folder_has_exactly_the_four_files(reference):
    assert sorted(p.name for p in reference.iterdir()) == ["goals.csv", "inputs.csv", "manifest.json", "results.zarr"]


def test_manifest_records_the_run(reference):
    manifest = json.loads((reference / "manifest.json").read_text())
    assert manifest["complete"] is True
    assert (manifest["n"], manifest["seed"], manifest["sampling"], manifest["chunk_size"]) == (50, 7, "lhs", 7)
    assert manifest["n_chunks"] == 8 and manifest["chunks_done"] == list(range(8))   # ceil(50 / 7)
    assert manifest["status_counts"] == {"ok": 50, "failed": 0}
    assert manifest["scenario"] == "cooling" and manifest["region"] == "teacup_town"
    assert manifest["inputs"] == ["characteristic_time", "room_temperature"]
    assert manifest["goal_ids"] == ["cool_by_20", "warm_at_5", "drinkable_at_10", "loss_falling", "loss_reaches_11"]
    import hashlib
    assert manifest["scenario_sha256"] == hashlib.sha256(COOLING.read_bytes()).hexdigest()
    model = FIXTURES / "models" / "teacup" / "teacup.mdl"
    assert manifest["model_sha256"] == hashlib.sha256(model.read_bytes()).hexdigest()
    assert manifest["started"] and manifest["finished"] and manifest["versions"]["numpy"] == np.__version__


def test_results_hold_outputs_inputs_and_attrs(reference):
    with read_results(reference) as ds:
        assert ds.sizes["scenario"] == 50 and ds["time"].values.tolist() == list(range(31))
        assert {"teacup_temperature", "heat_loss_to_room", "status", "message",
                "input__characteristic_time", "input__room_temperature"} <= set(ds.data_vars)
        assert ds.attrs["seed"] == 7 and ds.attrs["n"] == 50 and ds.attrs["scenario"] == "cooling"
        inputs = pd.read_csv(reference / "inputs.csv")
        np.testing.assert_array_equal(ds["input__room_temperature"].values, inputs["room_temperature"].values)
        # the teacup starts at 180 F in every scenario and cools towards its room temperature
        assert (ds["teacup_temperature"].sel(time=0).values == 180).all()
        final = ds["teacup_temperature"].sel(time=30).values
        assert (final > inputs["room_temperature"].values).all() and (final < 180).all()


def test_inputs_follow_the_declared_distributions(reference):
    inputs = pd.read_csv(reference / "inputs.csv")
    assert list(inputs.columns) == ["scenario", "characteristic_time", "room_temperature"]
    assert inputs["scenario"].tolist() == list(range(50))
    assert inputs["characteristic_time"].between(5, 15).all() and inputs["room_temperature"].between(60, 80).all()
    # LHS: exactly one sample in each of the 50 equal strata of the uniform [5, 15]
    strata = np.floor((inputs["characteristic_time"] - 5) / 10 * 50).astype(int)
    assert sorted(strata) == list(range(50))


def test_goals_csv_rows_and_a_goal_recomputed_independently(reference):
    goals = pd.read_csv(reference / "goals.csv")
    assert list(goals.columns) == GOAL_COLUMNS and len(goals) == 50 * N_GOALS
    with read_results(reference) as ds:
        at20 = ds["teacup_temperature"].sel(time=20).values
    cool = goals[goals.goal_id == "cool_by_20"]
    # the store keeps float32 (outputs.precision default); goals come from the float64 run
    assert at20.dtype == np.float32
    np.testing.assert_array_equal(cool["value"].values.astype(np.float32), at20)
    np.testing.assert_array_equal(cool["met"].values, (cool["value"].values <= 100).astype(int))


def test_same_results_whatever_the_chunk_size(reference, tmp_path):
    for chunk in (1, 50):
        other = run_batch([COOLING], out=tmp_path / f"c{chunk}", chunk_size=chunk)[0]
        assert read(other / "goals.csv") == read(reference / "goals.csv")
        assert read(other / "inputs.csv") == read(reference / "inputs.csv")


def test_same_results_with_two_workers(reference, tmp_path):
    other = run_batch([COOLING], out=tmp_path / "w2", chunk_size=13, workers=2)[0]
    assert read(other / "goals.csv") == read(reference / "goals.csv")
    with read_results(reference) as a, read_results(other) as b:
        xr.testing.assert_identical(a.drop_attrs(), b.drop_attrs())


class Interrupt(Exception):
    pass


def stop_after(scenarios):
    def progress(done, total, label):
        if done >= scenarios:
            raise Interrupt
    return progress


def test_interrupted_batch_is_partial_and_resume_matches(reference, tmp_path):
    folder = tmp_path / "run"
    with pytest.raises(Interrupt):
        run_batch([COOLING], out=folder, chunk_size=7, progress=stop_after(21))   # after 3 chunks
    assert sorted(p.name for p in folder.iterdir()) == ["PARTIAL", "_chunks", "manifest.json"]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["complete"] is False and manifest["chunks_done"] == [0, 1, 2]
    with pytest.raises(RunDirError, match="incomplete"):
        from simulator.runs.show import summarize_run
        summarize_run(folder)

    calls = []
    run_batch([], resume=folder, progress=lambda done, total, label: calls.append(done))
    assert calls == [21, 28, 35, 42, 49, 50]          # started from the 3 finished chunks
    assert sorted(p.name for p in folder.iterdir()) == ["goals.csv", "inputs.csv", "manifest.json", "results.zarr"]
    assert read(folder / "goals.csv") == read(reference / "goals.csv")
    assert read(folder / "inputs.csv") == read(reference / "inputs.csv")
    with read_results(reference) as a, read_results(folder) as b:
        xr.testing.assert_identical(a, b)
    assert json.loads((folder / "manifest.json").read_text())["complete"] is True


def test_resume_refuses_a_changed_scenario(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "batch", root / "batch")
    shutil.copytree(FIXTURES / "models" / "teacup", root / "models" / "teacup")
    scenario = root / "batch" / "scenarios" / "teacup_town" / "cooling.yaml"
    folder = tmp_path / "run"
    with pytest.raises(Interrupt):
        run_batch([scenario], out=folder, chunk_size=10, progress=stop_after(10))
    scenario.write_text(scenario.read_text().replace("seed: 7", "seed: 8"))
    with pytest.raises(RunDirError, match="cooling.yaml changed since the batch started; start a new batch"):
        run_batch([], resume=folder)


def test_resume_of_a_complete_run_is_refused(reference):
    with pytest.raises(RunDirError, match="already complete"):
        run_batch([], resume=reference)


def test_n_and_seed_override_the_file(tmp_path):
    folder = run_batch([COOLING], n=12, seed=3, out=tmp_path / "r")[0]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert (manifest["n"], manifest["seed"]) == (12, 3)
    assert len(pd.read_csv(folder / "inputs.csv")) == 12


def test_several_scenarios_go_to_subfolders_of_out(tmp_path):
    folders = run_batch([COOLING, SCENARIOS / "hot_room.yaml"], out=tmp_path / "both")
    assert folders == [tmp_path / "both" / "cooling", tmp_path / "both" / "hot_room"]
    hot = pd.read_csv(folders[1] / "goals.csv")
    assert hot["goal_id"].unique().tolist() == ["cool_by_20", "loss_falling"] and len(hot) == 2 * 20


@pytest.mark.parametrize("kwargs, error, message", [
    ({"chunk_size": 0}, BatchOptionError, "--chunk-size must be a whole number >= 1, got 0"),
    ({"workers": 0}, BatchOptionError, "--workers must be a whole number >= 1, got 0"),
    ({"n": -5}, BatchOptionError, "-n must be a whole number >= 1, got -5"),
])
def test_bad_options_are_refused_before_any_folder(tmp_path, kwargs, error, message):
    with pytest.raises(error) as info:
        run_batch([COOLING], out=tmp_path / "run", **kwargs)
    assert str(info.value) == message
    assert not (tmp_path / "run").exists()


def test_goal_outside_the_simulated_time_is_refused_before_any_folder(tmp_path):
    with pytest.raises(ScenarioError) as info:
        run_batch([SCENARIOS / "too_short.yaml"], out=tmp_path / "run")
    message = str(info.value)
    assert "too_short.yaml: goal 'cool_by_20': year 20 lies outside the simulated time 0-10" in message
    assert "\n" not in message and not (tmp_path / "run").exists()


def test_a_non_empty_out_folder_is_refused(tmp_path):
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "keep.txt").write_text("mine")
    with pytest.raises(RunDirError, match="output folder exists and is not empty"):
        run_batch([COOLING], out=tmp_path / "run")
    assert [p.name for p in (tmp_path / "run").iterdir()] == ["keep.txt"]


def test_second_scenario_error_leaves_no_folder_for_the_first(tmp_path):
    with pytest.raises(ScenarioError):
        run_batch([COOLING, SCENARIOS / "too_short.yaml"], out=tmp_path / "both")
    assert not (tmp_path / "both").exists()


def test_failed_scenarios_are_recorded_and_never_met(tmp_path):
    """broken_cup.yaml: a characteristic time of 0 divides by zero; those scenarios fail, the batch goes on."""
    folder = run_batch([SCENARIOS / "broken_cup.yaml"], out=tmp_path / "run")[0]
    inputs = pd.read_csv(folder / "inputs.csv")
    broken = inputs["characteristic_time"] == 0
    assert 0 < broken.sum() < len(inputs)            # both kinds are present in this sample
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["status_counts"] == {"ok": int((~broken).sum()), "failed": int(broken.sum())}
    goals = pd.read_csv(folder / "goals.csv", keep_default_na=False)
    failed_rows = goals[goals["scenario"].isin(inputs.loc[broken, "scenario"])]
    assert len(failed_rows) == broken.sum() * N_GOALS
    assert failed_rows["status"].str.startswith("failed: non-finite value").all()
    assert (failed_rows["met"] == 0).all() and (failed_rows["value"] == "").all()
    ok_rows = goals[goals["scenario"].isin(inputs.loc[~broken, "scenario"])]
    assert (ok_rows["status"] == "ok").all()
    with read_results(folder) as ds:
        np.testing.assert_array_equal(ds["status"].values, broken.to_numpy().astype(np.int8))


def test_resume_when_only_the_merge_is_missing(reference, tmp_path):
    folder = tmp_path / "run"
    with pytest.raises(Interrupt):
        run_batch([COOLING], out=folder, chunk_size=7, progress=stop_after(50))   # after the last chunk
    assert (folder / "PARTIAL").exists() and not (folder / "goals.csv").exists()
    calls = []
    run_batch([], resume=folder, workers=2, progress=lambda done, total, label: calls.append(done))
    assert calls == [50]
    assert read(folder / "goals.csv") == read(reference / "goals.csv")


def test_failure_messages_survive_chunking(tmp_path):
    """Chunks with and without failures hold messages of different lengths; the merge keeps them all."""
    one = run_batch([SCENARIOS / "broken_cup.yaml"], out=tmp_path / "one")[0]
    many = run_batch([SCENARIOS / "broken_cup.yaml"], out=tmp_path / "many", chunk_size=3)[0]
    assert read(one / "goals.csv") == read(many / "goals.csv")
    with read_results(one) as a, read_results(many) as b:
        assert a["message"].values.tolist() == b["message"].values.tolist()
        assert sum(bool(m) for m in b["message"].values) == int(b["status"].sum()) > 0


NOISY_MODEL = """{UTF-8}
Level= INTEG (Inflow, 0)
\t~\tunits
\t~\tA stock fed by noise.
\t|
Inflow= RANDOM NORMAL(-10, 10, Mean Inflow, 1, 0)
\t~\tunits/Year
\t~\tNoisy inflow (Vensim: min, max, mean, standard deviation, seed).
\t|
Mean Inflow= 1
\t~\tunits/Year
\t~\tMean of the inflow.
\t|
FINAL TIME  = 10
\t~\tYear
\t~\tFinal time.
\t|
INITIAL TIME  = 0
\t~\tYear
\t~\tInitial time.
\t|
SAVEPER  = 1
\t~\tYear
\t~\tSave period.
\t|
TIME STEP  = 0.5
\t~\tYear
\t~\tTime step.
\t|
"""


def test_random_functions_draw_the_same_noise_whatever_the_chunk_size(tmp_path):
    (tmp_path / "noisy.mdl").write_text(NOISY_MODEL, encoding="utf-8")
    scenario = tmp_path / "noisy.yaml"
    scenario.write_text("name: noisy\nmodel: noisy.mdl\nuncertain:\n  mean_inflow: {dist: uniform, low: 0, high: 2}\n"
                        "sampling: {method: lhs, n: 12, seed: 3}\noutputs: [level]\n", encoding="utf-8")
    runs = [read_results(run_batch([scenario], out=tmp_path / f"c{chunk}", chunk_size=chunk)[0])
            for chunk in (12, 5, 1)]
    levels = [np.asarray(ds["level"].values) for ds in runs]
    np.testing.assert_array_equal(levels[0], levels[1])
    np.testing.assert_array_equal(levels[0], levels[2])
    assert np.std(levels[0][:, -1]) > 0 and len({round(float(v), 9) for v in levels[0][:, 1]}) == 12
