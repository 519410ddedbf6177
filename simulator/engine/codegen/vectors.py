"""Code generation, vector functions that address a variable by element position: VECTOR ELM MAP and
VECTOR LOOKUP (emitters used by ``expressions.py``, runtime helpers placed in the program's namespace).

Both take a reference to one element of a subscripted variable (``vec[s1]``) and stand for the whole
variable: VECTOR ELM MAP reads the element ``offset`` positions after that one, counting over all of
the variable's subscripts with the last one fastest (Vensim: "offset is effectively 0 based"; an
offset outside the variable gives :NA:, here NaN, which marks the scenario non-finite); VECTOR LOOKUP
uses the values along the last subscript as the y values of a lookup over ``n`` equally spaced x
values from xmin to xmax (modes 0-4 and 7: the lookup, LOOKUP AREA from xmin, LOOKUP BACKWARD,
EXTRAPOLATE, FORWARD, and the area with extrapolation).
"""

from __future__ import annotations

import numpy as np

from simulator.engine import ir
from simulator.engine.analysis import static_value
from simulator.engine.codegen.align import Val, align, paren, relate, relation_index, union_dims

VECTOR_LOOKUP_MODES = {0: "interpolate", 1: "area", 2: "backward", 3: "extrapolate", 4: "forward",
                       7: "area extrapolate"}
"""VECTOR LOOKUP modes supported: {mode: lookup kind}. 5, 6, 8, 9 (invert, slope) are refused."""


# --- emitters ----------------------------------------------------------------------------------

def _vector_reference(node, ctx, label):
    """The variable and subscripts of a VECTOR function's first argument (an element reference)."""
    ref = node.args[0]
    if not isinstance(ref, ir.Ref) or not ref.subs:
        ctx.fail(f"{label}'s first argument must be a subscripted variable named at one element, e.g. v[s1]")
    var = ctx.ir.variables[ref.id]
    if var.role == ir.LOOKUP:
        ctx.fail(f"{label} of lookup '{var.name}': give it a subscripted variable")
    if len(ref.subs) != len(var.dims):
        ctx.fail(f"reference to '{var.name}' has {len(ref.subs)} subscripts, it has {len(var.dims)}")
    local = ctx.overrides.get(ref.id, ctx.names.get(ref.id))
    return var, ref.subs, local


def _positions(ctx, var, sub, dim_name, label):
    """Position(s) of subscript ``sub`` in the variable's dimension ``dim_name``: an int for an
    element, else (index array over the elements of range ``sub``)."""
    dim = ctx.dim(dim_name)
    if sub.endswith("!"):
        ctx.fail(f"{label} does not take ! subscripts ('{sub}' in the reference to '{var.name}')")
    if sub in ctx.ir.dimensions:
        index = relation_index(ctx, dim_name, sub)
        if index is None:
            ctx.fail(f"subscript '{sub}' does not fit dimension '{dim_name}' of '{var.name}'")
        return np.arange(len(dim.elements)) if isinstance(index, slice) else np.asarray(index)
    if sub not in dim.elements:
        ctx.fail(f"subscript '{sub}' is not an element of '{dim_name}' (reference to '{var.name}')")
    return dim.elements.index(sub)


def emit_vector_elm_map(node, ctx, emit):
    """VECTOR ELM MAP(vec[element or range ...], offset): the flat position of the named element
    (last subscript fastest) plus the offset, over the whole variable."""
    label = "VECTOR ELM MAP"
    var, subs, local = _vector_reference(node, ctx, label)
    shape = ctx.ir.dims_shape(var.dims)
    strides = [int(np.prod(shape[i + 1:], dtype=int)) for i in range(len(shape))]
    fixed, parts = 0, []
    for sub, dim_name, stride in zip(subs, var.dims, strides):
        position = _positions(ctx, var, sub, dim_name, label)
        if isinstance(position, int):
            fixed += position * stride
        else:
            parts.append(relate(ctx, Val(ctx.const((position * stride)[None, :].astype(float)), (sub,)),
                                ctx.lhs_dims))
    offset = relate(ctx, emit(node.args[1], ctx), ctx.lhs_dims)
    dims = union_dims(offset, *parts)
    terms = [repr(float(fixed))] + [align(ctx, p, dims) for p in parts] + [align(ctx, offset, dims)]
    index = " + ".join(paren(t) for t in terms)
    return Val(f"_vector_elm_map({local}, {index}, {len(dims)})", dims)


