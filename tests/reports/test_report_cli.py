"""`python run.py report` on a real batch run folder: exact output lines."""

from click.testing import CliRunner

from run import cli


def test_report_command_writes_pdf_and_says_where(batch_runs, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["report", str(batch_runs[0]), "--lang", "en", "--format", "pdf", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {out / 'report_en.pdf'}\n"
    assert (out / "report_en.pdf").stat().st_size > 50_000
