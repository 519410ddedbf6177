"""Command-line shell, what-it-would-take commands (sensitivity, seek, discover): parse, call one library function, print.

Registered on run.py's ``cli`` group; kept in their own module so run.py stays short.
"""

import sys

import click


def _goal_list(text):
    return [g.strip() for g in text.split(",") if g.strip()] if text else None


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--method", type=click.Choice(["sobol", "morris", "delta"]), default="sobol", show_default=True)
@click.option("-n", "n", type=int, default=None,
              help="Base samples (sobol: power of 2, runs n*(D+2), default 1024; morris: trajectories, default 100; "
                   "delta: runs, default 4096).")
@click.option("--seed", type=int, default=None, help="Design and bootstrap seed (default: the file's sampling.seed).")
@click.option("--goals", default=None, help="Comma-separated goal ids (default: the scenario's goals).")
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Folder to write (default: out/<region>-<scenario>-sensitivity-<method>-<timestamp>).")
@click.option("--chunk-size", type=int, default=None, help="Runs per model call (default 20000).")
@click.option("--second-order", is_flag=True, help="Sobol' only: also the pair indices S2 (runs n*(2D+2)).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def sensitivity(scenario, method, n, seed, goals, out, chunk_size, second_order, quiet):
    """Global sensitivity (SALib) of each goal to the scenario's uncertain inputs, on the goal value and on met.

    Writes sensitivity.csv and sensitivity.json (docs/sensitivity.md) and prints the top inputs.

    \b
    Example:
      python run.py sensitivity scenarios/jizhou/plan_uncertain.yaml -n 1024 --seed 1
      python run.py sensitivity scenarios/jizhou/plan_uncertain.yaml --method morris --goals big_health_100_2025
    """
    from simulator.runs.progress import ProgressLine
    from simulator.runs.sensitivity import format_sensitivity, run_sensitivity

    folder = run_sensitivity(scenario, method=method, n=n, seed=seed, goals=_goal_list(goals), out=out,
                             chunk_size=chunk_size, progress=None if quiet else ProgressLine(),
                             command=" ".join(["python run.py", *sys.argv[1:]]), second_order=second_order)
    click.echo(format_sensitivity(folder), nl=False)
    click.echo(f"wrote {folder}")


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--goal", required=True, help="Goal id of the region's plan.")
@click.option("--lever", default=None,
              help="A constant (searched: its value from the plan's start year) or a time path of the scenario "
                   "(searched: its end point); not a 0/1 switch. Default: the first of the goal's levers: in plan.yaml.")
@click.option("--prob", type=float, default=0.8, show_default=True, help="P(met) to reach.")
@click.option("--range", "value_range", default=None, metavar="LOW,HIGH",
              help="Lever values to search, in the lever's units (default: the range of the plan's assumption "
                   "on it, or the uncertain input's support).")
@click.option("-n", "n", type=int, default=None, help="Sampled scenarios per magnitude (default: the file's sampling.n).")
@click.option("--seed", type=int, default=None, help="Sampling seed (default: the file's sampling.seed).")
@click.option("--points", type=int, default=11, show_default=True, help="Lever values on the first pass.")
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Folder to write (default: out/<region>-<scenario>-seek-<goal>-<timestamp>).")
def seek(scenario, goal, lever, prob, value_range, n, seed, points, out):
    """The lever value, in its own units and from the plan's start year, at which P(goal met) reaches --prob.

    The plan's start year is plan.yaml's start_year; the history before it is never changed. "not found" is an
    answer too (the highest P(met) in the range is printed). Writes seek.csv (the P(met) curve) and seek.json
    (goal, lever, unit, plan value, needed value, probability, found: docs/sensitivity.md).

    \b
    Example:
      python run.py seek scenarios/jizhou/plan_uncertain.yaml --goal big_health_100_2025 -n 64
      python run.py seek scenarios/jizhou/plan_uncertain.yaml --goal reclaimed_water_2025 --lever reclaimed_water_target_rate
    """
    from simulator.errors import BatchOptionError
    from simulator.runs.seek import format_seek, goal_lever
    from simulator.runs.seek import seek as run_seek

    bounds = None
    if value_range:
        try:
            bounds = tuple(float(x) for x in value_range.split(","))
        except ValueError:
            bounds = ()
        if len(bounds) != 2:
            raise BatchOptionError(f"--range {value_range!r}: write LOW,HIGH, e.g. --range 0,3")
    lever = lever or goal_lever(scenario, goal)
    folder, result, table = run_seek(scenario, goal, lever, prob=prob, value_range=bounds, n=n, seed=seed,
                                     points=points, out=out, command=" ".join(["python run.py", *sys.argv[1:]]))
    click.echo(format_seek(result, table), nl=False)
    click.echo(f"wrote {folder}")


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--goals", default=None, help="Comma-separated goal ids (default: the scenario's goals).")
@click.option("-n", "n", type=int, default=None, help="Sampled scenarios (default: the file's sampling.n).")
@click.option("--seed", type=int, default=None, help="Sampling seed (default: the file's sampling.seed).")
@click.option("--max-p-met", type=float, default=0.8, show_default=True, help="Study goals met at most this often.")
@click.option("--min-coverage", type=float, default=0.5, show_default=True,
              help="The box reported covers at least this share of the failures.")
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Folder to write (default: out/<region>-<scenario>-discovery-<timestamp>).")
def discover(scenario, goals, n, seed, max_p_met, min_coverage, out):
    """Scenario discovery: PRIM boxes of the uncertain inputs under which each often-failing goal fails.

    Writes discovery_steps.csv, discovery_limits.csv and discovery.json (docs/sensitivity.md).

    \b
    Example:
      python run.py discover scenarios/jizhou/plan_uncertain.yaml -n 2000
    """
    from simulator.runs.discovery import discover as run_discover
    from simulator.runs.discovery import format_discovery

    folder, meta = run_discover(scenario, goals=_goal_list(goals), n=n, seed=seed, max_p_met=max_p_met,
                                min_coverage=min_coverage, out=out, command=" ".join(["python run.py", *sys.argv[1:]]))
    click.echo(format_discovery(meta), nl=False)
    click.echo(f"wrote {folder}")

