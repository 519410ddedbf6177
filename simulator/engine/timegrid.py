"""Engine, between the lowered model and the integrator: the time grid of a run when the control
variables (INITIAL TIME, FINAL TIME, TIME STEP, SAVEPER) are equations, not numbers.

Vensim and PySD evaluate the control variables as the run goes: at each step time ``t`` the
TIME STEP read there is the next step's size, SAVEPER at ``t`` says whether ``t`` is saved
(``t - start`` a multiple of it, within TIME STEP · 1e-5), and the run stops at the first ``t``
with ``t + TIME STEP · 1e-5 >= FINAL TIME(t)``; INITIAL TIME is read once, before the run (its
column may still change later). A batch shares one grid, so the control variables may depend on
Time, on constants and on each other, but not on stocks; a constant they use may be set (``--set``,
a scenario's ``set:``) but must have one value across the scenarios of a run, else one line names
the control variable, the constant and the fix. :func:`time_plan` walks the grid once per run
configuration; :func:`integrate_segments` runs a grid whose TIME STEP changes, one stretch of equal
steps at a time, on the numpy program.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simulator.engine import ir
from simulator.engine.analysis import CONTROL_KEYS, references, static_value, walk
from simulator.engine.codegen.align import EmitContext
from simulator.engine.codegen.builtins import RUNTIME
from simulator.engine.codegen.expressions import emit
from simulator.errors import ModelParseError, ParameterError

LABELS = {"initial_time": "INITIAL TIME", "final_time": "FINAL TIME", "time_step": "TIME STEP", "saveper": "SAVEPER"}
FIELDS = {"initial_time": "initial", "final_time": "final", "time_step": "dt", "saveper": "saveper"}
RUNTIME_NAMES = {"initial_time": "_t0", "final_time": "_tf", "time_step": "_dt", "saveper": "_saveper"}
TIME_PRECISION = 1e-5       # relative to TIME STEP, as Vensim/PySD use for final and saving times
MAX_STEPS = 1_000_000


@dataclass
class Plan:
    """The steps of one run: what ``CompiledModel.run`` integrates over.

    ``dts`` is None when every step has the run's one TIME STEP; ``controls`` holds, for each
    control variable given by an equation, its value at each saved time (for ``simulate``'s table).
    """

    n_steps: int
    step_times: list
    save_index: list
    save_times: np.ndarray
    grid: np.ndarray
    time: ir.TimeSettings
    dts: np.ndarray | None = None
    controls: dict | None = None


def dynamic_keys(model_ir):
    """Control variables whose equation does not fold to a number (they depend on Time)."""
    exprs = model_ir.time_exprs
    values = {}
    for _ in range(len(exprs) + 1):
        for key, expr in exprs.items():
            value = static_value(expr, model_ir.variables, controls=values)
            if value is not None:
                values[key] = value
    return tuple(key for key in CONTROL_KEYS if key in exprs and key not in values)


def control_inputs(model_ir):
    """{control key: ids of the model variables its equation reads, directly or through auxiliaries}."""
    out = {}
    for key, expr in model_ir.time_exprs.items():
        seen, todo = set(), list(references(expr))
        while todo:
            vid = todo.pop()
            var = model_ir.variables.get(vid)
            if vid in seen or var is None:
                continue
            seen.add(vid)
            if var.role in (ir.AUX, ir.INITIAL):
                for comp in var.components:
                    todo.extend(references(comp.expr))
        out[key] = seen
    return out


def check_model(model_ir):
    """Load-time checks of equation-defined control variables; raises ModelParseError (one line)."""
    dynamic = dynamic_keys(model_ir)
    if not dynamic:
        return
    path = model_ir.path
    for key in dynamic:
        for vid in sorted(control_inputs(model_ir)[key]):
            var = model_ir.variables[vid]
            if var.role not in (ir.AUX, ir.INITIAL) or var.dims or len(var.components) != 1:
                what = "a stock or stateful function" if var.role not in (ir.AUX, ir.INITIAL, ir.LOOKUP) else \
                    "a lookup or subscripted variable"
                raise ModelParseError(
                    f"{path}: {LABELS[key]} depends on '{var.name}', {what}: a batch shares one time grid, "
                    f"computed before the run from Time and constants; write {LABELS[key]} from Time and "
                    f"constants only (or as a number)")
    for var in model_ir.variables.values():
        for comp in var.components:
            used = {n.func for n in walk(comp.expr) if isinstance(n, ir.Call) and n.func in CONTROL_KEYS}
            for key in sorted(used & set(dynamic) - {"time_step"}):
                raise ModelParseError(
                    f"{path}: variable '{var.name}' reads {LABELS[key]}, which changes during the run: "
                    f"only TIME STEP may be read by equations then; use a constant for {LABELS[key]} "
                    "or do not read it in the model")


def needs_plan(dynamic, inputs, replaced, overridden):
    """Control keys that this run must evaluate along the grid: equations of Time (``dynamic``, from
    :func:`dynamic_keys`) and those reading a constant a parameter replaces (``inputs``, from
    :func:`control_inputs`), less those given at run time."""
    keys = set(dynamic) | {k for k, ids in inputs.items() if ids & set(replaced)}
    return keys - set(overridden)


def _evaluator(model_ir, keys, values, levers, n):
    """A function ``t → {key: float}`` of the control equations ``keys`` (others read ``values``)."""
    order = _control_order(model_ir, keys)
    ns = dict(RUNTIME)
    names = {vid: f"v_{vid}" for vid in model_ir.variables}
    lines = []
    done = set()

    def need(node, seen):
        for vid in sorted(references(node)):
            if vid in done:
                continue
            var = model_ir.variables[vid]
            if vid in levers:
                raise _ControlError(vid, "is given as a time series")
            done.add(vid)
            if vid in values:
                ns[f"v_{vid}"] = np.asarray(values[vid], dtype=float).reshape(-1)
                continue
            need(var.components[0].expr, seen + (vid,))
            lines.append(f"v_{vid} = {emit(var.components[0].expr, EmitContext(model_ir, names, ns)).code}")

    for key in order:
        expr = model_ir.time_exprs[key]
        need(expr, ())
        lines.append(f"{RUNTIME_NAMES[key]} = {emit(expr, EmitContext(model_ir, names, ns)).code}")
        lines.append(f"_out[{key!r}] = {RUNTIME_NAMES[key]}")
    code = compile("\n".join(lines) + "\n", f"<control variables of {model_ir.path.name}>", "exec")

    def evaluate(t, fixed):
        ns.update({RUNTIME_NAMES[k]: v for k, v in fixed.items()})
        ns["t"], ns["_out"] = t, {}
        with np.errstate(all="ignore"):
            exec(code, ns)      # noqa: S102 - generated from the model's own control equations
        return ns["_out"]
    return evaluate


class _ControlError(Exception):
    def __init__(self, vid, why):
        super().__init__(vid, why)
        self.vid, self.why = vid, why


def _control_order(model_ir, keys):
    """``keys`` ordered so that a control variable comes after those its equation reads."""
    inputs = control_inputs(model_ir)

    def reads(key):
        exprs = [model_ir.time_exprs[key]] + [c.expr for vid in inputs[key] for c in model_ir.variables[vid].components]
        found = {n.func for e in exprs for n in walk(e) if isinstance(n, ir.Call) and n.func in keys}
        if key in found:
            raise ModelParseError(f"{model_ir.path}: {LABELS[key]} reads itself; write it from Time and constants")
        return found

    order, todo = [], sorted(keys, key=CONTROL_KEYS.index)
    while todo:
        ready = [k for k in todo if reads(k) <= set(order)]
        if not ready:
            raise ModelParseError(f"{model_ir.path}: control variables {', '.join(LABELS[k] for k in todo)} "
                                  "read each other in a loop; define one of them as a number")
        order += ready
        todo = [k for k in todo if k not in ready]
    return order


def _scalar(model_ir, key, value, values):
    """One float from a control value that may hold one value per scenario; ParameterError if they differ."""
    array = np.asarray(value, dtype=float).reshape(-1)
    if array.size > 1 and np.ptp(array) != 0:
        varied = sorted(control_inputs(model_ir)[key] & set(values))
        names = ", ".join(f"'{model_ir.variables[v].name}'" for v in varied) or "a parameter"
        field = {"initial_time": "start", "final_time": "end", "time_step": "dt", "saveper": "saveper"}[key]
        raise ParameterError(
            f"{model_ir.path}: {LABELS[key]} depends on {names}, which differs between the scenarios of this run "
            f"({array.min():g} to {array.max():g}): every scenario of a batch shares one time grid; give {names} "
            f"one value for all scenarios, or set time.{field} in the scenario (final_time= etc. in run())")
    return float(array[0])


def time_plan(model_ir, time, overridden, values, levers, n, substeps):
    """Walk the grid: ``time`` holds the run's numbers (overrides included), ``overridden`` the keys
    given at run time, ``values``/``levers`` the run's parameters. Returns a :class:`Plan`."""
    keys = needs_plan(dynamic_keys(model_ir), control_inputs(model_ir), set(values) | set(levers), overridden)
    fixed = {k: getattr(time, FIELDS[k]) for k in CONTROL_KEYS if k not in keys}
    try:
        evaluate = _evaluator(model_ir, keys, values, levers, n)
    except _ControlError as problem:
        var = model_ir.variables[problem.vid]
        raise ParameterError(f"{model_ir.path}: the time settings depend on '{var.name}', which {problem.why}: every "
                             f"scenario of a batch shares one time grid; give '{var.name}' one number") from None

    def at(t):
        try:
            found = evaluate(t, fixed)
        except (ArithmeticError, LookupError, NameError, TypeError, ValueError) as err:
            raise ModelParseError(f"{model_ir.path}: cannot evaluate the time settings "
                                  f"({', '.join(LABELS[k] for k in sorted(keys))}) at time {t:g}: {err}") from None
        return {**fixed, **{k: _scalar(model_ir, k, v, values) for k, v in found.items()}}
    start = at(0.0)["initial_time"] if "initial_time" in keys else time.initial
    return _walk(model_ir, at, start, keys, substeps)


def _walk(model_ir, at, start, keys, substeps):
    times, dts, saved, rows = [], [], [], []
    t, base, k_base, dt_prev = start, start, 0, None
    while True:
        values = at(t)
        dt, saveper, final = values["time_step"], values["saveper"], values["final_time"]
        if not (dt > 0 and saveper > 0 and math.isfinite(dt + saveper + final)):
            raise ParameterError(f"{model_ir.path}: at time {t:g} TIME STEP = {dt:g}, SAVEPER = {saveper:g}, "
                                 f"FINAL TIME = {final:g}: TIME STEP and SAVEPER must be > 0 and all finite")
        prec = dt * TIME_PRECISION
        times.append(t)
        elapsed = t - start
        saved.append(elapsed % saveper < prec or -elapsed % saveper < prec)
        rows.append(values)
        if not t + prec < final:
            break
        if len(times) > MAX_STEPS:
            raise ParameterError(f"{model_ir.path}: the run has not reached FINAL TIME after {MAX_STEPS} steps "
                                 f"(time {t:g}, FINAL TIME {final:g}); check FINAL TIME's equation")
        if dt != dt_prev:
            base, k_base, dt_prev = t, len(times) - 1, dt
        dts.append(dt)
        t = base + dt * (len(times) - k_base)
    return _plan(times, dts, saved, rows, keys, start, substeps)


def _plan(times, dts, saved, rows, keys, start, substeps):
    n_steps = len(times) - 1
    dts = np.asarray(dts, dtype=float)
    saved = np.asarray(saved)
    index = np.full(n_steps + 1, -1, dtype=int)
    index[saved] = np.arange(int(saved.sum()))
    smallest = float(dts.min()) if n_steps else rows[0]["time_step"]
    decimals = max(int(-math.floor(math.log10(smallest * TIME_PRECISION))), 0)
    step_times = np.asarray(times, dtype=float)
    save_times = np.round(step_times[saved], decimals)
    fractions = np.arange(substeps) / substeps
    grid = np.append((step_times[:-1, None] + dts[:, None] * fractions[None, :]).ravel(), step_times[-1])
    uniform = n_steps == 0 or bool(np.all(dts == dts[0]))
    first = rows[0]
    time = ir.TimeSettings(start, float(step_times[-1]), float(first["time_step"]), float(first["saveper"]))
    controls = {k: tuple(float(rows[i][k]) for i in np.nonzero(saved)[0]) for k in sorted(keys)}
    for array in (save_times, grid):
        array.flags.writeable = False
    return Plan(n_steps, list(step_times), index.tolist(), save_times, grid, time,
                None if uniform else dts, controls)


def _shown(var):
    """The user's name of a variable (a hidden one is named after the equation that made it)."""
    return var.doc.split(" of ", 1)[1] if var.hidden and " of " in var.doc else var.name


def check_segments(model_ir, program, plan):
    """Refuse what a changing TIME STEP cannot serve: DELAY FIXED sizes its buffer in steps once, and an
    equation that reads TIME STEP but nothing else that changes is computed once, at the start."""
    if plan.dts is None:
        return
    if program.delay_fixed:
        names = ", ".join(dict.fromkeys(f"'{_shown(model_ir.variables[v])}'" for v in program.delay_fixed))
        raise ParameterError(f"{model_ir.path}: TIME STEP changes during the run and {names} use DELAY FIXED, whose "
                             "buffer holds a fixed number of steps; give TIME STEP one value")
    for vid in program.static_ids:
        var = model_ir.variables[vid]
        if any(isinstance(n, ir.Call) and n.func == "time_step" for c in var.components for n in walk(c.expr)):
            raise ParameterError(
                f"{model_ir.path}: variable '{_shown(var)}' reads TIME STEP, which changes during the run, and "
                "nothing else that changes, so it is computed once at the start; give TIME STEP one value")


def integrate_segments(ns, program, integrator, S, plan, lever_ids):
    """Integrate a grid whose TIME STEP changes, one stretch of equal steps at a time (numpy program);
    the final time's outputs are saved by one more step call, as in ``kernels.fused.integrate``."""
    tables = {vid: ns[f"_lev_{vid}"] for vid in lever_ids}
    substeps = integrator.substeps
    k = 0
    while k < plan.n_steps:
        dt = plan.dts[k]
        end = k + int(np.argmax(plan.dts[k:] != dt)) if np.any(plan.dts[k:] != dt) else plan.n_steps
        ns["_dt"] = float(dt)
        for vid, table in tables.items():
            ns[f"_lev_{vid}"] = table[k * substeps:]
        S = integrator.integrate(ns, S, plan.step_times[k:end + 1], plan.save_index[k:end + 1], float(dt),
                                 end - k, program.clip_mask)
        k = end
    for vid, table in tables.items():
        ns[f"_lev_{vid}"] = table
    ns["_step"](plan.step_times[-1], plan.n_steps * substeps, S, plan.save_index[-1], False)
    return S, "numpy: the kernel generator does not support a TIME STEP that changes during the run (run in stretches)"
