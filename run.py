"""Command-line shell over simulator/ and reports/: each command parses, calls one library function, prints."""

import sys

import click

from simulator.errors import SimulatorError


class _Group(click.Group):
    """A click group that turns any SimulatorError, OSError or usage error into one ``Error: …`` line, exit 1 (2 for usage)."""

    def main(self, *args, **kwargs):
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
            sys.exit(code if isinstance(code, int) else 0)
        except click.exceptions.Exit as done:
            sys.exit(done.exit_code)
        except click.exceptions.Abort:
            click.echo("Error: interrupted", err=True)
            sys.exit(1)
        except click.UsageError as err:
            click.echo(f"Error: {_usage_line(err)}", err=True)
            sys.exit(2)
        except click.ClickException as err:
            click.echo(f"Error: {err.format_message()}", err=True)
            sys.exit(err.exit_code)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except SimulatorError as err:
            click.echo(f"Error: {err}", err=True)
            ctx.exit(1)
        except OSError as err:
            where = f"{err.filename}: " if err.filename else ""
            click.echo(f"Error: {where}{err.strerror or err}; check the path, its permissions and free space", err=True)
            ctx.exit(1)


def _usage_line(err: click.UsageError) -> str:
    """A click usage error as one line with the fix (the command's --help)."""
    message = " ".join(err.format_message().split()).rstrip(".")
    command = " ".join(["python run.py", *(err.ctx.command_path.split()[1:] if err.ctx else [])])
    return f"{message}; see: {command} --help"


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="plansim")
@click.option("--allow-outside-project", is_flag=True,
              help="Let a scenario's extends: and model: name files outside its project folder.")
def cli(allow_outside_project):
    """plansim: simulate system-dynamics models of regional plans, in batches, against the plans' goals."""
    if allow_outside_project:
        import os

        from simulator.scenarios.files import ALLOW_OUTSIDE_ENV

        os.environ[ALLOW_OUTSIDE_ENV] = "1"


# --- engine commands (simulate, check) -------------------------------------------------------

def _parse_set(assignments):
    """``NAME=VALUE`` strings → {name: float}; a ParameterError names the bad one."""
    from simulator.errors import ParameterError
    params = {}
    for item in assignments:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ParameterError(f"--set '{item}': write NAME=VALUE, e.g. --set \"Room Temperature=65\"")
        try:
            params[name.strip()] = float(value)
        except ValueError:
            raise ParameterError(f"--set '{item}': '{value}' is not a number")
    return params


@cli.command()
@click.argument("model", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="CSV file to write (default: stdout).")
@click.option("--columns", help="Comma-separated variable names to keep, Vensim names with spaces or underscores, "
              "any case, NAME[elem] for one element, FINAL TIME etc. for the control variables (default: all).")
@click.option("--set", "assignments", multiple=True, metavar="NAME=VALUE", help="Set a constant (repeatable).")
@click.option("--method", type=click.Choice(["euler", "rk4"]), default="euler", show_default=True)
@click.option("--allow-nonfinite", is_flag=True, help="Write the table even when a value goes inf or NaN.")
def simulate(model, output, columns, assignments, method, allow_nonfinite):
    """Run MODEL once and write a Vensim-style table (Time + one column per variable, constants and
    the control variables INITIAL TIME, FINAL TIME, TIME STEP, SAVEPER included).

    Example: python run.py simulate tests/fixtures/models/teacup/teacup.mdl --set "Room Temperature=65" -o out.csv
    """
    import os
    import tempfile

    import simulator
    from simulator.engine.table import simulate_table

    compiled = simulator.load_model(model)
    names = [c.strip() for c in columns.split(",") if c.strip()] if columns else None
    table = simulate_table(compiled, params=_parse_set(assignments), method=method, columns=names,
                           allow_nonfinite=allow_nonfinite)
    if output is None:
        click.echo(table.to_csv(index=False), nl=False)
        return
    folder = os.path.dirname(os.path.abspath(output))
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
    try:
        with os.fdopen(handle, "w") as stream:
            table.to_csv(stream, index=False)
        os.replace(temporary, output)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    click.echo(f"wrote {output}: {len(table)} rows, {len(table.columns) - 1} variables")


