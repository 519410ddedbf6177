"""Fourth stage of the data flow: ModelIR → generated numpy program (init + step functions).

For one run configuration (which variables are set by parameters, which are time-varying
levers, which are saved) we build python source from strings, ``compile`` it once, and ``exec``
it into a fresh namespace per run. The generated ``_init`` computes every variable at the initial
time (initialisation order) and returns the flat state ``S``; ``_step``
computes only the time-dependent variables (per-step order) with one statement each, saves the
requested ones, commits discrete states, and returns the derivative ``D`` of ``S``. The state is
laid out stock-major, ``S`` shaped (n_state, n), when all stocks are scalars (each is one
contiguous row), and scenario-major, (n, n_state), when stocks carry subscripts (``Layout``);
saved outputs are time-major, (n_saved, n, *dims), so that each save is one contiguous write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from simulator.engine import ir
from simulator.engine.analysis import references, uses_time
from simulator.engine.codegen.builtins import RUNTIME
from simulator.engine.codegen.noise import RUNTIME as NOISE_RUNTIME, scenario_keys
from simulator.engine.codegen.align import EmitContext
from simulator.engine.codegen.expressions import emit
from simulator.engine.codegen.layout import Layout, clip_mask, state_layout
from simulator.engine.codegen.statements import (allocate, as_full, as_shape, assign_value, full,
                                                 write_component, write_in_place)
from simulator.engine.element_order import Piece
from simulator.engine.integrators.euler import fused_loop_source, row_numbers
from simulator.engine.ordering import dependencies, schedule, variable_order

DYNAMIC_ROLES = (ir.STOCK, ir.SAMPLE, ir.DELAY_FIXED)

_USES_N = re.compile(r"\b_N\b")


@dataclass
class Program:
    """A compiled run configuration: code object, constant pool, layout, and what it saves."""

    code: object
    consts: dict
    layout: Layout
    saved_dynamic: list
    saved_static: list
    source: str
    static_ids: list = field(default_factory=list)
    delay_fixed: list = field(default_factory=list)
    clip_mask: object = None
    """Boolean array broadcastable to ``S``, True at non-negative stock slots; None when there are none."""
    element_ordered: list = field(default_factory=list)
    """Names of the variables computed piece by piece each step (a variable-level loop; element_order.py)."""


def local_name(var_id):
    """Name of a variable's value inside generated code."""
    return "v_" + var_id


def _needed_each_step(model_ir, save, replaced):
    """Ids the step function must compute: the saved outputs and, transitively, what they read —
    through the flows of the stocks and the inputs of the discrete states they read. A stock or
    discrete state that no saved output depends on is left out (dependency pruning: its derivative
    is 0, so it keeps its initial value; nothing returned reads it)."""
    deps = dependencies(model_ir, "step")
    needed, stack = set(), list(save)
    while stack:
        vid = stack.pop()
        if vid in needed or vid not in model_ir.variables:
            continue
        needed.add(vid)
        if vid in replaced:
            continue
        stack.extend(deps[vid])
        var = model_ir.variables[vid]
        if var.role in (ir.STOCK, ir.SAMPLE, ir.DELAY_FIXED):
            for comp in var.components:
                stack.extend(references(comp.expr))
    return needed


def dynamic_ids(model_ir, order, replaced, levers):
    """Ids whose value changes during the run (depend on time, state, or a lever).

    Repeated until nothing changes: a variable ordered element by element can read a later one.
    """
    dynamic = set()
    while True:
        before = len(dynamic)
        for vid in order:
            if vid not in dynamic and _is_dynamic(model_ir.variables[vid], dynamic, replaced, levers):
                dynamic.add(vid)
        if len(dynamic) == before:
            return dynamic


def _is_dynamic(var, dynamic, replaced, levers):
    vid = var.id
    if vid in levers:
        return True
    if vid in replaced or var.role in (ir.INITIAL, ir.LOOKUP):
        return False
    if var.role in DYNAMIC_ROLES:
        return True
    return any(uses_time(comp.expr) or (references(comp.expr) - {vid}) & dynamic for comp in var.components)


class _Writer:
    """Accumulates indented source lines."""

    def __init__(self):
        self.lines = []

    def __call__(self, line, indent=1):
        self.lines.append("    " * indent + line)


