"""Fused kernels, value slots: where each value of one scenario lives in the kernel's block of values.

Used by ``kernels/generate.py`` (the equations read and write their values there) and
``kernels/lanes.py`` (its driver loads the state and the constants into a block).
"""

from __future__ import annotations


def size(model_ir, var):
    size = 1
    for length in model_ir.dims_shape(var.dims):
        size *= length
    return size


class Slots:
    """Where each value of one scenario lives in its row ``V[b]`` of the block's value array.

    The stocks come first in the state's own order (so the row starts as a copy of the scenario's
    state), then their derivatives in the same order, then the constants, the levers, and the
    variables the step computes; a subscripted value takes one slot per flat element.
    """

    def __init__(self, model_ir, layout, statics, levers, computed):
        self.ir, self.layout = model_ir, layout
        self.stocks = list(layout.slots)
        self.n_state = layout.size
        self.statics, self.levers, self.computed = statics, levers, computed
        self.start = {}
        offset = 2 * self.n_state
        for group in (statics, levers, computed):
            for vid in group:
                self.start[vid] = offset
                offset += self.size(vid)
        self.static_range = (2 * self.n_state, 2 * self.n_state + sum(self.size(v) for v in statics))
        self.lever_range = (self.static_range[1], self.static_range[1] + sum(self.size(v) for v in levers))
        self.total = max(offset, 1)

    def size(self, vid):
        return size(self.ir, self.ir.variables[vid])

    def of(self, vid, derivative=False):
        """(first slot, element count or None for a scalar) of a value or a stock's derivative."""
        if vid in self.layout.slots:
            start = self.layout.slots[vid][0] + (self.n_state if derivative else 0)
        else:
            start = self.start[vid]
        return start, (self.size(vid) if self.ir.variables[vid].dims else None)

    def inputs(self, saved, tables):
        """``KernelSource.inputs``: the constants' and levers' blocks, the outputs, the tables."""
        return ([("statics", tuple(self.statics)), ("levers", tuple(self.levers))]
                + [("out", vid) for vid in saved] + [("tables", tuple(tables))])
