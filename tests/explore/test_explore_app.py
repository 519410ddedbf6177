"""The explore app without a browser: its levers, common random numbers, saved scenarios, per-tab state, CLI errors."""

import asyncio
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import run
from explore import levers as lever_mod
from explore.saving import save_scenario
from explore.session import Explorer, default_baseline
from simulator.errors import ScenarioError
from simulator.scenarios.scenario import load_scenario

SCENARIO = "scenarios/jizhou/plan_uncertain.yaml"
N = 60


@pytest.fixture(scope="module")
def explorer():
    return Explorer(SCENARIO, default_baseline(SCENARIO), n=N, kernel="numpy")


def test_levers_are_what_the_plan_files_set_beyond_the_baseline(explorer):
    by_name = {lever.name: lever for lever in explorer.levers if not lever.extra}
    assert list(by_name) == [
        "cluster_investment_push[big_health]", "cluster_investment_push[new_materials]",
        "cluster_investment_push[advanced_equipment]", "outside_cluster_investment[big_health]",
        "outside_cluster_investment[new_materials]", "outside_cluster_investment[advanced_equipment]",
        "plan_support", "plan_support@start", "urbanization_speed", "urbanization_speed@start",
        "reclaimed_water_target_rate", "reclaimed_water_target_rate@start", "agricultural_water_saving_rate",
        "agricultural_water_saving_rate@start"]
    paths = ["plan_support", "urbanization_speed", "reclaimed_water_target_rate", "agricultural_water_saving_rate"]
    assert {name: lever.kind for name, lever in by_name.items()} == {
        **{name: "uncertain" for name in list(by_name)[:6]}, **{name: "path" for name in paths},
        **{name + "@start": "start" for name in paths}}
    # start years: plan_support's points and the steps from 2021, the reclaimed-water ramp 2021-2025
    assert [(by_name[p + "@start"].value, by_name[p + "@start"].low, by_name[p + "@start"].high) for p in paths] == [
        (2021.0, 2016.0, 2026.0)] * 4
    speed = by_name["urbanization_speed"]       # plan.yaml: urbanization_speed_plan, value 0.10, range [0.089, 0.12]
    assert (speed.value, speed.low, speed.high, speed.ranged_by, speed.unit) == (0.10, 0.089, 0.12,
                                                                                 "urbanization_speed_plan", "1/Year")
    assert speed.label == {"zh": "城镇化速度", "en": "Urbanization speed"}
    assert speed.line == 178                   # its reason cites the plan's line 178
    assert by_name["plan_support"].switch and not speed.switch
    reclaimed = by_name["reclaimed_water_target_rate"]
    assert (reclaimed.low, reclaimed.high, reclaimed.ranged_by) == (0.15, 0.35, "reclaimed_rate_plan")


def test_every_other_uncertain_input_is_offered_for_pinning(explorer):
    extra = [lever for lever in explorer.levers if lever.extra]
    sampled = [spec.name for spec in explorer.scenario.uncertain]
    assert [lever.name for lever in extra] == [name for name in sampled if not name.startswith(("cluster_investment_push",
                                                                                              "outside_cluster"))]
    tfp = next(lever for lever in extra if lever.name == "tfp_growth[secondary]")
    # plan.yaml's tfp_growth_secondary range [0.03, 0.14] holds the sampled uniform(0.128, 0.14)
    assert (tfp.kind, tfp.low, tfp.high, tfp.ranged_by) == ("uncertain", 0.03, 0.14, "tfp_growth_secondary")


def test_no_move_gives_the_plan_answer_and_a_move_reuses_the_sample(explorer):
    again = explorer.evaluate({})
    assert again.table["p_met"].tolist() == explorer.plan_answer.table["p_met"].tolist()
    moved = explorer.evaluate({"reclaimed_water_target_rate": 0.35})
    p = dict(zip(moved.table["goal_id"], moved.table["p_met"]))
    assert p["reclaimed_water_2025"] == 1.0 and explorer.plan_answer.table.set_index("goal_id").loc[
        "reclaimed_water_2025", "p_met"] == 0.0
    # common random numbers: the air goal does not read water at all, its fan is the plan's to the last bit
    assert moved.fans["pm25_falling_2025"] == explorer.plan_answer.fans["pm25_falling_2025"]