def emit_invert_matrix(node, ctx, emit):
    """INVERT MATRIX(m[i, j], n): the inverse of the square matrix in ``m``'s last two subscripts.

    Vensim reads the whole matrix however the reference spells its subscripts: SDEverywhere's
    invertmatrixio writes ``INVERT MATRIX(m[Source, Source], n)`` for ``inverse[Source, Target]``,
    and Vensim's run is the inverse of all of ``m`` (not of its diagonal). A reference whose last two
    subscripts repeat one range is read that way, the result taking the left side's last two
    dimensions; any other argument is inverted as the elementwise code gives it."""
    ref = node.args[0]
    var = ctx.ir.variables.get(getattr(ref, "id", None)) if isinstance(ref, ir.Ref) else None
    lhs = tuple(ctx.lhs_dims)
    if (var is None or len(ref.subs) != 2 or len(var.dims) != 2 or ref.subs[0] != ref.subs[1]
            or len(lhs) != 2 or ctx.ir.dims_shape(var.dims) != ctx.ir.dims_shape(lhs)):
        value = emit(ref, ctx)
        return Val(f"np.linalg.inv({value.code})", value.dims)
    local = ctx.overrides.get(ref.id, ctx.names.get(ref.id))
    return Val(f"np.linalg.inv({local})", lhs)


def emit_vector_lookup(node, ctx, emit, subscript_index, index_code):
    """VECTOR LOOKUP(vec[..., first element], x, xmin, xmax, mode): a lookup whose y values are the
    variable along its last subscript, at equally spaced x from xmin to xmax."""
    label = "VECTOR LOOKUP"
    var, subs, local = _vector_reference(node, ctx, label)
    last_dim = var.dims[-1]
    if subs[-1] != ctx.dim(last_dim).elements[0]:
        ctx.fail(f"VECTOR LOOKUP must name the first element of the last subscript of '{var.name}' "
                 f"({var.name}[..., {ctx.dim(last_dim).elements[0]}]), as Vensim requires")
    mode = static_value(node.args[4], ctx.ir.variables)
    if mode not in VECTOR_LOOKUP_MODES:
        ctx.fail("VECTOR LOOKUP's mode must be a number 0-4 or 7 (lookup, area, backward, extrapolate, "
                 "forward, extrapolated area); invert and slope (5, 6, 8, 9) are not supported")
    basic, takes, dims = subscript_index(ctx, var, subs[:-1] + (last_dim,))
    axis = last_dim + "!"                          # a ! name keeps the vector axis out of alignment
    vector = relate(ctx, Val(index_code(ctx, local, basic, takes), dims[:-1] + (axis,)), ctx.lhs_dims)
    x, xmin, xmax = (relate(ctx, emit(a, ctx), ctx.lhs_dims) for a in node.args[1:4])
    out = tuple(d for d in union_dims(vector, x, xmin, xmax) if d != axis)
    codes = [align(ctx, v, out) for v in (x, xmin, xmax)]
    kind = VECTOR_LOOKUP_MODES[int(mode)]
    return Val(f"_vector_lookup({align(ctx, vector, out + (axis,))}, {', '.join(codes)}, {kind!r})", out)


# --- runtime helpers -----------------------------------------------------------------------------

