"""Fused kernels, one expression: IR expression → scalar numba source for one scenario and element.

Used by ``kernels/generate.py``. A value is scalar code for one scenario: a scalar variable is a
local, a subscripted one a small array read at a flat index made of the loop variables of the
equation's left-hand side (``k<i>``; ``k`` is the flat element) and of the ``dim!`` subscripts
an aggregation reduces (``j<i>``, in loops written before the statement: ``KernelContext.pre``).
References must use each variable's own dimensions (or single elements); subranges, mappings
and anything else raise :class:`Unsupported`, and the run falls back to the numpy program.
"""

from __future__ import annotations

import numpy as np

from simulator.engine import ir
from simulator.engine.analysis import walk
from simulator.engine.functions import TIME_NAMES


class Unsupported(Exception):
    """The fused-kernel generator does not support this; the message says what (one line)."""


_ARITHMETIC = {"+": "+", "-": "-", "*": "*", "/": "/", "^": "**"}
_COMPARE = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_UNARY = {"abs": "np.abs", "exp": "np.exp", "ln": "np.log", "sqrt": "np.sqrt", "sin": "np.sin",
          "cos": "np.cos", "tan": "np.tan", "arcsin": "np.arcsin", "arccos": "np.arccos",
          "arctan": "np.arctan", "sinh": "np.sinh", "cosh": "np.cosh", "tanh": "np.tanh",
          "integer": "np.trunc"}
_HELPERS = {"min": "k_min({0}, {1})", "max": "k_max({0}, {1})", "quantum": "k_quantum({0}, {1})",
            "modulo": "k_modulo({0}, {1})", "xidz": "k_xidz({0}, {1}, {2})", "zidz": "k_xidz({0}, {1}, 0.0)",
            "power": "({0} ** {1})", "log": "(np.log({0}) / np.log({1}))",
            "if_then_else": "({1} if {0} else {2})",
            "step": "({0} * k_float(t + _dt / 2 > {1}))",
            "pulse": "k_pulse(t, {0}, {1})", "pulse_train": "k_pulse_train(t, {0}, {1}, {2}, {3})",
            "xramp": "k_ramp(t, {0}, {1})", "xpulse": "k_xpulse(t, _dt, {0}, {1}, 0.0)",
            "xpulse_train": "k_xpulse(t, _dt, {0}, {2}, {1})"}
