"""Engine entry point (ingest → lower → program → integrate → results): ``load_model`` and ``CompiledModel``.

``load_model(path)`` parses and lowers the model once; ``CompiledModel.run(...)`` validates its
arguments at the front door, builds (or reuses) the generated program for that configuration,
integrates all scenarios at once on arrays shaped (n, ...), and returns an ``xarray.Dataset``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

import numpy as np

from simulator.engine import ir, model_cache, timegrid
from simulator.engine.analysis import CONTROL_KEYS
from simulator.errors import ParameterError
from simulator.engine.ingest import read_abstract_model
from simulator.engine.integrators import METHODS
from simulator.engine.codegen.evaluate import value_at_start
from simulator.engine.lowering.convert import lower
from simulator.engine.ordering import topological_order
from simulator.engine.params import NameIndex, resolve_params
from simulator.engine.codegen.program import build_program, local_name, namespace
from simulator.engine.codegen.noise import scenario_keys
from simulator.engine.kernels import fused
from simulator.engine.kernels.fused import kernel_mode
from simulator.engine.missing import missing_masks
from simulator.engine.results import first_non_finite

TIME_PRECISION = 1e-5   # relative to TIME STEP, as Vensim/PySD use for final and saving times
OUTPUT_KINDS = ("stock", "flow", "auxiliary")


class RunArrays(NamedTuple):
    """One run as arrays (:meth:`CompiledModel.run_arrays`); :meth:`CompiledModel.run` makes its Dataset."""

    times: np.ndarray           # saved times
    outputs: dict               # {id: array (time, scenario, *dims)}
    problems: list              # per scenario: None, or (time, variable name) of the first non-finite value
    attrs: dict                 # the run's attributes (model, method, time settings, kernel, seed, …)


@dataclass(frozen=True)
class VariableInfo:
    """What the engine tells about one variable (see docs/interfaces.md §1)."""

    id: str
    name: str
    kind: str
    dims: tuple
    units: str
    doc: str
    limits: tuple = (None, None)        # the plausible range the model declares (simulator/engine/ranges.py)


def load_model(path):
    """Parse, lower and check a model file; returns a :class:`CompiledModel`.

    Parameters
    ----------
    path : str or pathlib.Path
        ``.mdl``, ``.xmile`` or ``.stmx`` file.

    Examples
    --------
    >>> import simulator
    >>> model = simulator.load_model("tests/fixtures/models/teacup/teacup.mdl")
    >>> ds = model.run(params={"Room Temperature": [60, 70]})
    >>> ds["teacup_temperature"].shape
    (2, 241)
    """
    path = Path(path)
    return model_cache.load(path, lambda: CompiledModel(path, lower(read_abstract_model(path), path, value_at_start)))


class CompiledModel:
    """A lowered model, ready to run many scenarios at once."""

    def __init__(self, path, model_ir):
        self.path = Path(path)
        self.ir = model_ir
        order = topological_order(model_ir, "step")   # algebraic loops are load-time errors
        topological_order(model_ir, "init")
        visible = [vid for vid in order if not model_ir.variables[vid].hidden]
        self.variables = {
            vid: VariableInfo(vid, v.name, v.kind, tuple(v.dims), v.units, v.doc,
                              tuple(getattr(v, "limits", (None, None))))
            for vid in visible for v in [model_ir.variables[vid]]}
        self.dimensions = {name: list(d.elements) for name, d in model_ir.dimensions.items()}
        self._dynamic_time = timegrid.dynamic_keys(model_ir)
        self._control_inputs = timegrid.control_inputs(model_ir)
        if self._dynamic_time:      # equations of Time: the model's own grid gives its time settings
            timegrid.check_model(model_ir)
            model_ir.time = timegrid.time_plan(model_ir, model_ir.time, (), {}, {}, 1, 1).time
        self.time = model_ir.time
        self._names = NameIndex(model_ir, self.path)
        self._programs = {}
        self._time_plans = {}       # time settings → step/save plan (see _time_plan)
        self._templates = {}        # (n, saved times, outputs) → result Dataset template
        build_program(model_ir, save=[])        # generation errors surface at load time

    def __repr__(self):
        return f"CompiledModel({str(self.path)!r}, {len(self.variables)} variables)"

    def __getstate__(self):
        """Pickle without the generated programs (code objects); they are rebuilt on demand."""
        state = dict(self.__dict__)
        state["_programs"] = {}
        state["_time_plans"] = {}
        state["_templates"] = {}
        return state

    def find(self, name):
        """VariableInfo for an id or Vensim name; raises UnknownVariableError with the nearest names."""
        return self.variables[self._names.find(name)]

    # --- running ----------------------------------------------------------------------------
    def _settings(self, initial_time, final_time, time_step, saveper):
        time = replace(self.time)
        overrides = {"initial": initial_time, "final": final_time, "dt": time_step, "saveper": saveper}
        for field_name, value in overrides.items():
            if value is None:
                continue
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise ParameterError(f"{field_name} = {value!r} is not a number")
            if not math.isfinite(value):
                raise ParameterError(f"{field_name} = {value!r} must be finite")
            setattr(time, field_name, value)
        if time.dt <= 0:
            raise ParameterError(f"time_step must be > 0 (got {time.dt:g})")
        if saveper is None and time_step is not None and self.time.saveper == self.time.dt:
            time.saveper = time.dt
        if time.saveper <= 0:
            raise ParameterError(f"saveper must be > 0 (got {time.saveper:g})")
        if time.final < time.initial:
            raise ParameterError(f"final_time {time.final:g} is before initial_time {time.initial:g}")
        return time

    def _columns(self, return_columns):
        if return_columns is None:
            return [vid for vid, info in self.variables.items() if info.kind in OUTPUT_KINDS]
        if isinstance(return_columns, str):
            return_columns = [return_columns]
        ids = []
        for name in return_columns:
            vid, _elements = self._names.split(name)     # "var[elem]" keeps the whole variable
            if self.ir.variables[vid].role == ir.LOOKUP:
                raise ParameterError(f"return column '{name}' is a lookup table, not a value over time")
            if vid not in ids:
                ids.append(vid)
        return ids

    def _program(self, replaced, levers, save):
        key = (frozenset(replaced), frozenset(levers), tuple(save))
        program = self._programs.get(key)
        if program is None:
            program = build_program(self.ir, replaced, levers, save)
            self._programs[key] = program
        return program

    def run(self, params=None, n=None, method="euler", return_columns=None,
            initial_time=None, final_time=None, time_step=None, saveper=None, seed=0, scenarios=None, kernel=None):
        """Simulate ``n`` scenarios at once; returns an ``xarray.Dataset`` (docs/interfaces.md §1).

        Parameters
        ----------
        params : dict, optional
            {name: number | length-n array | array (n, *dims) or (*dims) | TimeSeries}.
        n : int, optional
            Number of scenarios (inferred from ``params`` when None; default 1).
        method : str
            Key of ``simulator.engine.integrators.METHODS``.
        return_columns : list of str, optional
            Variables to keep (default: all stocks, flows and auxiliaries).
        initial_time, final_time, time_step, saveper : float, optional
            Override the model's time settings.
        seed : int
            Seed of the RANDOM functions' streams (with ``scenarios``; recorded in ``attrs``).
        scenarios : sequence of int, optional
            Global index of each scenario (default 0..n-1): scenario ``i`` of any run with the same
            seed draws the same noise, so a batch may be split into chunks freely.
        kernel : str, optional
            ``auto`` (default: ``$PLANSIM_KERNEL`` or auto), ``fused`` or ``numpy`` (engine/kernels/fused.py).
        """
        from simulator.engine.results import fill_dataset   # xarray: only a Dataset needs it

        arrays = self.run_arrays(params, n, method, return_columns, initial_time, final_time, time_step,
                                 saveper, seed, scenarios, kernel)
        template = self._template(arrays.outputs, arrays.times, len(arrays.problems))
        return fill_dataset(template, arrays.outputs, arrays.problems, arrays.attrs)

    def run_arrays(self, params=None, n=None, method="euler", return_columns=None, initial_time=None,
                   final_time=None, time_step=None, saveper=None, seed=0, scenarios=None, kernel=None):
        """:meth:`run` without the Dataset: :class:`RunArrays` (saved times, ``{id: array (time, scenario,
        *dims)}``, the first non-finite value per scenario, run attributes); xarray is not imported."""
        if method not in METHODS:
            raise ParameterError(f"unknown method '{method}'; use one of {sorted(METHODS)}")
        if n is not None and (not isinstance(n, (int, np.integer)) or n < 1):
            raise ParameterError(f"n must be a positive integer (got {n!r})")
        time = self._settings(initial_time, final_time, time_step, saveper)
        resolved = resolve_params(self.ir, self._names, params, n)
        n = resolved.n
        save = self._columns(return_columns)
        integrator = METHODS[method]()
        program = self._program(set(resolved.values) | set(resolved.levers), set(resolved.levers), save)

        plan = self._plan(time, (initial_time, final_time, time_step, saveper), resolved, integrator.substeps)
        time, save_times, n_save = plan.time, plan.save_times, len(plan.save_times)
        ns, outputs = self._namespace(program, time, resolved, plan.grid, n_save)
        ns["_rng_key"] = _noise_keys(seed, scenarios, n)

        run = dict(ns=ns, outputs=outputs, resolved=resolved, n=n, mode=kernel_mode(kernel))
        lanes = plan.dts is None and fused.takes_initial_values(self.ir, program, integrator, run)
        with np.errstate(all="ignore"):
            S, initial_values = ns["_init"](time.initial, n, not lanes)     # the lanes kernel initialises per block
            run.update(initial=initial_values) if lanes else None
            self._install_initial_state(ns, program, initial_values, n, time)
            S, kernel_used = self._integrate(program, integrator, S, plan, run)

        ns.clear()      # the generated functions and their namespace form a cycle; free it now
        for vid in program.saved_static:
            value = np.asarray(initial_values[local_name(vid)], dtype=float)
            shape = self.ir.dims_shape(self.ir.variables[vid].dims)
            value = np.broadcast_to(value, (value.shape[0] if value.ndim else 1,) + shape)
            outputs[vid] = np.broadcast_to(value[None], (n_save, n) + shape)
        ordered = {vid: outputs[vid] for vid in save}
        names = {vid: self.ir.variables[vid].name for vid in save}
        sums = run.get("sums")      # a lanes kernel's per-scenario sums of the saved values and final state (finite:
        vouched = sums is not None and np.isfinite(sums[0]).all()       # every term is; else checked in full)
        checked = {vid: data for vid, data in ordered.items() if not (vouched and vid in program.saved_dynamic)}
        problems = first_non_finite(checked, save_times, names, self._missing()) if checked else [None] * n
        if sums is None or not np.isfinite(sums[1]).all():
            problems = self._final_state_problems(problems, S, program, plan.step_times[-1])
        attrs = {"model": str(self.path), "method": method, "initial_time": time.initial, "kernel": kernel_used,
                 "final_time": time.final, "time_step": time.dt, "saveper": time.saveper, "seed": int(seed),
                 **{f"{key}_over_time": values for key, values in (plan.controls or {}).items()}}
        return RunArrays(save_times, ordered, problems, attrs)

    def _integrate(self, program, integrator, S, plan, run):
        """Advance ``S`` over ``plan`` (final outputs saved too): the fused kernel or numpy program, or,
        when TIME STEP changes during the run, the numpy program one stretch of equal steps at a time."""
        timegrid.check_segments(self.ir, program, plan)
        if plan.dts is not None:
            return timegrid.integrate_segments(run["ns"], program, integrator, S, plan, run["resolved"].levers)
        run.update(step_times=plan.step_times, save_index=plan.save_index, time=plan.time, n_steps=plan.n_steps)
        return fused.integrate(self.ir, program, integrator, S, run)

    def _namespace(self, program, time, resolved, grid, n_save):
        """The program executed into a fresh namespace with parameters, levers and output buffers."""
        n = resolved.n
        ns = namespace(program)
        ns.update({"_t0": time.initial, "_tf": time.final, "_dt": time.dt, "_saveper": time.saveper})
        for vid, value in resolved.values.items():
            ns[f"_p_{vid}"] = value
        for vid, series in resolved.levers.items():
            # (n_grid, n or 1, *dims); ElementLevers fill single elements, once per run
            ns[f"_lev_{vid}"] = series.table(grid, self.ir.dims_shape(self.ir.variables[vid].dims))
        outputs = {}
        for vid in program.saved_dynamic:
            shape = self.ir.dims_shape(self.ir.variables[vid].dims)
            # every row is written exactly once (each saved step, final time included)
            outputs[vid] = ns[f"_out_{vid}"] = np.empty((n_save, n) + shape)
        exec(program.code, ns)
        return ns, outputs

    def _plan(self, time, given, resolved, substeps):
        """The run's steps (timegrid.Plan): the uniform grid of ``time``, or the grid walked from the
        control variables' equations (and the parameters they read; cached when they read none)."""
        overridden = {key for key, value in zip(CONTROL_KEYS, given) if value is not None}
        replaced = set(resolved.values) | set(resolved.levers)
        keys = timegrid.needs_plan(self._dynamic_time, self._control_inputs, replaced, overridden)
        if not keys:
            return timegrid.Plan(*self._time_plan(time, substeps), time)
        cache = None if keys - set(self._dynamic_time) else ("walked", time.initial, time.final, time.dt,
                                                              time.saveper, substeps, frozenset(keys))
        plan = self._time_plans.get(cache)
        if plan is None:
            plan = timegrid.time_plan(self.ir, time, overridden, resolved.values, resolved.levers, resolved.n, substeps)
            if cache is not None:
                _bounded_put(self._time_plans, cache, plan)
        return plan

    def _time_plan(self, time, substeps):
        """Step count, step times, save positions, saved times and lever grid; cached per settings.

        Step times are a list of numpy float64 scalars (fast to index in the step loop; the same
        values and type the generated code always received).
        """
        key = (time.initial, time.final, time.dt, time.saveper, substeps)
        plan = self._time_plans.get(key)
        if plan is None:
            n_steps = max(int(math.ceil((time.final - time.initial) / time.dt - TIME_PRECISION)), 0)
            step_times = list(time.initial + time.dt * np.arange(n_steps + 1))
            save_index, save_times = _save_plan(n_steps, time)
            grid = time.initial + (time.dt / substeps) * np.arange(n_steps * substeps + 1)
            for array in (save_times, grid):
                array.flags.writeable = False       # shared by every run with these settings
            plan = (n_steps, step_times, save_index, save_times, grid)
            _bounded_put(self._time_plans, key, plan)
        return plan

    def _template(self, outputs, save_times, n):
        """The result Dataset's template (results.dataset_template), cached per n, times and outputs."""
        key = (n, save_times.tobytes(), tuple(outputs))
        template = self._templates.get(key)
        if template is None:
            from simulator.engine.results import dataset_template

            template = dataset_template(self.ir, outputs, save_times, n)
            _bounded_put(self._templates, key, template)
        return template

    def _missing(self):
        """Elements no equation defines (missing.py), computed once per model."""
        if getattr(self, "_missing_masks", None) is None:
            self._missing_masks = missing_masks(self.ir)
        return self._missing_masks

    def _final_state_problems(self, problems, S, program, final_time):
        """Add scenarios whose final state is non-finite though no saved output showed it."""
        finite = np.isfinite(S)
        if finite.all():
            return problems
        problems = list(problems)
        axis = program.layout.state_axis()
        missing = self._missing()
        for vid, (start, stop, _shape) in program.layout.slots.items():
            slot = np.take(finite, np.arange(start, stop), axis=axis)
            if vid in missing:
                ignored = missing[vid].ravel()
                slot = slot | (ignored[None, :] if axis == 1 else ignored[:, None])
            bad = ~slot.all(axis=axis)
            for row in np.nonzero(bad)[0]:
                if problems[row] is None:
                    problems[row] = (float(final_time), self.ir.variables[vid].name)
        return problems

    def _install_initial_state(self, ns, program, values, n, time):
        for vid in program.static_ids:
            name = local_name(vid)
            if name in values:
                ns[name] = values[name]
        for key, value in values.items():
            if key.startswith("_st_"):
                ns[key] = value
        for vid in program.delay_fixed:
            delay = np.asarray(values[f"_dft_{vid}"], dtype=float)
            lengths = np.round(np.maximum(delay / time.dt, 1) + 1e-6).astype(int)
            shape = self.ir.dims_shape(self.ir.variables[vid].dims)
            if 0 < lengths.ndim < 1 + len(shape):         # one length per scenario of a subscripted delay
                lengths = lengths.reshape(lengths.shape + (1,) * (1 + len(shape) - lengths.ndim))
            initial = np.asarray(values[local_name(vid)], dtype=float)
            initial = np.broadcast_to(initial, (n,) + shape)
            uniform = lengths.size == 0 or bool(np.all(lengths == lengths.flat[0]))
            length = int(lengths.max()) if lengths.size else 1
            # lengths differing between scenarios or elements: each reads its own slot (_delay_read)
            ns[f"_len_{vid}"] = None if uniform else np.broadcast_to(lengths, (n,) + shape).copy()
            ns[f"_buf_{vid}"] = np.repeat(initial[None], length, axis=0).copy()
            ns[f"_ptr_{vid}"] = 0


