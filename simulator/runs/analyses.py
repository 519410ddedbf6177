"""Finished batch run folder → its ``analysis/`` subfolder: the sensitivity of every goal and a seek per unlikely goal.

``batch --report`` calls :func:`complete_analyses` on the plan run (the run a report reads as the
plan, :func:`scenario_role`) so that the report is complete without further commands:

- ``analysis/sensitivity/``: :func:`simulator.runs.sensitivity.run_sensitivity` (Sobol', base
  samples :data:`SENSITIVITY_N`) over the run's scenario, every goal;
- ``analysis/seek-<goal>/``: :func:`simulator.runs.seek.seek` for every goal with P(met) below
  :data:`UNLIKELY` whose plan names ``levers:`` (the first lever, the default range, target
  probability :data:`SEEK_PROB`, :data:`SEEK_N` samples per magnitude).

The report finds them there (``reports.evidence``); ``python run.py sensitivity|seek|discover
… --out RUN/analysis/<kind>`` adds or replaces one by hand.
"""

from __future__ import annotations

from pathlib import Path

#: Sobol' base samples of the default sensitivity (runs = N·(D+2)); enough for the indices of the shipped
#: regions' main inputs, and the report says in words where it is not (issue 21).
SENSITIVITY_N = 512

#: Goals with P(met) below this get a seek; the probability the seek asks for; samples per magnitude.
UNLIKELY, SEEK_PROB, SEEK_N = 0.5, 0.8, 200


def scenario_role(name: str) -> str:
    """``"baseline"`` for a scenario named ``baseline…``, else ``"plan"`` (how a report orders its runs).

    >>> scenario_role("baseline_uncertain"), scenario_role("plan_uncertain"), scenario_role("my_variant")
    ('baseline', 'plan', 'plan')
    """
    return "baseline" if str(name).lower().startswith("baseline") else "plan"


def plan_folder(folders: list) -> Path:
    """The first folder whose scenario is a plan (not a baseline), else the first folder."""
    from simulator.runs.runstore import RunFolder

    for folder in folders:
        _, manifest = RunFolder.open_complete(Path(folder))
        if scenario_role(manifest.get("scenario", "")) == "plan":
            return Path(folder)
    return Path(folders[0])


def unlikely_goals(folder: Path) -> list:
    """Goal ids of the run with P(met) below :data:`UNLIKELY`, in goals.csv order."""
    from simulator.plans.attainment import goal_summary
    from simulator.runs.runstore import read_goals

    summary = goal_summary(read_goals(folder))
    return [str(g) for g, p in zip(summary["goal_id"], summary["p_met"]) if p < UNLIKELY]


def complete_analyses(folder, progress=None, echo=None) -> list:
    """Write the sensitivity of every goal and a seek per unlikely goal with a lever into ``folder/analysis``.

    Returns the folders written. A seek that cannot run (a lever the scenario cannot vary) is left
    out with a line to ``echo``; the report then says so for that goal.
    """
    from simulator.errors import SimulatorError
    from simulator.runs.runstore import RunFolder
    from simulator.runs.seek import seek
    from simulator.runs.sensitivity import run_sensitivity
    from simulator.scenarios.scenario import load_scenario

    folder = Path(folder)
    _, manifest = RunFolder.open_complete(folder)
    scenario_path = manifest.get("scenario_path")
    base = folder / "analysis"
    written = []
    scenario = load_scenario(scenario_path, check_model=False)
    if not scenario.uncertain:
        return written
    target = base / "sensitivity"
    if not target.exists():
        written.append(run_sensitivity(scenario_path, "sobol", SENSITIVITY_N, out=target, progress=progress,
                                       command="python run.py batch … --report"))
    plan = scenario.plan
    for goal_id in unlikely_goals(folder):
        levers = plan.goal(goal_id).levers if plan is not None else ()
        target = base / f"seek-{goal_id}"
        if not levers or target.exists():
            continue
        try:
            out, _, _ = seek(scenario_path, goal_id, levers[0], prob=SEEK_PROB, n=min(SEEK_N, scenario.sampling.n),
                             out=target, command="python run.py batch … --report")
            written.append(out)
        except SimulatorError as err:
            if echo:
                echo(f"seek {goal_id}: {err}")
    return written
