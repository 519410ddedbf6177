"""Fused kernels, generation: one run configuration (a numpy ``Program``) → the source of a kernel.

``_kernel(S, times, save_index, _dt, n_steps, _t0, _tf, _saveper, M, P, L, T, *outputs)`` takes
the Euler steps of the run (and saves the final time's outputs) block by block of scenarios
(:func:`lanes.lanes_for`). Each scenario of a block has a row ``V[b]`` holding all its values
(:class:`Slots`): its state, derivatives, constants (``P``), levers (``L``) and computed
variables. For each step and scenario the kernel calls the parts ``_part<i>(V[b], T, t, …)``,
which compute the equations in order in scalar code (locals in registers; a loop over the
left-hand side's elements when subscripted; lookups read the flat table array ``T``), then saves
the outputs (contiguous over the block) and advances the state as the numpy loop does
(``D * dt + S``, then the non-negative clip where ``M``). The step is cut into parts of
:data:`MAX_PART_LINES` lines because numba's compile time grows with a function's size. The
equations are the same IR as the numpy program's, in the same order, with the same operations.
Normally (:data:`NATIVE`) the parts are not numba code: ``lowering.py`` turns their source into
LLVM IR (one function per :data:`NATIVE_PART_LINES` lines, plus the saves), the kernel takes the
compiled step's and save's addresses (``STEP``, ``SAVE``; ``OP`` the outputs' addresses) and only
the driver above is compiled by numba; the numba parts remain where the lowering refuses.
A short step of scalars (at most :data:`INLINE_LINES` lines) is instead inlined over the block held
as a structure of arrays ``V[value, scenario]`` (``_main_soa``): one loop over the block's scenarios
per time step, with no call inside, which LLVM vectorises across scenarios. A step with subscripted
stocks is lowered for whole blocks of scenarios (``lanes.py``): element loops outside, every operation
on 8 scenarios at once inside, equations over the same elements in one loop, the Euler update where
each derivative is computed; two calls per block and step. Both vectorised kernels also sum each
scenario's saved values and final state (``F``), so the run scans the outputs for non-finite values
only where a sum is not finite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from simulator.engine import ir
from simulator.engine.analysis import component_positions
from simulator.engine.codegen.program import _needed_each_step, dynamic_ids
from simulator.engine.kernels.expressions import KernelContext, Unsupported, emit
from simulator.engine.kernels import lanes
from simulator.engine.kernels.lowering import SAVE, step_ir
from simulator.engine.kernels.slots import Slots, size as _size
from simulator.engine.ordering import topological_order

NATIVE = True
"""Compile the step's parts with llvmlite directly (``lowering.py``, ``native.py``) instead of numba."""
MAX_UNROLLED = 2000
"""Most element statements a piecewise-defined variable may unroll into."""
HEADER = "from simulator.engine.kernels.runtime import *  # noqa: F401,F403\n"
LANE_BUDGET = 1 << 20
"""Bytes of state, constants and outputs of one step a block may touch (to stay in L2 cache)."""


SOA_LANES = 8192
"""Most scenarios per block of the structure-of-arrays kernel (small scalar steps). Its saves write the
block's strip of each time row (``O[isave, i0:i0 + nb]``): wider blocks write longer contiguous strips
(SIR at N = 10,000: 7.6 µs per scenario with 256 lanes, 5.2 with 8,192; ``benchmarks/peers.py``)."""



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
    step_ir: str | None = None
    """The step as LLVM IR (``lowering.py``; the kernel takes its address ``STEP``), or None: numba parts."""
    vectorised: bool = False
    """The step vectorised across scenarios: inlined over a structure-of-arrays block (small scalar steps) or
    lowered for blocks of ``lanes`` scenarios (``lanes.py``)."""
    lanes: int | None = None
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
    tables, equations = {}, []      # equations: (lines, ids read, id computed, derivative?)
    for vid, target in [(v, "v") for v in computed if v not in levers] + [(v, "d") for v in stocks]:
        reads.used = set()
        if target == "d" and vid not in needed:     # a stock no saved output reads: it keeps its value
            lines = _zero(model_ir, vid, f"d_{vid}")
        else:
            lines = _equation(model_ir, vid, f"{target}_{vid}", reads, tables)
        equations.append((lines, set(reads.used), vid, target == "d"))
    statics = sorted({vid for _, used, _, _ in equations for vid in used}
                     - dynamic - {vid for vid, var in model_ir.variables.items() if var.role == ir.LOOKUP})
    slots = Slots(model_ir, program.layout, statics, sorted(levers & set(computed)),
                  [vid for vid in computed if vid not in levers])
    writer = _KernelWriter(model_ir, program, slots, tables)
    source = KernelSource(writer.source(equations), slots.inputs(program.saved_dynamic, tables), step_ir=writer.step_ir,
                          vectorised=writer.soa or writer.lanes is not None, lanes=writer.lanes)
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


