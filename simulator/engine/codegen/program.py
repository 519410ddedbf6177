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

import numpy as np

from simulator.engine import ir
from simulator.engine.codegen.builtins import RUNTIME
from simulator.engine.analysis import component_positions, references, uses_time
from simulator.engine.codegen.expressions import EmitContext, align, emit
from simulator.engine.ordering import dependencies, topological_order

DYNAMIC_ROLES = ("stock", "sample", "delay_fixed")


@dataclass
class Layout:
    """Where each stock lives in the flat state: {id: (start, stop, shape)}.

    ``scenario_major`` False: ``S`` is (n_state, n) so a scalar stock is one contiguous row (best
    for models of scalar stocks); True: ``S`` is (n, n_state) so a subscripted stock is a
    C-ordered (n, *dims) view (best when stocks carry subscripts). The methods return source code.
    """

    slots: dict
    size: int
    non_negative: list
    scenario_major: bool = False

    def rows(self, start, stop=None):
        """Index expression selecting state slots [start, stop) (or one slot) of every scenario."""
        part = f"{start}" if stop is None else f"{start}:{stop}"
        return f"[:, {part}]" if self.scenario_major else f"[{part}]"

    def allocate(self):
        return f"np.zeros((_N, {self.size}))" if self.scenario_major else f"np.zeros(({self.size}, _N))"

    def count(self):
        return "S.shape[0]" if self.scenario_major else "S.shape[1]"

    def view(self, array, start, stop, shape):
        """A (n, *shape) view of slots [start, stop) of ``array``."""
        if not shape:
            return f"{array}{self.rows(start)}"
        if self.scenario_major:
            return f"{array}{self.rows(start, stop)}.reshape((_N,) + {shape!r})"
        return f"np.moveaxis({array}{self.rows(start, stop)}.reshape({shape!r} + (_N,)), -1, 0)"

    def store(self, array, start, stop, shape, value):
        """Statement writing ``value`` (broadcastable to (n, *shape)) into slots [start, stop)."""
        if not shape:
            return f"{array}{self.rows(start)} = {value}"
        if self.scenario_major:
            return f"_as_shape({array}{self.rows(start, stop)}, (_N,) + {shape!r})[...] = {value}"
        full = f"np.broadcast_to({value}, (_N,) + {shape!r})"
        return f"{array}{self.rows(start, stop)} = np.moveaxis({full}, 0, -1).reshape(-1, _N)"

    def state_axis(self):
        """Axis of ``S`` that runs over state slots."""
        return 1 if self.scenario_major else 0


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


def local_name(var_id):
    """Name of a variable's value inside generated code."""
    return "v_" + var_id


def state_layout(model_ir):
    slots, offset, non_negative = {}, 0, []
    for vid, var in model_ir.variables.items():
        if var.role != "stock":
            continue
        shape = model_ir.dims_shape(var.dims)
        size = int(np.prod(shape)) if shape else 1
        slots[vid] = (offset, offset + size, shape)
        if var.non_negative:
            non_negative.extend(range(offset, offset + size))
        offset += size
    scenario_major = any(shape for _, _, shape in slots.values())
    return Layout(slots, offset, non_negative, scenario_major)


def _needed_each_step(model_ir, save, replaced):
    """Ids the step function must compute: what stocks, discrete states and saved outputs need."""
    deps = dependencies(model_ir, "step")
    roots = set(save)
    for vid, var in model_ir.variables.items():
        if var.role in ("stock", "sample", "delay_fixed"):
            roots.add(vid)
            for comp in var.components:
                roots |= references(comp.expr)
    needed, stack = set(), list(roots)
    while stack:
        vid = stack.pop()
        if vid in needed or vid not in model_ir.variables:
            continue
        needed.add(vid)
        if vid not in replaced:
            stack.extend(deps[vid])
    return needed


def dynamic_ids(model_ir, order, replaced, levers):
    """Ids whose value changes during the run (depend on time, state, or a lever)."""
    dynamic = set()
    for vid in order:
        var = model_ir.variables[vid]
        if vid in levers:
            dynamic.add(vid)
            continue
        if vid in replaced or var.role in ("initial", "lookup"):
            continue
        if var.role in DYNAMIC_ROLES:
            dynamic.add(vid)
            continue
        for comp in var.components:
            if uses_time(comp.expr) or (references(comp.expr) - {vid}) & dynamic:
                dynamic.add(vid)
                break
    return dynamic


class _Writer:
    """Accumulates indented source lines."""

    def __init__(self):
        self.lines = []

    def __call__(self, line, indent=1):
        self.lines.append("    " * indent + line)


