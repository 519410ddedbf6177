"""Beside stage three (IR → run → Dataset): elements of a subscripted variable that no equation defines.

Vensim calls them *missing* (Reference Manual, "Problems with Variable Types",
vensim.com/documentation/22215.html): "there are no equations defining some components for the
variable. Although you can sometimes use missing types intentionally, if you refer to a missing
component of a variable, you will receive an error message" ("ERROR: Used, not Computed -
POPULATION[MEXICO]"). So a missing element has no value, and reading one is an error, not 0.

plansim leaves missing elements NaN (as PySD does): their own NaN is not a failed run (a model may
leave them missing on purpose), but an equation that reads one turns NaN and the run reports the
first variable that went non-finite, which is what Vensim's "Used, not Computed" is about.
"""

from __future__ import annotations

import numpy as np

from simulator.engine.analysis import component_positions


def missing_masks(model_ir) -> dict[str, np.ndarray]:
    """{variable id: boolean mask over its subscript shape, True where no equation defines it}
    for every variable that has such elements."""
    masks = {}
    for vid, var in model_ir.variables.items():
        if not var.dims or not var.components:
            continue
        shape = model_ir.dims_shape(var.dims)
        defined = np.zeros(shape, dtype=bool)
        for comp in var.components:
            for position in component_positions(model_ir, var, comp):
                defined[position] = True
        if not defined.all():
            masks[vid] = ~defined
    return masks


def hide_missing(data, mask):
    """``data`` (any leading axes, then the variable's subscript shape) with its missing elements 0,
    so a finiteness check sees only the elements that are computed."""
    return np.where(mask, 0.0, data)
