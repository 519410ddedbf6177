"""Third stage of the data flow (used by program.py): IR expression → numpy source code.

A dispatch table ``{IR node type: emitter}`` turns each expression into python source that
evaluates it on arrays shaped ``(n_scenarios, *subscript_dims)``. Each emitted value carries
its dimension names (:class:`Val`); operands are aligned by dimension *name* (transposition,
updimensioning, subranges, mappings, copies), aggregations reduce the ``dim!`` axes.
"""

from __future__ import annotations


import numpy as np

from simulator.engine import ir
from simulator.engine.analysis import component_positions, static_value
from simulator.engine.codegen.align import align, align_all, relate, related_dims, union_dims, Val, paren, relation_index, take
from simulator.engine.codegen import vectors
from simulator.engine.codegen.builtins import stack_tables
from simulator.engine.functions import BUILTINS, RANDOM_FUNCTIONS, TIME_NAMES
from simulator.errors import ModelParseError


# --- emitters --------------------------------------------------------------------------------

def _emit_num(node, ctx):
    value = float(node.value)
    if not np.isfinite(value):
        return Val({True: "np.inf", False: "(-np.inf)"}.get(value > 0, "np.nan") if not np.isnan(value)
                   else "np.nan", None)
    return Val(repr(value), None)


def _emit_dim_index(node, ctx):
    values = np.asarray(node.positions, dtype=float)[None, :]
    return relate(ctx, Val(ctx.const(values), (node.dim,)), ctx.lhs_dims)


def _emit_time(node, ctx):
    return Val("t", None)


def _emit_array(node, ctx):
    free = [d for d in ctx.lhs_dims]
    shape = ctx.ir.dims_shape(free)
    values = np.asarray(node.values, dtype=float)
    if values.size != int(np.prod(shape)):
        ctx.fail(f"array of {values.size} values does not fill subscripts {free} {shape}")
    return Val(ctx.const(values.reshape((1,) + shape)), tuple(free))


def _subscript_index(ctx, var, subs):
    """Resolve reference subscripts: (basic index tuple, [(axis, index array)], result dims)."""
    if subs is None:
        return None, [], tuple(var.dims)
    if len(subs) != len(var.dims):
        ctx.fail(f"reference to '{var.name}' has {len(subs)} subscripts, it has {len(var.dims)}")
    basic, takes, dims = [slice(None)], [], []
    for sub, dim_name in zip(subs, var.dims):
        dim = ctx.dim(dim_name)
        bang = sub.endswith("!")
        name = sub[:-1] if bang else sub
        if name in ctx.ir.dimensions:
            if name == dim_name:
                index = slice(None)
            else:
                index = relation_index(ctx, dim_name, name)
                if index is None:
                    ctx.fail(f"subscript '{name}' does not fit dimension '{dim_name}' of '{var.name}'; "
                             f"use {dim_name}, one of its subranges, or a range mapped to it")
            basic.append(slice(None))
            if not isinstance(index, slice):
                takes.append((len(dims) + 1, index))
            dims.append(sub)
        elif name in dim.elements:
            basic.append(dim.elements.index(name))
        else:
            ctx.fail(f"subscript '{sub}' is not an element of '{dim_name}' (reference to '{var.name}'); "
                     f"use one of {list(dim.elements)[:6]}")
    return tuple(basic), takes, tuple(dims)


def _index_code(ctx, code, basic, takes):
    if basic is not None and any(not isinstance(b, slice) for b in basic):
        parts = ", ".join(":" if isinstance(b, slice) else str(b) for b in basic)
        code = f"{code}[{parts}]"
    for axis, index in takes:
        code = take(ctx, code, index, axis)
    return code


def _emit_ref(node, ctx):
    if node.id in ctx.overrides:
        local = ctx.overrides[node.id]
    else:
        local = ctx.names[node.id]
    var = ctx.ir.variables[node.id]
    if var.role == ir.LOOKUP:
        ctx.fail(f"lookup '{var.name}' is used without an argument")
    basic, takes, dims = _subscript_index(ctx, var, node.subs)
    return relate(ctx, Val(_index_code(ctx, local, basic, takes), dims), ctx.lhs_dims)


def _emit_unary(node, ctx):
    arg = emit(node.arg, ctx)
    if node.op == "neg":
        return Val(f"(-{paren(arg.code)})", arg.dims)
    return Val(f"np.logical_not({arg.code})", arg.dims)


