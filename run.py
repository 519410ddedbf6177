"""Command-line shell over simulator/ and reports/: each command parses, calls one library function, prints."""

import sys

import click

from simulator.errors import SimulatorError


class _Group(click.Group):
    """A click group that turns any SimulatorError into one ``Error: …`` line and exit code 1."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except SimulatorError as err:
            click.echo(f"Error: {err}", err=True)
            ctx.exit(1)


@click.group(cls=_Group)
@click.version_option(package_name="plansim")
def cli():
    """plansim: simulate system-dynamics models of regional plans, in batches, against the plans' goals."""


# --- engine commands (simulate, check) -------------------------------------------------------

# --- scenario and batch commands (batch, validate, list, show) -------------------------------

# --- report commands (report) ------------------------------------------------------------------


if __name__ == "__main__":
    sys.exit(cli())
