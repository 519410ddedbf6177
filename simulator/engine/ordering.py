"""Part of lowering → program: dependency graphs of the IR and their topological orders.

Two orders exist: the initialisation order (stocks depend on their initial-value expressions,
INITIAL() and ACTIVE INITIAL use their initial arguments) and the per-step order (stocks and
discrete states are read from the state, so they have no dependencies). A cycle in either is an
algebraic loop, reported with the names of the variables in it.
"""

from __future__ import annotations

from simulator.engine import ir
from simulator.errors import AlgebraicLoopError
from simulator.engine.analysis import references


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


def topological_order(model_ir, phase):
    """Variable ids in an order where each comes after everything it needs.

    Raises
    ------
    AlgebraicLoopError
        Naming the variables of one loop and the model file.
    """
    deps = dependencies(model_ir, phase)
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
                    names = " → ".join(model_ir.variables[v].name for v in loop)
                    when = "initialisation" if phase == "init" else "each time step"
                    raise AlgebraicLoopError(
                        f"{model_ir.path}: algebraic loop ({when}): {names}; "
                        f"break it with a stock, INITIAL or ACTIVE INITIAL")
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