@cli.command()
@click.argument("model", type=click.Path(dir_okay=False), required=False)
@click.option("--functions", is_flag=True, help="List the Vensim functions the engine supports.")
@click.option("--units", "units", is_flag=True,
              help="Check the dimensional consistency of every equation from the model's unit strings (exit 1 if not).")
def check(model, functions, units):
    """List what MODEL contains and whether the engine supports all of it (exit 1 if not).

    Example: python run.py check models/regional/regional.mdl --units
    """
    import simulator
    from simulator.engine.functions import supported_functions
    from simulator.errors import ModelFileError
    from simulator.engine.summary import summary_lines

    if functions:
        click.echo("Supported functions: " + ", ".join(supported_functions()))
    if model is None:
        if not functions:
            raise ModelFileError("check: give a MODEL file (or --functions)")
        return
    compiled = simulator.load_model(model)
    for line in summary_lines(compiled):
        click.echo(line)
    if units:
        from simulator.engine.units import check_units
        from simulator.errors import ModelParseError

        checked, problems = check_units(compiled.ir)
        click.echo(f"units: {checked} equations compared, {len(problems)} inconsistent")
        if problems:
            raise ModelParseError(f"{model}: units: " + "; ".join(problems[:10])
                                  + (f"; … {len(problems) - 10} more" if len(problems) > 10 else "")
                                  + "; fix the unit strings or the equations")


# --- scenario and batch commands (batch, validate, list, show) -------------------------------


@cli.command()
@click.argument("scenarios", nargs=-1, type=click.Path(dir_okay=False))
@click.option("-n", "n", type=int, default=None, help="Scenarios to sample (default: the file's sampling.n).")
@click.option("--seed", type=int, default=None, help="Sampling seed (default: the file's sampling.seed).")
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Run folder (one scenario) or parent folder (several). Default: out/<region>-<scenario>-<timestamp>.")
@click.option("--chunk-size", type=int, default=None, help="Scenarios per chunk; memory grows with it (default 2,500).")
@click.option("--workers", type=int, default=1, show_default=True,
              help="Local worker processes (at most the CPU count); results do not depend on it.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run chunks on a Dask cluster: tcp://HOST:PORT, or local:N for N local worker processes.")
@click.option("--resume", "resume", type=click.Path(file_okay=False), default=None,
              help="Finish an interrupted batch in this run folder (give no scenario files).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--report", "report_formats", default=None, metavar="FORMATS",
              help="Then write the goal-attainment report (pdf, png, docx, xlsx; e.g. pdf,png,docx,xlsx) into the plan "
                   "run's folder.")
@click.option("--lang", default="zh", show_default=True, help="Language of the --report: zh or en.")
@click.option("--analyses/--no-analyses", default=True, show_default=True,
              help="With --report: first write the sensitivity of every goal and a seek per unlikely goal into "
                   "the plan run's analysis/ folder (analysis/sensitivity, analysis/seek-GOAL), which the report reads.")
@click.option("--allow-outside-range", is_flag=True,
              help="Accept values outside the plausible range a model constant declares (~ Dmnl [0,1]), e.g. a stress test.")
