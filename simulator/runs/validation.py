"""Calibrated baseline + published record → out-of-sample error: how well a model reproduces history.

Sits beside calibration (simulator.calibration): the same targets (the plan's ``history`` and
``published`` figures that name a model variable), split at ``fit_until`` into the fit window and
the later, out-of-sample figures. Per series it reports MAPE, RMSPE and Theil's inequality
statistics with their decomposition (Sterman 1984, "Appropriate summary statistics for evaluating
the historical fit of system dynamics models"): the mean squared error splits into bias
``U^M``, unequal variation ``U^S`` and unequal covariation ``U^C`` (they sum to 1), plus a
behaviour check (sign of the trend, turning points).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulator.runs.calibration import Target, extract, run_start, targets_from_plan
from simulator.errors import ScenarioError
from simulator.names import split_name

#: default end of the fit window when neither the command nor the plan gives one
DEFAULT_FIT_UNTIL = 2019


@dataclass(frozen=True)
class SeriesError:
    """Error statistics of one series over one window (``n`` figures)."""

    n: int
    mape: float
    rmspe: float
    theil_u: float
    um: float
    us: float
    uc: float


@dataclass
class SeriesValidation:
    """One model variable against its published figures, in and out of the fit window."""

    variable: str
    years: list
    observed: list
    simulated: list
    in_sample: SeriesError | None
    out_of_sample: SeriesError | None
    trend_agrees: bool | None
    turning_points: tuple = (0, 0)  # (observed, simulated)


@dataclass
class ValidationReport:
    """Everything ``validate-history`` prints, for one scenario."""

    scenario: str
    fit_until: int
    n_free: int
    series: list = field(default_factory=list)
    #: {constant: value} when the free constants were refitted before validating (validate-history --refit)
    refit: dict = field(default_factory=dict)

    @property
    def n_fit_figures(self) -> int:
        return sum(s.in_sample.n for s in self.series if s.in_sample)

    @property
    def exactly_identified(self) -> bool:
        return self.n_fit_figures <= self.n_free


def error_statistics(observed, simulated) -> SeriesError | None:
    """MAPE and RMSPE (in %), Theil's U and its decomposition; None for an empty window.

    >>> e = error_statistics([100.0, 110.0, 121.0], [100.0, 110.0, 121.0])
    >>> (e.mape, e.um)
    (0.0, 0.0)
    """
    a = np.asarray(observed, dtype=float)
    s = np.asarray(simulated, dtype=float)
    if a.size == 0:
        return None
    rel = (s - a) / a
    mse = float(np.mean((s - a) ** 2))
    denominator = float(np.sqrt(np.mean(s ** 2)) + np.sqrt(np.mean(a ** 2)))
    theil = float(np.sqrt(mse) / denominator) if denominator > 0 else 0.0
    if mse <= (1e-12 * float(np.mean(a ** 2))):  # exact to rounding: the split of a zero error is 0/0
        um = us = uc = 0.0
    else:
        sa, ss = float(a.std()), float(s.std())
        r = float(np.corrcoef(a, s)[0, 1]) if a.size > 1 and sa > 0 and ss > 0 else 1.0
        um = (float(s.mean()) - float(a.mean())) ** 2 / mse
        us = (ss - sa) ** 2 / mse
        uc = 2 * (1 - r) * ss * sa / mse
    return SeriesError(int(a.size), float(np.mean(np.abs(rel)) * 100), float(np.sqrt(np.mean(rel ** 2)) * 100),
                       theil, um, us, uc)


def turning_points(values) -> int:
    """Number of sign changes of the year-on-year change (a rise turning into a fall or back).

    >>> turning_points([1, 2, 3, 2, 1, 2])
    2
    """
    steps = np.sign(np.diff(np.asarray(values, dtype=float)))
    steps = steps[steps != 0]
    return int(np.sum(steps[1:] != steps[:-1]))


def _trend_sign(years, values) -> float:
    if len(values) < 2:
        return 0.0
    return float(np.sign(np.polyfit(np.asarray(years, float), np.asarray(values, float), 1)[0]))


def validate(model, run_kwargs: dict, plan, fit_until: int, n_free: int = 0, scenario: str = "") -> ValidationReport:
    """Run the (calibrated) scenario once and compare every target series with its figures."""
    targets = targets_from_plan(plan, since=run_start(model, run_kwargs))
    report = ValidationReport(scenario=scenario, fit_until=fit_until, n_free=n_free)
    if not targets:
        return report
    columns = sorted({split_name(t.variable)[0] for t in targets})
    ds = model.run(**{**run_kwargs, "return_columns": columns})
    simulated = extract(ds, targets)[0]
    by_series: dict[str, list[tuple[Target, float]]] = {}
    for target, value in zip(targets, simulated):
        by_series.setdefault(target.variable, []).append((target, float(value)))
    for variable, pairs in by_series.items():
        pairs.sort(key=lambda p: p[0].year)
        years = [p[0].year for p in pairs]
        observed = [p[0].value for p in pairs]
        sim = [p[1] for p in pairs]
        inside = [i for i, y in enumerate(years) if y <= fit_until]
        outside = [i for i, y in enumerate(years) if y > fit_until]
        trend = None
        if len(years) >= 2:
            trend = _trend_sign(years, observed) == _trend_sign(years, sim)
        report.series.append(SeriesValidation(
            variable=variable, years=years, observed=observed, simulated=sim,
            in_sample=error_statistics([observed[i] for i in inside], [sim[i] for i in inside]),
            out_of_sample=error_statistics([observed[i] for i in outside], [sim[i] for i in outside]),
            trend_agrees=trend,
            turning_points=(turning_points(observed), turning_points(sim)),
        ))
    return report


def validate_scenario(path, fit_until: int | None = None, refit: bool = False) -> ValidationReport:
    """:func:`validate` for a scenario file; the fit window defaults to its plan's ``calibration.fit_until``.

    With ``refit`` the plan's ``calibration.free`` constants are first fitted on the figures up to the fit
    window's end (the scenario's values are the start), so the out-of-sample errors are those of the refit.
    """
    from simulator.scenarios.scenario import load_scenario

    scenario = load_scenario(path)
    if scenario.plan is None:
        raise ScenarioError(f"{path}: validate-history needs region: (its plan holds the published figures)")
    calibration = scenario.plan.calibration
    until = fit_until or calibration.get("fit_until") or DEFAULT_FIT_UNTIL
    run_kwargs = scenario.run_kwargs()
    report_refit = {}
    if refit:
        run_kwargs, report_refit = _refitted(path, scenario, calibration, until)
    report = validate(scenario.model, run_kwargs, scenario.plan, until, len(calibration.get("free", [])),
                      scenario=str(path))
    report.refit = report_refit
    return report


def _refitted(path, scenario, calibration: dict, until: int) -> tuple:
    """(run kwargs at the refitted constants, {name: fitted value}) of the plan's calibration.free."""
    from simulator.runs.calibration import calibration_problem, fit

    free_names = list(calibration.get("free") or [])
    if not free_names:
        raise ScenarioError(f"{scenario.plan.path}: --refit needs calibration: free: [NAME, ...] in the plan "
                            f"(the constants to fit); add it or run calibrate --free NAME")
    model, run_kwargs, free, targets, keys = calibration_problem(path, free_names, until)
    result = fit(model, run_kwargs, free, targets, keys=keys)
    params = dict(run_kwargs.get("params") or {})
    for name, value in result.values.items():
        params[keys.get(name, name)] = value
    return {**run_kwargs, "params": params}, dict(result.values)


