"""Command-line shell, the explore command: load the scenario once, then serve the local web app until Ctrl-C.

Registered on run.py's ``cli`` group; kept in its own module so run.py stays short.
"""

import click


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--baseline", type=click.Path(dir_okay=False), default=None,
              help="Scenario shown beside it (default: the sibling baseline_uncertain.yaml or baseline.yaml).")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Language of the page.")
@click.option("-n", "n", type=int, default=None, help="Sampled scenarios per move (default 500).")
@click.option("--seed", type=int, default=None, help="Sampling seed (default: the file's sampling.seed).")
@click.option("--kernel", type=click.Choice(["auto", "fused", "numpy"]), default=None,
              help="Engine step kernel (default: fused when numba is installed, else numpy).")
@click.option("--save-dir", type=click.Path(file_okay=False), default=None,
              help="Folder for 'save as scenario' (default: the scenario's own folder).")
def explore(scenario, baseline, port, lang, n, seed, kernel, save_dir):
    """Explore SCENARIO in the browser: its plan levers as sliders, every move answered with P(met)
    and fan charts from the same sampled scenarios; save a moved set as a scenario file, report it.

    Serves http://127.0.0.1:PORT/ (local only, nothing fetched from the internet) until Ctrl-C.

    \b
    Example:
      python run.py explore scenarios/jizhou/plan_uncertain.yaml
      python run.py explore scenarios/shijiazhuang_metro/plan_uncertain.yaml --lang en --port 8800
    """
    from explore.server import bind, serve
    from explore.session import Explorer, default_baseline

    sockets = bind(port)
    click.echo("explore: compiling the model and running the plan and its baseline …")
    try:
        explorer = Explorer(scenario, baseline or default_baseline(scenario), n=n, seed=seed, kernel=kernel)
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    serve(explorer, sockets, lang=lang, save_dir=save_dir, echo=click.echo)