def batch(scenarios, n, seed, out, chunk_size, workers, scheduler, resume, quiet, report_formats, lang, analyses,
          allow_outside_range):
    """Run scenario files as batches: sample, simulate chunk by chunk, check the plan's goals.

    Writes results.zarr, inputs.csv, goals.csv and manifest.json into a run folder
    (python run.py export RUN_DIR --netcdf makes a results.nc from it).

    With --report, the plan run's analysis/ folder gets the sensitivity of every goal and a seek per
    unlikely goal first (--no-analyses skips them); `report` reads RUN/analysis/<kind> folders, which
    `sensitivity`, `seek` and `discover --out RUN/analysis/<kind>` also write.

    \b
    Example:
      python run.py batch scenarios/jizhou/baseline.yaml -n 10000 --seed 1 --workers 2
      python run.py batch scenarios/jizhou/baseline.yaml -n 100000 --scheduler tcp://10.0.0.5:8786
      python run.py batch --resume out/baseline-20251121-101500
      python run.py batch scenarios/qiaoxi/plan_uncertain.yaml -n 2000 --report pdf,png
    """
    from simulator.runs.batch import run_batch
    from simulator.runs.progress import ProgressLine

    if report_formats:
        from reports import check_options

        check_options(lang, report_formats)  # a typo fails now, not after the batch
    folders = run_batch(
        list(scenarios), n=n, seed=seed, out=out, chunk_size=chunk_size, workers=workers, scheduler=scheduler,
        resume=resume or False, progress=None if quiet else ProgressLine(), command=" ".join(["python run.py", *sys.argv[1:]]),
        allow_outside_range=allow_outside_range,
    )
    _echo_written(folders)
    if report_formats and analyses:
        from simulator.runs.analyses import complete_analyses, plan_folder

        for folder in complete_analyses(plan_folder(folders), progress=None if quiet else ProgressLine(),
                                        echo=lambda line: click.echo(line, err=True)):
            click.echo(f"wrote {folder}")
    if report_formats:
        from reports import build_report

        _echo_report_files(build_report(folders, lang=lang, formats=report_formats))


def _echo_written(folders):
    """``wrote DIR`` per run, with how many scenarios failed and why; exit 1 if every scenario of a run failed."""
    from simulator.errors import NonFiniteError
    from simulator.runs.show import failure_note

    every_one_failed = []
    for folder in folders:
        click.echo(f"wrote {folder}")
        note, all_failed = failure_note(folder)
        if note:
            click.echo(note, err=True)
        if all_failed:
            every_one_failed.append(str(folder))
    if every_one_failed:
        raise NonFiniteError(f"every scenario failed in {', '.join(every_one_failed)}; "
                             f"check the model and the inputs' ranges (python run.py show DIR)")


@cli.command()
@click.argument("run_dir", type=click.Path(file_okay=False))
def show(run_dir):
    """Summarize a batch run: status counts and, per goal, P(met), value median and 5-95 %.

    \b
    Example:
      python run.py show out/baseline-20251121-101500
    """
    from simulator.runs.show import format_summary, summarize_run

    click.echo(format_summary(summarize_run(run_dir)), nl=False)


@cli.command()
@click.argument("scenarios", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--allow-outside-range", is_flag=True,
              help="Accept values outside the plausible range a model constant declares (~ Dmnl [0,1]).")
def validate(scenarios, allow_outside_range):
    """Check scenario files (and the files they extend) against the schema, the plan and the model.

    Prints a short summary per file and OK; stops at the first problem with one Error: line. A value
    outside the plausible range its model constant declares (~ Dmnl [0,1]) is a problem, unless
    --allow-outside-range.

    \b
    Example:
      python run.py validate scenarios/jizhou/baseline.yaml scenarios/jizhou/plan.yaml
    """
    from simulator.scenarios.scenario import load_scenario
    from simulator.yamlmarks import display_path

    for path in scenarios:
        scenario = load_scenario(path, allow_outside_range=allow_outside_range)
        click.echo(display_path(path))
        click.echo("\n".join(scenario.summary()))
    click.echo("OK")


