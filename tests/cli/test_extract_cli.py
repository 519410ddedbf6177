"""CLI of plan texts: extract's output and counts, region new → batch → report end to end on a seed text."""

from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner

from run import cli
from simulator.plans.records import seeds_dir

SEED = seeds_dir() / "003_28c4fe0a356f8a23.txt"
needs_seeds = pytest.mark.skipif(not SEED.is_file(), reason=f"plan text {SEED.name} not found; set PLANSIM_SEEDS")


def test_extract_help_has_an_example():
    result = CliRunner().invoke(cli, ["extract", "--help"])
    assert "  Example:\n    python run.py extract ../shared/seeds/003_28c4fe0a356f8a23.txt -o draft.yaml\n" in result.output


def test_extract_writes_draft_and_counts(tmp_path):
    text = tmp_path / "report.txt"
    text.write_text("政府工作报告\n今年主要预期目标是:地区生产总值增长6%左右,全区有300座桥。\n", encoding="utf-8")
    out = tmp_path / "draft.yaml"
    result = CliRunner().invoke(cli, ["extract", str(text), "-o", str(out), "--year-default", "2023"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"wrote {out}"
    assert ("report.txt: 1 goals found, 1 mapped to model variables, 0 not modelled; 0 history facts (+0 without a "
            "variable); 0 repeated targets kept once; 1 lines with numbers not read") in result.output
    assert "  line 2: not read: 全区有300座桥" in result.output
    goal = yaml.safe_load(out.read_text(encoding="utf-8"))["goals"][0]
    assert (goal["variable"], goal["comparison"], goal["value"], goal["year"]) == ("gdp", "growth>=", 0.057, [2022, 2023])


def test_extract_missing_file_is_one_error_line(tmp_path):
    result = CliRunner().invoke(cli, ["extract", str(tmp_path / "none.txt")])
    assert result.exit_code == 1
    assert result.output == f"Error: {tmp_path / 'none.txt'}: plan text not found; give the path of a UTF-8 .txt file\n"


def test_extract_gbk_text_is_one_error_line(tmp_path):
    text = tmp_path / "gbk.txt"
    text.write_bytes("到2025年城镇化率达到60%".encode("gbk"))
    result = CliRunner().invoke(cli, ["extract", str(text)])
    assert result.exit_code == 1
    assert result.output == (f"Error: {text}: not UTF-8 (byte 0); save the text as UTF-8, e.g. iconv -f GBK -t UTF-8\n")


def test_region_new_help_has_an_example():
    result = CliRunner().invoke(cli, ["region", "new", "--help"])
    assert "  Example:\n    python run.py region new hengshui --plan plan.txt --like jizhou\n" in result.output


@needs_seeds
@pytest.mark.slow
def test_region_new_then_batch_then_report(tmp_path):
    runner = CliRunner()
    made = runner.invoke(cli, ["region", "new", "jz_test", "--plan", str(SEED), "--like", "jizhou", "--project", str(tmp_path)])
    assert made.exit_code == 0, made.output
    assert f"wrote {tmp_path / 'models/jz_test/plan.yaml'}" in made.output
    template = tmp_path / "models/jz_test/data_template.xlsx"
    assert f"data template {template}" in made.output
    import openpyxl

    sheet = openpyxl.load_workbook(template).worksheets[0]
    assert sheet.max_row > 2 and any("常住人口" in str(cell.value) for cell in sheet["B"] + sheet["A"])
    again = runner.invoke(cli, ["region", "new", "jz_test", "--plan", str(SEED), "--project", str(tmp_path)])
    assert again.exit_code == 1 and "exists already" in again.output
    run_dir = tmp_path / "run"
    batch = runner.invoke(cli, ["batch", str(tmp_path / "scenarios/jz_test/plan_uncertain.yaml"), "-n", "4", "--quiet",
                                "--out", str(run_dir)])
    assert batch.exit_code == 0, batch.output
    report = runner.invoke(cli, ["report", str(run_dir), "--format", "pdf"])
    assert report.exit_code == 0, report.output
    import pypdf

    text = "".join(page.extract_text() for page in pypdf.PdfReader(run_dir / "report_zh.pdf").pages)
    assert "模型未覆盖的目标" in text