_BINARY = {"+": "({0} + {1})", "-": "({0} - {1})", "*": "({0} * {1})", "/": "({0} / {1})",
           "^": "({0} ** {1})", "==": "({0} == {1})", "!=": "({0} != {1})", "<": "({0} < {1})",
           "<=": "({0} <= {1})", ">": "({0} > {1})", ">=": "({0} >= {1})",
           "and": "np.logical_and({0}, {1})", "or": "np.logical_or({0}, {1})"}


def _emit_binary(node, ctx):
    left, right = emit(node.left, ctx), emit(node.right, ctx)
    codes, dims = align_all(ctx, [left, right])
    if dims is None:      # python floats would raise on 1/0 or give complex powers
        codes = [f"np.float64({codes[0]})", codes[1]]
    return Val(_BINARY[node.op].format(*codes), dims)


def _emit_call(node, ctx):
    if node.func in TIME_NAMES:
        return Val(TIME_NAMES[node.func], None)
    if node.func in SPECIAL_CALLS:
        return SPECIAL_CALLS[node.func](node, ctx)
    builtin = BUILTINS[node.func]
    args = [emit(a, ctx) for a in node.args]
    if builtin.aggregate or (node.func in ("min", "max") and len(args) == 1):
        return _emit_aggregate(node.func if builtin.aggregate else "v" + node.func, args[0], ctx)
    if node.func == "ramp" and len(args) == 2:
        args.append(Val("None", None))
    codes, dims = align_all(ctx, args)
    if dims is None:
        codes = [c if c == "None" else f"np.float64({c})" for c in codes]
    return Val(builtin.template.format(*codes), dims)


def _emit_allocate_by_priority(node, ctx):
    """ALLOCATE BY PRIORITY allocates along the last subscript of the equation's left-hand side."""
    if not ctx.lhs_dims:
        ctx.fail("ALLOCATE BY PRIORITY needs a subscripted left-hand side (the last subscript is allocated)")
    dims = tuple(ctx.lhs_dims)
    outer = dims[:-1]
    request, priority, width, supply = (emit(a, ctx) for a in node.args)
    codes = [align(ctx, request, dims), align(ctx, priority, dims)]
    for val in (width, supply):
        code = align(ctx, val, outer)
        codes.append(code if val.dims is None else f"{paren(code)}[..., None]")
    return Val(BUILTINS["allocate_by_priority"].template.format(*codes), dims)


def _emit_allocate_available(node, ctx):
    """ALLOCATE AVAILABLE allocates along the last LHS subscript; the profile keeps its own last axis."""
    if not ctx.lhs_dims:
        ctx.fail("ALLOCATE AVAILABLE needs a subscripted left-hand side (the last subscript is allocated)")
    dims = tuple(ctx.lhs_dims)
    request, profile, available = (emit(a, ctx) for a in node.args)
    profile_dim = profile.dims[-1]
    profile_code = align(ctx, profile, dims + (profile_dim,))
    avail_code = align(ctx, available, dims[:-1])
    if available.dims is not None:
        avail_code = f"{paren(avail_code)}[..., None]"
    code = BUILTINS["allocate_available"].template.format(align(ctx, request, dims), profile_code, avail_code)
    return Val(code, dims)


def _emit_vector_order(node, ctx):
    """VECTOR SORT ORDER / VECTOR RANK (vector, direction): along the vector's last subscript."""
    vector, direction = (emit(a, ctx) for a in node.args)
    if not vector.dims:
        ctx.fail(f"{BUILTINS[node.func].vensim} needs a subscripted vector (it works along the last subscript)")
    code = BUILTINS[node.func].template.format(vector.code, align(ctx, direction, vector.dims))
    return Val(code, vector.dims)


def _emit_vector_reorder(node, ctx):
    """VECTOR REORDER(vector, order): ``order`` (0-based positions) aligned to the vector's subscripts."""
    vector, order = (emit(a, ctx) for a in node.args)
    if not vector.dims:
        ctx.fail("VECTOR REORDER needs a subscripted vector (it works along the last subscript)")
    code = BUILTINS["vector_reorder"].template.format(vector.code, align(ctx, order, vector.dims))
    return Val(code, vector.dims)