def _text_width(text: str) -> int:
    """Columns ``text`` takes in a terminal (CJK characters take two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _shorten(text: str, width: int = 60) -> str:
    """``text`` cut to ``width`` terminal columns, with … when cut."""
    if _text_width(text) <= width:
        return text
    kept = ""
    for char in text:
        if _text_width(kept + char) > width - 1:
            break
        kept += char
    return kept + "…"


def _aligned_table(rows: list, columns: list) -> list:
    """``rows`` (dicts) as lines of left-aligned columns under upper-case headers."""
    widths = [max([_text_width(col)] + [_text_width(str(row[col])) for row in rows]) for col in columns]
    lines = []
    for cells in [[col.upper() for col in columns]] + [[str(row[col]) for col in columns] for row in rows]:
        padded = [cell + " " * (width - _text_width(cell)) for cell, width in zip(cells, widths)]
        lines.append("  ".join(padded).rstrip())
    return lines


@cli.command(name="list")
@click.option("--root", type=click.Path(file_okay=False, exists=True), default=".", show_default=True,
              help="Project folder holding models/ and scenarios/.")
def list_(root):
    """List models, regions (with their plan's Chinese names), scenarios and goals.

    \b
    Example:
      python run.py list
    """
    from simulator.runs.catalog import catalog

    found = catalog(root)
    for row in found.scenarios:
        if not row["description"].startswith("INVALID"):
            row["description"] = _shorten(" ".join(row["description"].split()))
    sections = [
        ("Models", found.models, ["model", "regions"]),
        ("Regions", found.regions, ["region", "name", "model", "goals", "scenarios"]),
        ("Scenarios", found.scenarios, ["region", "file", "name", "description"]),
        ("Goals", found.goals, ["region", "goal", "label", "variable", "target", "binding"]),
    ]
    blocks = []
    for title, rows, columns in sections:
        body = _aligned_table(rows, columns) if rows else ["(none)"]
        blocks.append("\n".join([f"{title}:"] + [f"  {line}" for line in body]))
    click.echo("\n\n".join(blocks))


# --- report commands (report) ------------------------------------------------------------------


@cli.command()
@click.argument("run_dirs", nargs=-1, required=True, type=click.Path(file_okay=False))
@click.option("--lang", default="zh", show_default=True, help="Report language: zh or en.")
@click.option("--format", "formats", default="pdf,png", show_default=True,
              help="Comma-separated output formats: pdf, png, docx (Word), xlsx (Excel).")
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Output folder (default: the plan run's folder).")
def report(run_dirs, lang, formats, out):
    """Write the goal-attainment report (PDF, PNG, Word, Excel) of one or more batch run folders.

    With several folders the report compares them, the plan run against the baseline run whatever
    their order; it is written into the plan run's folder (or --out). Analyses found in
    RUN/analysis/<kind> (sensitivity, seek-GOAL, discovery; written by `batch --report` or by
    `sensitivity`, `seek`, `discover --out RUN/analysis/<kind>`) get their own pages.

    \b
    Example:
      python run.py report out/baseline-20251121-101500 --lang en --format pdf
      python run.py report out/baseline-20251121-101500 out/green-20251121-102000 --out out/compare
      python run.py report out/baseline-20251121-101500 --format docx,xlsx
    """
    from reports import build_report

    _echo_report_files(build_report(list(run_dirs), lang=lang, formats=formats, out=out))


def _echo_report_files(written):
    """Print the report's PDF/Word/Excel paths and, in one line, how many PNG files went where."""
    pngs = [path for path in written if path.suffix == ".png"]
    for path in written:
        if path.suffix != ".png":
            click.echo(f"wrote {path}")
    if pngs:
        click.echo(f"wrote {len(pngs)} PNG files to {pngs[0].parent}")


# --- commands kept in their own modules: the record and run-folder files (cli_record.py), what it would
# take: sensitivity, seek, discover (cli_whatif.py), plan texts: extract, region new (cli_extract.py), an office's
# statistics: data template/import (cli_data.py), the web app (cli_explore.py) ---

from cli_record import calibrate, export, schema, validate_history  # noqa: E402
from cli_whatif import discover, seek, sensitivity  # noqa: E402
from cli_extract import extract, region  # noqa: E402
from cli_data import data  # noqa: E402
from cli_explore import explore  # noqa: E402

for _command in (calibrate, validate_history, export, schema, sensitivity, seek, discover, extract, region, data, explore):
    cli.add_command(_command)


if __name__ == "__main__":
    sys.exit(cli())
