"""Report stage, numbers: one summary row per goal (from simulator.plans.attainment) plus its traffic light.

The numbers themselves (P(met), value range, first year met) are defined and computed only in
:mod:`simulator.plans.attainment`, the same function ``run.py show`` uses; this module adds the
report's traffic light: ``green`` when ``p_met >= 0.9``, ``amber`` when ``>= 0.5``, else ``red``.
"""

import numpy as np
import pandas as pd

from simulator.plans import attainment

#: (lower bound of p_met, light name), checked from the top.
LIGHTS = ((0.9, "green"), (0.5, "amber"), (0.0, "red"))

#: Colours of the traffic lights (colour-blind safe enough with the text label next to them).
LIGHT_COLOURS = {"green": "#2e9e44", "amber": "#f0a500", "red": "#d0312d"}

SUMMARY_COLUMNS = [*attainment.SUMMARY_COLUMNS, "light"]


def traffic_light(p_met: float) -> str:
    """``"green"``, ``"amber"`` or ``"red"`` for a probability of meeting a goal."""
    for lower, light in LIGHTS:
        if p_met >= lower:
            return light
    return "red"


def goal_summary(goals: pd.DataFrame, order=None) -> pd.DataFrame:
    """:func:`simulator.plans.attainment.goal_summary` with a ``light`` column (columns :data:`SUMMARY_COLUMNS`)."""
    table = attainment.goal_summary(goals, order)
    table["light"] = [traffic_light(p) if np.isfinite(p) else "red" for p in table["p_met"]]
    return table[SUMMARY_COLUMNS]