def _zero(model_ir, vid, target):
    """Lines setting a (pruned) stock's derivative to 0."""
    var = model_ir.variables[vid]
    if not var.dims:
        return [f"{target} = 0.0"]
    return [f"for k in range({_size(model_ir, var)}):", f"    {target}[k] = 0.0"]


def _piecewise(model_ir, var, target, reads, tables):
    """A variable defined piece by piece: NaN for the elements no equation defines (as the numpy
    program starts from; engine/missing.py), then one statement per defined element, each
    component's subscripts fixed to that element's."""
    shape = model_ir.dims_shape(var.dims)
    lines = [f"for k in range({_size(model_ir, var)}):", f"    {target}[k] = np.nan"]
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


MAX_PART_LINES = 40
INLINE_LINES = 160
"""A step of at most this many equation lines is written inline in the kernel (no part calls)."""
"""Equation lines per compiled part: numba's and LLVM's compile time grows faster than linearly
with a function's size, so the step is cut into parts that each compile quickly."""
NATIVE_PART_LINES = 40
"""Equation lines per function of a native step (``lowering.py``)."""
_TABLE = re.compile(r"\b_tab(\d+)\b")


def _cut(equations, limit):
    """``equations`` in consecutive parts of at most ``limit`` lines (or one equation)."""
    parts, current = [], []
    for equation in equations:
        if current and sum(len(e[0]) for e in current) + len(equation[0]) > limit:
            parts.append(current)
            current = []
        current.append(equation)
    return parts + [current] if current else parts