def _emit_random(node, ctx):
    """A RANDOM call: draws over (scenario, *left-hand-side subscripts); the last IR argument is the
    call site's number (lowering), the call's own arguments are aligned to those subscripts."""
    dims = tuple(ctx.lhs_dims)
    shape = ctx.ir.dims_shape(dims)
    site = int(node.args[-1].value)
    args, codes = node.args[:-1], []
    if node.func == "random_lookup":               # the lookup is the density: its points as constants
        codes, args = _lookup_points(node.args[0], ctx), args[1:]
    codes += [align(ctx, emit(a, ctx), dims) for a in args]
    head = f"_rng_key, {site}, t, _t0, _dt, {tuple(shape)!r}"
    return Val(f"{BUILTINS[node.func].template}({', '.join([head] + codes)})", dims)


def _lookup_points(ref, ctx):
    """RANDOM LOOKUP's first argument: the names of a one-table lookup's x and y constants."""
    var = ctx.ir.variables.get(getattr(ref, "id", None))
    if var is None or var.role != ir.LOOKUP or var.dims or ref.subs:
        ctx.fail("RANDOM LOOKUP's first argument must be the name of a lookup without subscripts")
    return list(_table_pair(ctx, lookup_tables(ctx.ir, var)[()]))


def _emit_vector_select(node, ctx):
    """VECTOR SELECT(selection[dim!], expression[dim!], missing, numerical action, error action):
    reduces the ``dim!`` subscripts; an action that is not a constant number is evaluated each step."""
    selection, values = emit(node.args[0], ctx), emit(node.args[1], ctx)
    missing = emit(node.args[2], ctx)
    dims = union_dims(selection, values)
    axes = [i + 1 for i, d in enumerate(dims) if d.endswith("!")]
    if not axes:
        ctx.fail("VECTOR SELECT needs subscripts marked with ! (the range to select from)")
    rest = tuple(d for d in dims if not d.endswith("!"))
    codes = []
    for arg, top, what in ((node.args[3], 10, "numerical action must be a number 0-10"),
                           (node.args[4], 3, "error action must be a number 0-3 (0 none; NaN where 1 nothing, "
                                             "2 more than one, 3 not exactly one element is selected)")):
        value = static_value(arg, ctx.ir.variables)
        if value is None:            # an equation (e.g. Time + 6): evaluated each step, as Vensim does
            codes.append(align(ctx, emit(arg, ctx), rest))
        elif value in range(top + 1):
            codes.append(str(int(value)))
        else:
            ctx.fail(f"VECTOR SELECT's {what}")
    code = (f"_vector_select({align(ctx, selection, dims)}, {align(ctx, values, dims)}, {tuple(axes)!r}, "
            f"{align(ctx, missing, rest)}, {codes[0]}, {codes[1]})")
    return Val(code, rest)


def _emit_vector_elm_map(node, ctx):
    return vectors.emit_vector_elm_map(node, ctx, emit)


def _emit_invert_matrix(node, ctx):
    return vectors.emit_invert_matrix(node, ctx, emit)


def _emit_vector_lookup(node, ctx):
    return vectors.emit_vector_lookup(node, ctx, emit, _subscript_index, _index_code)


SPECIAL_CALLS = {"allocate_by_priority": _emit_allocate_by_priority,
                 "allocate_available": _emit_allocate_available,
                 "vector_sort_order": _emit_vector_order, "vector_rank": _emit_vector_order,
                 "vector_reorder": _emit_vector_reorder, "vector_select": _emit_vector_select,
                 "vector_elm_map": _emit_vector_elm_map, "vector_lookup": _emit_vector_lookup,
                 "invert_matrix": _emit_invert_matrix}
SPECIAL_CALLS.update(dict.fromkeys(RANDOM_FUNCTIONS, _emit_random))
"""Calls whose argument shapes are not elementwise: {function: emitter}."""


def _emit_aggregate(func, arg, ctx):
    if arg.dims is None:
        return arg
    axes = [i + 1 for i, d in enumerate(arg.dims) if d.endswith("!")]
    if not axes:
        axes = [i + 1 for i in range(len(arg.dims))]
    rest = tuple(d for i, d in enumerate(arg.dims) if i + 1 not in axes)
    axes_code = f"({', '.join(str(a) for a in axes)},)"
    return Val(BUILTINS[func].template.format(arg.code, axes=axes_code), rest)


def _table_pair(ctx, table):
    return ctx.const(np.asarray(table.x, dtype=float)), ctx.const(np.asarray(table.y, dtype=float))


def _emit_inline_lookup(node, ctx):
    arg = emit(node.arg, ctx)
    xs, ys = _table_pair(ctx, node.table)
    return Val(f"_lookup({arg.code}, {xs}, {ys}, {node.table.kind!r})", arg.dims)


