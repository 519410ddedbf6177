"""Part of lowering → program (used by ``ordering.py``): ordering the elements of variables in a loop.

A dependency cycle between whole variables need not be one between elements: with
``a[A1] = 1``, ``b = a[A1]``, ``a[A2] = b`` Vensim computes ``a[A1]``, then ``b``, then ``a[A2]``.
``ordering.py`` finds the strongly connected groups of the variable graph; each group of more
than one variable (or a piecewise variable reading itself) is refined here to its elements —
each element of each defining equation (component) is a node, and an element of an equation
depends on the elements of the group's variables it reads. A cycle in that graph is a genuine
algebraic loop. Reads are over-approximated where they cannot be told element by element
(a whole range ``dim!``, a dimension not on the left-hand side, anything inside a function
that is not element-wise): a loop can then be reported that Vensim would order, never the
other way round.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.engine import ir
from simulator.engine.analysis import component_positions

ELEMENTWISE = {"if_then_else", "min", "max", "abs", "exp", "ln", "log", "sqrt", "sin", "cos", "tan",
               "arcsin", "arccos", "arctan", "integer", "modulo", "xidz", "zidz", "power", "sign",
               "quantum", "int", "sinh", "cosh", "tanh"}
"""Built-ins whose element k reads only element k of their arguments."""

REFINABLE = {"step": (ir.AUX,), "init": (ir.AUX, ir.INITIAL)}
"""Roles whose value in that phase is their ``expr`` components, the only ones refined."""


@dataclass(frozen=True)
class Piece:
    """Elements ``positions`` (index tuples) of component ``comp`` of variable ``id``, computed together."""

    id: str
    comp: int
    positions: tuple


def refinable(model_ir, vid, phase):
    return model_ir.variables[vid].role in REFINABLE[phase]


def _refs(node, exact=True):
    """(Ref or LookupCall, read exactly element-wise?) for every reference in ``node``."""
    if isinstance(node, (ir.Ref, ir.LookupCall)):
        yield node, exact and isinstance(node, ir.Ref)
    if isinstance(node, ir.LookupCall):
        yield from _refs(node.arg, exact)
    elif isinstance(node, ir.Unary):
        yield from _refs(node.arg, exact)
    elif isinstance(node, ir.Binary):
        yield from _refs(node.left, exact)
        yield from _refs(node.right, exact)
    elif isinstance(node, ir.Call):
        for arg in node.args:
            yield from _refs(arg, exact and node.func in ELEMENTWISE)
    elif isinstance(node, ir.InlineLookup):
        yield from _refs(node.arg, exact)


def _axis_of(model_ir, sub, lhs, pos, var_dims):
    """Element names of dimension/element ``sub`` read at left-hand position ``pos``; None = all."""
    dims = model_ir.dimensions
    if sub.endswith("!") or sub not in dims:
        return None if sub.endswith("!") else (sub,)
    found = []
    for k, (lsub, ldim) in enumerate(zip(lhs, var_dims)):
        if lsub not in dims:
            continue
        element = dims[ldim].elements[pos[k]]
        if lsub == sub:
            return (element,)
        found.append(_related(dims, sub, lsub, element))
    found = [f for f in found if f is not None]
    return found[0] if len(found) == 1 else None


def _related(dims, sub, lsub, element):
    """Elements of ``sub`` read where the left-hand side ``lsub`` is at ``element``, or None."""
    ours, theirs = dims[sub].elements, dims[lsub].elements
    if ours == theirs:
        return (element,)
    if lsub in dims[sub].mappings:            # our element i corresponds to their mappings[i]
        names = tuple(e for e, m in zip(ours, dims[sub].mappings[lsub]) if m == element)
        return names or None
    if sub in dims[lsub].mappings:
        mapped = dims[lsub].mappings[sub]
        mapped = mapped[theirs.index(element)] if len(mapped) == len(theirs) else None
        return (mapped,) if mapped in ours else None
    if set(theirs) <= set(ours):
        return (element,)
    return None


def _read_positions(model_ir, var, comp, pos, ref, exact):
    """Positions of ``ref``'s variable read by element ``pos`` of ``comp``; None = every position."""
    target = model_ir.variables[ref.id]
    if not target.dims:
        return [()]
    subs = getattr(ref, "subs", None)
    if not exact or not subs or len(subs) != len(target.dims):
        return None
    axes = []
    for sub, tdim in zip(subs, target.dims):
        names = _axis_of(model_ir, sub, comp.subs, pos, var.dims)
        elements = model_ir.dimensions[tdim].elements
        if names is None:
            names = model_ir.dimensions[sub.rstrip("!")].elements if sub.rstrip("!") in model_ir.dimensions else elements
        index = [elements.index(n) for n in names if n in elements]
        axes.append(index if len(index) == len(names) else list(range(len(elements))))   # unknown: all
    return [tuple(a[i] for a, i in zip(axes, index)) for index in np.ndindex(*[len(a) for a in axes])]


def order_group(model_ir, group, phase, loop_error):
    """Pieces of the variables ``group`` in an order where every element follows what it reads.

    ``loop_error(names)`` builds the exception raised for a genuine (element-level) loop.
    """
    owner = {}                     # owner[(vid, position)] = node (vid, comp index, position)
    for vid in sorted(group):       # deterministic order (and loop messages)
        var = model_ir.variables[vid]
        for c, comp in enumerate(var.components):
            for pos in component_positions(model_ir, var, comp):
                owner[(vid, pos)] = (vid, c, pos)
    nodes = list(dict.fromkeys(owner.values()))
    by_var = {}
    for node in nodes:
        by_var.setdefault(node[0], []).append(node)
    deps = {}
    for node in nodes:
        vid, c, pos = node
        var = model_ir.variables[vid]
        comp = var.components[c]
        needs = set()
        for ref, exact in _refs(comp.expr):
            if ref.id not in group:
                continue
            read = _read_positions(model_ir, var, comp, pos, ref, exact)
            if read is None:
                needs.update(by_var.get(ref.id, ()))
            else:
                needs |= {owner[(ref.id, p)] for p in read if (ref.id, p) in owner}
        if node in needs:
            raise loop_error([vid, vid])
        deps[node] = needs
    order = _topological(nodes, deps, lambda loop: loop_error([n[0] for n in loop]))
    return _merge(order)


def _topological(nodes, deps, fail):
    order, state = [], {}
    for start in nodes:
        if state.get(start) == 2:
            continue
        state[start], stack, path = 1, [(start, iter(sorted(deps[start])))], [start]
        while stack:
            node, children = stack[-1]
            for child in children:
                if state.get(child) == 1:
                    raise fail(path[path.index(child):] + [child])
                if state.get(child) is None:
                    state[child] = 1
                    stack.append((child, iter(sorted(deps[child]))))
                    path.append(child)
                    break
            else:
                stack.pop()
                path.pop()
                state[node] = 2
                order.append(node)
    return order


def _merge(order):
    """Consecutive elements of one component become one :class:`Piece`."""
    pieces = []
    for vid, c, pos in order:
        if pieces and pieces[-1].id == vid and pieces[-1].comp == c:
            pieces[-1] = Piece(vid, c, pieces[-1].positions + (pos,))
        else:
            pieces.append(Piece(vid, c, (pos,)))
    return pieces
