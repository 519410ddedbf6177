"""Fused kernels, one expression: IR expression → scalar numba source for one scenario and element.

Used by ``kernels/generate.py``. A value is scalar code for one scenario: a scalar variable is a
local, a subscripted one a small array read at the flat element ``k`` of the equation's
left-hand side. Only what is elementwise over the left-hand side's own subscripts is supported;
anything else raises :class:`Unsupported`, and the run falls back to the numpy program.
"""

from __future__ import annotations

import numpy as np

from simulator.engine import ir
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
_LOOKUP_KINDS = {"interpolate": "k_interp", "extrapolate": "k_extrapolate",
                 "forward": "k_forward", "backward": "k_backward"}


class KernelContext:
    """What the emitter needs: the IR, how each variable is read, the table pool, the LHS dims.

    ``reads`` maps a variable id to its name in the kernel: a scalar local, or a small array over
    the variable's flat elements (``name[k]``) when subscripted.
    """

    def __init__(self, model_ir, reads, tables, lhs_dims=()):
        self.ir, self.reads, self.tables, self.lhs_dims = model_ir, reads, tables, tuple(lhs_dims)

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
    if node.subs is None or tuple(node.subs) == tuple(var.dims):
        if tuple(var.dims) != ctx.lhs_dims:
            raise Unsupported(f"'{var.name}' over other subscripts than the equation's left-hand side")
        return f"{code}[k]"
    index = []
    for sub, dim_name in zip(node.subs, var.dims):
        elements = ctx.ir.dimensions[dim_name].elements
        if sub not in elements:
            raise Unsupported(f"reference '{var.name}[{', '.join(node.subs)}]' (subranges, mappings, transposes)")
        index.append(elements.index(sub))
    flat = int(np.ravel_multi_index(index, ctx.ir.dims_shape(var.dims)))
    return f"{code}[{flat}]"


def _unary(node, ctx):
    arg = emit(node.arg, ctx)
    if node.op == "neg":
        return f"(-{arg})"
    return f"k_float(not {arg})"


def _binary(node, ctx):
    left, right = emit(node.left, ctx), emit(node.right, ctx)
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
    args = [emit(a, ctx) for a in node.args]
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
