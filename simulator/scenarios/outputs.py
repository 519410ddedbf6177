"""Scenario file → Scenario, the ``outputs:`` key: which variables a batch saves, in which years, at what precision.

``outputs:`` is either a list of variable names, or a mapping::

    outputs:
      variables: [gdp, population]     # optional: default the goal variables and the stocks
      years: [2025, 2030, 2035]        # optional: default every saved time of the run
      precision: float32               # float32 (default) or float64

Only the *stored* results (``results.zarr``) are cut to ``years`` and ``precision``; every goal
is evaluated on the full float64 series of the run before that (goals.csv does not change).
float32 keeps 24 significant bits: a stored value differs from the computed one by at most
2**-24 ≈ 6e-8 of its size (about 7 significant digits), which halves the store. A finite value
beyond float32's range (±3.4e38, a run whose stocks explode) is stored as ±inf, silently: the
goals saw the float64 value, and ``precision: float64`` keeps it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:        # xarray is imported by whoever holds a Dataset (~0.3 s saved for validate)
    import xarray as xr

from dataclasses import dataclass

import numpy as np

PRECISIONS = ("float32", "float64")
DEFAULT_PRECISION = "float32"
OUTPUT_KEYS = ("variables", "years", "precision")
_USAGE = ("outputs must be a list of variable names, e.g. [gdp, population], "
          "or {variables: [...], years: [...], precision: float32|float64}")


@dataclass(frozen=True)
class OutputForm:
    """How a batch stores the saved series: the years kept (None: all saved times) and the float type."""

    years: tuple | None = None
    precision: str = DEFAULT_PRECISION

    def describe(self) -> str:
        years = "all saved years" if self.years is None else "years " + ", ".join(_num(y) for y in self.years)
        return f"{years}, {self.precision}"


def _num(value) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def parse_outputs(merged) -> tuple[list | None, OutputForm]:
    """``(variable names or None, OutputForm)`` from the merged scenario's ``outputs:``."""
    outputs = merged.get("outputs")
    if outputs is None:
        return None, OutputForm()
    if isinstance(outputs, list):
        return _names(merged, ("outputs",), outputs), OutputForm()
    if not isinstance(outputs, dict):
        merged.fail(("outputs",), _USAGE)
    for key in outputs:
        if key not in OUTPUT_KEYS:
            merged.fail(("outputs", key), f"outputs: unknown key {key!r} (allowed: {', '.join(OUTPUT_KEYS)})")
    names = outputs.get("variables")
    names = None if names is None else _names(merged, ("outputs", "variables"), names)
    precision = outputs.get("precision", DEFAULT_PRECISION)
    if precision not in PRECISIONS:
        merged.fail(("outputs", "precision"), f"outputs.precision: {precision!r} is not one of {', '.join(PRECISIONS)}")
    return names, OutputForm(_years(merged, outputs.get("years")), precision)


def _names(merged, where: tuple, names) -> list:
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        merged.fail(where, _USAGE)
    return list(names)


def _years(merged, years) -> tuple | None:
    if years is None:
        return None
    if (not isinstance(years, list) or not years
            or not all(isinstance(y, (int, float)) and not isinstance(y, bool) and np.isfinite(y) for y in years)):
        merged.fail(("outputs", "years"), f"outputs.years must be a non-empty list of years, e.g. [2025, 2030, 2035]; "
                                          f"got {years!r}")
    return tuple(sorted({float(y) for y in years}))


def check_years(merged, form: OutputForm, start: float, end: float, saveper: float) -> None:
    """Every ``outputs.years`` must be a saved time of the run ``start … end`` (every ``saveper``)."""
    if form.years is None:
        return
    for year in form.years:
        steps = (year - start) / saveper
        if not start - 1e-9 <= year <= end + 1e-9:
            merged.fail(("outputs", "years"), f"outputs.years: {_num(year)} is outside the run ({_num(start)} to "
                                              f"{_num(end)}); choose years from {_num(start)} to {_num(end)}")
        if abs(steps - round(steps)) > 1e-6:
            merged.fail(("outputs", "years"), f"outputs.years: {_num(year)} is not a saved time (the run saves every "
                                              f"{_num(saveper)} from {_num(start)}); choose saved times or change time.saveper")


def check_run_years(merged, form: OutputForm, time: dict, model) -> None:
    """:func:`check_years` against the run's time: the scenario's ``time:`` over the model's own."""
    if form.years is None or model is None:
        return
    own = model.time
    pick = {key: own_value if time.get(key) is None else float(time[key])
            for key, own_value in (("start", own.initial), ("end", own.final), ("dt", own.dt), ("saveper", own.saveper))}
    if time.get("saveper") is None and time.get("dt") is not None and own.saveper == own.dt:
        pick["saveper"] = pick["dt"]
    check_years(merged, form, pick["start"], pick["end"], pick["saveper"])


def stored(ds: xr.Dataset, form: OutputForm) -> xr.Dataset:
    """The part of a run's Dataset that the results store keeps: ``form.years`` and ``form.precision``.

    Only variables over ``time`` are cut and cast; per-scenario inputs, status and coordinates keep
    their type.
    """
    if form.years is not None and "time" in ds.dims:
        times = np.asarray(ds["time"].values, dtype=float)
        ds = ds.isel(time=[int(np.argmin(np.abs(times - year))) for year in form.years])
    if form.precision == "float32":
        with np.errstate(over="ignore"):        # beyond float32's ±3.4e38 a finite value is stored as ±inf
            cast = {name: var.astype(np.float32) for name, var in ds.data_vars.items()
                    if "time" in var.dims and var.dtype == np.float64}
        ds = ds.assign(cast)
    return ds
