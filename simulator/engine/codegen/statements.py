"""Code generation, statements: one variable's value assigned in generated source (all its components).

Used by ``program.py``; ``as_shape`` and ``full`` are also placed in the program's namespace.
"""

from __future__ import annotations

import numpy as np

from simulator.engine import ir
from simulator.engine.analysis import component_positions
from simulator.engine.codegen.align import align
from simulator.engine.codegen.expressions import emit


def assign_value(ctx_factory, model_ir, var, attribute, target, w, indent=1, seen=None):
    """Emit statements that assign the value of ``var`` (from its components' ``attribute``) to ``target``.

    ``seen`` ({expression: name}): a single expression already assigned to an earlier name reuses
    that array (stocks' initial values, copied into S: a DELAY N's stages make one temporary, not one each).
    """
    shape = model_ir.dims_shape(var.dims)
    comps = var.components
    single = (len(comps) == 1 and not comps[0].excepts
              and tuple(comps[0].subs) == tuple(var.dims))
    if single:
        ctx = ctx_factory(var, comps[0])
        val = emit(getattr(comps[0], attribute), ctx)
        expression = as_full(ctx, val, var.dims, shape)
        if seen is not None and seen.setdefault(expression, target) != target:
            expression = seen[expression]
        w(f"{target} = {expression}", indent)
        return
    w(f"{target} = np.full((_N,) + {shape!r}, np.nan)", indent)    # elements no equation defines: missing.py
    for comp in comps:
        write_component(ctx_factory, model_ir, var, comp, attribute, target, w, indent)


def allocate(model_ir, var, target, w, indent=1):
    """Emit the array of a variable filled piece by piece (NaN where no equation defines it)."""
    w(f"{target} = np.full((_N,) + {model_ir.dims_shape(var.dims)!r}, np.nan)", indent)


def write_component(ctx_factory, model_ir, var, comp, attribute, target, w, indent=1, positions=None):
    """Emit the elements ``positions`` (default: all) of one component into the allocated ``target``."""
    shape = model_ir.dims_shape(var.dims)
    ctx = ctx_factory(var, comp)
    free = tuple(s for s in comp.subs if s in model_ir.dimensions)
    val = emit(getattr(comp, attribute), ctx)
    if positions is None:
        positions = component_positions(model_ir, var, comp)
    if not positions:
        return
    cshape = model_ir.dims_shape(free)
    code = as_full(ctx, val, free, cshape)
    dst = np.ravel_multi_index(np.array(positions).T, shape) if shape else np.zeros(1, int)
    src = _source_positions(model_ir, var, comp, positions, free, cshape)
    dst_name = ctx.const(dst, "_dst")
    src_name = ctx.const(src, "_src")
    w(f"{target}.reshape(_N, -1)[:, {dst_name}] = "
      f"np.broadcast_to({code}, (_N,) + {cshape!r}).reshape(_N, -1)[:, {src_name}]", indent)


_UFUNCS = {"+": "np.add", "-": "np.subtract", "*": "np.multiply", "/": "np.divide"}


def write_in_place(ctx_factory, var, target, w):
    """For a scalar variable whose equation is one arithmetic operation, write it into ``target``
    with the ufunc's ``out=`` (saves a temporary and a copy per step). Returns False otherwise."""
    if len(var.components) != 1 or var.components[0].excepts:
        return False
    comp = var.components[0]
    expr = comp.expr
    ctx = ctx_factory(var, comp)
    if isinstance(expr, ir.Binary) and expr.op in _UFUNCS:
        left, right = emit(expr.left, ctx), emit(expr.right, ctx)
        if (left.dims or ()) or (right.dims or ()) or (left.dims is None and right.dims is None):
            return False
        w(f"{_UFUNCS[expr.op]}({left.code}, {right.code}, out={target})")
        return True
    if isinstance(expr, ir.Unary) and expr.op == "neg":
        arg = emit(expr.arg, ctx)
        if arg.dims != ():
            return False
        w(f"np.negative({arg.code}, out={target})")
        return True
    return False


def _source_positions(model_ir, var, comp, positions, free, cshape):
    """Flat indices into the component's own array (over its free dims) for each defined position."""
    free_axes = []
    for pos, (sub, dim_name) in enumerate(zip(comp.subs, var.dims)):
        if sub in model_ir.dimensions:
            dim = model_ir.dimensions[dim_name]
            sub_elements = model_ir.dimensions[sub].elements
            free_axes.append((pos, {dim.elements.index(e): k for k, e in enumerate(sub_elements)}))
    out = []
    for p in positions:
        idx = tuple(lookup[p[pos]] for pos, lookup in free_axes)
        out.append(int(np.ravel_multi_index(idx, cshape)) if cshape else 0)
    return np.array(out, dtype=int)


def as_full(ctx, val, dims, shape):
    """Code of ``val`` aligned to ``dims`` with every subscript axis at full length."""
    if val.dims is None:
        return f"np.full((1,) + {shape!r}, {val.code}, dtype=float)"
    code = align(ctx, val, dims)
    if set(val.dims) >= set(dims):
        return code
    return f"_full({code}, {shape!r})"


def as_shape(array, shape):
    """A view of ``array`` with ``shape``; raises instead of silently copying (writes must land)."""
    view = array.view()
    view.shape = shape
    return view


def full(value, shape):
    value = np.asarray(value, dtype=float)
    return np.broadcast_to(value, (value.shape[0],) + tuple(shape))