def test_a_pinned_input_stays_in_the_sample_with_one_value(explorer, tmp_path, monkeypatch):
    monkeypatch.setenv("PLANSIM_ALLOW_OUTSIDE_PROJECT", "1")
    values = {"outside_cluster_investment[big_health]": 6.0, "urbanization_speed": 0.11}
    shown = explorer.evaluate(values)
    path = save_scenario(explorer, values, "pinned", tmp_path)
    saved = load_scenario(path)
    inputs = saved.sample_inputs()              # the saved file's own sampling: n and seed of the app
    assert len(inputs) == N
    expected = explorer.inputs.copy()
    expected["outside_cluster_investment[big_health]"] = 6.0
    np.testing.assert_array_equal(inputs.to_numpy(), expected.to_numpy())
    from simulator.runs.experiment import run_rows

    outcomes = run_rows(saved, explorer.model, saved.goals, inputs, kernel="numpy")
    assert {g: float(outcomes.met[g].mean()) for g in outcomes.goal_ids} == dict(zip(shown.table["goal_id"],
                                                                                     shown.table["p_met"]))


def test_save_refuses_a_bad_name_and_an_existing_file(explorer, tmp_path, monkeypatch):
    monkeypatch.setenv("PLANSIM_ALLOW_OUTSIDE_PROJECT", "1")
    with pytest.raises(ScenarioError) as bad:
        save_scenario(explorer, {}, "../up", tmp_path)
    assert str(bad.value) == "scenario name '../up': use 1-60 letters, digits, _ or -, e.g. plan_more_reclaimed"
    save_scenario(explorer, {}, "twice", tmp_path)
    with pytest.raises(ScenarioError) as again:
        save_scenario(explorer, {}, "twice", tmp_path)
    assert str(again.value) == f"{tmp_path / 'twice.yaml'}: exists; choose another name"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["twice.yaml"]      # nothing half-written


def test_a_later_start_saves_as_a_shifted_path(explorer, tmp_path, monkeypatch):
    """"What if the reclaimed-water push starts two years later?": the ramp moves to 2023-2027, saved and run alike."""
    monkeypatch.setenv("PLANSIM_ALLOW_OUTSIDE_PROJECT", "1")
    values = {"reclaimed_water_target_rate@start": 2023, "reclaimed_water_target_rate": 0.35}
    shown = explorer.evaluate(values)
    saved = load_scenario(save_scenario(explorer, values, "later", tmp_path))
    spec = saved.lever_specs["reclaimed_water_target_rate"]
    assert (spec.times, spec.values, spec.kind) == ((2023.0, 2027.0), (0.15, 0.35), "linear")
    from simulator.runs.experiment import run_rows

    outcomes = run_rows(saved, explorer.model, saved.goals, saved.sample_inputs(), kernel="numpy")
    assert {g: float(outcomes.met[g].mean()) for g in outcomes.goal_ids} == dict(zip(shown.table["goal_id"],
                                                                                     shown.table["p_met"]))
    assert dict(zip(shown.table["goal_id"], shown.table["p_met"]))["reclaimed_water_2025"] == 0.0   # 2025 is mid-ramp


@pytest.mark.slow
def test_report_runs_the_normal_batch_and_report_on_the_saved_file(explorer, tmp_path, monkeypatch):
    """The page's "report" button: batch + report of the saved file, in a run folder under out/."""
    from explore.saving import report_scenario
    from simulator.runs.show import summarize_run

    monkeypatch.setenv("PLANSIM_ALLOW_OUTSIDE_PROJECT", "1")
    values = {"reclaimed_water_target_rate": 0.35}
    shown = explorer.evaluate(values)
    path = save_scenario(explorer, values, "reported", tmp_path).resolve()
    monkeypatch.chdir(tmp_path)                                   # out/ goes here
    files = [Path(f) for f in report_scenario(path, explorer.n, explorer.seed, "en")]
    folder = files[0].parent
    assert folder.parent == tmp_path / "out" and folder.name.startswith("jizhou-reported-")
    assert (folder / "report_en.pdf") in files and all(f.exists() for f in files)
    batch = summarize_run(folder).goals.set_index("goal_id")["p_met"]      # the numbers the report prints
    assert batch.to_dict() == dict(zip(shown.table["goal_id"], shown.table["p_met"]))
    spec = lever_mod.LeverSpec((2020.0, 2021.0, 2025.0), (0.1, 0.2, 0.3), "linear")
    assert lever_mod.path_level(spec) == 0.3
    assert lever_mod.moved_path(spec, 0.5).values == (0.1, 0.3, 0.5)


