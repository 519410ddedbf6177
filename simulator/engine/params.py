"""Front door of ``CompiledModel.run``: resolve variable names and validate parameter values.

Everything a user passes (names, numbers, arrays, TimeSeries) is checked here once, so the
generated program never checks anything. Errors are ``ParameterError`` / ``UnknownVariableError``
naming the variable and the fix.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np

from simulator.engine import ir
from simulator.engine.analysis import component_positions
from simulator.errors import ParameterError, UnknownVariableError
from simulator.names import normalise, split_name
from simulator.engine.timeseries import ElementLevers, TimeSeries

class NameIndex:
    """Finds a variable by id or by Vensim name (case and space/underscore insensitive)."""

    def __init__(self, model_ir, path):
        self.ir = model_ir
        self.path = path
        self.by_key = {}
        for vid, var in model_ir.variables.items():
            if var.hidden:
                continue
            self.by_key.setdefault(normalise(vid), vid)
            self.by_key.setdefault(normalise(var.name), vid)

    def find(self, name):
        """The id of ``name``; raises UnknownVariableError listing the nearest names."""
        vid = self.by_key.get(normalise(name))
        if vid is None:
            close = difflib.get_close_matches(normalise(name), list(self.by_key), n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(repr(self.ir.variables[self.by_key[c]].name) for c in close)}?" \
                if close else "; run 'python run.py check MODEL' to list the variables"
            raise UnknownVariableError(f"{self.path}: no variable named '{name}'{hint}")
        return vid

    def split(self, name):
        """(id, element tuple or None) for ``name`` or ``name[elem, ...]``."""
        parsed = split_name(name)
        if parsed is None or not parsed[1]:
            return self.find(name), None
        base, elements = parsed
        return self.find(base), elements


@dataclass
class ResolvedParams:
    """Validated parameters: fixed values (n or 1, *dims) and levers (TimeSeries or ElementLevers per id)."""

    values: dict
    levers: dict
    n: int


def _literal_value(model_ir, var):
    """Base value of a constant built from literal components, shaped (1, *dims); None if not literal."""
    shape = model_ir.dims_shape(var.dims)
    out = np.zeros(shape)
    for comp in var.components:
        positions = component_positions(model_ir, var, comp)
        if isinstance(comp.expr, ir.Num):
            for pos in positions:
                out[pos] = comp.expr.value
        elif isinstance(comp.expr, ir.ArrayLiteral):
            values = np.asarray(comp.expr.values, dtype=float).ravel()
            if values.size != len(positions):
                return None
            for pos, value in zip(positions, values):
                out[pos] = value
        else:
            return None
    return out[None, ...]


def _as_values(model_ir, var, value):
    """Validate a number/array for ``var``; returns an array shaped (n or 1, *dims)."""
    shape = model_ir.dims_shape(var.dims)
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(f"parameter '{var.name}': value {value!r} is not a number or numeric array")
    if not np.all(np.isfinite(array)):
        raise ParameterError(f"parameter '{var.name}': values must be finite numbers")
    if array.ndim == 0:
        return np.full((1,) + shape, float(array))
    if not shape:
        if array.ndim == 1:
            return array
    elif array.shape == shape:
        return array[None, ...]
    elif array.ndim == 1:
        return np.broadcast_to(array.reshape((-1,) + (1,) * len(shape)), (array.shape[0],) + shape).copy()
    elif array.shape[1:] == shape:
        return array
    raise ParameterError(
        f"parameter '{var.name}': shape {array.shape} does not fit; give a number, a length-n "
        f"array, or an array shaped (n, {', '.join(map(str, shape))}) or ({', '.join(map(str, shape))})")


def resolve_params(model_ir, names, params, n):
    """Validate ``params`` against the model; returns :class:`ResolvedParams`.

    A key ``"x[elem]"`` sets one element of a constant to a number, a length-n array or a
    :class:`TimeSeries`; the other elements keep the whole-variable value given under ``"x"``
    (a number, array or TimeSeries) or else the model's own. A variable with any time-varying
    part becomes one :class:`ElementLevers` lever, tabulated once per run.

    Raises
    ------
    UnknownVariableError, ParameterError
    """
    params = dict(params or {})
    values, levers = {}, {}
    sizes = set()
    element_sets = {}
    for key, value in params.items():
        vid, elements = names.split(key)
        var = model_ir.variables[vid]
        if var.role == ir.STOCK:
            raise ParameterError(
                f"parameter '{key}': '{var.name}' is a stock; set the constant its initial value uses")
        if var.role == ir.LOOKUP:
            raise ParameterError(f"parameter '{key}': '{var.name}' is a lookup table and cannot be set")
        if elements is not None:
            element_sets.setdefault(vid, []).append((key, elements, value))
            if isinstance(value, TimeSeries) and value.n > 1:
                sizes.add(value.n)
            continue
        if isinstance(value, TimeSeries):
            levers[vid] = value
            if value.n > 1:
                sizes.add(value.n)
            continue
        array = _as_values(model_ir, var, value)
        if array.shape[0] > 1:
            sizes.add(array.shape[0])
        values[vid] = array
    _apply_element_sets(model_ir, element_sets, values, levers, sizes)
    n = _scenario_count(model_ir, values, sizes, n)
    return ResolvedParams(values, levers, n)


def _apply_element_sets(model_ir, element_sets, values, levers, sizes):
    """Fold ``"x[elem]"`` keys into ``values`` (fixed) or ``levers`` (an :class:`ElementLevers`)."""
    for vid, entries in element_sets.items():
        overrides = _element_overrides(model_ir, model_ir.variables[vid], entries, sizes)
        base = levers.get(vid, values.get(vid))
        if base is None:
            base = _literal_value(model_ir, model_ir.variables[vid])
            if base is None:
                raise ParameterError(
                    f"parameter '{entries[0][0]}': only constants can be set element by element; "
                    f"set the whole variable '{model_ir.variables[vid].name}' instead")
        if isinstance(base, TimeSeries) or any(isinstance(value, TimeSeries) for _i, value in overrides):
            values.pop(vid, None)
            levers[vid] = ElementLevers(base, overrides)
            continue
        for index, value in overrides:
            base = np.array(np.broadcast_to(base, (max(base.shape[0], value.shape[0]),) + base.shape[1:]))
            base[(slice(None),) + index] = value
        values[vid] = base


def _scenario_count(model_ir, values, sizes, n):
    """The number of scenarios the parameters give (checked against ``n`` when it is given)."""
    if n is not None:
        sizes.discard(1)
        bad = [s for s in sizes if s != n]
        if bad:
            raise ParameterError(f"parameters give {bad[0]} values per variable but n = {n}; make them agree")
    else:
        sizes.discard(1)
        if len(sizes) > 1:
            raise ParameterError(f"parameters disagree on the number of scenarios: {sorted(sizes)}")
        n = sizes.pop() if sizes else 1
    for vid, array in values.items():
        if array.shape[0] not in (1, n):
            raise ParameterError(f"parameter '{model_ir.variables[vid].name}': {array.shape[0]} values for n = {n}")
    return n


def _element_overrides(model_ir, var, entries, sizes):
    """[(element index, TimeSeries or array (n or 1,))] for the ``x[elem]`` keys of one variable."""
    overrides, first_key = [], {}
    for key, elements, value in entries:
        index = _element_index(model_ir, var, key, elements)
        if index in first_key:
            raise ParameterError(f"parameter '{key}': the same element as '{first_key[index]}'; give it once")
        first_key[index] = key
        if isinstance(value, TimeSeries):
            overrides.append((index, value))
            continue
        try:
            element_value = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            element_value = np.array(np.nan)
        if element_value.ndim > 1 or not np.all(np.isfinite(element_value)):
            raise ParameterError(f"parameter '{key}': give a number, a length-n array of finite numbers or a TimeSeries")
        if element_value.ndim == 1:
            sizes.add(element_value.shape[0])
        overrides.append((index, element_value.reshape(-1)))
    return overrides


def _element_index(model_ir, var, key, elements):
    if len(elements) != len(var.dims):
        raise ParameterError(f"parameter '{key}': '{var.name}' has {len(var.dims)} subscripts, got {len(elements)}")
    index = []
    for element, dim in zip(elements, var.dims):
        members = model_ir.dimensions[dim].elements
        lowered = [m.lower() for m in members]
        if element.lower() not in lowered:
            raise ParameterError(f"parameter '{key}': '{element}' is not an element of {dim} {list(members)}")
        index.append(lowered.index(element.lower()))
    return tuple(index)