def _assign_value(ctx_factory, model_ir, var, attribute, target, w, indent=1):
    """Emit statements that assign the value of ``var`` (from its components' ``attribute``) to ``target``."""
    shape = model_ir.dims_shape(var.dims)
    comps = var.components
    single = (len(comps) == 1 and not comps[0].excepts
              and tuple(comps[0].subs) == tuple(var.dims))
    if single:
        ctx = ctx_factory(var, comps[0])
        val = emit(getattr(comps[0], attribute), ctx)
        w(f"{target} = {_as_full(ctx, val, var.dims, shape)}", indent)
        return
    w(f"{target} = np.zeros((_N,) + {shape!r})", indent)
    for comp in comps:
        ctx = ctx_factory(var, comp)
        free = tuple(s for s in comp.subs if s in model_ir.dimensions)
        val = emit(getattr(comp, attribute), ctx)
        positions = component_positions(model_ir, var, comp)
        if not positions:
            continue
        cshape = model_ir.dims_shape(free)
        code = _as_full(ctx, val, free, cshape)
        dst = np.ravel_multi_index(np.array(positions).T, shape) if shape else np.zeros(1, int)
        src = _source_positions(model_ir, var, comp, positions, free, cshape)
        dst_name = ctx.const(dst, "_dst")
        src_name = ctx.const(src, "_src")
        w(f"{target}.reshape(_N, -1)[:, {dst_name}] = "
          f"np.broadcast_to({code}, (_N,) + {cshape!r}).reshape(_N, -1)[:, {src_name}]", indent)


_USES_N = re.compile(r"\b_N\b")

_UFUNCS = {"+": "np.add", "-": "np.subtract", "*": "np.multiply", "/": "np.divide"}


def _write_in_place(ctx_factory, var, target, w):
    """For a scalar variable whose equation is one arithmetic operation, write it into ``target``
    with the ufunc's ``out=`` (saves a temporary and a copy per step). Returns False otherwise."""
    if len(var.components) != 1 or var.components[0].excepts:
        return False
    comp = var.components[0]
    expr = comp.expr
    ctx = ctx_factory(var, comp)
    if isinstance(expr, ir.Binary) and expr.op in _UFUNCS:
        left, right = emit(expr.left, ctx), emit(expr.right, ctx)
        if (left.dims or ()) or (right.dims or ()) or (left.dims is None and right.dims is None):
            return False
        w(f"{_UFUNCS[expr.op]}({left.code}, {right.code}, out={target})")
        return True
    if isinstance(expr, ir.Unary) and expr.op == "neg":
        arg = emit(expr.arg, ctx)
        if arg.dims != ():
            return False
        w(f"np.negative({arg.code}, out={target})")
        return True
    return False


def _source_positions(model_ir, var, comp, positions, free, cshape):
    """Flat indices into the component's own array (over its free dims) for each defined position."""
    free_axes = []
    for pos, (sub, dim_name) in enumerate(zip(comp.subs, var.dims)):
        if sub in model_ir.dimensions:
            dim = model_ir.dimensions[dim_name]
            sub_elements = model_ir.dimensions[sub].elements
            free_axes.append((pos, {dim.elements.index(e): k for k, e in enumerate(sub_elements)}))
    out = []
    for p in positions:
        idx = tuple(lookup[p[pos]] for pos, lookup in free_axes)
        out.append(int(np.ravel_multi_index(idx, cshape)) if cshape else 0)
    return np.array(out, dtype=int)


def _as_full(ctx, val, dims, shape):
    """Code of ``val`` aligned to ``dims`` with every subscript axis at full length."""
    if val.dims is None:
        return f"np.full((1,) + {shape!r}, {val.code}, dtype=float)"
    code = align(ctx, val, dims)
    if set(val.dims) >= set(dims):
        return code
    return f"_full({code}, {shape!r})"


def _as_shape(array, shape):
    """A view of ``array`` with ``shape``; raises instead of silently copying (writes must land)."""
    view = array.view()
    view.shape = shape
    return view