def test_tabs_keep_their_own_levers(explorer, tmp_path, monkeypatch):
    """Two tabs move different levers, then both save: each file holds its own tab's moves only."""
    monkeypatch.setenv("PLANSIM_ALLOW_OUTSIDE_PROJECT", "1")
    import tornado.httpclient
    import tornado.httpserver
    import tornado.netutil

    from explore.server import make_app

    async def scenario():
        app, state = make_app(explorer, "en", save_dir=tmp_path)
        sockets = tornado.netutil.bind_sockets(0, address="127.0.0.1")
        server = tornado.httpserver.HTTPServer(app)
        server.add_sockets(sockets)
        base = f"http://127.0.0.1:{sockets[0].getsockname()[1]}"
        client = tornado.httpclient.AsyncHTTPClient()

        async def post(path, body):
            response = await client.fetch(base + path, method="POST", body=json.dumps(body),
                                          headers={"Content-Type": "application/json"})
            return json.loads(response.body)
        try:
            a, b = await asyncio.gather(post("/api/evaluate", {"tab": "A", "values": {"urbanization_speed": 0.12}}),
                                        post("/api/evaluate", {"tab": "B", "values": {"reclaimed_water_target_rate": 0.3}}))
            saved = [await post("/api/save", {"tab": tab, "name": f"tab_{tab}"}) for tab in "AB"]
            refused = await post("/api/report", {"tab": "C"})
            bad = await client.fetch(base + "/api/evaluate", method="POST", raise_error=False,
                                     headers={"Content-Type": "application/json"},
                                     body=json.dumps({"tab": "D", "values": {"urbanization_speed": "fast"}}))
            assert (bad.code, bad.reason) == (400, "values must map lever names to finite numbers or null")
            form = await client.fetch(base + "/api/save", method="POST", raise_error=False, body="name=x&tab=A")
            assert form.code == 415                    # a cross-site form post is refused
            rebound = await client.fetch(base + "/api/config", raise_error=False, headers={"Host": "evil.example"})
            assert rebound.code == 403
            config = json.loads((await client.fetch(base + "/api/config")).body)
        finally:
            server.stop()
            state["pool"].shutdown()
        return a, b, saved, refused, config

    a, b, saved, refused, config = asyncio.run(scenario())
    assert a["moved"] == {"urbanization_speed": 0.12} and b["moved"] == {"reclaimed_water_target_rate": 0.3}
    text_a, text_b = ((tmp_path / f"tab_{tab}.yaml").read_text(encoding="utf-8") for tab in "AB")
    assert "urbanization_speed" in text_a and "reclaimed_water_target_rate" not in text_a
    assert "reclaimed_water_target_rate" in text_b and "urbanization_speed" not in text_b
    assert refused == {"error": "save as a scenario first"}
    assert config["strings"]["col_prob"] == "P(met)" and config["lang"] == "en"


@pytest.mark.parametrize("args, line", [
    (["explore", "nope.yaml", "--port", "0"], "Error: nope.yaml: file not found; check the path"),
    (["explore", SCENARIO, "--lang", "fr"],
     "Error: Invalid value for '--lang': 'fr' is not one of 'zh', 'en'; see: python run.py explore --help"),
])
def test_cli_errors_are_one_line(args, line):
    result = CliRunner().invoke(run.cli, args)
    assert result.exit_code != 0
    assert result.output.splitlines()[-1] == line
