"""Every command answers --help and -h with an example whose repository paths exist; --help is fast."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import run

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = sorted(run.cli.commands)


def test_every_command_is_covered():
    assert COMMANDS == ["batch", "calibrate", "check", "data", "discover", "explore", "export", "extract", "list", "region",
                        "report", "schema", "seek", "sensitivity", "show", "simulate", "validate", "validate-history"]


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_top_level_help(flag):
    result = CliRunner().invoke(run.cli, [flag])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: ")
    for command in COMMANDS:
        assert command in result.output


@pytest.mark.parametrize("flag", ["--help", "-h"])
@pytest.mark.parametrize("command", COMMANDS)
def test_command_help_has_an_example(command, flag):
    result = CliRunner().invoke(run.cli, [command, flag])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: cli {command} ")
    assert "Example" in result.output and "python run.py " + command in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_example_paths_exist(command):
    """Model and scenario files named in the examples are in the repository (out/ folders are made by a batch)."""
    text = run.cli.commands[command].help or ""
    for path in re.findall(r"\b((?:models|scenarios|tests)/[\w/.-]+\.(?:mdl|xmile|yaml))\b", text):
        assert (ROOT / path).is_file(), f"{command} --help names {path}, which does not exist"


def test_help_loads_no_heavy_module():
    """``import simulator`` is lazy, so ``run.py --help`` does not load numpy/xarray/pandas (its time is not asserted
    here: a busy machine would fail it)."""
    code = ("import sys, run; "
            "print(sorted(m for m in ('xarray', 'pandas', 'scipy', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- every example of every --help runs (issue 21 item 6) ------------------------------------------------------------

#: base samples an example runs with instead of its own (the point is that the command line works, fast)
SMALL_N = {"batch": 4, "discover": 16, "seek": 4, "sensitivity": 8}
#: run folders a batch makes (out/...) stand for these, made once by the fixture below
RUN_FOLDERS = ("baseline_uncertain", "plan_uncertain")


def _examples():
    found = []
    for name in COMMANDS:
        text = run.cli.commands[name].help or ""
        block = text[text.index("Example"):] if "Example" in text else ""
        for line in block.splitlines():
            line = line.strip().removeprefix("Example:").strip()
            if line.startswith("python run.py "):
                found.append((name, line))
    return found


EXAMPLES = _examples()


def test_every_command_has_an_example_to_run():
    assert sorted({name for name, _ in EXAMPLES}) == COMMANDS


@pytest.fixture(scope="module")
def run_folders(tmp_path_factory):
    """Two finished run folders and one interrupted one (for ``batch --resume``), from Jizhou's scenarios."""
    from interrupted import interrupted_batch

    base = tmp_path_factory.mktemp("runs")
    made = []
    for name in RUN_FOLDERS:
        result = CliRunner().invoke(run.cli, ["batch", f"scenarios/jizhou/{name}.yaml", "-n", "4", "--out", str(base / name)])
        assert result.exit_code == 0, result.output
        made.append(base / name)
    partial = interrupted_batch(ROOT / "scenarios" / "jizhou" / "baseline_uncertain.yaml", base / "partial", n=8, chunk=4)
    return made, partial


def _fast(name: str, line: str, tmp: Path, folders) -> list:
    """The example's arguments with a small -n, outputs in ``tmp`` and out/... run folders replaced by real ones.

    Reports are written as PDF only (the PNG pages are the same pages rasterised, and take minutes on a busy machine).
    """
    import shlex

    finished, partial = folders
    args = shlex.split(line)[3:]
    options = {opt for param in run.cli.commands[name].params for opt in param.opts}
    out, runs, i = [], iter(finished), 0
    while i < len(args):
        arg = args[i]
        nxt = args[i + 1] if i + 1 < len(args) else None
        if arg == "-n" and name in SMALL_N:
            out += ["-n", str(SMALL_N[name])]
            i += 2
            continue
        if arg in ("--out", "-o"):
            out += [arg, str(tmp / f"out{i}{Path(nxt).suffix}")]
            i += 2
            continue
        if arg == "--scheduler" and nxt and nxt.startswith("tcp://"):
            pytest.importorskip("distributed", reason="the --scheduler example needs dask.distributed")
            out += [arg, "local:1"]                      # a cluster of one local worker stands for the remote one
            i += 2
            continue
        if arg in ("--report", "--format") and nxt:
            out += [arg, ",".join(f for f in nxt.split(",") if f != "png") or nxt]   # the PDF builds every page too
            i += 2
            continue
        if arg.startswith("out/"):
            out.append(str(partial if args[i - 1] == "--resume" else next(runs)))
            i += 1
            continue
        out.append(arg)
        i += 1
    if "-n" in options and name in SMALL_N and "-n" not in out and "--resume" not in out:
        out += ["-n", str(SMALL_N[name])]
    if "--points" in options and "--points" not in out:
        out += ["--points", "2"]
    if "--out" in options and "--out" not in out and "--resume" not in out:
        out += ["--out", str(tmp / "out")]
    if "--format" in options and "--format" not in out:
        out += ["--format", "pdf"]
    return out


#: the plan text a --help example's ``PLAN.txt`` stands for (a hand-labelled public excerpt, tests/unit/plans/test_extract.py)
PLAN_TEXT = ROOT / "tests" / "fixtures" / "extract" / "hubei_2025_report.txt"


def _filled_workbook(tmp: Path, monkeypatch) -> Path:
    """``data template`` of a scratch Shijiazhuang project, filled with the fixture's published rows (cwd: the project)."""
    from data_project import fill_template, fixture_rows, make_project

    project = make_project(tmp)
    monkeypatch.chdir(project)
    template = project / "template.xlsx"
    made = CliRunner().invoke(run.cli, ["data", "template", "shijiazhuang", "-o", str(template)])
    assert made.exit_code == 0, made.output
    published = [row for row in fixture_rows() if "单位内部数据" not in row.get("source", "")]
    return fill_template(template, published, project / "sjz.xlsx")


@pytest.mark.parametrize("name, line", EXAMPLES, ids=[f"{n}:{i}" for i, (n, _) in enumerate(EXAMPLES)])
def test_every_help_example_runs(tmp_path, monkeypatch, run_folders, name, line):
    """The command line a --help shows works as written (with a small -n and outputs in a temporary folder)."""
    monkeypatch.chdir(ROOT)
    args = _fast(name, line, tmp_path, run_folders)
    if any(a.endswith(".txt") for a in args):   # a user's plan text: a public work report the extract tests label
        args = [str(PLAN_TEXT) if a.endswith(".txt") else a for a in args]
    if name == "region":   # a new region is written into a scratch project, never into the repository
        args += ["--project", str(tmp_path)]
    if name == "data" and args[0] == "import":   # the statistician's filled workbook, in a scratch project
        args = ["import", str(_filled_workbook(tmp_path, monkeypatch)), *args[2:]]
    if name == "explore":   # everything up to the event loop (which serves until Ctrl-C; tests/explore drives it live)
        import explore.server

        def built_not_served(explorer, sockets, lang="zh", save_dir=None, echo=print):
            explore.server.make_app(explorer, lang, save_dir)
            for sock in sockets:
                sock.close()
            echo("explore: app built")
        monkeypatch.setattr(explore.server, "serve", built_not_served)
        args = [a if prev != "--port" else "0" for prev, a in zip([None, *args], args)] + ["-n", "8"]
    result = CliRunner().invoke(run.cli, [name, *args])
    assert result.exit_code == 0, f"{line}\n  ran as: {name} {' '.join(args)}\n{result.output}"