def _noise_keys(seed, scenarios, n):
    """The RANDOM streams' keys of a run: one per scenario, from the seed and its global index."""
    indices = np.arange(n) if scenarios is None else np.asarray(scenarios)
    if indices.shape != (n,) or not np.issubdtype(indices.dtype, np.integer):
        raise ParameterError(f"scenarios must be {n} integer indices (got shape {indices.shape})")
    if not isinstance(seed, (int, np.integer)):
        raise ParameterError(f"seed must be an integer (got {seed!r})")
    return scenario_keys(int(seed), indices)


def _bounded_put(cache, key, value, limit=16):
    """Set ``cache[key]``, dropping the oldest entries beyond ``limit`` (insertion order)."""
    cache[key] = value
    while len(cache) > limit:
        del cache[next(iter(cache))]


def _save_plan(n_steps, time):
    """Per step index: position in the saved arrays or -1; and the saved times."""
    k = np.arange(n_steps + 1)
    elapsed = k * time.dt
    precision = time.dt * TIME_PRECISION
    remainder = np.mod(elapsed, time.saveper)
    saved = (remainder < precision) | (time.saveper - remainder < precision)
    index = np.full(n_steps + 1, -1, dtype=int)
    index[saved] = np.arange(int(saved.sum()))
    times = time.initial + elapsed[saved]
    decimals = max(int(-math.floor(math.log10(precision))), 0)
    return index.tolist(), np.round(times, decimals)
