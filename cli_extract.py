"""Command-line shell, plan texts: extract (plan text → draft plan.yaml) and region new (a runnable region from a plan text).

Registered on run.py's ``cli`` group. Each command parses, calls one library function, prints.
"""

import sys
from pathlib import Path

import click


@click.command()
@click.argument("plan_text", type=click.Path(dir_okay=False))
@click.option("-o", "output", type=click.Path(dir_okay=False), default=None, help="Write the draft here (default: stdout).")
@click.option("--year-default", type=int, default=None,
              help="Year of a target that names none (a work report's 今年); default: the plan period's last year.")
def extract(plan_text, output, year_default):
    """Read a plan text's quantitative targets into a draft plan.yaml (goals, history); counts on stderr.

    \b
    Example:
      python run.py extract ../shared/seeds/003_28c4fe0a356f8a23.txt -o draft.yaml
      python run.py extract report2023.txt --year-default 2023
    """
    from simulator.plans.extract.document import document, dump, summary
    from simulator.plans.extract.draft import extract as read_text

    draft = read_text(plan_text, year_default=year_default)
    text = dump(document(draft), draft.doc)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}")
    else:
        sys.stdout.write(text)
    click.echo(summary(draft), err=True)


@click.group()
def region():
    """Regions: make a new one from a plan text (see: python run.py region new --help).

    \b
    Example:
      python run.py region new hengshui --plan plan.txt --like jizhou
    """


@region.command("new")
@click.argument("name")
@click.option("--plan", "plan_text", required=True, type=click.Path(dir_okay=False), help="The plan text (UTF-8).")
@click.option("--like", default="jizhou", show_default=True,
              help="Region whose model, assumptions and scenarios are borrowed (marked borrowed, ranges widened).")
@click.option("--project", type=click.Path(file_okay=False), default=".", show_default=True,
              help="Project folder holding models/ and scenarios/.")
@click.option("--year-default", type=int, default=None, help="Year of a target that names none (see extract).")
def region_new(name, plan_text, like, project, year_default):
    """Create models/NAME/plan.yaml and scenarios/NAME/ (baseline, plan, their uncertain forms) from a plan text.

    \b
    Example:
      python run.py region new hengshui --plan plan.txt --like jizhou
      python run.py batch scenarios/hengshui/plan_uncertain.yaml -n 200 --report pdf
    """
    from simulator.plans.extract.document import summary
    from simulator.scenarios.region_new import create_region

    made = create_region(name, plan_text, like=like, project=project, year_default=year_default)
    for path in made.written:
        click.echo(f"wrote {path}")
    click.echo(made.note + _data_template(name, Path(project)))
    click.echo(summary(made.draft), err=True)


def _data_template(name: str, project: Path) -> str:
    """Write models/NAME/data_template.xlsx (as `data template NAME` would) for the office to fill; say where."""
    from simulator.plans.datasheet import first_year, last_year, write_template
    from simulator.plans.plan import load_plan

    plan = load_plan(project / "models" / name / "plan.yaml")
    target = project / "models" / name / "data_template.xlsx"
    count = write_template(plan, target, range(first_year(plan), last_year() + 1))
    return f"; data template {target} ({count} series to fill)"