def format_report(report: ValidationReport) -> str:
    """Plain-text table of :func:`validate`'s result."""
    head = (f"{report.scenario}: fit window up to {report.fit_until}; {report.n_fit_figures} figures in it, "
            f"{report.n_free} free constants")
    if report.exactly_identified:
        head += " — exactly identified, not a test"
    if report.refit:
        head += "\nrefitted on the fit window: " + ", ".join(f"{k} = {v:.6g}" for k, v in report.refit.items())
    columns = f"{'series':34} {'window':7} {'n':>3} {'MAPE%':>7} {'RMSPE%':>7} {'U':>6} {'UM':>5} {'US':>5} {'UC':>5}"
    lines = [head, columns + "  trend  turns(obs/sim)"]
    for s in report.series:
        for label, err in (("in", s.in_sample), ("out", s.out_of_sample)):
            if err is None:
                continue
            trend = "-" if s.trend_agrees is None else ("same" if s.trend_agrees else "DIFF")
            lines.append(f"{s.variable:34} {label:7} {err.n:>3} {err.mape:7.2f} {err.rmspe:7.2f} {err.theil_u:6.3f} "
                         f"{err.um:5.2f} {err.us:5.2f} {err.uc:5.2f}  {trend:5}  {s.turning_points[0]}/{s.turning_points[1]}")
    if not report.series:
        lines.append("(no history or published figure names a model variable)")
    return "\n".join(lines)