def _vector_elm_map(values, index, ndim):
    """``values`` (scenario, *dims) flattened per scenario, read at the 0-based ``index`` (scenario,
    *out, ``ndim`` axes, or broadcastable); NaN where the index falls outside the variable."""
    values = np.asarray(values, dtype=float)
    flat = values.reshape(values.shape[0], -1)
    index = np.asarray(index, dtype=float)
    if index.ndim < 1 + ndim:
        index = index.reshape((1,) * (1 + ndim - index.ndim) + index.shape)
    position = np.round(index)
    inside = (position >= 0) & (position < flat.shape[1])
    shape = np.broadcast_shapes(index.shape, (flat.shape[0],) + (1,) * ndim)
    rows = np.broadcast_to(flat.reshape((flat.shape[0],) + (1,) * ndim + (flat.shape[1],)),
                           shape + (flat.shape[1],))
    safe = np.broadcast_to(np.where(inside, position, 0).astype(np.intp), shape)
    picked = np.take_along_axis(rows, safe[..., None], axis=-1)[..., 0]
    return np.where(inside, picked, np.nan)


def _vector_lookup(ys, x, xmin, xmax, kind):
    """Lookup of ``x`` in the table (xs equally spaced from ``xmin`` to ``xmax``, ``ys`` along the last
    axis of ``ys``), with the lookup ``kind``'s rule outside and between the points."""
    ys = np.asarray(ys, dtype=float)
    count = ys.shape[-1]
    x, xmin, xmax = (np.asarray(a, dtype=float)[..., None] for a in (x, xmin, xmax))
    xs = xmin + (xmax - xmin) * (np.arange(count) / max(count - 1, 1))
    shape = np.broadcast_shapes(ys.shape, xs.shape, x.shape)
    ys, xs = np.broadcast_to(ys, shape), np.broadcast_to(xs, shape)
    x = np.broadcast_to(x, shape)[..., 0]

    def at(array, index):
        return np.take_along_axis(array, index[..., None], axis=-1)[..., 0]

    if kind == "backward":
        return at(ys, np.clip(np.sum(x[..., None] >= xs, axis=-1) - 1, 0, count - 1))
    if kind == "forward":
        return at(ys, np.clip(np.sum(x[..., None] > xs, axis=-1), 0, count - 1))
    if count == 1:
        return np.array(ys[..., 0])
    upper = np.clip(np.sum(x[..., None] >= xs, axis=-1), 1, count - 1)
    x0, x1, y0, y1 = at(xs, upper - 1), at(xs, upper), at(ys, upper - 1), at(ys, upper)
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = np.where(x1 > x0, (x - x0) / np.where(x1 > x0, x1 - x0, 1.0), 0.0)
    if kind in ("interpolate", "area"):
        weight = np.clip(weight, 0.0, 1.0)
    if kind.startswith("area"):
        return _area(xs, ys, x, x0, y0, x1, y1, weight, upper)
    return y0 + weight * (y1 - y0)


def _area(xs, ys, x, x0, y0, x1, y1, weight, upper):
    """Signed area under the lookup from its first x to ``x`` (LOOKUP AREA from xmin): trapezoids up to
    the segment's anchor point, then the trapezoid from there to ``x`` (held or extrapolated ends)."""
    steps = np.diff(xs, axis=-1) * (ys[..., 1:] + ys[..., :-1]) / 2
    cumulative = np.concatenate([np.zeros(steps.shape[:-1] + (1,)), np.cumsum(steps, axis=-1)], axis=-1)
    value = y0 + weight * (y1 - y0)
    beyond = x > x1                                     # past the last point: anchor there
    anchor_x = np.where(beyond, x1, x0)
    anchor_y = np.where(beyond, y1, y0)
    base = np.take_along_axis(cumulative, np.where(beyond, upper, upper - 1)[..., None], axis=-1)[..., 0]
    return base + (x - anchor_x) * (anchor_y + value) / 2


RUNTIME = {"_vector_elm_map": _vector_elm_map, "_vector_lookup": _vector_lookup}
"""Names the generated code may use for VECTOR ELM MAP and VECTOR LOOKUP."""