def build_program(model_ir, replaced=(), levers=(), save=()):
    """Generate and compile the program for one run configuration.

    Parameters
    ----------
    model_ir : ModelIR
    replaced : iterable of str
        Ids whose value is given by a parameter (``_p_<id>`` in the namespace).
    levers : iterable of str
        Ids given as time series (``_lev_<id>[j]`` in the namespace, j = grid index).
    save : iterable of str
        Ids whose values are stored at SAVEPER times.

    Returns
    -------
    Program
    """
    replaced, levers, save = set(replaced), set(levers), list(save)
    step_entries = schedule(model_ir, "step")
    step_order = variable_order(step_entries)
    b = _Build(model_ir, replaced, levers, state_layout(model_ir),
               dynamic_ids(model_ir, step_order, replaced - levers, levers))
    static_ids, delay_fixed = _write_init(b, schedule(model_ir, "init"))
    step = _write_step(b, step_entries, save)
    mask = clip_mask(b.layout)
    if mask is not None:
        b.consts["_clip_mask"] = mask
    body = _fused_body(b.w, step)
    rows = sorted({start for line in step.row_views.values() for start in row_numbers(line)})
    b.w.lines.extend(fused_loop_source(body, step.global_line, mask is not None, rows))
    source = "\n".join(b.w.lines) + "\n"
    code = compile(source, f"<plansim {model_ir.path.name}>", "exec")
    saved_dynamic = [vid for vid in save if vid in b.dynamic]
    saved_static = [vid for vid in save if vid not in b.dynamic]
    return Program(code, b.consts, b.layout, saved_dynamic, saved_static, source, static_ids, delay_fixed, mask,
                   sorted({model_ir.variables[e.id].name for e in step_entries if isinstance(e, Piece)}))


def _whole(entries):
    """(entry, ids to allocate first) for each entry; a variable with one piece becomes its id.

    Every variable of a run of consecutive pieces (one loop group) is allocated before the run's
    first piece: a piece may read elements of another that no equation defines (NaN, missing.py).
    """
    count, out, run = {}, [], None
    for e in entries:
        if isinstance(e, Piece):
            count[e.id] = count.get(e.id, 0) + 1
    for e in entries:
        if not isinstance(e, Piece):
            run = None
            out.append((e, []))
            continue
        if run is None:
            run = []
            out.append((e, run))
        else:
            out.append((e, []))
        if e.id not in run:
            run.append(e.id)
        if count[e.id] == 1:
            out[-1] = (e.id, out[-1][1])
    return out


def _allocate_run(b, vids, keep=lambda vid: True):
    for vid in vids:
        if vid not in b.levers and vid not in b.replaced and keep(vid):
            allocate(b.model_ir, b.model_ir.variables[vid], b.names[vid], b.w)


def _write_piece(b, piece, attribute, written):
    """One piece of a variable ordered element by element (its array allocated by :func:`_allocate_run`)."""
    var, name = b.model_ir.variables[piece.id], b.names[piece.id]
    if piece.id not in written:
        written.add(piece.id)
        if piece.id in b.levers or piece.id in b.replaced:
            b.w(f"{name} = _lev_{piece.id}[{'0' if attribute == 'init' else 'j'}]" if piece.id in b.levers
                else f"{name} = _p_{piece.id}")
            return
    if piece.id not in b.levers and piece.id not in b.replaced:
        write_component(b.ctx, b.model_ir, var, var.components[piece.comp], "expr", name, b.w,
                        positions=list(piece.positions))


class _Build:
    """What the parts of :func:`build_program` share: the model, the configuration, the writer."""

    def __init__(self, model_ir, replaced, levers, layout, dynamic):
        self.model_ir, self.replaced, self.levers = model_ir, replaced, levers
        self.layout, self.dynamic = layout, dynamic
        self.consts = {}
        self.names = {vid: local_name(vid) for vid in model_ir.variables}
        self.w = _Writer()

    def ctx(self, var, comp, overrides=None):
        return EmitContext(self.model_ir, self.names, self.consts,
                           [s for s in comp.subs if s in self.model_ir.dimensions], overrides=overrides, where=var.name)

    def sampled(self, vid):
        """An EmitContext factory reading SAMPLE IF TRUE ``vid`` from its held state."""
        return lambda v, c: self.ctx(v, c, {vid: f"_st_{vid}"})


@dataclass
class _Step:
    """Line numbers and substitutions of the written ``_step`` that the fused loop needs."""

    global_line: str | None
    count_line: int
    allocate_line: int
    row_views: dict


