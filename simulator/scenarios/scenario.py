"""Scenario YAML (scenarios/<region>/*.yaml) → validated :class:`Scenario`: what a batch runs, checked up front.

Data flow: ``scenarios/*.yaml ──(validate)──▶ ScenarioSet ──(sample)──▶ input matrix``. This
module follows the ``extends:`` chain (simulator.scenarios.files), has every section checked
against the schema of docs/interfaces.md §3 (simulator.scenarios.schema), loads the region's plan
(simulator.plans.plan) and the model (simulator.load_model), and checks every named variable against
the model. The result hands the batch runner its sample (:meth:`Scenario.sample_inputs`) and its
``CompiledModel.run`` keyword arguments (:meth:`Scenario.run_kwargs`). Every error is one
ScenarioError line:
``<file>:<line>: <key>: <problem>; <what is allowed>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
if TYPE_CHECKING:        # pandas is imported where a frame is built (~0.5 s saved for validate and list)
    import pandas as pd

from simulator.scenarios.distributions import UncertainInput
from simulator.errors import ScenarioError
from simulator.scenarios.sampling import SampleSpace, correlation_matrix, sample
from simulator.scenarios.files import merge, read_chain
from simulator.scenarios.outputs import OutputForm, parse_outputs
from simulator.scenarios.schema import (DEFAULT_SAMPLING, TIME_KEYS, Sampling, parse_correlation,
                              parse_levers, parse_method, parse_sampling, parse_set, parse_time,
                              parse_uncertain)
from simulator.yamlmarks import display_path
from simulator.scenarios.timeinputs import check_time_inputs
from simulator.scenarios.ranges import check_scenario as check_ranges
from simulator.scenarios.resolve import (check_against_model, check_lever_times, find_plan_file, lever_series, load_region_plan,
                                        model_path_of, parse_goals)

__all__ = ["Scenario", "Sampling", "UncertainInput", "load_scenario", "find_plan_file", "DEFAULT_SAMPLING"]


_REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Scenario:
    """A validated scenario; see docs/interfaces.md §3 and :func:`load_scenario`.

    Attributes
    ----------
    name, description, region : str (region may be None)
    path : Path
        The scenario file (absolute).
    plan : simulator.plans.plan.Plan or None
    model_path : Path
    time : dict
        ``start``, ``end``, ``dt``, ``saveper``; None where the model's own applies.
    method : str
    fixed : dict
        ``{name: value}`` from ``set:`` (names as written, may carry ``[elem]``).
    levers : dict
        ``{name: simulator.TimeSeries}``.
    uncertain : list of UncertainInput
    correlation : list of (a, b, rho)
    sampling : Sampling
    outputs : list of str
        Variable ids to keep.
    output_form : OutputForm
        The years and float type the results store keeps (simulator/scenarios/outputs.py).
    goal_ids : list of str
    files : list of (Path, sha256)
        This file and every file it extends, child first.
    model : CompiledModel or None
        The model the names were checked against (None when loaded with ``check_model=False``).
    targets : dict
        ``{name as written: engine parameter key}`` for set/levers/uncertain.
    element_shapes : dict
        ``{name: shape of its subscripts}`` for uncertain inputs that set a whole subscripted
        constant (their per-scenario arrays are passed shaped ``(n, *dims)``).
    """

    name: str
    path: Path
    description: object = ""   # text, or {zh, en} texts
    region: str | None = None
    plan: Any = None
    model_path: Path | None = None
    time: dict = field(default_factory=lambda: dict.fromkeys(TIME_KEYS))
    method: str = "euler"
    fixed: dict = field(default_factory=dict)
    levers: dict = field(default_factory=dict)
    lever_specs: dict = field(default_factory=dict)
    uncertain: list = field(default_factory=list)
    correlation: list = field(default_factory=list)
    sampling: Sampling = DEFAULT_SAMPLING
    outputs: list = field(default_factory=list)
    output_form: OutputForm = OutputForm()
    goal_ids: list = field(default_factory=list)
    files: list = field(default_factory=list)
    model: Any = field(default=None, repr=False)
    targets: dict = field(default_factory=dict)
    element_shapes: dict = field(default_factory=dict)

    @property
    def space(self) -> SampleSpace:
        """The uncertain inputs, their correlation matrix and grid levels, for simulator.scenarios.sampling."""
        names = [spec.name for spec in self.uncertain]
        matrix = correlation_matrix(names, self.correlation) if self.correlation else None
        levels = self.sampling.levels
        if isinstance(levels, dict):
            levels = tuple(levels.get(name, 3) for name in names)
        return SampleSpace(tuple(self.uncertain), matrix, levels)

    @property
    def goals(self) -> list:
        """The plan's Goal objects this scenario checks, in the plan's order."""
        if self.plan is None:
            return []
        wanted = set(self.goal_ids)
        return [goal for goal in self.plan.goals if goal.id in wanted]

    def sample_inputs(self, n: int | None = None, seed: int | None = None) -> pd.DataFrame:
        """Sample the uncertain inputs.

        Parameters
        ----------
        n : int, optional
            Number of scenarios (default ``sampling.n``; a grid has its own size, and another n
            is refused).
        seed : int, optional
            Default ``sampling.seed``.

        Returns
        -------
        pandas.DataFrame
            ``n`` rows (index ``scenario`` 0..n-1), one column per uncertain input, in file order.
        """
        method = self.sampling.method
        if method == "grid":
            if n is not None and n != self.sampling.n:
                raise ScenarioError(f"{display_path(self.path)}: sampling is a grid of {self.sampling.n} points, "
                                    f"so n = {n} cannot apply; drop n or change sampling.levels")
            n = None
        elif n is None:
            n = self.sampling.n
        values = sample(self.space, n, self.sampling.seed if seed is None else seed, method)
        import pandas as pd

        frame = pd.DataFrame(values, columns=[spec.name for spec in self.uncertain])
        frame.index.name = "scenario"
        return frame

    def effective_time(self) -> dict:
        """``time`` with the model's own settings filled in where the scenario gives none."""
        own = getattr(self.model, "time", None)
        fallback = dict(zip(TIME_KEYS, (getattr(own, key, None) for key in ("initial", "final", "dt", "saveper"))))
        return {key: fallback[key] if self.time[key] is None else self.time[key] for key in TIME_KEYS}

    def summary(self) -> list[str]:
        """A few ``label  text`` lines describing the scenario (``run.py validate`` prints them)."""
        def num(value):
            return "?" if value is None else f"{value:g}"

        def names(items, limit=6):
            items = list(items)
            more = f", … ({len(items) - limit} more)" if len(items) > limit else ""
            return ", ".join(items[:limit]) + more

        time = self.effective_time()
        region = f" (region {self.region})" if self.region else ""
        chain = " <- ".join(display_path(path) for path, _ in self.files)
        sampling = self.sampling
        how = (f"grid, levels {sampling.levels}, {sampling.n} points" if sampling.method == "grid"
               else f"{sampling.method}, n {sampling.n}, seed {sampling.seed}")
        if self.correlation:
            how += f", {len(self.correlation)} correlation(s)"
        total_goals = len(self.plan.goals) if self.plan is not None else 0
        rows = [
            ("scenario", f"{self.name}{region}"),
            ("files", chain),
            ("model", display_path(self.model_path) if self.model_path else "?"),
            ("time", f"{num(time['start'])} to {num(time['end'])}, dt {num(time['dt'])}, "
                     f"saveper {num(time['saveper'])}, {self.method}"),
            ("fixed", f"{len(self.fixed)}" + (f": {names(self.fixed)}" if self.fixed else "")),
            ("levers", f"{len(self.levers)}" + (f": {names(self.levers)}" if self.levers else "")),
            ("uncertain", f"{len(self.uncertain)}" + (
                f": {names(f'{spec.name} ({spec.dist})' for spec in self.uncertain)}" if self.uncertain else "")),
            ("sampling", how if self.uncertain else "none (one run)"),
            ("goals", f"{len(self.goal_ids)} of {total_goals}" + (f": {names(self.goal_ids)}" if self.goal_ids else "")),
            ("outputs", f"{len(self.outputs)}" + (f": {names(self.outputs)}" if self.outputs else "")
             + (f"; stored: {self.output_form.describe()}" if self.output_form != OutputForm() else "")),
        ]
        return [f"  {label:<10} {text}" for label, text in rows]

    def run_kwargs(self, inputs: pd.DataFrame | None = None) -> dict:
        """Keyword arguments for ``CompiledModel.run`` (docs/interfaces.md §1).

        Parameters
        ----------
        inputs : pandas.DataFrame, optional
            Rows of :meth:`sample_inputs` (any subset, e.g. one chunk); each uncertain input
            becomes a per-scenario array. Without it, one deterministic "central" scenario: the
            fixed values and levers, and every uncertain input at its median.

        Returns
        -------
        dict
            ``params``, ``n``, ``method``, ``return_columns``, ``initial_time``, ``final_time``,
            ``time_step``, ``saveper``.
        """
        key = self.targets.get
        if inputs is None:
            import pandas as pd

            inputs = pd.DataFrame({spec.name: [spec.median] for spec in self.uncertain}, index=[0])
        n = len(inputs)
        # lists (one value per element) go in shaped (n, *dims), which the engine cannot misread
        params: dict[str, Any] = {
            key(name, name): np.array(np.broadcast_to(value, (n,) + value.shape)) if isinstance(value, np.ndarray)
            else value for name, value in self.fixed.items()}
        params.update({key(name, name): series for name, series in self.levers.items()})
        if self.uncertain:
            missing = [spec.name for spec in self.uncertain if spec.name not in inputs.columns]
            if missing:
                raise ScenarioError(f"{display_path(self.path)}: the inputs lack columns {missing}; "
                                    f"pass rows of sample_inputs()")
            for spec in self.uncertain:
                values = inputs[spec.name].to_numpy(dtype=float)
                shape = self.element_shapes.get(spec.name, ())
                if spec.start is not None and shape:
                    raise ScenarioError(f"{display_path(self.path)}: uncertain.{spec.name}: 'from' needs one value "
                                        f"(a constant or one element, e.g. \"{spec.name}[elem]\")")
                if spec.start is not None:      # sampled from a year on, a fixed value before it
                    from simulator.engine.timeseries import TimeSeries

                    year, before = spec.start
                    params[key(spec.name, spec.name)] = TimeSeries(
                        np.array([year - 1.0, year]), np.stack([np.full(n, before), values], axis=1), kind="step")
                    continue
                # (n, *dims), never a bare (n,) that the engine could read as (*dims) when n == len(dim)
                params[key(spec.name, spec.name)] = np.array(
                    np.broadcast_to(values.reshape((n,) + (1,) * len(shape)), (n,) + shape))
        return {
            "params": params,
            "n": n,
            "method": self.method,
            "return_columns": list(self.outputs) or None,
            "initial_time": self.time["start"],
            "final_time": self.time["end"],
            "time_step": self.time["dt"],
            "saveper": self.time["saveper"],
        }


