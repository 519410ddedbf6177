"""Fused kernels, running: choose the kernel or the numpy loop for a run, compile, pass the inputs.

``simulate.py`` calls :func:`integrate` in place of the integrator's loop. The choice comes from
the run's ``kernel`` argument or ``$PLANSIM_KERNEL``: ``numpy`` (the generated numpy program),
``fused`` (the numba kernel wherever the generator supports the model and the method) or ``auto``
(the default: ``fused`` when numba is installed, some stock is subscripted or the step is short
enough to be vectorised across scenarios (``KernelSource.vectorised``; benchmarks/peers.py: SIR
1.5× faster than numpy then, population 9×; on longer steps of scalar stocks, World3, the numpy
program was as fast or faster), the run has at least
:data:`AUTO_MIN_SCENARIOS` scenarios, since a kernel's first compilation costs seconds, and the
kernel gives the numpy program's results bit for bit: no EXP, LN, ``^`` … whose libm results may
differ from numpy's SIMD loops in the last bit, no SUM of 8 or more terms, which numpy adds
pairwise; ``fused`` takes the kernel for those too, agreeing to about 1e-15 relative). A kernel
is compiled once per run configuration and cached on disk per user (``$PLANSIM_KERNEL_CACHE``,
default ``~/.cache/plansim/kernels``), so later processes load it instead of compiling it.
Whenever the numpy loop runs instead, the returned label says why in one line.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import sys
from pathlib import Path

import numpy as np

from simulator.engine.kernels.expressions import Unsupported
from simulator.engine.codegen.program import local_name
from simulator.engine.kernels.generate import kernel_source
from simulator.errors import ParameterError

KERNEL_MODES = ("auto", "fused", "numpy")
AUTO_MIN_SCENARIOS = 100
FUSED = "fused (numba)"
_LOG = logging.getLogger(__name__)


def kernel_mode(requested=None):
    """The kernel mode of a run: ``requested``, else ``$PLANSIM_KERNEL``, else ``auto``."""
    mode = requested or os.environ.get("PLANSIM_KERNEL") or "auto"
    if mode not in KERNEL_MODES:
        raise ParameterError(f"kernel = {mode!r}: use one of {', '.join(KERNEL_MODES)} "
                             f"(argument kernel= or environment variable PLANSIM_KERNEL)")
    return mode


def numba_available():
    return importlib.util.find_spec("numba") is not None


def cache_dir():
    """Where generated kernels and numba's compiled code are kept (per user)."""
    configured = os.environ.get("PLANSIM_KERNEL_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "plansim" / "kernels"


def integrate(model_ir, program, integrator, S, run):
    """Advance ``S`` over the run's steps by the fused kernel or the integrator, and save the outputs
    of every step, the final time's included; returns (final S, label).

    ``run`` is a dict with ``ns`` (the executed numpy program's namespace, initial values
    installed), ``outputs``, ``resolved`` (the run's parameters and levers), ``step_times``,
    ``save_index``, ``time``, ``n_steps``, ``n`` and ``mode``.
    """
    reason = _why_not(model_ir, program, run, integrator)
    if reason is None:
        levers = set(run["resolved"].levers)
        source = _source(model_ir, program, set(run["resolved"].values) | levers, levers)
        if isinstance(source, str):
            reason = source
        elif run["mode"] == "auto" and source.inexact:     # decided before numba is imported (~100 MiB)
            reason = (f"kernel = auto and the model uses {', '.join(source.inexact)} (the kernel's result may "
                      f"differ in the last bit; kernel = fused accepts that)")
        elif run["mode"] == "auto" and not program.layout.scenario_major and not source.vectorised:
            reason = ("kernel = auto, no stock is subscripted and the step is too long to vectorise across "
                      "scenarios (benchmarks/engine.py: the numpy program is as fast or faster there, e.g. "
                      "World3; kernel = fused forces the kernel)")
        else:
            function, source = _kernel(program, source)
            if bool(source.lanes) != ("initial" in run):     # takes_initial_values decided otherwise: a bug
                raise RuntimeError("fused kernel: S filled for the lanes kernel, or not filled for another path")
            function(*_arguments(model_ir, program, source, run, S))
            return S, FUSED
    if "initial" in run:
        raise RuntimeError("fused kernel: S not filled (takes_initial_values) for a run the lanes kernel does not take")
    if run["mode"] == "fused":
        _LOG.warning("fused kernel not used for %s: %s", model_ir.path.name, reason)
    ns, n_steps = run["ns"], run["n_steps"]
    S = integrator.integrate(ns, S, run["step_times"], run["save_index"], run["time"].dt, n_steps, program.clip_mask)
    ns["_step"](run["step_times"][n_steps], n_steps * integrator.substeps, S, run["save_index"][n_steps], False)
    return S, f"numpy: {reason}"


def _why_not(model_ir, program, run, integrator):
    mode = run["mode"]
    if mode == "numpy":
        return "kernel = numpy"
    if program.element_ordered:     # the generator writes whole variables (ordering.py: schedule)
        return f"{', '.join(program.element_ordered)} ordered element by element (a loop between whole variables)"
    if not numba_available():
        return "numba is not installed (pip install plansim[fast])"
    if integrator.name != "euler":
        return f"method {integrator.name} (the fused kernel is written for Euler)"
    if mode == "auto" and run["n"] < AUTO_MIN_SCENARIOS:
        return f"{run['n']} scenarios < {AUTO_MIN_SCENARIOS} (kernel = auto; compiling would cost more than it saves)"
    return None


def _source(model_ir, program, replaced, levers):
    """The generated kernel source of ``program``, or the reason (str) it has none; memoised."""
    cached = getattr(program, "fused_source", None)
    if cached is None:
        try:
            cached = kernel_source(model_ir, program, replaced, levers)
        except Unsupported as problem:
            cached = f"the kernel generator does not support {problem}"
        program.fused_source = cached
    return cached


def _kernel(program, source):
    """(compiled kernel, source) of ``program``; compiled on first use and memoised."""
    if getattr(program, "fused_kernel", None) is None:
        program.fused_kernel = (_compile(source.source), source)
    return program.fused_kernel


def kernel_digest(source):
    """The cache name of a kernel: a hash of its source and of the runtime helpers it calls (a
    changed helper must not leave an old compiled kernel in use: numba's cache only watches the
    kernel's own file)."""
    helpers = Path(__file__).with_name("runtime.py").read_bytes()
    return hashlib.sha256(source.encode() + b"\0" + helpers).hexdigest()[:24]


def _compile(source):
    """Write ``source`` to the cache directory (once; its name is its hash) and import its kernel."""
    digest = kernel_digest(source)
    directory = cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"k_{digest}.py"
    if not path.exists():
        temporary = directory / f".k_{digest}.{os.getpid()}.tmp"
        temporary.write_text(source, encoding="utf-8")
        os.replace(temporary, path)
    name = f"plansim_kernel_{digest}"
    module = sys.modules.get(name)
    if module is None:      # registered, so that numba's cache can find the module again
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return module._kernel       # jitted in its source (cache=True: numba's cache sits beside the file)


def _arguments(model_ir, program, source, run, S):
    """The kernel's arguments: the fixed ones, the clip mask, the constants' and levers' blocks,
    the lookup tables (flat: xs then ys of each), then the output buffers."""
    ns, n, time = run["ns"], run["n"], run["time"]
    mask = np.zeros(max(program.layout.size, 1), dtype=np.bool_)
    mask[program.layout.non_negative] = True
    args = [S, np.asarray(run["step_times"], dtype=float), np.asarray(run["save_index"], dtype=np.int64),
            float(time.dt), int(run["n_steps"]), float(time.initial), float(time.final), float(time.saveper), mask]
    outputs = []
    for kind, key in source.inputs:
        if kind == "statics":
            args.append(_block([_per_scenario(model_ir, ns[f"v_{vid}"], vid, (n,)) for vid in key], (n,)))
        elif kind == "levers":
            grid = int(run["n_steps"]) + 1
            args.append(_block([_per_scenario(model_ir, ns[f"_lev_{vid}"], vid, (grid, n)) for vid in key], (grid, n)))
        elif kind == "tables":
            flat = [np.asarray(part, dtype=float) for pair in key for part in pair]
            args.append(np.concatenate(flat) if flat else np.zeros(1))
        else:
            array = run["outputs"][key]
            outputs.append(array.reshape(array.shape[:2] + ((-1,) if array.ndim > 2 else ())))
    if source.step_ir is None:
        args += outputs
    else:
        from simulator.engine.kernels.native import addresses

        if not all(array.flags.c_contiguous for array in outputs):
            raise RuntimeError("fused kernel: output buffers must be C-contiguous")
        pointers = np.array([array.ctypes.data for array in outputs] or [0], dtype=np.int64)
        args += list(addresses(source.step_ir, cache_dir())) + [pointers]
    if source.vectorised:       # per scenario: sums of the saved values and of the final state (simulate.py checks them)
        run["sums"] = np.empty((2, n))
        args.append(run["sums"])
    if source.lanes:
        args += initial_values(model_ir, program, run["initial"], n)
    return args


def takes_initial_values(model_ir, program, integrator, run):
    """Whether the run goes to the lanes kernel, which reads the stocks' initial values block by block
    (:func:`initial_values`): then ``_init`` need not write them into ``S`` (``run``: see :func:`integrate`
    before ``ns``'s values are installed; the same choice :func:`integrate` makes)."""
    if _why_not(model_ir, program, run, integrator) is not None:
        return False
    levers = set(run["resolved"].levers)
    source = _source(model_ir, program, set(run["resolved"].values) | levers, levers)
    return not isinstance(source, str) and bool(source.lanes) and not (run["mode"] == "auto" and source.inexact)


def initial_values(model_ir, program, values, n):
    """``(I, IU, IC)``: the distinct initial arrays of the stocks (each ``(1 or n, elements)``; stocks
    sharing one expression share one), and per state slot which array and which column holds it."""
    arrays, seen = [], {}
    which, column = np.empty(program.layout.size, np.int64), np.empty(program.layout.size, np.int64)
    for vid, (start, stop, _shape) in program.layout.slots.items():
        value = values[local_name(vid)]
        if id(value) not in seen:
            full = _per_scenario(model_ir, value, vid, (n,))
            seen[id(value)] = len(arrays)
            array = np.ascontiguousarray(full[:1] if full.strides[0] == 0 else full).view()
            array.flags.writeable = False       # all read-only (some are broadcast views): one numba type, a UniTuple
            arrays.append(array)
        which[start:stop], column[start:stop] = seen[id(value)], np.arange(stop - start)
    return [tuple(arrays), which, column]


def _per_scenario(model_ir, value, vid, lead):
    """``value`` broadcast to ``lead + dims`` and flattened to ``lead + (elements,)``."""
    shape = model_ir.dims_shape(model_ir.variables[vid].dims)
    value = np.asarray(value, dtype=float)
    if value.ndim < len(lead) + len(shape):
        value = value.reshape((1,) * (len(lead) + len(shape) - value.ndim) + value.shape)
    return np.broadcast_to(value, lead + shape).reshape(lead + (-1,))


def _block(parts, lead):
    """Parts ``lead + (k_i,)`` side by side in one contiguous array ``lead + (sum k_i,)``."""
    if not parts:
        return np.zeros(lead + (1,))
    return np.ascontiguousarray(np.concatenate(parts, axis=-1))
