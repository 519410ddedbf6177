"""Fused kernels, generation: one run configuration (a numpy ``Program``) → the source of a kernel.

The kernel ``_kernel(S, times, save_index, _dt, n_steps, _t0, _tf, _saveper, *inputs)`` takes the
Euler steps of the run (and the final time's outputs) block by block (8 to 256 scenarios, :func:`lanes_for`): for each step, for
each scenario of the block, every equation is computed in scalar code (locals in registers; a
loop over the left-hand side's elements into a small scratch array when subscripted), the saved
outputs written (contiguous over the block), and the stocks advanced in ``S`` itself as the numpy
loop advances them (``D * dt + S``, then the non-negative clip). The block's state and outputs
stay in cache across its steps. The equations are the same IR as the numpy program's, in the
same order, with the same operations, so both paths agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulator.engine import ir
from simulator.engine.analysis import component_positions
from simulator.engine.codegen.program import _needed_each_step, dynamic_ids
from simulator.engine.kernels.expressions import KernelContext, Unsupported, emit
from simulator.engine.ordering import topological_order

MAX_UNROLLED = 2000
"""Most element statements a piecewise-defined variable may unroll into."""
HEADER = "from simulator.engine.kernels.runtime import *  # noqa: F401,F403\n"
LANE_BUDGET = 1 << 20
"""Bytes of state, constants and outputs of one step a block may touch (to stay in L2 cache)."""


def lanes_for(n_values):
    """Scenarios per block: a power of two from 8 to 256, as many as ``LANE_BUDGET`` allows for
    ``n_values`` floats read or written per scenario and step (more: longer contiguous saves)."""
    lanes = 256
    while lanes > 8 and lanes * n_values * 8 > LANE_BUDGET:
        lanes //= 2
    return lanes


@dataclass
class KernelSource:
    """A generated kernel: its source and the inputs to pass after the fixed arguments, in order.

    ``inputs`` is a list of ``(kind, key)``: ``("static", id)`` the value of a constant or initial
    variable (from the numpy program's initialisation), ``("lever", id)`` a lever's table,
    ``("out", id)`` a saved output buffer, ``("table", (xs, ys))`` a lookup table.
    """

    source: str
    inputs: list = field(default_factory=list)
    inexact: tuple = ()
    """What may make results differ from the numpy program's in the last bit (empty: bit for bit)."""


class _Reads(dict):
    """{id: lane array name} that remembers which ids the equations read."""

    def __init__(self, *args):
        super().__init__(*args)
        self.used = set()
        self.inexact = set()      # shared by every equation's KernelContext

    def __getitem__(self, vid):
        self.used.add(vid)
        return super().__getitem__(vid)


def kernel_source(model_ir, program, replaced, levers):
    """Source of the fused kernel for ``program`` (built with ``replaced`` / ``levers``).

    Raises
    ------
    Unsupported
        The model or configuration uses something the generator does not write (one-line reason).
    """
    replaced, levers = set(replaced), set(levers)
    for var in model_ir.variables.values():
        if var.role in (ir.SAMPLE, ir.DELAY_FIXED):
            raise Unsupported(f"'{var.name}' is a {'SAMPLE IF TRUE' if var.role == ir.SAMPLE else 'DELAY FIXED'}")
    order = topological_order(model_ir, "step")
    dynamic = dynamic_ids(model_ir, order, replaced - levers, levers)
    needed = _needed_each_step(model_ir, program.saved_dynamic, replaced)
    stocks = list(program.layout.slots)
    computed = [vid for vid in order if vid in dynamic and vid in needed
                and model_ir.variables[vid].role != ir.STOCK]
    reads = _Reads({vid: f"v_{vid}" for vid in model_ir.variables})
    tables, body = {}, []
    for vid in computed:
        if vid not in levers:
            body.extend(_equation(model_ir, vid, f"v_{vid}", reads, tables))
    for vid in stocks:
        body.extend(_equation(model_ir, vid, f"d_{vid}", reads, tables))
    statics = sorted(vid for vid in reads.used
                     if vid not in dynamic and model_ir.variables[vid].role != ir.LOOKUP)
    locals_ = [vid for vid in model_ir.variables if vid in reads.used or vid in computed or vid in stocks]
    n_values = sum(_size(model_ir, model_ir.variables[vid]) for vid in locals_
                   if vid in stocks or vid in statics or vid in program.saved_dynamic)
    writer = _KernelWriter(model_ir, program, stocks, sorted(levers & set(computed)), lanes_for(n_values))
    source = writer.source(body, statics, locals_, tables)
    source.inexact = tuple(sorted(reads.inexact))
    return source


def _equation(model_ir, vid, target, reads, tables):
    """Lines computing one variable (or a stock's derivative) for the current scenario."""
    var = model_ir.variables[vid]
    if len(var.components) != 1 or var.components[0].excepts or tuple(var.components[0].subs) != tuple(var.dims):
        return _piecewise(model_ir, var, target, reads, tables)
    ctx = KernelContext(model_ir, reads, tables, var.dims, inexact=reads.inexact)
    try:
        code = emit(var.components[0].expr, ctx)
    except Unsupported as problem:
        raise Unsupported(f"'{var.name}': {problem}") from None
    if not var.dims:
        return ctx.pre + [f"{target} = {code}"]
    shape = model_ir.dims_shape(var.dims)
    lines = ["    " * i + f"for k{i} in range({length}):" for i, length in enumerate(shape)]
    flat = " + ".join(f"k{i} * {int(np.prod(shape[i + 1:], dtype=int))}" for i in range(len(shape)))
    inner = "    " * len(shape)
    return lines + [inner + f"k = {flat}"] + [inner + line for line in ctx.pre] + [inner + f"{target}[k] = {code}"]


def _piecewise(model_ir, var, target, reads, tables):
    """A variable defined piece by piece: zeros (as the numpy program starts from), then one
    statement per defined element, each component's subscripts fixed to that element's."""
    shape = model_ir.dims_shape(var.dims)
    lines = [f"for k in range({_size(model_ir, var)}):", f"    {target}[k] = 0.0"]
    if len(shape) and _size(model_ir, var) * len(var.components) > MAX_UNROLLED:
        raise Unsupported(f"'{var.name}' is defined piecewise over more than {MAX_UNROLLED} elements")
    for comp in var.components:
        for position in component_positions(model_ir, var, comp):
            fixed = {sub: model_ir.dimensions[dim].elements[index]
                     for sub, dim, index in zip(comp.subs, var.dims, position) if sub in model_ir.dimensions}
            ctx = KernelContext(model_ir, reads, tables, (), fixed, reads.inexact)
            try:
                code = emit(comp.expr, ctx)
            except Unsupported as problem:
                raise Unsupported(f"'{var.name}': {problem}") from None
            flat = int(np.ravel_multi_index(position, shape)) if shape else 0
            lines += ctx.pre + [f"{target}[{flat}] = {code}"]
    return lines


def _size(model_ir, var):
    size = 1
    for length in model_ir.dims_shape(var.dims):
        size *= length
    return size


class _KernelWriter:
    """Assembles the kernel around the equations: arguments, block loop, reads, saves, Euler update."""

    def __init__(self, model_ir, program, stocks, levers, lanes):
        self.ir, self.program, self.stocks, self.levers, self.lanes = model_ir, program, stocks, levers, lanes
        self.layout = program.layout

    def _size(self, vid):
        """Flat element count of a subscripted variable, None for a scalar one."""
        var = self.ir.variables[vid]
        return _size(self.ir, var) if var.dims else None

    def source(self, body, statics, locals_, tables):
        saved = self.program.saved_dynamic
        inputs = ([("static", vid) for vid in statics] + [("lever", vid) for vid in self.levers]
                  + [("out", vid) for vid in saved] + [("table", key) for key in tables])
        names = ([f"P_{vid}" for vid in statics] + [f"L_{vid}" for vid in self.levers]
                 + [f"O_{vid}" for vid in saved] + list(tables.values()))
        args = ", ".join(["S", "times", "save_index", "_dt", "n_steps", "_t0", "_tf", "_saveper"] + names)
        lines = ["@njit(cache=True, error_model='numpy', nogil=True)", f"def _kernel({args}):"]
        lines += ["    " + line for line in self._allocate(locals_, statics)]
        lines += [f"    for i0 in range(0, N, {self.lanes}):", f"        nb = min({self.lanes}, N - i0)",
                  "        for step in range(n_steps + 1):     # the last pass only saves the final time",
                  "            t = times[step]",
                  "            isave = save_index[step]", "            for i in range(i0, i0 + nb):"]
        scenario = self._reads(statics) + body + self._saves() + self._update()
        lines += ["                " + line for line in scenario]
        lines += ["    return 0"]
        header = HEADER + "from numba import njit\n"
        return KernelSource(header + "\n\n" + "\n".join(lines) + "\n", inputs)

    def _allocate(self, locals_, statics):
        """``N`` and a scratch array per computed subscripted variable (and derivative)."""
        lines = ["N = S.shape[0]" if self.layout.scenario_major else "N = S.shape[1]"]
        for vid in locals_:
            size = self._size(vid)
            if size is None or vid in statics or vid in self.levers:
                continue
            if vid in self.stocks:
                lines.append(f"d_{vid} = np.empty({size})")
            else:
                lines.append(f"v_{vid} = np.empty({size})")
        return lines

    def _state(self, vid):
        """A stock's value for scenario ``i``: a scalar of ``S``, or a view of its slots."""
        start, stop, _shape = self.layout.slots[vid]
        if self._size(vid) is not None:
            return f"S[i, {start}:{stop}]"
        return f"S[i, {start}]" if self.layout.scenario_major else f"S[{start}, i]"

    def _reads(self, statics):
        """Scenario ``i``'s stocks, constants and levers (views when subscripted)."""
        lines = [f"v_{vid} = P_{vid}[i]" for vid in statics]
        lines += [f"v_{vid} = L_{vid}[step, i]" for vid in self.levers]
        lines += [f"v_{vid} = {self._state(vid)}" for vid in self.stocks]
        return lines

    def _saves(self):
        if not self.program.saved_dynamic:
            return []
        lines = ["if isave >= 0:"]
        for vid in self.program.saved_dynamic:
            size = self._size(vid)
            if size is None:
                lines.append(f"    O_{vid}[isave, i] = v_{vid}")
            else:
                lines += [f"    for k in range({size}):", f"        O_{vid}[isave, i, k] = v_{vid}[k]"]
        return lines

    def _update(self):
        """Euler: ``S = D * dt + S`` (the numpy loop's operations), then the non-negative clip."""
        lines = ["if step == n_steps:", "    continue"]
        for vid in self.stocks:
            clip = self.ir.variables[vid].non_negative
            if self._size(vid) is not None:
                lines += [f"for k in range({self._size(vid)}):",
                          f"    v_{vid}[k] = d_{vid}[k] * _dt + v_{vid}[k]"]
                if clip:
                    lines += [f"    if v_{vid}[k] < 0.0:", f"        v_{vid}[k] = 0.0"]
                continue
            lines.append(f"{self._state(vid)} = d_{vid} * _dt + v_{vid}")
            if clip:
                lines += [f"if {self._state(vid)} < 0.0:", f"    {self._state(vid)} = 0.0"]
        return lines