def _full(value, shape):
    value = np.asarray(value, dtype=float)
    return np.broadcast_to(value, (value.shape[0],) + tuple(shape))


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
    init_order = topological_order(model_ir, "init")
    step_order = topological_order(model_ir, "step")
    dynamic = dynamic_ids(model_ir, step_order, replaced - levers, levers)
    layout = state_layout(model_ir)
    consts = {}
    names = {vid: local_name(vid) for vid in model_ir.variables}

    def ctx_factory(var, comp, overrides=None):
        return EmitContext(model_ir, names, consts, [s for s in comp.subs if s in model_ir.dimensions],
                           overrides=overrides, where=var.name)

    # --- init -----------------------------------------------------------------------------
    w = _Writer()
    w("def _init(t, _N):", 0)
    static_ids, delay_fixed = [], []
    for vid in init_order:
        var = model_ir.variables[vid]
        name = names[vid]
        if vid in levers:
            w(f"{name} = _lev_{vid}[0]")
        elif vid in replaced:
            w(f"{name} = _p_{vid}")
        elif var.role in ("stock", "active_initial", "delay_fixed"):
            _assign_value(ctx_factory, model_ir, var, "init", name, w)
            if var.role == "delay_fixed":
                delay_fixed.append(vid)
                ctx = ctx_factory(var, var.components[0])
                delay = emit(var.extra["delay_time"], ctx)
                w(f"_dft_{vid} = {delay.code}")
        elif var.role == "sample":
            _assign_value(ctx_factory, model_ir, var, "init", f"_st_{vid}", w)
            over = lambda v, c: ctx_factory(v, c, {vid: f"_st_{vid}"})  # noqa: E731
            _assign_value(over, model_ir, var, "expr", name, w)
        elif var.role == "lookup":
            continue
        else:
            _assign_value(ctx_factory, model_ir, var, "expr", name, w)
        if vid not in dynamic:
            static_ids.append(vid)
    w(f"S = {layout.allocate()}")
    for vid, (start, stop, shape) in layout.slots.items():
        w(layout.store("S", start, stop, shape, names[vid]))
    w("return S, {k: v for k, v in locals().items() if k.startswith(('v_', '_st_', '_dft_'))}")

    # --- step -----------------------------------------------------------------------------
    discrete = [vid for vid in step_order if model_ir.variables[vid].role in ("sample", "delay_fixed")]
    w("", 0)
    w("def _step(t, j, S, isave, commit, D=None):", 0)
    global_line = None
    if discrete:
        globals_ = ", ".join(f"_st_{vid}" if model_ir.variables[vid].role == "sample" else f"_ptr_{vid}"
                             for vid in discrete)
        global_line = f"global {globals_}"
        w(global_line)
    count_line = len(w.lines)
    w(f"_N = {layout.count()}")
    row_views = {}      # line index → the same line reading/writing a pre-made row view (fused loop)
    for vid, (start, stop, shape) in layout.slots.items():
        w(f"{names[vid]} = {layout.view('S', start, stop, shape)}")
        if not layout.scenario_major:
            row_views[len(w.lines) - 1] = f"    {names[vid]} = _Sr{start}"
    needed = _needed_each_step(model_ir, save, replaced)
    for vid in step_order:
        if vid not in dynamic or vid not in needed:
            continue
        var = model_ir.variables[vid]
        name = names[vid]
        if vid in levers:
            w(f"{name} = _lev_{vid}[j]")
        elif var.role == "stock":
            continue
        elif var.role == "sample":
            over = lambda v, c: ctx_factory(v, c, {vid: f"_st_{vid}"})  # noqa: E731
            _assign_value(over, model_ir, var, "expr", name, w)
        elif var.role == "delay_fixed":
            w(f"{name} = _buf_{vid}[_ptr_{vid}]")
        else:
            _assign_value(ctx_factory, model_ir, var, "expr", name, w)
    w("if D is None:")
    w("D = np.empty_like(S)", 2)
    allocate_line = len(w.lines) - 2
    for vid, (start, stop, shape) in layout.slots.items():
        var = model_ir.variables[vid]
        if shape or not _write_in_place(ctx_factory, var, f"D{layout.rows(start)}", w):
            _assign_value(ctx_factory, model_ir, var, "expr", f"_d_{vid}", w)
            w(layout.store("D", start, stop, shape, f"_d_{vid}"))
        if not layout.scenario_major:       # the last line writes row D[start]: out=D[i]) or D[i] = ...
            line, target = w.lines[-1], f"D[{start}]"
            if line.endswith(f"out={target})"):
                row_views[len(w.lines) - 1] = line[:-len(target) - 1] + f"_Dr{start})"
            elif line.startswith(f"    {target} = "):
                row_views[len(w.lines) - 1] = f"    _Dr{start}[...] = " + line[len(target) + 7:]
    saved_dynamic = [vid for vid in save if vid in dynamic]
    saved_static = [vid for vid in save if vid not in dynamic]
    if saved_dynamic:
        w("if isave >= 0:")
        for vid in saved_dynamic:
            w(f"_out_{vid}[isave] = {names[vid]}", 2)
    if discrete:
        w("if commit:")
        for vid in discrete:
            var = model_ir.variables[vid]
            if var.role == "sample":    # a copy: the value may view S, whose buffer the integrator reuses
                w(f"_st_{vid} = np.array({names[vid]})", 2)
            else:
                comp = var.components[0]
                ctx = ctx_factory(var, comp)
                val = emit(comp.expr, ctx)
                shape = model_ir.dims_shape(var.dims)
                w(f"_buf_{vid}[_ptr_{vid}] = np.broadcast_to({_as_full(ctx, val, var.dims, shape)}, "
                  f"_buf_{vid}.shape[1:])", 2)
                w(f"_ptr_{vid} = (_ptr_{vid} + 1) % _buf_{vid}.shape[0]", 2)
    w("return D")
    loop_lines = [row_views.get(i, line) for i, line in enumerate(w.lines)]
    body = loop_lines[count_line:allocate_line] + loop_lines[allocate_line + 2:-1]
    if not any(_USES_N.search(line) for line in body[1:]):
        body = body[1:]                 # one attribute lookup less per step when nothing needs _N
        del w.lines[count_line]
    clip_mask = _clip_mask(layout)
    if clip_mask is not None:
        consts["_clip_mask"] = clip_mask
    rows = sorted({start for i, line in row_views.items() for start in _row_numbers(line)})
    w.lines.extend(_euler_loop_lines(body, global_line, clip_mask is not None, rows))
    source = "\n".join(w.lines) + "\n"
    code = compile(source, f"<plansim {model_ir.path.name}>", "exec")
    return Program(code, consts, layout, saved_dynamic, saved_static, source, static_ids, delay_fixed,
                   clip_mask)


