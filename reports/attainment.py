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

#: Colours of the traffic lights: bluish green, orange and a true red (a 红灯 reads red, issue 21), always
#: printed with a word (:func:`verdict`) so the light reads without colour; in greyscale the three differ in
#: lightness (orange lightest, red darkest). Goals given no probability (reports.verdicts) get grey dots.
LIGHT_COLOURS = {"green": "#007a5a", "amber": "#e69f00", "red": "#c8102e"}

#: Dots of the verdicts that replace a probability: set by a lever, cannot be judged from public data.
VERDICT_COLOURS = {"set": "#8c8c8c", "undecidable": "#4a5568"}

#: Marker shape of each light in charts (filled circle, diamond, cross), so a grey print tells them apart.
LIGHT_MARKERS = {"green": "o", "amber": "D", "red": "X"}


def verdict(light: str, lang: str) -> str:
    """The light as a word: likely / uncertain / unlikely (可能达成 / 不确定 / 不太可能)."""
    from .labels import text

    return text(f"verdict_{light}", lang)

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