@dataclass(frozen=True)
class AnchorCheck:
    """One published figure against the 5-95 % band of an uncertain scenario in its year."""

    id: str
    variable: str
    year: float
    value: float
    low: float
    high: float
    floor: bool
    inside: bool


def band_holds(value: float, low: float, high: float, tolerance: float = 0.005, floor: bool = False) -> bool:
    """Whether ``value`` lies in ``[low, high]`` widened by ``tolerance`` (relative); a floor needs only ``high``.

    >>> band_holds(100.4, 90.0, 100.0), band_holds(101.0, 90.0, 100.0), band_holds(50.0, 90.0, 100.0, floor=True)
    (True, False, True)
    """
    slack_low, slack_high = tolerance * abs(low), tolerance * abs(high)
    if floor:
        return value <= high + slack_high
    return low - slack_low <= value <= high + slack_high


def record_coverage(path, n: int = 40, seed: int | None = None, tolerance: float = 0.005) -> list:
    """Every history/published figure of a region that names a model variable against the 5-95 % band
    of the uncertain scenario at ``path`` (``n`` samples, ``seed``), as :class:`AnchorCheck` rows."""
    from simulator.scenarios.scenario import load_scenario

    scenario = load_scenario(path)
    if scenario.plan is None:
        raise ScenarioError(f"{path}: a record check needs region: (its plan holds the published figures)")
    kwargs = scenario.run_kwargs(scenario.sample_inputs(n, seed))
    targets = targets_from_plan(scenario.plan, since=run_start(scenario.model, kwargs))
    kwargs["return_columns"] = sorted({split_name(t.variable)[0] for t in targets})
    simulated = extract(scenario.model.run(**kwargs), targets)
    low, high = np.nanpercentile(simulated, 5, axis=0), np.nanpercentile(simulated, 95, axis=0)
    floors = set(scenario.plan.record.get("floors", []))
    return [AnchorCheck(t.id, t.variable, t.year, t.value, float(lo), float(hi), t.id in floors,
                        band_holds(t.value, float(lo), float(hi), tolerance, t.id in floors))
            for t, lo, hi in zip(targets, low, high)]


def record_bands(path, spans: dict, n: int = 40, seed: int | None = None) -> dict:
    """The 5-95 % band of the uncertain scenario at ``path`` over whole years, per variable.

    ``spans`` maps a model variable (``var[elem]`` allowed) to its ``(first, last)`` year; each span is
    clipped to the run. Returns ``{variable: (years, low, high)}`` arrays: the same band the record test
    reads at the figures' years (:func:`record_coverage`), drawn on the report's validation page.
    """
    from simulator.scenarios.scenario import load_scenario

    scenario = load_scenario(path)
    kwargs = scenario.run_kwargs(scenario.sample_inputs(n, seed))
    first, last = run_start(scenario.model, kwargs), float(kwargs.get("final_time") or scenario.model.time.final)
    targets = [Target(f"{variable}@{year}", variable, float(year), 1.0) for variable, (a, b) in spans.items()
               for year in range(int(np.ceil(max(a, first))), int(np.floor(min(b, last))) + 1)]
    if not targets:
        return {}
    kwargs["return_columns"] = sorted({split_name(t.variable)[0] for t in targets})
    simulated = extract(scenario.model.run(**kwargs), targets)
    low, high = np.nanpercentile(simulated, 5, axis=0), np.nanpercentile(simulated, 95, axis=0)
    bands: dict[str, tuple] = {}
    for target, lo, hi in zip(targets, low, high):
        years, lows, highs = bands.setdefault(target.variable, ([], [], []))
        years.append(target.year)
        lows.append(float(lo))
        highs.append(float(hi))
    return {variable: tuple(np.asarray(x) for x in columns) for variable, columns in bands.items()}
