"""One-line errors for report inputs: missing, partial or malformed run folders, bad options (library and CLI)."""

import json
import shutil

import pytest
from click.testing import CliRunner

from reports import build_report
from run import cli
from simulator.errors import ReportError, RunDirError


@pytest.fixture
def copy_of_run(batch_runs, tmp_path):
    """A private copy of the baseline run folder that a test may break."""
    target = tmp_path / "run"
    shutil.copytree(batch_runs[0], target)
    return target


def one_line(err) -> str:
    text = str(err.value)
    assert "\n" not in text
    return text


def test_missing_folder(tmp_path):
    with pytest.raises(RunDirError) as err:
        build_report([tmp_path / "nope"], formats="pdf")
    assert one_line(err) == f"{tmp_path / 'nope'}: no such run folder; give a folder made by 'python run.py batch'"


def test_partial_folder_names_the_resume_command(copy_of_run):
    (copy_of_run / "PARTIAL").write_text("batch in progress\n")
    with pytest.raises(RunDirError) as err:
        build_report([copy_of_run], formats="pdf")
    assert one_line(err) == (f"{copy_of_run}: batch is incomplete (PARTIAL); finish it with: "
                             f"python run.py batch --resume {copy_of_run}")


def test_manifest_not_complete(copy_of_run):
    manifest = json.loads((copy_of_run / "manifest.json").read_text())
    (copy_of_run / "manifest.json").write_text(json.dumps(dict(manifest, complete=False)))
    with pytest.raises(RunDirError) as err:
        build_report([copy_of_run], formats="pdf")
    assert "batch is incomplete" in one_line(err)


def test_missing_goals_csv(copy_of_run):
    (copy_of_run / "goals.csv").unlink()
    with pytest.raises(RunDirError) as err:
        build_report([copy_of_run], formats="pdf")
    assert one_line(err).startswith(f"{copy_of_run}: goals.csv is missing")


def test_goals_csv_without_a_column(copy_of_run):
    path = copy_of_run / "goals.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(line.rsplit(",", 1)[0] for line in lines) + "\n")    # drop "status"
    with pytest.raises(RunDirError) as err:
        build_report([copy_of_run], formats="pdf")
    assert one_line(err).startswith(f"{path}: missing column(s) status;")


def test_no_report_files_written_on_error(copy_of_run, tmp_path):
    (copy_of_run / "inputs.csv").unlink()
    with pytest.raises(RunDirError):
        build_report([copy_of_run], out=tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("options, message", [
    ({"lang": "fr"}, "--lang 'fr': unknown report language; use one of zh, en"),
    ({"formats": "svg"}, "--format svg: unknown report format; use pdf, png, docx or xlsx, comma-separated"),
    ({"formats": "pdf,jpeg"}, "--format jpeg: unknown report format; use pdf, png, docx or xlsx, comma-separated"),
])
def test_bad_options(batch_runs, options, message):
    with pytest.raises(ReportError) as err:
        build_report(batch_runs[:1], **options)
    assert one_line(err) == message


def test_no_run_folder():
    with pytest.raises(ReportError) as err:
        build_report([])
    assert one_line(err) == "no run folder given; pass one or more folders made by `python run.py batch`"


def test_cli_error_is_one_line_and_exit_1(tmp_path):
    result = CliRunner().invoke(cli, ["report", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert result.output == f"Error: {tmp_path / 'nope'}: no such run folder; give a folder made by 'python run.py batch'\n"


def test_cli_bad_language(batch_runs):
    result = CliRunner().invoke(cli, ["report", str(batch_runs[0]), "--lang", "de"])
    assert (result.exit_code, result.output) == (1, "Error: --lang 'de': unknown report language; use one of zh, en\n")


def test_cli_help_has_an_example():
    result = CliRunner().invoke(cli, ["report", "--help"])
    assert result.exit_code == 0
    assert "python run.py report out/baseline-20251121-101500 --lang en --format pdf" in result.output


def test_scenario_file_changed_since_the_batch_is_not_used(copy_of_run):
    from reports import assumptions
    from reports.context import ReportContext
    from reports.data import load_run
    from reports.layout import Paragraph

    manifest = json.loads((copy_of_run / "manifest.json").read_text())
    (copy_of_run / "manifest.json").write_text(json.dumps(dict(manifest, scenario_sha256="0" * 64)))
    run = load_run(copy_of_run)
    assert run.scenario is None
    notes = [b.text for b in assumptions.blocks(ReportContext([run], "en")) if isinstance(b, Paragraph)]
    assert any(text.startswith("Scenario file missing or changed since the batch ran") for text in notes)


def test_run_without_sampled_inputs_gets_no_driver_pages(copy_of_run):
    from reports import drivers
    from reports.context import ReportContext
    from reports.data import load_run

    path = copy_of_run / "inputs.csv"
    path.write_text("\n".join(line.split(",")[0] for line in path.read_text().splitlines()) + "\n")
    ctx = ReportContext([load_run(copy_of_run)], "en")
    assert ctx.main.input_names == []
    assert drivers.pages(ctx) == []


def test_assumption_rows_are_styled_apart_from_plan_sourced_rows(batch_runs):
    from reports import assumptions
    from reports.context import ReportContext
    from reports.data import load_run
    from reports.layout import Table

    tables = [b for b in assumptions.blocks(ReportContext([load_run(batch_runs[0])], "en")) if isinstance(b, Table)]
    history = tables[-1]
    assert [row[0].text for row in history.rows] == ["`gdp`"]   # the plan's history row (gdp_2020) by its variable
    assert all(cell.background == assumptions.SOURCED["background"] for row in history.rows for cell in row)
    assumed = [cell for table in tables[:-1] for row in table.rows for cell in row]
    assert assumed and all(cell.background == assumptions.ASSUMED["background"] for cell in assumed)
    assert assumptions.ASSUMED["background"] != assumptions.SOURCED["background"]


def test_check_options_validates_before_any_batch_work():
    from reports import check_options

    assert check_options("en", "png,pdf") == ["pdf", "png"]
    with pytest.raises(ReportError):
        check_options("jp", "pdf")


def test_scorecard_says_how_many_samples_failed(copy_of_run):
    from reports import scorecard
    from reports.context import ReportContext
    from reports.data import load_run
    from reports.layout import Paragraph

    run = load_run(copy_of_run)
    run.results = run.results.load()       # opened lazily: load before editing in memory
    run.results["status"].values[[0, 3]] = 1
    notes = [b.text for b in scorecard.run_blocks(ReportContext([run], "en"), run) if isinstance(b, Paragraph)]
    assert notes == ["2 samples produced non-finite values: counted as not met, left out of medians and ranges"]