class _KernelWriter:
    """Assembles the kernel: the parts (equations over a row ``V``), and the loop that calls them."""

    def __init__(self, model_ir, program, slots, tables):
        self.ir, self.program, self.slots, self.tables = model_ir, program, slots, tables
        self.layout = program.layout
        widths = [len(x) for x, _ in tables]
        self.table_at = {name: sum(2 * w for w in widths[:i]) for i, name in enumerate(tables.values())}
        self.table_width = dict(zip(tables.values(), widths))
        self.step_ir = None
        self.soa = False        # the block as V[value, scenario] (small scalar steps), else V[scenario, value]
        self.lanes = None       # or the lanes of a block when the step is lowered for blocks (lanes.py)

    def source(self, equations):
        lines = [HEADER + "from numba import njit\n"]
        if NATIVE and self.layout.scenario_major and self._lanes(equations):     # subscripted stocks: lanes.py
            return "\n".join(lines + lanes.driver(self._args(), self.slots, self.layout.scenario_major, self.lanes)) + "\n"
        touched = set(self.program.saved_dynamic).union(*(used | {vid} for _, used, vid, _ in equations))
        if sum(len(e[0]) for e in equations) <= INLINE_LINES and all(
                self.slots.of(vid)[1] is None for vid in touched if vid in self.slots.layout.slots
                or vid in self.slots.start):
            # a small step of scalars: inline over a block held as structure of arrays (value, scenario),
            # the scenario loop innermost and free of calls, so LLVM vectorises it across scenarios
            self.soa = True
            return "\n".join(lines + self._main([self._part_lines(equations, "V")])) + "\n"
        if NATIVE:
            try:
                saved = [self.slots.of(vid) for vid in self.program.saved_dynamic]
                native = _cut(equations, NATIVE_PART_LINES)
                self.step_ir = step_ir([self._part_lines(part, "V") for part in native], saved)
            except Unsupported:
                self.step_ir = None
            if self.step_ir is not None:
                call = ["k_step(STEP, R, T, t, _dt, _t0, _tf, _saveper)"]
                return "\n".join(lines + self._main([call])) + "\n"
        if sum(len(e[0]) for e in equations) <= INLINE_LINES:      # small: no call per scenario and step
            return "\n".join(lines + self._main([self._part_lines(equations, "R")])) + "\n"
        parts = _cut(equations, MAX_PART_LINES)
        for index, part in enumerate(parts):
            lines += ["", "", "@njit(cache=True, error_model='numpy', nogil=True)",
                      f"def _part{index}(V, T, t, _dt, _t0, _tf, _saveper):"]
            lines += ["    " + line for line in self._part_lines(part, "V")] + ["    return 0"]
        calls = [[f"_part{j}(R, T, t, _dt, _t0, _tf, _saveper)"] for j in range(len(parts))]
        return "\n".join(lines + self._main(calls)) + "\n"

    def _lanes(self, equations):
        """Lower the step for blocks of scenarios as lanes (``lanes.py``); False where the lowering refuses."""
        width = lanes.lanes_for(self.slots.total)
        saved = [self.slots.of(vid) for vid in self.program.saved_dynamic]
        try:
            clipped = {vid for vid in self.layout.slots if self.ir.variables[vid].non_negative}
            merged = lanes.fuse(lanes.advance(equations, clipped), set(self.program.saved_dynamic))
            merged, kept = lanes.keep(merged, list(zip(self.program.saved_dynamic, saved)))
            parts = _cut(merged, NATIVE_PART_LINES)
            text = step_ir([self._part_lines(part, "V") for part in parts], saved, lanes.WIDTH, width, self.slots.n_state)
        except Unsupported:
            return False
        self.step_ir = text + lanes.finish_ir(SAVE, saved, self.slots.n_state, width, self.slots.total, kept) + "\n"
        self.lanes = width
        return True

    def _part_lines(self, part, row):
        """Lines computing some equations, in order, over the row ``row`` (the body of ``_part<i>``)."""
        reads = set().union(*(e[1] for e in part))
        computed = [pair for e in part for pair in (e[4] if len(e) > 4 else [(e[2], e[3])])]     # lanes.fuse: 5
        body = [line for e in part for line in e[0]]
        head = []
        for vid in sorted(reads | {vid for vid, d in computed if not d}):
            start, size = self.slots.of(vid)
            head.append(f"v_{vid} = {self._cell(row, start)}" if size is None else f"v_{vid} = {row}[{start}:{start + size}]")
        for vid, derivative in computed:
            start, size = self.slots.of(vid, derivative)
            if derivative and size is not None:
                head.append(f"d_{vid} = {row}[{start}:{start + size}]")
        for number in sorted({int(n) for line in body for n in _TABLE.findall(line)}):
            name = f"_tab{number}"
            at, width = self.table_at[name], self.table_width[name]
            head.append(f"{name} = (T[{at}:{at + width}], T[{at + width}:{at + 2 * width}])")
        tail = []
        for vid, derivative in computed:
            start, size = self.slots.of(vid, derivative)
            # inline over a SoA block, a value stays a local unless saved (the update reads the d_ locals)
            if size is None and not (self.soa and (derivative or vid not in self.program.saved_dynamic)):
                tail.append(f"{self._cell(row, start)} = {'d' if derivative else 'v'}_{vid}")
        return head + body + tail

    def _cell(self, row, slot):
        """The value ``slot`` of the current scenario: ``row[slot]``, or ``_V<slot>[b]`` in a SoA block
        (``_V<slot>`` the block's row of that value, a 1-D view made once per block: numba indexes a
        1-D view in a vectorised loop ~3.5× faster than ``V[slot, b]``, measured on teacup's loop)."""
        return f"_V{slot}[b]" if self.soa else f"{row}[{slot}]"

    def _main(self, parts):
        """The kernel: block loop, loads, ``parts`` (lines each: a call, or the equations inline), saves, update."""
        args = self._args()
        n_state, (s0, s1), (l0, l1) = self.slots.n_state, self.slots.static_range, self.slots.lever_range
        state = "S[i0 + b, q]" if self.layout.scenario_major else "S[q, i0 + b]"
        if self.soa:
            return self._main_soa(parts, args, state, lanes.lanes_for(self.slots.total, SOA_LANES, LANE_BUDGET))
        width = lanes.lanes_for(self.slots.total, lanes.MAX_LANES, LANE_BUDGET)
        lines = ["", "", "@njit(cache=True, error_model='numpy', nogil=True)", f"def _kernel({args}):",
                 "    N = S.shape[0]" if self.layout.scenario_major else "    N = S.shape[1]",
                 f"    V = np.empty(({width}, {self.slots.total}))",
                 f"    for i0 in range(0, N, {width}):",
                 f"        nb = min({width}, N - i0)",
                 "        for b in range(nb):",
                 f"            for q in range({n_state}):", f"                V[b, q] = {state}",
                 f"            for q in range({s1 - s0}):", f"                V[b, {s0} + q] = P[i0 + b, q]",
                 "        for step in range(n_steps + 1):     # the last pass only saves the final time",
                 "            t = times[step]", "            isave = save_index[step]",
                 "            for b in range(nb):", "                i = i0 + b", "                R = V[b]",
                 f"                for q in range({l1 - l0}):", f"                    R[{l0} + q] = L[step, i, q]"]
        lines += ["                " + line for part in parts for line in part]
        lines += ["                " + line for line in self._saves()]
        lines += ["                if step < n_steps:",
                  f"                    for q in range({n_state}):",
                  f"                        x = R[{n_state} + q] * _dt + R[q]",
                  "                        R[q] = 0.0 if (M[q] and x < 0.0) else x"]
        lines += ["        for b in range(nb):", f"            for q in range({n_state}):", f"                {state} = V[b, q]",
                  "    return 0"]
        return lines

    @property
    def sums(self):
        """Whether the kernel fills ``F``: per scenario, the sums of its saved values and of its final state."""
        return self.soa or self.lanes is not None

    def _args(self):
        return ", ".join(["S", "times", "save_index", "_dt", "n_steps", "_t0", "_tf", "_saveper", "M", "P", "L", "T"]
                         + (["STEP", "SAVE", "OP"] if self.step_ir is not None
                            else [f"O_{vid}" for vid in self.program.saved_dynamic]) + (["F"] if self.sums else [])
                         + (["I", "IU", "IC"] if self.lanes else []))

    def _main_soa(self, parts, args, state, lanes):
        """The kernel over blocks held as ``V[value, scenario]``: per step, one loop over the block's
        scenarios holds the equations, the saves and the Euler update (no call: LLVM vectorises it)."""
        n_state, (s0, s1), (l0, l1) = self.slots.n_state, self.slots.static_range, self.slots.lever_range
        lines = ["", "", "@njit(cache=True, error_model='numpy', nogil=True)", f"def _kernel({args}):",
                 "    N = S.shape[0]" if self.layout.scenario_major else "    N = S.shape[1]",
                 f"    V = np.empty(({self.slots.total}, {lanes}))", f"    _acc = np.empty({lanes})",
                 f"    for i0 in range(0, N, {lanes}):",
                 f"        nb = min({lanes}, N - i0)",
                 "        for b in range(nb):", "            _acc[b] = 0.0",
                 f"            for q in range({n_state}):", f"                V[q, b] = {state}",
                 f"            for q in range({s1 - s0}):", f"                V[{s0} + q, b] = P[i0 + b, q]"]
        lines += [f"        _V{q} = V[{q}]" for q in range(self.slots.total)]
        saved = [(vid, self.slots.of(vid)[0]) for vid in self.program.saved_dynamic]
        lines += ["        for step in range(n_steps + 1):     # the last pass only saves the final time",
                  "            t = times[step]", "            isave = save_index[step]"]
        lines += [f"            _o_{vid} = O_{vid}[max(isave, 0), i0:i0 + nb]" for vid, _ in saved]
        lines += ["            for b in range(nb):", "                i = i0 + b"]
        lines += [f"                _V{l0 + q}[b] = L[step, i, {q}]" for q in range(l1 - l0)]     # levers, if any
        lines += ["                " + line for part in parts for line in part]
        if saved:
            lines += ["                if isave >= 0:"] + [line for vid, start in saved for line in (
                f"                    _o_{vid}[b] = _V{start}[b]", f"                    _acc[b] += _V{start}[b]")]
        lines += ["                if step < n_steps:"] if n_state else []
        clipped = set(self.layout.non_negative)
        stock_at = {start: vid for vid, (start, *_) in self.layout.slots.items()}
        for q in range(n_state):        # written out per slot, the clip only where a stock is non-negative
            update = f"d_{stock_at[q]} * _dt + _V{q}[b]"
            if q in clipped:
                lines += [f"                    x = {update}", f"                    _V{q}[b] = 0.0 if x < 0.0 else x"]
            else:
                lines.append(f"                    _V{q}[b] = {update}")
        lines += ["        for b in range(nb):", "            F[0, i0 + b] = _acc[b]     # sums: see lanes.finish_ir",
                  "            F[1, i0 + b] = 0.0", f"            for q in range({n_state}):",
                  f"                {state} = V[q, b]", "                F[1, i0 + b] += V[q, b]", "    return 0"]
        return lines

    def _saves(self):
        lines = ["if isave >= 0:"] if self.program.saved_dynamic else []
        if lines and self.step_ir is not None:      # the native save (lowering.py): outputs at addresses OP
            return lines + ["    k_save(SAVE, R, OP, isave, i, N)"]
        for vid in self.program.saved_dynamic:
            start, size = self.slots.of(vid)
            if size is None:
                lines.append(f"    O_{vid}[isave, i] = {self._cell('R', start)}")
            else:
                lines += [f"    for k in range({size}):", f"        O_{vid}[isave, i, k] = R[{start} + k]"]
        return lines
