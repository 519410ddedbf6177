"""IR queries and constant folding, used by lowering, codegen, ordering and params alike.

Pure functions over the IR (``ir.py``): which variables an expression refers to, whether it
depends on TIME, which positions a component defines, the value of a constant expression.
Imports nothing above ``ir`` and ``functions``.
"""

from __future__ import annotations

import numpy as np

from simulator.engine import ir
from simulator.engine.functions import BUILTINS

CONTROL_KEYS = ("initial_time", "final_time", "time_step", "saveper")
"""Ids of the time settings as PySD's parser spells them."""


_CHILDREN = {
    ir.Num: lambda n: (), ir.Time: lambda n: (), ir.DimIndex: lambda n: (), ir.ArrayLiteral: lambda n: (), ir.Ref: lambda n: (),
    ir.Unary: lambda n: (n.arg,), ir.Binary: lambda n: (n.left, n.right),
    ir.Call: lambda n: n.args, ir.InlineLookup: lambda n: (n.arg,),
    ir.LookupCall: lambda n: (n.arg,), ir.Table: lambda n: (),
}


def walk(node):
    """Yield every node of an expression tree (pre-order)."""
    if node is None:
        return
    yield node
    for child in _CHILDREN[type(node)](node):
        yield from walk(child)


def references(node):
    """Ids of the variables (and lookups) an expression refers to."""
    return {n.id for n in walk(node) if isinstance(n, (ir.Ref, ir.LookupCall))}


def uses_time(node):
    """True when the expression depends on TIME directly (TIME, STEP, RAMP, PULSE …)."""
    for n in walk(node):
        if isinstance(n, ir.Time):
            return True
        if isinstance(n, ir.Call) and n.func in BUILTINS and BUILTINS[n.func].uses_time:
            return True
    return False


def component_positions(model_ir, var, comp):
    """Index tuples (into the variable's full shape) that a component defines, in C order."""
    axes = []
    for sub, dim_name in zip(comp.subs, var.dims):
        dim = model_ir.dimensions[dim_name]
        names = model_ir.dimensions[sub].elements if sub in model_ir.dimensions else (sub,)
        axes.append([dim.elements.index(n) for n in names])
    excluded = set()
    for exc in comp.excepts:
        sets = []
        for sub, dim_name in zip(exc, var.dims):
            dim = model_ir.dimensions[dim_name]
            names = model_ir.dimensions[sub].elements if sub in model_ir.dimensions else (sub,)
            sets.append([dim.elements.index(n) for n in names if n in dim.elements])
        for index in np.ndindex(*[len(s) for s in sets]):
            excluded.add(tuple(s[i] for s, i in zip(sets, index)))
    positions = []
    for index in np.ndindex(*[len(a) for a in axes]):
        pos = tuple(a[i] for a, i in zip(axes, index))
        if pos not in excluded:
            positions.append(pos)
    return positions


def static_value(expr, variables, seen=(), controls=None):
    """Value of a constant expression (numbers, arithmetic, references to constants), else None.

    ``controls`` gives the values of INITIAL TIME / FINAL TIME / TIME STEP / SAVEPER known so far.
    """
    def again(node):
        return static_value(node, variables, seen, controls)

    if isinstance(expr, ir.Num):
        return expr.value
    if isinstance(expr, ir.Ref) and expr.id in variables and expr.id not in seen:
        var = variables[expr.id]
        if var.role == ir.AUX and len(var.components) == 1 and not var.dims:
            return static_value(var.components[0].expr, variables, seen + (expr.id,), controls)
        return None
    if isinstance(expr, ir.Unary) and expr.op == "neg":
        value = again(expr.arg)
        return None if value is None else -value
    if isinstance(expr, ir.Binary) and expr.op in ("+", "-", "*", "/", "^"):
        left, right = again(expr.left), again(expr.right)
        if left is None or right is None or (expr.op == "/" and right == 0):
            return None
        return {"+": left + right, "-": left - right, "*": left * right,
                "/": left / right if right else None, "^": left ** right}[expr.op]
    if isinstance(expr, ir.Call) and expr.func in CONTROL_KEYS and not expr.args:
        return (controls or {}).get(expr.func)
    return None


def time_invariant(expr, variables, seen=()):
    """True when ``expr`` cannot change during a run (no TIME, no stocks, only such auxiliaries)."""
    if uses_time(expr):
        return False
    for vid in references(expr):
        var = variables.get(vid)
        if var is None or vid in seen or var.role not in (ir.AUX, ir.INITIAL, ir.LOOKUP):
            return False
        if var.role == ir.AUX and not all(time_invariant(c.expr, variables, seen + (vid,))
                                         for c in var.components):
            return False
    return True