def _write_init(b, init_entries):
    """``_init(t, _N, _fill)``: every variable at the initial time, then ``S``. Returns (static ids, DELAY FIXED ids)."""
    w, model_ir = b.w, b.model_ir
    w("def _init(t, _N, _fill=True):", 0)     # _fill False: S left 0 (the lanes kernel reads the values: kernels/fused.py)
    static_ids, delay_fixed, written, seen = [], [], set(), {}     # seen: stocks' initial expressions
    for vid, run in _whole(init_entries):
        _allocate_run(b, run)
        if isinstance(vid, Piece):
            if vid.id not in written and vid.id not in b.dynamic:
                static_ids.append(vid.id)
            _write_piece(b, vid, "init", written)
            continue
        var = model_ir.variables[vid]
        name = b.names[vid]
        if vid in b.levers:
            w(f"{name} = _lev_{vid}[0]")
        elif vid in b.replaced:
            w(f"{name} = _p_{vid}")
        elif var.role in (ir.STOCK, ir.ACTIVE_INITIAL, ir.DELAY_FIXED):
            assign_value(b.ctx, model_ir, var, "init", name, w, seen=seen if var.role == ir.STOCK else None)
            if var.role == ir.DELAY_FIXED:
                delay_fixed.append(vid)
                delay = emit(var.extra["delay_time"], b.ctx(var, var.components[0]))
                w(f"_dft_{vid} = {delay.code}")
        elif var.role == ir.SAMPLE:
            assign_value(b.ctx, model_ir, var, "init", f"_st_{vid}", w)
            assign_value(b.sampled(vid), model_ir, var, "expr", name, w)
        elif var.role == ir.LOOKUP:
            continue
        else:
            assign_value(b.ctx, model_ir, var, "expr", name, w)
        if vid not in b.dynamic:
            static_ids.append(vid)
    w(f"S = {b.layout.allocate()}")
    w("if _fill:" if b.layout.slots else "pass")
    for vid, (start, stop, shape) in b.layout.slots.items():
        w(b.layout.store("S", start, stop, shape, b.names[vid]), 2)
    w("return S, {k: v for k, v in locals().items() if k.startswith(('v_', '_st_', '_dft_'))}")
    return static_ids, delay_fixed


def _write_step(b, step_entries, save):
    """``_step(t, j, S, isave, commit, D=None)``: values, derivatives, saves, discrete commits."""
    w, model_ir, layout = b.w, b.model_ir, b.layout
    step_order = variable_order(step_entries)
    discrete = [vid for vid in step_order if model_ir.variables[vid].role in (ir.SAMPLE, ir.DELAY_FIXED)]
    w("", 0)
    w("def _step(t, j, S, isave, commit, D=None):", 0)
    global_line = None
    if discrete:
        globals_ = ", ".join(f"_st_{vid}" if model_ir.variables[vid].role == ir.SAMPLE else f"_ptr_{vid}"
                             for vid in discrete)
        global_line = f"global {globals_}"
        w(global_line)
    count_line = len(w.lines)
    w(f"_N = {layout.count()}")
    row_views = {}      # line index → the same line reading/writing a pre-made row view (fused loop)
    for vid, (start, stop, shape) in layout.slots.items():
        w(f"{b.names[vid]} = {layout.view('S', start, stop, shape)}")
        if not layout.scenario_major:
            row_views[len(w.lines) - 1] = f"    {b.names[vid]} = _Sr{start}"
    needed = _needed_each_step(model_ir, save, b.replaced)
    _write_step_values(b, step_entries, needed)
    w("if D is None:")
    w("D = np.empty_like(S)", 2)
    allocate_line = len(w.lines) - 2
    _write_derivatives(b, row_views, needed)
    saved_dynamic = [vid for vid in save if vid in b.dynamic]
    if saved_dynamic:
        w("if isave >= 0:")
        for vid in saved_dynamic:
            w(f"_out_{vid}[isave] = {b.names[vid]}", 2)
    discrete = [vid for vid in discrete if vid in needed]
    if discrete:
        _write_commits(b, discrete)
    w("return D")
    return _Step(global_line, count_line, allocate_line, row_views)


