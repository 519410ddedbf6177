"""Scenario → scenario discovery: PRIM boxes over the uncertain inputs where a goal fails (``run.py discover``).

PRIM (Friedman & Fisher 1999, the patient rule induction method as the EMA workbench uses it for
scenario discovery; Bryant & Lempert 2010): start from the box holding every sampled scenario;
at each step peel off the ``alpha`` share of the box's scenarios at the low or high end of one
input, choosing the peel that leaves the highest share of failures (density) inside; stop when
the box holds less than ``min_support`` of all scenarios. Every step is kept (the peeling
trajectory) with its **coverage** (failures inside / all failures), **density** (failures inside
/ scenarios inside) and **support** (scenarios inside / all). The box reported is the least
peeled one that covers at least ``min_coverage`` of the failures and reaches 90 % of the densest
such box's gain in density over the whole sample; when no box is 5 points denser than the whole
sample, the whole range (a goal that fails almost everywhere gets no spurious cut). Own implementation (peeling only,
no pasting): the EMA workbench would add a heavy dependency tree (ipyparallel, platypus,
SALib pinned, …) for about sixty lines of numpy, tested here on data with a known box.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator.errors import BatchOptionError
from simulator.runs.experiment import check_out_folder, load_for_experiment, run_rows, write_folder

ALPHA, MIN_SUPPORT, MIN_COVERAGE = 0.05, 0.05, 0.5


@dataclass
class Step:
    """One box of the peeling trajectory: its limits and how good it is."""

    low: np.ndarray
    high: np.ndarray
    coverage: float
    density: float
    support: float


def prim(x: np.ndarray, y: np.ndarray, alpha: float = ALPHA, min_support: float = MIN_SUPPORT) -> list[Step]:
    """The peeling trajectory of boxes over ``x`` (n × d) concentrating ``y`` (1 = case of interest)."""
    y = np.asarray(y, dtype=float)
    total, n = y.sum(), len(y)
    inside = np.ones(n, dtype=bool)
    low, high = x.min(axis=0).astype(float), x.max(axis=0).astype(float)

    def step() -> Step:
        cases = y[inside].sum()
        return Step(low.copy(), high.copy(), float(cases / total) if total else 0.0,
                    float(cases / inside.sum()), float(inside.sum() / n))

    trajectory = [step()]
    while inside.sum() / n > min_support:
        best = None
        for j in range(x.shape[1]):
            values = x[inside, j]
            for side, cut in (("low", np.quantile(values, alpha)), ("high", np.quantile(values, 1 - alpha))):
                keep = inside & (x[:, j] > cut if side == "low" else x[:, j] < cut)
                if keep.sum() == inside.sum() or keep.sum() / n < min_support or not keep.any():
                    continue
                density = y[keep].mean()
                if best is None or density > best[0]:
                    best = (density, j, side, cut, keep)
        if best is None or best[0] <= trajectory[-1].density:
            break
        _, j, side, cut, inside = best
        if side == "low":
            low[j] = cut
        else:
            high[j] = cut
        trajectory.append(step())
    return trajectory


def choose(trajectory: list[Step], min_coverage: float = MIN_COVERAGE, slack: float = 0.05) -> int:
    """The simplest box nearly as dense as the best among those with coverage >= ``min_coverage``.

    The first (least peeled) box reaching 90 % of the best box's density gain over the whole
    sample; box 0 (the whole range) when no box is at least ``slack`` denser than it.
    """
    ok = [i for i, s in enumerate(trajectory) if s.coverage >= min_coverage]
    base = trajectory[0].density
    best = max((trajectory[i].density for i in ok), default=base)
    if best - base < slack:
        return 0
    return next(i for i in ok if trajectory[i].density - base >= 0.9 * (best - base))


def in_words(step: Step, names: list, full_low: np.ndarray, full_high: np.ndarray) -> str:
    """"fails when a < 0.3 and 0.6 < b" for the inputs the box restricts (``in the whole sampled range`` if none)."""
    parts = []
    for j, name in enumerate(names):
        cut_low, cut_high = step.low[j] > full_low[j], step.high[j] < full_high[j]
        if cut_low and cut_high:
            parts.append(f"{step.low[j]:.4g} < {name} < {step.high[j]:.4g}")
        elif cut_low:
            parts.append(f"{name} > {step.low[j]:.4g}")
        elif cut_high:
            parts.append(f"{name} < {step.high[j]:.4g}")
    return "fails when " + " and ".join(parts) if parts else "fails across the whole sampled range"


def discover(path, goals=None, n=None, seed=None, max_p_met: float = 0.8, min_coverage: float = MIN_COVERAGE,
             out=None, chunk_size=None, progress=None, command: str = ""):
    """PRIM boxes for each goal met in at most ``max_p_met`` of the scenario's sample; returns ``(folder, summary)``."""
    if not 0 < min_coverage <= 1:
        raise BatchOptionError(f"--min-coverage must lie in (0, 1], got {min_coverage}")
    scenario, model, goal_list = load_for_experiment(path, goals)
    seed = scenario.sampling.seed if seed is None else int(seed)
    inputs = scenario.sample_inputs(n=n, seed=seed)
    label = f"{scenario.region}-{scenario.name}" if scenario.region else scenario.name
    folder = check_out_folder(out, f"{label}-discovery")
    started = time.perf_counter()
    outcomes = run_rows(scenario, model, goal_list, inputs, chunk_size=chunk_size, progress=progress)
    x, names = inputs.to_numpy(dtype=float), list(inputs.columns)
    full_low, full_high = x.min(axis=0), x.max(axis=0)
    steps_rows, limit_rows, summary = [], [], {}
    for goal_id in outcomes.goal_ids:
        failed = 1 - outcomes.met[goal_id].astype(float)
        p_met = 1 - float(failed.mean())
        entry = {"p_met": p_met, "studied": bool(p_met <= max_p_met and failed.any())}
        if entry["studied"]:
            trajectory = prim(x, failed)
            chosen = choose(trajectory, min_coverage)
            box = trajectory[chosen]
            entry.update(step=chosen, coverage=box.coverage, density=box.density, support=box.support,
                         words=in_words(box, names, full_low, full_high),
                         box={name: [float(box.low[j]), float(box.high[j])] for j, name in enumerate(names)
                              if box.low[j] > full_low[j] or box.high[j] < full_high[j]})
            for i, s in enumerate(trajectory):
                steps_rows.append([goal_id, i, s.coverage, s.density, s.support, int(i == chosen)])
                limit_rows += [[goal_id, i, name, s.low[j], s.high[j]] for j, name in enumerate(names)
                               if s.low[j] > full_low[j] or s.high[j] < full_high[j]]
        summary[goal_id] = entry
    meta = {"kind": "discovery", "scenario": str(scenario.path), "scenario_name": scenario.name,
            "region": scenario.region, "n": len(inputs), "seed": seed, "alpha": ALPHA, "min_support": MIN_SUPPORT,
            "min_coverage": min_coverage, "max_p_met": max_p_met, "goals": summary, "command": command,
            "seconds": round(time.perf_counter() - started, 3)}
    steps = pd.DataFrame(steps_rows, columns=["goal_id", "step", "coverage", "density", "support", "chosen"])
    limits = pd.DataFrame(limit_rows, columns=["goal_id", "step", "input", "low", "high"])
    write_folder(folder, {
        "discovery_steps.csv": lambda p: steps.to_csv(p, index=False, float_format="%.6g"),
        "discovery_limits.csv": lambda p: limits.to_csv(p, index=False, float_format="%.6g"),
        "discovery.json": lambda p: p.write_text(json.dumps(meta, indent=2, ensure_ascii=False)),
    })
    return folder, meta


def format_discovery(meta: dict) -> str:
    """One paragraph per goal, as ``run.py discover`` prints it."""
    lines = [f"scenario discovery (PRIM) on {meta['scenario_name']}: {meta['n']:,} sampled scenarios"]
    for goal_id, entry in meta["goals"].items():
        if not entry["studied"]:
            lines.append(f"{goal_id}: P(met) {entry['p_met']:.1%} (not studied: above {meta['max_p_met']:.0%} "
                         f"or never failing)")
            continue
        lines.append(f"{goal_id}: P(met) {entry['p_met']:.1%}; {entry['words']} "
                     f"(coverage {entry['coverage']:.0%}, density {entry['density']:.0%}, "
                     f"support {entry['support']:.0%}, step {entry['step']})")
    return "\n".join(lines) + "\n"