def _emit_lookup_call(node, ctx):
    var = ctx.ir.variables[node.id]
    arg = emit(node.arg, ctx)
    tables = lookup_tables(ctx.ir, var)
    kind_override = node.kind
    if not var.dims:
        table = tables[()]
        kind = kind_override or table.kind
        xs, ys = _table_pair(ctx, table)
        return Val(f"_lookup({arg.code}, {xs}, {ys}, {kind!r})", arg.dims)
    grid = np.empty(ctx.ir.dims_shape(var.dims), dtype=object)
    kinds = set()
    for index, table in tables.items():
        grid[index] = (np.asarray(table.x, dtype=float), np.asarray(table.y, dtype=float))
        kinds.add(table.kind)
    basic, takes, dims = _subscript_index(ctx, var, node.subs)
    if basic is not None:
        grid = grid[tuple(basic[1:]) + (Ellipsis,)]   # stays an array when one element is picked
    for axis, index in takes:
        grid = np.take(grid, index, axis=axis - 1)
    dims = list(dims)
    for pos, target, index in related_dims(ctx, dims, ctx.lhs_dims):
        if not isinstance(index, slice):
            grid = np.take(grid, index, axis=pos)
        dims[pos] = target
    dims = tuple(dims)
    if arg.dims is None:
        arg_code, out_dims = arg.code, dims
    else:
        out_dims = union_dims(Val("", dims), relate(ctx, arg, ctx.lhs_dims))
        arg_code = align(ctx, arg, out_dims)
    if not out_dims:                                  # one element picked, scalar argument
        entry = np.asarray(grid, dtype=object).reshape(-1)[0]
        if entry is None:
            ctx.fail(f"uses an element of lookup '{var.name}' that has no table; define it")
        kind = kind_override or (kinds.pop() if len(kinds) == 1 else "interpolate")
        return Val(f"_lookup({arg_code}, {ctx.const(entry[0])}, {ctx.const(entry[1])}, {kind!r})", arg.dims)
    # arrange the grid over out_dims (tables constant along the arg-only dims)
    present = [d for d in out_dims if d in dims]
    grid = np.transpose(grid, [dims.index(d) for d in present]) if present else grid
    expand = tuple(slice(None) if d in dims else None for d in out_dims)
    grid = np.broadcast_to(grid[expand], ctx.ir.dims_shape(out_dims))
    if any(entry is None for entry in grid.flat):    # partially defined lookup, undefined element used
        ctx.fail(f"uses elements of lookup '{var.name}' that have no table; define them")
    kind = kind_override or (kinds.pop() if len(kinds) == 1 else "interpolate")
    tables = np.array(grid, dtype=object)
    packed = tables if kind == "extrapolate" else stack_tables(tables)
    return Val(f"_lookup_stack({arg_code}, {ctx.const(packed)}, {kind!r})", out_dims)


EMITTERS = {
    ir.Num: _emit_num,
    ir.Time: _emit_time,
    ir.DimIndex: _emit_dim_index,
    ir.ArrayLiteral: _emit_array,
    ir.Ref: _emit_ref,
    ir.Unary: _emit_unary,
    ir.Binary: _emit_binary,
    ir.Call: _emit_call,
    ir.InlineLookup: _emit_inline_lookup,
    ir.LookupCall: _emit_lookup_call,
}
"""{IR node type: emitter(node, ctx) -> Val}."""


def emit(node, ctx):
    """Emit numpy source for an IR expression node."""
    return EMITTERS[type(node)](node, ctx)


def lookup_tables(model_ir, var):
    """{element index tuple: Table} for a lookup variable, per-element definitions assembled.

    A lookup may define only some elements of its range (Vensim allows it); using an undefined
    element is refused where it is used (``_emit_lookup_call``).
    """
    shape = model_ir.dims_shape(var.dims)
    tables = {}
    for comp in var.components:
        # an XMILE graphical function is an auxiliary ``table(eqn)`` that can also be called as a table
        table = comp.expr.table if isinstance(comp.expr, ir.InlineLookup) else comp.expr
        if not isinstance(table, ir.Table):
            raise ModelParseError(f"{model_ir.path}: '{var.name}' is used as a lookup but has no table; "
                                  f"give it a lookup definition")
        for index in component_positions(model_ir, var, comp):
            tables[index] = table
    if not tables and shape:
        raise ModelParseError(f"{model_ir.path}: lookup '{var.name}' has no table; give it a lookup definition")
    return tables