def _write_step_values(b, step_entries, needed):
    """One statement per time-dependent variable the step needs (per piece in a loop), in per-step order."""
    written = set()
    for vid, run in _whole(step_entries):
        _allocate_run(b, run, lambda v: v in b.dynamic and v in needed)
        if isinstance(vid, Piece):
            if vid.id in b.dynamic and vid.id in needed:
                _write_piece(b, vid, "expr", written)
            continue
        if vid not in b.dynamic or vid not in needed:
            continue
        var = b.model_ir.variables[vid]
        name = b.names[vid]
        if vid in b.levers:
            b.w(f"{name} = _lev_{vid}[j]")
        elif var.role == ir.STOCK:
            continue
        elif var.role == ir.SAMPLE:
            assign_value(b.sampled(vid), b.model_ir, var, "expr", name, b.w)
        elif var.role == ir.DELAY_FIXED:
            b.w(f"{name} = _buf_{vid}[_ptr_{vid}] if _len_{vid} is None else _delay_read(_buf_{vid}, _ptr_{vid}, _len_{vid})")
        else:
            assign_value(b.ctx, b.model_ir, var, "expr", name, b.w)


def _write_derivatives(b, row_views, needed):
    """``D`` of every stock (0 for a stock no saved output needs); with the stock-major layout, note
    the row-view form of each last line."""
    w, layout = b.w, b.layout
    for vid, (start, stop, shape) in layout.slots.items():
        var = b.model_ir.variables[vid]
        if vid not in needed:
            w(layout.store("D", start, stop, shape, "0.0"))
        elif shape or not write_in_place(b.ctx, var, f"D{layout.rows(start)}", w):
            assign_value(b.ctx, b.model_ir, var, "expr", f"_d_{vid}", w)
            w(layout.store("D", start, stop, shape, f"_d_{vid}"))
        if not layout.scenario_major:       # the last line writes row D[start]: out=D[i]) or D[i] = ...
            line, target = w.lines[-1], f"D[{start}]"
            if line.endswith(f"out={target})"):
                row_views[len(w.lines) - 1] = line[:-len(target) - 1] + f"_Dr{start})"
            elif line.startswith(f"    {target} = "):
                row_views[len(w.lines) - 1] = f"    _Dr{start}[...] = " + line[len(target) + 7:]


def _write_commits(b, discrete):
    """Discrete states (SAMPLE IF TRUE, DELAY FIXED) commit once per step.

    Every DELAY FIXED input is copied before any buffer advances: a value read from a buffer is a
    view of its slot, so a DELAY FIXED fed by another one would otherwise read the slot already
    overwritten in the same step (chained lags would collapse into one).
    """
    b.w("if commit:")
    delays = []
    for vid in discrete:
        var = b.model_ir.variables[vid]
        if var.role == ir.SAMPLE:    # a copy: the value may view S, whose buffer the integrator reuses
            b.w(f"_st_{vid} = np.array({b.names[vid]})", 2)
            continue
        ctx = b.ctx(var, var.components[0])
        val = emit(var.components[0].expr, ctx)
        shape = b.model_ir.dims_shape(var.dims)
        b.w(f"_in_{vid} = np.array(np.broadcast_to({as_full(ctx, val, var.dims, shape)}, "
            f"_buf_{vid}.shape[1:]))", 2)
        delays.append(vid)
    for vid in delays:
        b.w(f"_buf_{vid}[_ptr_{vid}] = _in_{vid}", 2)
        b.w(f"_ptr_{vid} = (_ptr_{vid} + 1) % _buf_{vid}.shape[0]", 2)


def _fused_body(w, step):
    """The lines of ``_step`` that the fused Euler loop inlines (row views substituted; no D allocation)."""
    loop_lines = [step.row_views.get(i, line) for i, line in enumerate(w.lines)]
    body = loop_lines[step.count_line:step.allocate_line] + loop_lines[step.allocate_line + 2:-1]
    if not any(_USES_N.search(line) for line in body[1:]):
        body = body[1:]                 # one attribute lookup less per step when nothing needs _N
        del w.lines[step.count_line]
    return body


def namespace(program):
    """A fresh namespace with numpy, the runtime helpers and the program's constants, code executed."""
    ns = dict(RUNTIME)
    ns.update(NOISE_RUNTIME)
    ns["_rng_key"] = scenario_keys(0, [0])     # a run sets its own (run seed, scenario indices)
    ns["_full"] = full
    ns["_as_shape"] = as_shape
    ns.update(program.consts)
    return ns
