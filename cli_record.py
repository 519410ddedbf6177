"""Command-line shell, commands on the record and on run-folder files (calibrate, validate-history, export, schema).

Registered on run.py's ``cli`` group; kept in their own module so run.py stays short. Each command
parses, calls one library function, prints.
"""

import click

@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--free", "free", required=True,
              help="Comma-separated constants to fit, as written in the scenario's set: (bounds from the plan's assumptions).")
@click.option("--max-evals", type=int, default=100, show_default=True, help="Iteration budget of the least-squares fit.")
@click.option("--fit-until", type=int, default=None,
              help="Fit only on figures up to this year (later ones are kept for out-of-sample validation).")
@click.option("--ranges", is_flag=True,
              help="Also refit once without each figure: each constant's range as the record supports it.")
def calibrate(scenario, free, max_evals, fit_until, ranges):
    """Fit constants of a baseline scenario to its plan's history; print fitted values and MAPE per series.

    \b
    Example:
      python run.py calibrate scenarios/jizhou/baseline.yaml --free "tfp_growth[secondary]" --fit-until 2019
    """
    from simulator.runs.calibration import calibrate_scenario, format_result

    names = [name.strip() for name in free.split(",") if name.strip()]
    result = calibrate_scenario(scenario, names, max_nfev=max_evals, fit_until=fit_until)
    click.echo(format_result(result))
    if ranges:
        from simulator.runs.calibration import calibration_problem
        from simulator.runs.fit_ranges import format_ranges, jackknife_ranges

        model, run_kwargs, free_params, targets, keys = calibration_problem(scenario, names, fit_until)
        found = jackknife_ranges(model, run_kwargs, free_params, targets, keys=keys, max_nfev=max_evals)
        click.echo(format_ranges(found, len(targets), len(free_params)))


@click.command("validate-history")
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--fit-until", type=int, default=None,
              help="Last year of the fit window (default: the plan's calibration.fit_until, else 2019).")
@click.option("--refit", is_flag=True,
              help="First refit the plan's calibration.free constants on the figures up to --fit-until.")
def validate_history(scenario, fit_until, refit):
    """Compare a calibrated baseline with the published record: in- and out-of-sample MAPE, RMSPE, Theil.

    \b
    Example:
      python run.py validate-history scenarios/jizhou/baseline.yaml
      python run.py validate-history scenarios/shijiazhuang/baseline.yaml --fit-until 2021 --refit
    """
    from simulator.runs.validation import format_report, validate_scenario

    click.echo(format_report(validate_scenario(scenario, fit_until, refit=refit)))


@click.command()
@click.argument("run_dir", type=click.Path(file_okay=False))
@click.option("--netcdf", "netcdf", is_flag=True, required=True, help="Write the results as one NetCDF-4 file.")
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="The file (default RUN_DIR/results.nc).")
def export(run_dir, netcdf, out):
    """Export a finished batch's results (results.zarr) as a single results.nc.

    \b
    Example:
      python run.py export out/jizhou-baseline_uncertain-20261130-020000 --netcdf
    """
    from simulator.runs.runstore import export_netcdf

    click.echo(f"wrote {export_netcdf(run_dir, out)}")




@click.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="File to write (default: stdout), e.g. docs/scenario.schema.json.")
def schema(output):
    """Print or write the JSON Schema of scenario files (editors use it for completion and inline errors).

    \b
    Example:
      python run.py schema -o docs/scenario.schema.json
    """
    from simulator.runs.runstore import write_text_atomic
    from simulator.scenarios.schema_json import schema_text

    if output is None:
        click.echo(schema_text(), nl=False)
        return
    from pathlib import Path

    write_text_atomic(Path(output), schema_text())
    click.echo(f"wrote {output}")
