"""Command-line shell, an office's statistics: ``data template`` (fill-in workbook) and ``data import`` (checked figures).

Registered on run.py's ``cli`` group. Each command parses, calls one library function (simulator/plans/datasheet.py,
simulator/plans/dataimport.py), prints.
"""

import click


def _plan(region: str):
    """The plan of ``region``: a plan.yaml path, or an id looked up in the working folder's project, then plansim's."""
    import re
    from pathlib import Path

    from simulator.plans.plan import load_plan
    from simulator.scenarios.resolve import find_plan_file

    if re.fullmatch(r"[a-z0-9_]+", region):
        return load_plan(find_plan_file(region, Path.cwd()) or region)
    return load_plan(region)


@click.group()
def data():
    """Bring an office's own statistics in: a workbook to fill, then a checked import (docs/data.md).

    \b
    Example:
      python run.py data template shijiazhuang -o sjz.xlsx
      python run.py data import sjz.xlsx --region shijiazhuang
    """


@data.command()
@click.argument("region")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="The .xlsx workbook to write.")
@click.option("--from", "first", type=int, default=None, help="First year column (default: the model's INITIAL TIME).")
@click.option("--to", "last", type=int, default=None, help="Last year column (default: last year).")
def template(region, output, first, last):
    """Write REGION's fill-in workbook: one row per series the model uses, one column per year; figures already
    recorded are shown in grey, locked rows; sheet 说明 explains each series and where it is published.

    \b
    Example:
      python run.py data template shijiazhuang -o sjz.xlsx
    """
    from pathlib import Path

    from simulator.errors import DataImportError
    from simulator.plans.datasheet import first_year, last_year, write_template

    if Path(output).suffix.lower() != ".xlsx":
        raise DataImportError(f"{output}: the template is an .xlsx workbook; name it FILE.xlsx")
    plan = _plan(region)
    first = first_year(plan) if first is None else first
    last = last_year() if last is None else last
    if last < first:
        raise DataImportError(f"--from {first} is after --to {last}; give --from YEAR before --to YEAR")
    count = write_template(plan, output, range(first, last + 1))
    click.echo(f"wrote {output}: {count} series, years {first}-{last}")


@data.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--region", required=True, help="Region whose record the figures join (models/REGION/).")
@click.option("--replace", is_flag=True, help="A figure that differs from a recorded one replaces it (else refused).")
@click.option("--max-jump", type=float, default=None,
              help="Refuse a value more than this factor from its series' neighbouring figure (default 1.3).")
@click.option("--office", default=None, help="Your office's name, the publisher of rows sourced 单位内部数据.")
def import_(file, region, replace, max_jump, office):
    """Check FILE (the filled .xlsx template or a long .csv: series, year, value, unit, source) and record its
    figures in models/REGION/data.yaml; a problem refuses the whole file with one line naming the cell.

    \b
    Example:
      python run.py data import sjz.xlsx --region shijiazhuang --office 石家庄市发展和改革委员会
    """
    from simulator.errors import DataImportError
    from simulator.plans.datachecks import MAX_JUMP
    from simulator.plans.dataimport import import_file
    from simulator.yamlmarks import display_path

    if max_jump is not None and max_jump <= 1:
        raise DataImportError(f"--max-jump {max_jump:g}: give a factor above 1, e.g. --max-jump 1.5")
    summary = import_file(_plan(region), file, replace=replace, max_jump=max_jump or MAX_JUMP, office=office)
    series = sorted({c.spec.variable for c in summary.written})
    count = len(summary.written)
    click.echo(f"imported {count} figure{'' if count == 1 else 's'} ({', '.join(series) or 'none new'}) into "
               f"{display_path(summary.path)}; "
               f"{summary.unchanged} already recorded")
    if summary.replaced:
        click.echo(f"replaced: {', '.join(summary.replaced)}")
