"""Plan history + baseline scenario → fitted constants: least squares on the engine's scenario axis.

Sits beside the batch flow: a baseline scenario (simulator.scenarios.scenario) names the model and the
region's plan (simulator.plans.plan); the plan's ``history`` facts are the fit targets and its
``assumptions`` give each free constant its plausible range (the bounds of the fit). The fit is
``scipy.optimize.least_squares`` on relative residuals ``(simulated - observed) / observed``.
Every evaluation of the model is a batch: the forward-difference Jacobian at a point is one
``model.run(n=p+1)`` call (the point itself plus one perturbed copy per free constant), so a fit
costs a few dozen engine calls, not a few hundred.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.optimize import least_squares

from simulator.errors import BatchOptionError, ParameterError, PlanError
from simulator.plans.series import value_at
from simulator.names import split_name
from simulator.scenarios.distributions import nearest

#: relative finite-difference step, in units of a parameter's range
FD_STEP = 1e-4


@dataclass(frozen=True)
class FreeParameter:
    """A constant the fit may change: its name (as in the scenario), start value and bounds."""

    name: str
    initial: float
    low: float
    high: float


@dataclass(frozen=True)
class Target:
    """A plan history fact to fit: model variable (optionally ``var[elem]``), year, value."""

    id: str
    variable: str
    year: float
    value: float


@dataclass
class CalibrationResult:
    """What a fit found.

    Attributes
    ----------
    values : dict
        ``{name: fitted value}`` in the order of the free parameters.
    initial : dict
        ``{name: start value}``.
    simulated : dict
        ``{target id: simulated value at the fitted point}``.
    ape : dict
        ``{target id: absolute percentage error}``.
    mape : dict
        ``{series (variable): mean absolute percentage error over its facts}``.
    success, message, nfev, engine_calls :
        From least_squares, plus the number of batched ``model.run`` calls made.
    """

    values: dict
    initial: dict
    targets: list
    simulated: dict
    ape: dict
    mape: dict
    success: bool
    message: str
    nfev: int
    engine_calls: int
    at_bound: list = field(default_factory=list)


# ----------------------------------------------------------------------------- building blocks


#: published figures keep the unit they were published in; these are compared as fractions
UNIT_SCALE = {"‰": 1e-3, "%": 1e-2}


def targets_from_plan(plan, fit_until: float | None = None, since: float | None = None) -> list[Target]:
    """The plan's history facts and published statistics (those naming a model variable) as fit
    targets, from ``since`` (the run's first year) up to and including ``fit_until`` when given
    (zero values cannot be fitted relatively)."""
    targets = []
    facts = [*plan.history, *(p for p in getattr(plan, "published", []) if p.variable)]
    for fact in facts:
        if (fit_until is not None and fact.year > fit_until) or (since is not None and fact.year < since):
            continue
        if fact.value == 0:
            raise PlanError(f"{plan.path}: history '{fact.id}' has value 0; a relative fit needs a non-zero value")
        scale = UNIT_SCALE.get(str(getattr(fact, "unit", "")).strip(), 1.0)
        targets.append(Target(fact.id, fact.variable, float(fact.year), float(fact.value) * scale))
    return targets


def free_parameters(plan, names: list[str], current: dict) -> list[FreeParameter]:
    """Bounds from the plan's assumptions; start values from the scenario (else the assumption).

    Parameters
    ----------
    plan : simulator.plans.plan.Plan
    names : list of str
        Constants to fit, as written in the scenario (``"tfp_growth[secondary]"``).
    current : dict
        The scenario's fixed values ``{name: value}``.
    """
    by_variable = {_normal(a.variable): a for a in plan.assumptions}
    result = []
    for name in names:
        assumption = by_variable.get(_normal(name))
        if assumption is None:
            hint = nearest(name, [a.variable for a in plan.assumptions], cutoff=0.75)
            suggestion = f"did you mean '{hint[0]}'? or " if hint else ""
            raise PlanError(
                f"{plan.path}: no assumption for '{name}', so the fit has no range for it; "
                f"{suggestion}add it under assumptions: with value, range, unit and reason"
            )
        low, high = assumption.range
        if low == high:
            raise PlanError(f"{plan.path}: assumption '{assumption.id}' has an empty range [{low}, {high}]; it cannot be fitted")
        start = current.get(name, current.get(_normal(name), assumption.value))
        if isinstance(start, (list, tuple, np.ndarray)) or not isinstance(start, (int, float)):
            raise ParameterError(f"'{name}' is not a single number in the scenario's set:; only fixed constants can be fitted")
        result.append(FreeParameter(name, float(np.clip(start, low, high)), float(low), float(high)))
    return result


def _normal(name: str) -> str:
    base, elems = split_name(name)
    base = base.lower().replace(" ", "_")
    return f"{base}[{','.join(elems)}]" if elems else base


def extract(ds, targets: list[Target]) -> np.ndarray:
    """Simulated values of the targets, shape ``(n_scenarios, n_targets)``.

    The year is read on the saved time grid, linearly interpolated between saved points.
    """
    columns = []
    for target in targets:
        base, elems = split_name(target.variable)
        if base not in ds:
            raise ParameterError(f"target '{target.id}': variable '{base}' is not in the run's outputs")
        data = ds[base]
        extra = [d for d in data.dims if d not in ("scenario", "time")]
        if len(extra) != len(elems):
            raise ParameterError(
                f"target '{target.id}': '{target.variable}' needs {len(extra)} subscript(s) {extra}, got {list(elems)}"
            )
        if extra:
            data = data.sel(dict(zip(extra, elems)))
        times = data["time"].to_numpy()
        if not times[0] <= target.year <= times[-1]:
            raise ParameterError(
                f"target '{target.id}': year {target.year:g} is outside the run ({times[0]:g}-{times[-1]:g}); "
                f"change the scenario's time: start/end"
            )
        columns.append(value_at(times, data.transpose("scenario", "time").to_numpy(), target.year))
    return np.stack(columns, axis=1)


def _per_scenario(model, key: str, values: np.ndarray) -> np.ndarray:
    """One value per scenario for ``key``, shaped ``(n, *dims)`` when ``key`` names a whole subscripted
    constant, so a batch of n rows is never mistaken for one value per element when n equals a dimension's size."""
    base, elements = split_name(key)
    find = getattr(model, "find", None)
    dims = () if elements or find is None else find(base).dims
    if not dims:
        return values.copy()
    sizes = tuple(len(model.dimensions[d]) for d in dims)
    return np.ascontiguousarray(np.broadcast_to(values.reshape((-1,) + (1,) * len(sizes)), (len(values),) + sizes))


class BatchObjective:
    """Relative residuals of the targets for many parameter vectors at once (one engine call each batch).

    Parameters
    ----------
    model : object with ``run(**kwargs) -> xarray.Dataset`` (docs/interfaces.md §1)
    run_kwargs : dict
        Base keyword arguments (``params`` fixed values and levers, times, method).
    free : list of FreeParameter
    targets : list of Target
    keys : dict, optional
        ``{free name: engine parameter key}`` when they differ.
    """

    def __init__(self, model, run_kwargs: dict, free: list[FreeParameter], targets: list[Target], keys=None):
        self.model = model
        self.base = dict(run_kwargs)
        self.free = free
        self.targets = targets
        self.keys = keys or {}
        self.observed = np.array([t.value for t in targets])
        self.calls = 0
        self._cache: dict = {}
        outputs = sorted({split_name(t.variable)[0] for t in targets})
        self.base["return_columns"] = outputs

    def simulate(self, matrix: np.ndarray) -> np.ndarray:
        """Target values for each row of ``matrix`` (shape ``(k, p)``) → ``(k, m)``."""
        matrix = np.atleast_2d(np.asarray(matrix, dtype=float))
        params = dict(self.base.get("params") or {})
        for j, parameter in enumerate(self.free):
            key = self.keys.get(parameter.name, parameter.name)
            params[key] = _per_scenario(self.model, key, matrix[:, j])
        kwargs = {**self.base, "params": params, "n": matrix.shape[0]}
        ds = self.model.run(**kwargs)
        self.calls += 1
        return extract(ds, self.targets)

    def residuals_batch(self, matrix: np.ndarray) -> np.ndarray:
        """Relative residuals ``(sim - obs) / |obs|`` for each row; non-finite runs give large residuals."""
        simulated = self.simulate(matrix)
        residuals = (simulated - self.observed) / np.abs(self.observed)
        return np.where(np.isfinite(residuals), residuals, 1e6)

    # least_squares works in the unit cube u in [0, 1]^p; theta = low + u (high - low)
    def to_theta(self, u: np.ndarray) -> np.ndarray:
        low = np.array([p.low for p in self.free])
        high = np.array([p.high for p in self.free])
        return low + np.asarray(u) * (high - low)

    def _point_and_jacobian(self, u: np.ndarray):
        key = tuple(np.round(u, 15))
        if key not in self._cache:
            p = len(u)
            steps = np.where(u + FD_STEP <= 1.0, FD_STEP, -FD_STEP)
            rows = np.repeat(u[None, :], p + 1, axis=0)
            rows[1:] += np.diag(steps)
            residuals = self.residuals_batch(self.to_theta(rows))
            jacobian = ((residuals[1:] - residuals[0]) / steps[:, None]).T
            self._cache = {key: (residuals[0], jacobian)}
        return self._cache[key]

    def fun(self, u: np.ndarray) -> np.ndarray:
        """Residuals at ``u`` (computed together with the Jacobian in one batch)."""
        return self._point_and_jacobian(np.asarray(u, dtype=float))[0]

    def jac(self, u: np.ndarray) -> np.ndarray:
        """Forward-difference Jacobian at ``u``, from the same batch as :meth:`fun`."""
        return self._point_and_jacobian(np.asarray(u, dtype=float))[1]


def check_max_evals(max_nfev) -> None:
    """Refuse an iteration budget least_squares cannot take (it raises a ValueError deep in scipy)."""
    if isinstance(max_nfev, bool) or not isinstance(max_nfev, (int, np.integer)) or max_nfev < 1:
        raise BatchOptionError(f"--max-evals must be a whole number >= 1 (the fit's iteration budget), got {max_nfev}")


def fit(model, run_kwargs: dict, free: list[FreeParameter], targets: list[Target], *, keys=None,
        max_nfev: int = 100) -> CalibrationResult:
    """Fit ``free`` so the model reproduces ``targets`` (least squares on relative errors).

    Parameters
    ----------
    model : CompiledModel-like
    run_kwargs : dict
        Base ``model.run`` arguments (e.g. ``Scenario.run_kwargs()``).
    free : list of FreeParameter
    targets : list of Target
    keys : dict, optional
        ``{free name: engine parameter key}``.
    max_nfev : int
        Iteration budget of least_squares.

    Returns
    -------
    CalibrationResult
    """
    check_max_evals(max_nfev)
    if not free:
        raise ParameterError("calibration needs at least one free constant (--free NAME,NAME)")
    if not targets:
        raise PlanError("the plan has no history facts to fit; add history: entries with sources")
    objective = BatchObjective(model, run_kwargs, free, targets, keys)
    low = np.array([p.low for p in free])
    high = np.array([p.high for p in free])
    u0 = (np.array([p.initial for p in free]) - low) / (high - low)
    solution = least_squares(objective.fun, u0, jac=objective.jac, bounds=(0.0, 1.0), method="trf",
                             max_nfev=max_nfev, xtol=1e-10, ftol=1e-10, gtol=1e-10)
    theta = objective.to_theta(solution.x)
    simulated = objective.simulate(theta[None, :])[0]
    ape = {t.id: float(abs(s - t.value) / abs(t.value) * 100) for t, s in zip(targets, simulated)}
    series: dict[str, list] = {}
    for t in targets:
        series.setdefault(t.variable, []).append(ape[t.id])
    return CalibrationResult(
        values={p.name: float(v) for p, v in zip(free, theta)},
        initial={p.name: p.initial for p in free},
        targets=list(targets),
        simulated={t.id: float(s) for t, s in zip(targets, simulated)},
        ape=ape,
        mape={name: float(np.mean(v)) for name, v in series.items()},
        success=bool(solution.success),
        message=str(solution.message),
        nfev=int(solution.nfev),
        engine_calls=objective.calls,
        at_bound=[p.name for p, u in zip(free, solution.x) if u <= 1e-6 or u >= 1 - 1e-6],
    )


def run_start(model, run_kwargs: dict) -> float:
    """First year of a run: the scenario's start, else the model's INITIAL TIME."""
    start = run_kwargs.get("initial_time")
    return float(model.time.initial if start is None else start)


def history_fit(model, run_kwargs: dict, plan, fit_until: float | None = None) -> dict:
    """MAPE per history series of one run with ``run_kwargs`` (no fitting): ``{variable: %}``."""
    targets = targets_from_plan(plan, fit_until, run_start(model, run_kwargs))
    kwargs = {**run_kwargs, "return_columns": sorted({split_name(t.variable)[0] for t in targets})}
    simulated = extract(model.run(**kwargs), targets)[0]
    series: dict[str, list] = {}
    for t, s in zip(targets, simulated):
        series.setdefault(t.variable, []).append(abs(s - t.value) / abs(t.value) * 100)
    return {name: float(np.mean(v)) for name, v in series.items()}


def calibration_problem(path: Path | str, free_names: list[str], fit_until: float | None = None):
    """``(model, run_kwargs, free, targets, keys)`` of a scenario's fit (shared by fit and ranges)."""
    from simulator.scenarios.scenario import load_scenario

    scenario = load_scenario(path)
    if scenario.plan is None:
        raise PlanError(f"{path}: calibration needs region: (the plan's history is the fit target)")
    free = free_parameters(scenario.plan, free_names, scenario.fixed)
    keys = {p.name: scenario.targets.get(p.name, p.name) for p in free}
    for p in free:
        scenario.model.find(split_name(keys[p.name])[0])
    targets = targets_from_plan(scenario.plan, fit_until, run_start(scenario.model, scenario.run_kwargs()))
    if not targets:
        raise PlanError(f"{scenario.plan.path}: no history or published figure up to {fit_until}; nothing to fit")
    return scenario.model, scenario.run_kwargs(), free, targets, keys


def calibrate_scenario(path: Path | str, free_names: list[str], *, max_nfev: int = 100,
                       fit_until: float | None = None) -> CalibrationResult:
    """Fit the named constants of a scenario to its region's plan history.

    Parameters
    ----------
    path : Path or str
        A scenario YAML with ``region:`` (its plan gives targets and ranges).
    free_names : list of str
        Constants to fit, as written in the scenario's ``set:`` (e.g. ``tfp_growth[secondary]``).
    """
    check_max_evals(max_nfev)
    model, run_kwargs, free, targets, keys = calibration_problem(path, free_names, fit_until)
    return fit(model, run_kwargs, free, targets, keys=keys, max_nfev=max_nfev)


def format_result(result: CalibrationResult) -> str:
    """Plain-text report of a fit: fitted values, then MAPE per series, then per fact."""
    n_figures, n_free = len(result.targets), len(result.values)
    identified = ("exactly identified — not a test" if n_figures <= n_free
                  else f"{n_figures - n_free} degrees of freedom")
    lines = [f"{n_figures} figures, {n_free} free constants: {identified}", "fitted constants (start -> fitted):"]
    for name, value in result.values.items():
        flag = "  (at a bound of its range)" if name in result.at_bound else ""
        lines.append(f"  {name}: {result.initial[name]:.6g} -> {value:.6g}{flag}")
    lines.append("MAPE per history series:")
    for name, value in result.mape.items():
        lines.append(f"  {name}: {value:.2f} %")
    lines.append("history facts (observed / simulated):")
    for t in result.targets:
        lines.append(f"  {t.id} ({t.variable} {t.year:g}): {t.value:.6g} / {result.simulated[t.id]:.6g}")
    lines.append(f"{'converged' if result.success else 'NOT converged'}: {result.message} "
                 f"({result.nfev} evaluations, {result.engine_calls} batched engine calls)")
    return "\n".join(lines)