INEXACT = {"exp", "ln", "log", "power", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh"}
"""Functions numpy computes with its own SIMD loops: libm's result may differ in the last bit."""
_LOOKUP_KINDS = {"interpolate": "k_interp", "extrapolate": "k_extrapolate",
                 "forward": "k_forward", "backward": "k_backward"}


class KernelContext:
    """What the emitter needs: the IR, how each variable is read, the table pool, the LHS dims.

    ``reads`` maps a variable id to its name in the kernel: a scalar local, or a small array over
    the variable's flat elements (``name[k]``) when subscripted.
    """

    def __init__(self, model_ir, reads, tables, lhs_dims=(), fixed=None, inexact=None):
        self.ir, self.reads, self.tables, self.lhs_dims = model_ir, reads, tables, tuple(lhs_dims)
        self.fixed = fixed or {}    # subscript → its element, in an unrolled piecewise equation
        self.inexact = set() if inexact is None else inexact   # what may differ from numpy in the last bit
        self.bang = {}      # dim! being reduced → its loop variable
        self.pre = []       # statements the expression needs first (aggregation loops)

    def loop_var(self, sub):
        """Loop variable of a subscript: ``k<i>`` for the i-th LHS dimension, ``j<i>`` for a dim! reduced."""
        if sub in self.bang:
            return self.bang[sub]
        if sub in self.lhs_dims:
            return f"k{self.lhs_dims.index(sub)}"
        return None

    def table(self, xs, ys):
        """Name of a (xs, ys) pair of float arrays passed to the kernel."""
        key = (tuple(xs), tuple(ys))
        if key not in self.tables:
            self.tables[key] = f"_tab{len(self.tables)}"
        return self.tables[key]


def emit(node, ctx):
    """Scalar source of ``node`` for the current scenario and element ``k``."""
    handler = _EMITTERS.get(type(node))
    if handler is None:
        raise Unsupported(f"{type(node).__name__} expressions")
    return handler(node, ctx)


def _num(node, ctx):
    value = float(node.value)
    if np.isnan(value):
        return "np.nan"
    if np.isinf(value):
        return "np.inf" if value > 0 else "(-np.inf)"
    return repr(value)


def _ref(node, ctx):
    var = ctx.ir.variables[node.id]
    if var.role == ir.LOOKUP:
        raise Unsupported(f"lookup '{var.name}' used without an argument")
    code = ctx.reads[node.id]
    if not var.dims:
        return code
    subs = tuple(var.dims) if node.subs is None else tuple(node.subs)
    if subs == ctx.lhs_dims == tuple(var.dims) and not ctx.fixed:
        return f"{code}[k]"
    shape = ctx.ir.dims_shape(var.dims)
    terms = []
    for position, (sub, dim_name) in enumerate(zip(subs, var.dims)):
        stride = int(np.prod(shape[position + 1:], dtype=int))
        elements = ctx.ir.dimensions[dim_name].elements
        if sub in ctx.fixed and ctx.fixed[sub] in elements:      # an unrolled element of a piecewise equation
            terms.append(str(elements.index(ctx.fixed[sub]) * stride))
        elif sub in elements:
            terms.append(str(elements.index(sub) * stride))
        elif sub.rstrip("!") == dim_name and ctx.loop_var(sub) is not None:
            terms.append(f"{ctx.loop_var(sub)} * {stride}")
        else:
            raise Unsupported(f"reference '{var.name}[{', '.join(subs)}]' (subranges, mappings, other subscripts)")
    return f"{code}[{' + '.join(terms)}]"


def _aggregate(node, ctx):
    """SUM / PROD / VMIN / VMAX over the ``dim!`` subscripts: a loop written before the statement."""
    start, step = {"sum": ("0.0", "{a} = {a} + {x}"), "prod": ("1.0", "{a} = {a} * {x}"),
                   "vmin": ("np.inf", "{a} = k_min({a}, {x})"), "vmax": ("-np.inf", "{a} = k_max({a}, {x})")}[node.func]
    bangs = sorted({s for n in walk(node.args[0]) if isinstance(n, ir.Ref) and n.subs for s in n.subs
                    if s.endswith("!")})
    if not bangs or ctx.bang:
        raise Unsupported(f"{node.func.upper()} nested or without dim! subscripts")
    if node.func == "sum" and int(np.prod(ctx.ir.dims_shape(bangs))) >= 8:
        ctx.inexact.add("SUM of 8 or more terms")     # numpy sums those pairwise
    name = f"_a{len(ctx.pre)}"
    depth = len(ctx.bang)
    lines = [f"{name} = {start}"]
    for bang in bangs:
        ctx.bang[bang] = f"j{len(ctx.bang)}"
        lines.append("    " * (len(ctx.bang) - 1 - depth) + f"for {ctx.bang[bang]} in range({ctx.ir.dims_shape((bang,))[0]}):")
    value = emit(node.args[0], ctx)
    lines.append("    " * len(bangs) + step.format(a=name, x=value))
    for bang in bangs:
        del ctx.bang[bang]
    ctx.pre.extend(lines)
    return name


def _unary(node, ctx):
    arg = emit(node.arg, ctx)
    if node.op == "neg":
        return f"(-{arg})"
    return f"k_float(not {arg})"


def _binary(node, ctx):
    left, right = emit(node.left, ctx), emit(node.right, ctx)
    if node.op == "^":
        ctx.inexact.add("^")
    if node.op in _ARITHMETIC:
        return f"({left} {_ARITHMETIC[node.op]} {right})"
    if node.op in _COMPARE:
        return f"k_float({left} {_COMPARE[node.op]} {right})"
    if node.op == "and":
        return f"k_float(({left} != 0) and ({right} != 0))"
    if node.op == "or":
        return f"k_float(({left} != 0) or ({right} != 0))"
    raise Unsupported(f"operator {node.op}")


def _call(node, ctx):
    if node.func in TIME_NAMES:
        return TIME_NAMES[node.func]
    if node.func == "pi":
        return "np.pi"
    if node.func in ("sum", "prod", "vmin", "vmax"):
        return _aggregate(node, ctx)
    args = [emit(a, ctx) for a in node.args]
    if node.func in INEXACT:
        ctx.inexact.add(node.func.upper())
    if node.func in _UNARY and len(args) == 1:
        return f"{_UNARY[node.func]}({args[0]})"
    if node.func == "ramp":
        return f"k_ramp(t, {args[0]}, {args[1]})" if len(args) == 2 else f"k_ramp_to(t, {', '.join(args)})"
    if node.func in _HELPERS and (node.func not in ("min", "max") or len(args) == 2):
        return _HELPERS[node.func].format(*args)
    raise Unsupported(f"function {node.func.upper()}")


def _lookup(arg, table, kind, ctx):
    if kind not in _LOOKUP_KINDS:
        raise Unsupported(f"lookup kind {kind}")
    name = ctx.table(np.asarray(table.x, dtype=float), np.asarray(table.y, dtype=float))
    return f"{_LOOKUP_KINDS[kind]}({arg}, {name}[0], {name}[1])"


def _inline_lookup(node, ctx):
    return _lookup(emit(node.arg, ctx), node.table, node.table.kind, ctx)


def _lookup_call(node, ctx):
    from simulator.engine.codegen.expressions import lookup_tables

    var = ctx.ir.variables[node.id]
    if var.dims:
        raise Unsupported(f"subscripted lookup '{var.name}'")
    table = lookup_tables(ctx.ir, var)[()]
    return _lookup(emit(node.arg, ctx), table, node.kind or table.kind, ctx)


_EMITTERS = {ir.Num: _num, ir.Time: lambda node, ctx: "t", ir.Ref: _ref, ir.Unary: _unary,
             ir.Binary: _binary, ir.Call: _call, ir.InlineLookup: _inline_lookup, ir.LookupCall: _lookup_call}
