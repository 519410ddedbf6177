"""Part of lowering → program: dependency graphs of the IR and their topological orders.

Two orders exist: the initialisation order (stocks depend on their initial-value expressions,
INITIAL() and ACTIVE INITIAL use their initial arguments) and the per-step order (stocks and
discrete states are read from the state, so they have no dependencies). A cycle between whole
variables is refined to one between elements (``element_order.py``); only a cycle there too is
an algebraic loop, reported with the names of the variables in it.
"""

from __future__ import annotations

from simulator.engine import ir
from simulator.errors import AlgebraicLoopError
from simulator.engine.analysis import references
from simulator.engine.element_order import Piece, order_group, refinable


def _expr_deps(var, attribute):
    deps = set()
    for comp in var.components:
        deps |= references(getattr(comp, attribute))
    deps.discard(var.id)
    return deps


def _init_deps(var):
    role = var.role
    if role == ir.DELAY_FIXED:
        return _expr_deps(var, "init") | (references(var.extra["delay_time"]) - {var.id})
    if role in (ir.STOCK, ir.ACTIVE_INITIAL):
        return _expr_deps(var, "init")
    if role == ir.SAMPLE:
        return _expr_deps(var, "init") | _expr_deps(var, "expr")
    if role == ir.LOOKUP:
        return set()
    return _expr_deps(var, "expr")


def _step_deps(var):
    if var.role in (ir.STOCK, ir.DELAY_FIXED, ir.INITIAL, ir.LOOKUP):
        return set()
    return _expr_deps(var, "expr")


def dependencies(model_ir, phase):
    """{variable id: set of ids it needs first} for ``phase`` ``"init"`` or ``"step"``."""
    rule = _init_deps if phase == "init" else _step_deps
    return {vid: {d for d in rule(var) if d in model_ir.variables}
            for vid, var in model_ir.variables.items()}


def _loop_error(model_ir, phase, loop):
    names = " → ".join(model_ir.variables[v].name for v in loop)
    when = "initialisation" if phase == "init" else "each time step"
    return AlgebraicLoopError(f"{model_ir.path}: algebraic loop ({when}): {names}; "
                              f"break it with a stock, INITIAL or ACTIVE INITIAL")


def _groups(deps):
    """Strongly connected groups of ``deps`` (Tarjan), each after every group it needs."""
    index, low, on_stack, stack, groups = {}, {}, set(), [], []
    for root in deps:
        if root in index:
            continue
        work = [(root, iter(sorted(deps[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(deps[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    groups.append(sorted(group))
    return groups


def _reads_itself(var):
    """A piecewise variable one of whose equations reads another of its elements."""
    return len(var.components) > 1 and any(var.id in references(c.expr) for c in var.components)


def _scalar_reads_itself(var, phase):
    """``x = x + 1``: a scalar equation that needs its own value (dependencies() leaves self-references
    out: a stock's rate or a discrete state's update may read the variable's current state)."""
    if var.dims or len(var.components) != 1:
        return False
    if phase == "step":
        attribute = "expr" if var.role in (ir.AUX, ir.ACTIVE_INITIAL) else None
    else:
        attribute = {ir.AUX: "expr", ir.STOCK: "init", ir.ACTIVE_INITIAL: "init"}.get(var.role)
    return attribute is not None and var.id in references(getattr(var.components[0], attribute))


def schedule(model_ir, phase):
    """What to compute, in order: variable ids, and :class:`Piece` s of variables in a variable-level loop.

    Raises
    ------
    AlgebraicLoopError
        When the loop is one between elements too (naming its variables and the model file).
    """
    deps = dependencies(model_ir, phase)
    entries = []
    for group in _groups(deps):
        var = model_ir.variables[group[0]]
        if len(group) == 1 and not (refinable(model_ir, var.id, phase) and _reads_itself(var)):
            if _scalar_reads_itself(var, phase):
                raise _loop_error(model_ir, phase, [var.id, var.id])
            entries.append(group[0])
            continue
        if not all(refinable(model_ir, vid, phase) for vid in group):
            _whole_order({vid: deps[vid] & set(group) for vid in group}, model_ir, phase)
        entries.extend(order_group(model_ir, set(group), phase,
                                   lambda loop: _loop_error(model_ir, phase, _distinct(loop))))
    return entries


def _distinct(loop):
    out = [v for i, v in enumerate(loop) if i == 0 or v != loop[i - 1]]
    return out if len(out) > 1 else out * 2


def topological_order(model_ir, phase):
    """Variable ids in an order where each comes after everything it needs.

    A variable ordered element by element (see :func:`schedule`) appears once, at its first piece.

    Raises
    ------
    AlgebraicLoopError
        Naming the variables of one loop and the model file.
    """
    return variable_order(schedule(model_ir, phase))


def variable_order(entries):
    """The variable ids of :func:`schedule` 's entries, each once, at its first piece."""
    return list(dict.fromkeys(e.id if isinstance(e, Piece) else e for e in entries))


def _whole_order(deps, model_ir, phase):
    """Topological order of whole variables; raises on the first loop."""
    order, state = [], {}
    for start in deps:
        if state.get(start) == 2:
            continue
        stack = [(start, iter(sorted(deps[start])))]
        state[start] = 1
        path = [start]
        while stack:
            node, children = stack[-1]
            advanced = False
            for child in children:
                mark = state.get(child)
                if mark == 1:
                    loop = path[path.index(child):] + [child]
                    raise _loop_error(model_ir, phase, loop)
                if mark is None:
                    state[child] = 1
                    stack.append((child, iter(sorted(deps[child]))))
                    path.append(child)
                    advanced = True
                    break
            if not advanced:
                stack.pop()
                path.pop()
                state[node] = 2
                order.append(node)
    return order
