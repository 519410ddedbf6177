"""Calibration → ranges of the fitted constants from the record: leave-one-figure-out refits (a jackknife).

Sits after ``runs/calibration.py``: with more figures than free constants, refitting once without
each figure shows how far each constant moves when one published figure is dropped; the range
of those refits (widened by the jackknife's (m-1)/m variance factor into a ±2 σ band, clipped to
the assumption's range) is the constant's uncertainty as the record supports it, ready to be
sampled by an uncertain scenario. With no spare figures there is no such range: the fit is
exactly identified and the constant keeps its assumed range.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.runs.calibration import BatchObjective, fit


@dataclass(frozen=True)
class FitRange:
    """A fitted constant's value, its leave-one-out refits and the ±2 σ jackknife band.

    ``identified`` is False when dropping one figure leaves nothing that moves the constant (it
    rests on a single figure): the band then says nothing and the assumed range stands.
    """

    name: str
    value: float
    refits: tuple
    low: float
    high: float
    identified: bool = True


def _identified(model, run_kwargs, free, targets, keys, values: dict) -> np.ndarray:
    """Per constant: does any remaining figure respond to it at the refitted point?"""
    objective = BatchObjective(model, run_kwargs, free, targets, keys)
    low = np.array([p.low for p in free])
    high = np.array([p.high for p in free])
    u = (np.array([values[p.name] for p in free]) - low) / (high - low)
    return np.linalg.norm(objective.jac(np.clip(u, 0.0, 1.0)), axis=0) > 1e-9


def jackknife_ranges(model, run_kwargs: dict, free: list, targets: list, *, keys=None, max_nfev: int = 100) -> list:
    """Leave-one-out refits of ``free`` on ``targets``; [] when figures do not exceed constants."""
    m = len(targets)
    if m <= len(free):
        return []
    full = fit(model, run_kwargs, free, targets, keys=keys, max_nfev=max_nfev)
    rows, identified = [], np.ones(len(free), dtype=bool)
    for i in range(m):
        subset = targets[:i] + targets[i + 1:]
        values = fit(model, run_kwargs, free, subset, keys=keys, max_nfev=max_nfev).values
        rows.append([values[p.name] for p in free])
        identified &= _identified(model, run_kwargs, free, subset, keys, values)
    refits = np.array(rows)
    spread = np.sqrt((m - 1) / m * ((refits - refits.mean(axis=0)) ** 2).sum(axis=0))
    ranges = []
    for j, parameter in enumerate(free):
        centre = full.values[parameter.name]
        low = float(np.clip(centre - 2 * spread[j], parameter.low, parameter.high))
        high = float(np.clip(centre + 2 * spread[j], parameter.low, parameter.high))
        ranges.append(FitRange(parameter.name, centre, tuple(float(v) for v in refits[:, j]), low, high,
                               bool(identified[j])))
    return ranges


def format_ranges(ranges: list, n_figures: int, n_free: int) -> str:
    """Plain-text lines for ``calibrate --ranges``."""
    if not ranges:
        return (f"ranges from the record: none — {n_figures} figures for {n_free} free constants is exactly "
                "identified; the constants keep their assumed ranges")
    lines = [f"ranges from the record (leave-one-out refits over {n_figures} figures, ±2 jackknife σ):"]
    for r in ranges:
        refits = ", ".join(f"{v:.4g}" for v in r.refits)
        if not r.identified:
            lines.append(f"  {r.name}: {r.value:.4g} rests on a single figure: no range from the record; "
                         f"keep its assumed range  (refits: {refits})")
            continue
        lines.append(f"  {r.name}: {r.value:.4g} [{r.low:.4g}, {r.high:.4g}]  (refits: {refits})")
    sampled = [r for r in ranges if r.identified and r.high > r.low]
    if sampled:  # ready for an uncertain scenario's uncertain: block, so its ranges follow the refit
        lines.append("for the uncertain scenario's uncertain: block (the record's ranges):")
        lines += [f'  "{r.name}": {{dist: uniform, low: {r.low:.4g}, high: {r.high:.4g}}}' for r in sampled]
    return "\n".join(lines)