_ROW_VIEW = re.compile(r"\b_[SD]r(\d+)\b")


def _row_numbers(line):
    return {int(number) for number in _ROW_VIEW.findall(line)}


def _euler_loop_lines(body, global_line, clip, rows=()):
    """Source of ``_euler_loop``: the step body inlined in an explicit Euler loop.

    ``_euler_loop(S, D, times, save_index, dt, n_steps)`` performs exactly what ``n_steps`` calls
    of ``Euler.advance`` (plus the non-negative clip) do -- the same operations in the same order,
    so the same numbers -- without two python calls per step. ``D`` is a spare state buffer; the
    two buffers take turns, and a third holds ``D * dt`` (no output aliases an input). Returns the state after ``n_steps`` steps (the final step's outputs are
    saved by one more ``_step`` call, as for every integrator). With the stock-major layout the
    body reads and writes the state rows through views made once (``_Sr<i>``, ``_Dr<i>`` for row
    ``i`` of ``S`` and ``D``), swapped with the buffers, instead of indexing every step.
    """
    lines = ["", "def _euler_loop(S, D, _e_times, _e_save, _e_dt, _e_n):"]
    if global_line:
        lines.append("    " + global_line)
    for i in rows:
        lines.append(f"    _Sr{i}, _Dr{i} = S[{i}], D[{i}]")
    swap = "".join(f", _Sr{i}, _Dr{i}" for i in rows)
    swapped = "".join(f", _Dr{i}, _Sr{i}" for i in rows)
    lines += ["    commit = True",
              "    _e_dt = np.array(_e_dt, dtype=float)      # a 0-d array: no scalar conversion per call",
              "    _e_scaled = np.empty_like(S)",
              "    for j in range(_e_n):",
              "        t = _e_times[j]",
              "        isave = _e_save[j]"]
    lines += ["    " + line for line in body]
    lines += ["        np.multiply(D, _e_dt, _e_scaled)",    # D*dt, then S + D*dt, as Euler.advance;
              "        np.add(_e_scaled, S, D)",               # numpy is slow when out aliases an input
              f"        S, D{swap} = D, S{swapped}"]
    if clip:
        lines.append("        np.maximum(S, 0.0, out=S, where=_clip_mask)")
    lines.append("    return S")
    return lines


def _clip_mask(layout):
    """Mask of the non-negative slots, shaped to broadcast against ``S`` (None when there are none)."""
    if not layout.non_negative:
        return None
    mask = np.zeros(layout.size, dtype=bool)
    mask[layout.non_negative] = True
    return mask[None, :] if layout.scenario_major else mask[:, None]


def namespace(program):
    """A fresh namespace with numpy, the runtime helpers and the program's constants, code executed."""
    ns = dict(RUNTIME)
    ns["_full"] = _full
    ns["_as_shape"] = _as_shape
    ns.update(program.consts)
    return ns
