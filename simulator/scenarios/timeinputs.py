"""Scenarios wing, at load time: refuse a scenario that varies an input the model's time settings read.

Every scenario of a batch runs on one time grid (engine/timegrid.py), so a constant that INITIAL
TIME, FINAL TIME, TIME STEP or SAVEPER reads may be set (``set:``: one value for every scenario)
but not sampled (``uncertain:``) nor moved over time (``levers:``). Checked before a batch
creates its folder; the error names the scenario file and line, the input, the time setting and
the fix.
"""

from __future__ import annotations

SCENARIO_FIELDS = {"initial_time": "start", "final_time": "end", "time_step": "dt", "saveper": "saveper"}


def check_time_inputs(merged, scenario) -> None:
    """Raise ScenarioError (file:line) if an uncertain input or lever feeds a time setting the
    scenario does not fix itself in ``time:``."""
    from simulator.engine.timegrid import LABELS, control_inputs      # the engine loads on first use

    model_ir = getattr(scenario.model, "ir", None)
    if model_ir is None:
        return
    inputs = control_inputs(model_ir)
    sections = (("uncertain", [spec.name for spec in scenario.uncertain], "is sampled"),
                ("levers", list(scenario.lever_specs), "is a time series"))
    for key, ids in inputs.items():
        field = SCENARIO_FIELDS[key]
        if scenario.time.get(field) is not None:
            continue        # the scenario's own time.<field> replaces the model's equation
        for section, names, how in sections:
            for name in names:
                vid = scenario.targets[name].split("[")[0]
                if vid in ids:
                    merged.fail((section, name), (
                        f"{section}.{name} {how}, but the model's {LABELS[key]} reads it: every scenario of a batch "
                        f"shares one time grid; move {name} to set: (one value), or give time.{field} in the scenario"))
