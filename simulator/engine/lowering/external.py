"""Part of stage two (PySD AbstractModel → ModelIR): GET XLS/DIRECT definitions → IR components.

``lower.py`` hands every component whose equation reads an external file to :func:`lower_component`;
the numbers come from :class:`simulator.engine.external.ExternalReader` at load time and become
literal arrays (CONSTANTS), lookup tables (LOOKUPS) or time-indexed tables (DATA; the variable's
kind is ``data``). Subscript ranges read from a file go through :func:`subscript_elements`.
"""

from __future__ import annotations

import numpy as np

from simulator.engine import ir
from simulator.engine.external import ExternalReader

DATA_KINDS = {None: "interpolate", "interpolate": "interpolate", "look_forward": "forward",
              "hold_backward": "backward", "raw": "backward"}
"""{PySD data keyword: IR table kind}. Vensim's RAW leaves gaps; they are held like HOLD BACKWARD."""


def reader_for(lowering):
    """The lowering run's :class:`ExternalReader` (created on first use, so files are read once)."""
    reader = getattr(lowering, "external_reader", None)
    if reader is None:
        reader = lowering.external_reader = ExternalReader(lowering.path)
    return reader


def _coords(lowering, subs):
    """Elements of each LHS subscript of a component (a range's elements, or the one element)."""
    return [list(lowering.elements_of(sub)) for sub in subs]


def _per_element(coords):
    """(flat position, element-name tuple) of every cell of the block, in C order."""
    for flat, index in enumerate(np.ndindex(*[len(c) for c in coords])):
        names = tuple(c[i] for c, i in zip(coords, index))
        yield flat, names


def _constants(lowering, comp, ctx, subs, excepts):
    ast = comp.ast
    coords = _coords(lowering, subs)
    shape = tuple(len(c) for c in coords)
    values = reader_for(lowering).constants(ctx.var_name, ast.file, ast.tab, ast.cell, shape)
    free = [pos for pos, sub in enumerate(subs) if sub in lowering.dimensions]
    if not free:
        return ir.AUX, ir.Component(subs, ir.Num(float(np.asarray(values).reshape(-1)[0])), excepts=excepts)
    values = np.asarray(values, dtype=float).reshape([shape[p] for p in free])
    return ir.AUX, ir.Component(subs, ir.ArrayLiteral(values), excepts=excepts)


def _tables(lowering, comp, ctx, subs, x_ref, kind):
    """One (element subs, Table) per element of the component's block."""
    ast = comp.ast
    coords = _coords(lowering, subs)
    size = int(np.prod([len(c) for c in coords])) if coords else 1
    x, values = reader_for(lowering).series(ctx.var_name, ast.file, ast.tab, x_ref, ast.cell, size, kind)
    xs = tuple(float(v) for v in x)
    out = []
    for flat, names in _per_element(coords):
        out.append((names, ir.Table(xs, tuple(float(v) for v in values[:, flat]), kind)))
    return out


def _excluded(names, excepts, lowering):
    for exc in excepts:
        if all(n in lowering.elements_of(e) for n, e in zip(names, exc)):
            return True
    return False


def _lookups(lowering, comp, ctx, subs, excepts):
    tables = _tables(lowering, comp, ctx, subs, comp.ast.x_row_or_col, "interpolate")
    return ir.LOOKUP, [ir.Component(names, table) for names, table in tables
                      if not _excluded(names, excepts, lowering)]


def _data(lowering, comp, ctx, subs, excepts):
    """A data variable: per element a table over TIME. A block over whole ranges becomes one hidden
    lookup over those ranges, called at TIME (one vectorised lookup per step instead of one per element)."""
    kind = DATA_KINDS.get(getattr(comp, "keyword", None), "interpolate")
    tables = _tables(lowering, comp, ctx, subs, comp.ast.time_row_or_col, kind)
    free = [pos for pos, sub in enumerate(subs) if sub in lowering.dimensions]
    if not free or len({subs[p] for p in free}) < len(free):
        return ir.AUX, [ir.Component(names, ir.InlineLookup(ir.Time(), table)) for names, table in tables
                       if not _excluded(names, excepts, lowering)]
    dims = tuple(subs[p] for p in free)
    hidden_id = ctx.new_hidden("data")
    lowering.hidden.append(ir.Variable(
        id=hidden_id, name=hidden_id, kind="", role=ir.LOOKUP, dims=dims,
        components=[ir.Component(tuple(names[p] for p in free), table) for names, table in tables],
        hidden=True, doc=f"data of {ctx.var_name}"))
    return ir.AUX, ir.Component(subs, ir.LookupCall(hidden_id, dims, ir.Time()), excepts=excepts)


def nested_data(lowering, node, ctx):
    """GET XLS/DIRECT DATA inside an expression (a DATA variable defined by an expression over it):
    the same table over TIME as a whole-equation call, over the component's free subscripts."""
    from types import SimpleNamespace
    _role, component = _data(lowering, SimpleNamespace(ast=node, keyword=None), ctx, tuple(ctx.free_dims), ())
    return (component[0] if isinstance(component, list) else component).expr


LOWERERS = {"GetConstantsStructure": _constants, "GetLookupsStructure": _lookups, "GetDataStructure": _data}
"""{PySD structure of a component's whole equation: lowerer(lowering, comp, ctx, subs, excepts)}."""


def lower_component(lowering, comp, ctx, subs, excepts):
    """(role, component or list of per-element components) for an external definition, else ``None``."""
    lowerer = LOWERERS.get(type(comp.ast).__name__)
    if lowerer is None:
        return None
    return lowerer(lowering, comp, ctx, subs, excepts)


def subscript_elements(lowering, rng):
    """Element names of a subscript range defined by GET XLS/DIRECT SUBSCRIPT (``rng.subscripts`` a dict)."""
    spec = rng.subscripts
    return reader_for(lowering).subscript(rng.name, spec["file"], spec["tab"], spec["firstcell"],
                                          spec.get("lastcell"), spec.get("prefix"))
