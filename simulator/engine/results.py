"""Last stage of an engine run: saved arrays → ``xarray.Dataset`` (contract: docs/interfaces.md §1).

Data variables are keyed by variable id with attrs name/units/doc/kind; ``status`` (int8, 0 ok,
1 non-finite) and ``message`` per scenario; run attributes in ``ds.attrs``.
"""

from __future__ import annotations

import numpy as np

from simulator.engine.missing import hide_missing


def first_non_finite(outputs, times, names, missing=None):
    """Per scenario: (time, variable name) of the earliest non-finite saved value, or None.

    ``outputs`` maps id → array shaped (n_times, n, *dims) (time-major, as the program saves);
    ``missing`` ({id: mask}, see missing.py) marks elements no equation defines (NaN by design).
    """
    n = next(iter(outputs.values())).shape[1] if outputs else 0
    found = [None] * n
    for vid, data in outputs.items():
        if missing and vid in missing:
            data = hide_missing(data, missing[vid])
        with np.errstate(all="ignore"):
            if np.isfinite(_total(data)):      # the usual case: one pass, no per-scenario work
                continue
            totals = np.add.reduce(data.reshape(data.shape[0], data.shape[1], -1), axis=(0, 2))
        suspects = np.nonzero(~np.isfinite(totals))[0]     # a sum is finite iff all terms are (bar overflow)
        for row in suspects:
            column = data[:, row].reshape(data.shape[0], -1)
            bad = ~np.isfinite(column).all(axis=1)
            if not bad.any():
                continue
            k = int(np.argmax(bad))
            if found[row] is None or k < found[row][0]:
                found[row] = (k, names[vid])
    if found.count(None) == n:      # the usual case: no per-scenario Python loop
        return found
    return [None if f is None else (float(times[f[0]]), f[1]) for f in found]


def _total(data):
    """Sum of all values of ``data`` (finite iff every value is, bar overflow); a broadcast
    (zero-stride) array is summed over its distinct values only."""
    if data.size and 0 in data.strides:
        data = data[tuple(slice(0, 1) if stride == 0 else slice(None) for stride in data.strides)]
    return np.add.reduce(data, axis=None)


def build_coordinates(model_ir, n, times, dims):
    """Coordinates of a result: ``scenario`` (0..n-1), ``time`` and the element names of ``dims``."""
    import xarray as xr      # imported when a Dataset is made (a table needs none: engine/table.py)

    coords = {"scenario": np.arange(n), "time": np.asarray(times, dtype=float)}
    for dim in dims:
        coords[dim] = list(model_ir.dimensions[dim].elements)
    return xr.Coordinates(coords)


def dataset_template(model_ir, outputs, times, n):
    """A Dataset with the result's variables, attributes and coordinates but no data of its own
    (zero-memory broadcast placeholders); :func:`fill_dataset` copies it with a run's arrays.

    Building coordinates (pandas indexes) and merging variables is most of the cost of a small
    Dataset, so a run can reuse the template of an earlier run with the same n, times and outputs.
    """
    import xarray as xr

    dims = dict.fromkeys(d for vid in outputs for d in model_ir.variables[vid].dims)
    data_vars = {}
    for vid, data in outputs.items():
        var = model_ir.variables[vid]
        shape = (data.shape[1], data.shape[0]) + data.shape[2:]
        data_vars[vid] = xr.Variable(
            ("scenario", "time") + tuple(var.dims), np.broadcast_to(np.float64(0.0), shape),
            attrs={"name": var.name, "units": var.units, "doc": var.doc, "kind": var.kind})
    data_vars["status"] = xr.Variable(("scenario",), np.broadcast_to(np.int8(0), (n,)))
    data_vars["message"] = xr.Variable(("scenario",), np.broadcast_to(np.str_(""), (n,)))
    return xr.Dataset(data_vars, coords=build_coordinates(model_ir, n, times, dims))


def fill_dataset(template, outputs, problems, attrs):
    """A shallow copy of ``template`` (see :func:`dataset_template`) holding this run's arrays.

    The copy has its own attribute dicts; only the immutable coordinate indexes are shared.
    """
    n = len(problems)
    if problems.count(None) != n:
        status = np.array([0 if p is None else 1 for p in problems], dtype=np.int8)
        message = np.array(["" if p is None else f"non-finite value in '{p[1]}' at time {p[0]:g}"
                            for p in problems], dtype=object).astype(str)
    else:
        status, message = np.zeros(n, dtype=np.int8), np.full(n, "")
    data = {vid: np.moveaxis(array, 0, 1) for vid, array in outputs.items()}
    data["status"] = status
    data["message"] = message
    ds = template.copy(deep=False, data=data)
    ds.attrs = dict(attrs)
    return ds
