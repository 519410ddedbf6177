"""Explore app, the model side: one scenario compiled and sampled once; lever values → goal table and fan data.

An :class:`Explorer` holds what every browser tab shares and never changes: the scenario, its
compiled model (compiled once when the app starts), the sample matrix (``n`` rows drawn once with
the batch's own sampler and seed, so every move reuses the same sampled scenarios: common random
numbers) and the baseline's answers (run once). :meth:`Explorer.evaluate` runs the ``n`` rows with
the moved levers (:mod:`explore.levers`) through :func:`simulator.runs.experiment.run_rows` — the
same goal rule as a batch's ``goals.csv`` — and summarises them with the report's own
:func:`reports.attainment.goal_summary` (P(met), median, 5–95 %, traffic light). Runs are serialised
by a lock: the model is shared, and two cores gain nothing from interleaving two 500-row runs.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from explore import levers as lever_mod

#: Sampled scenarios per move unless ``-n`` says otherwise (the issue asks for at least 500).
DEFAULT_N = 500

#: Quantiles of a fan: the report's bands (95, 75, 50 % central) and the median.
FAN_QUANTILES = (0.025, 0.125, 0.25, 0.5, 0.75, 0.875, 0.975)


@dataclass
class Answer:
    """What one move gives: per goal its summary row, per goal variable the fan quantiles by time."""

    table: pd.DataFrame               # reports.attainment.SUMMARY_COLUMNS
    fans: dict                        # goal id -> list of rows (one per quantile) of values by time
    times: list
    seconds: float
    moved: dict = field(default_factory=dict)


def default_baseline(path) -> Path | None:
    """The sibling baseline of a scenario file: ``baseline_uncertain.yaml`` for ``*_uncertain.yaml``, else ``baseline.yaml``."""
    path = Path(path)
    name = "baseline_uncertain.yaml" if path.stem.endswith("_uncertain") else "baseline.yaml"
    candidate = path.with_name(name)
    return candidate if candidate.exists() and candidate.resolve() != path.resolve() else None


def default_kernel() -> str:
    """``fused`` (the numba step kernel, compiled once at start and cached on disk) when numba is installed, else ``numpy``.

    The kernel is what makes a move answer in a blink: on the regional model, 500 rows take about
    0.05 s fused against 0.35 s in the numpy loop (benchmarks/explore.py). Its results agree with the
    numpy loop to about 1e-15 relative (simulator/engine/kernels/fused.py).
    """
    from simulator.engine.kernels.fused import numba_available

    return "fused" if numba_available() else "numpy"


class Explorer:
    """A scenario ready to answer lever moves (see the module docstring)."""

    def __init__(self, path, baseline=None, n: int | None = None, seed: int | None = None, kernel: str | None = None):
        from reports.indicators import load_indicators
        from simulator.errors import BatchOptionError
        from simulator.runs.chunks import model_of
        from simulator.scenarios.scenario import load_scenario

        self.n = DEFAULT_N if n is None else int(n)
        if self.n < 1:
            raise BatchOptionError(f"-n must be at least 1, got {n}")
        self.path = Path(path)
        self.scenario = load_scenario(path)
        if not self.scenario.goals:
            raise BatchOptionError(f"{path}: the scenario checks no goals; explore a scenario of a region with a plan")
        self.model = model_of(self.scenario)            # compiled once, shared by every tab
        self.kernel = kernel or default_kernel()
        self.scenario.model = self.model
        self.seed = self.scenario.sampling.seed if seed is None else int(seed)
        self.goals = self.scenario.goals
        self.indicators = load_indicators(self.scenario.model_path)
        self.inputs = self._sample(self.scenario)
        self.n = len(self.inputs)                        # a grid design has its own size
        self.baseline_path = Path(baseline) if baseline else None
        self.baseline = None
        if self.baseline_path is not None:
            self.baseline = load_scenario(self.baseline_path)
            self.baseline.model = self.model if self.baseline.model_path == self.scenario.model_path else model_of(self.baseline)
        self.levers = lever_mod.plan_levers(self.scenario, self.baseline, self.indicators)
        self._lock = threading.Lock()
        self.base_answer = self._run(self.baseline, self._sample(self.baseline), {}) if self.baseline else None
        self.plan_answer = self._run(self.scenario, self.inputs, {})

    def _sample(self, scenario) -> pd.DataFrame:
        """The batch's own sample of ``scenario`` (rows 0..n-1 with the explore seed); one empty-column row set if none."""
        from simulator.runs.inputs import scenario_rows

        if not scenario.uncertain:
            return pd.DataFrame(index=pd.RangeIndex(self.n, name="scenario"))
        rows = scenario_rows(scenario, self.n, self.seed)
        frame = pd.DataFrame(rows.rows(0, rows.n), columns=rows.columns)
        frame.index.name = "scenario"
        return frame

    def evaluate(self, values: dict) -> Answer:
        """The goal table and fans with ``values`` (``{lever name: value}``; missing = the scenario's)."""
        scenario, inputs = lever_mod.apply(self.scenario, self.inputs, self.levers, values)
        answer = self._run(scenario, inputs, lever_mod.moved(self.levers, values))
        return answer

    def _run(self, scenario, inputs: pd.DataFrame, moved: dict) -> Answer:
        from reports.attainment import goal_summary
        from simulator.plans.goals import goal_series, goal_spec
        from simulator.runs.experiment import run_rows

        goals = [g for g in self.goals if g.id in set(scenario.goal_ids)] or self.goals
        specs = {g.id: goal_spec(g) for g in goals}
        paths = {g.id: [] for g in goals}
        times = []

        def keep(ds, a, b):
            times[:] = [float(t) for t in ds["time"].values]
            for goal_id, spec in specs.items():
                paths[goal_id].append(np.asarray(goal_series(ds, spec).values, dtype=float))

        started = time.perf_counter()
        with self._lock:
            outcomes = run_rows(scenario, self.model, goals, inputs, on_chunk=keep, kernel=self.kernel)
        rows = pd.concat([pd.DataFrame({
            "goal_id": g.id, "variable": g.variable, "comparison": g.comparison, "year": str(g.year),
            "target": str(g.value), "value": outcomes.value[g.id], "met": outcomes.met[g.id],
            "first_year_met": np.nan, "ok": ~outcomes.failed}) for g in goals], ignore_index=True)
        table = goal_summary(rows, order=[g.id for g in goals])
        fans = {}
        for goal_id, parts in paths.items():
            values = np.concatenate(parts, axis=0)
            values = values[~outcomes.failed]
            quantile = np.quantile if np.isfinite(values).all() else np.nanquantile   # the first is 5x faster
            fans[goal_id] = (quantile(values, FAN_QUANTILES, axis=0).tolist() if len(values)
                             else [[None] * len(times)] * len(FAN_QUANTILES))
        return Answer(table, fans, times, time.perf_counter() - started, moved)

    def goal_rows(self, answer: Answer, lang: str) -> list:
        """The goal table as the page shows it: label, target, P(met), median [5–95 %], verdict word and colour."""
        from reports import formatting as fmt
        from reports.attainment import LIGHT_COLOURS
        from reports.labels import pick

        by_id = {g.id: g for g in self.goals}
        base = ({row.goal_id: row for row in self.base_answer.table.itertuples()} if self.base_answer else {})
        plan = {row.goal_id: row for row in self.plan_answer.table.itertuples()}
        out = []
        for row in answer.table.itertuples():
            goal = by_id[row.goal_id]
            numbers = {"median": row.median, "q05": row.q05, "q95": row.q95}
            other = base.get(row.goal_id)
            out.append({
                "id": row.goal_id, "label": pick(goal.label, lang), "target": fmt.target(goal, lang),
                "p_met": row.p_met, "p_text": fmt.percent(row.p_met), "outcome": fmt.outcome(goal, numbers, lang),
                "light": row.light, "verdict": fmt.verdict_word(row.light, lang), "colour": LIGHT_COLOURS[row.light],
                "plan_p_text": fmt.percent(plan[row.goal_id].p_met),
                "base_p_text": fmt.percent(other.p_met) if other is not None else "",
                "base_colour": LIGHT_COLOURS[other.light] if other is not None else "",
                "unit": fmt.unit(goal.unit, lang), "comparison": goal.comparison,
                "target_value": goal.value if isinstance(goal.value, (int, float)) else None,
                "target_pair": list(goal.value) if isinstance(goal.value, (list, tuple)) else None,
                "year": goal.year,
            })
        return out