def _check_with_model(merged, scenario: Scenario, outputs, allow_outside_range: bool) -> None:
    """Every name against the model, lever times, time inputs, and (unless allowed) the plausible ranges."""
    check_against_model(merged, scenario, outputs)
    check_lever_times(merged, scenario)
    check_time_inputs(merged, scenario)
    if not allow_outside_range:
        check_ranges(merged, scenario)


def load_scenario(path: Path | str, *, check_model: bool = True, allow_outside_range: bool = False) -> Scenario:
    """Read, merge and validate a scenario file (docs/interfaces.md §3).

    Parameters
    ----------
    path : Path or str
        The scenario YAML file.
    check_model : bool
        Load the model and check every named variable against it (default). ``False`` checks
        the files, the plan and the goals only (fast; used by ``run.py list``).
    allow_outside_range : bool
        Accept values outside a model constant's declared range (simulator.scenarios.ranges).

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        One line: ``<file>:<line>: <key>: <problem>; <what is allowed>``.
    """
    chain = read_chain(path)
    merged, child = merge(chain), chain[0]
    if merged.get("name") is not None and not isinstance(merged.get("name"), str):
        merged.fail(("name",), f"name must be text, got {merged.get('name')!r}")
    description = merged.get("description") or ""
    if isinstance(description, dict):   # {zh: ..., en: ...}: one text per report language
        if not description or not all(k in ("zh", "en") and isinstance(v, str) for k, v in description.items()):
            merged.fail(("description",), f"description must be text or {{zh: text, en: text}}, got {description!r}")
        description = {k: v.strip() for k, v in description.items()}
    elif not isinstance(description, str):
        merged.fail(("description",), f"description must be text or {{zh: text, en: text}}, got {description!r}")
    else:
        description = description.strip()
    region, plan = load_region_plan(merged)
    scenario = Scenario(
        name=merged.get("name") or child.path.stem,
        path=child.path,
        description=description,
        region=region,
        plan=plan,
        time=parse_time(merged),
        method=parse_method(merged),
        fixed=parse_set(merged),
        lever_specs=parse_levers(merged),
        files=[(layer.path, layer.sha256) for layer in chain],
    )
    scenario.uncertain = parse_uncertain(merged)
    scenario.correlation = parse_correlation(merged, scenario.uncertain)
    scenario.sampling = parse_sampling(merged, scenario.uncertain, scenario.correlation)
    scenario.goal_ids = parse_goals(merged, plan)
    outputs, scenario.output_form = parse_outputs(merged)
    scenario.model_path = model_path_of(merged, plan)
    if check_model:
        _check_with_model(merged, scenario, outputs, allow_outside_range)
    else:
        scenario.outputs = list(outputs or [])
    scenario.levers = {name: lever_series(spec) for name, spec in scenario.lever_specs.items()}
    return scenario
