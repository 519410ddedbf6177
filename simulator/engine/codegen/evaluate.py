"""Code generation, one value: a scalar IR expression evaluated at the initial time.

Lowering needs the value of a DELAY N / SMOOTH N order before it can build the chain; the engine
hands it :func:`value_at_start` (``simulate.py``), so lowering never imports codegen.
"""

from __future__ import annotations

import numpy as np

from simulator.engine import ir
from simulator.engine.analysis import references
from simulator.engine.codegen.builtins import RUNTIME
from simulator.engine.codegen.align import EmitContext
from simulator.engine.codegen.expressions import emit


def value_at_start(model, expr) -> float:
    """Value of the scalar ``expr`` at ``model.time.initial``.

    Raises
    ------
    LookupError
        ``expr`` refers to a variable that is not a scalar constant or initial value.
    """
    settings = model.time
    variables = model.variables
    ns = dict(RUNTIME, t=settings.initial, _t0=settings.initial, _tf=settings.final,
              _dt=settings.dt, _saveper=settings.saveper)

    def value_of(node, seen):
        for vid in references(node):
            if f"v_{vid}" in ns:
                continue
            var = variables.get(vid)
            if (var is None or vid in seen or var.dims or len(var.components) != 1
                    or var.role not in (ir.AUX, ir.INITIAL)):
                raise LookupError(vid)
            ns[f"v_{vid}"] = value_of(var.components[0].expr, seen + (vid,))
        ctx = EmitContext(model, {vid: f"v_{vid}" for vid in variables}, ns, ())
        with np.errstate(all="ignore"):
            return np.asarray(eval(emit(node, ctx).code, ns), dtype=float).ravel()[0]  # noqa: S307

    return float(value_of(expr, ()))
