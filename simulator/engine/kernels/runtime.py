"""Fused kernels, runtime helpers: numba-compiled scalar versions of ``codegen/builtins.py``.

Imported by every generated kernel module (``from simulator.engine.kernels.runtime import *``).
Each helper computes, for one value, exactly what its numpy counterpart computes element by
element (same operations in the same order), so the fused path agrees with the numpy path bit
for bit wherever libm and numpy agree.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir as llvm_ir
from numba import carray, cfunc, njit, types
from numba.extending import intrinsic

from simulator.engine.codegen.builtins import SMALL_VENSIM     # the numpy program's tolerance, one definition

_OPTIONS = {"cache": True, "error_model": "numpy", "nogil": True}

__all__ = ["np", "k_min", "k_max", "k_quantum", "k_modulo", "k_xidz", "k_ramp", "k_ramp_to", "k_pulse",
           "k_pulse_train", "k_xpulse", "k_interp", "k_extrapolate", "k_forward", "k_backward", "k_float", "k_step",
           "k_save", "k_block", "k_finish"]


@njit(**_OPTIONS)
def k_float(value):
    """A comparison's or logical operation's truth as 1.0 / 0.0."""
    return 1.0 if value else 0.0


@njit(**_OPTIONS)
def k_min(a, b):
    """np.minimum of two floats (NaN propagates)."""
    if a != a or b != b:
        return a + b
    return a if a <= b else b


@njit(**_OPTIONS)
def k_max(a, b):
    """np.maximum of two floats (NaN propagates)."""
    if a != a or b != b:
        return a + b
    return a if a >= b else b


@njit(**_OPTIONS)
def k_quantum(a, b):
    return a if b < SMALL_VENSIM else b * np.trunc(a / b)


@njit(**_OPTIONS)
def k_modulo(a, b):
    return a - k_quantum(a, b)


@njit(**_OPTIONS)
def k_xidz(numerator, denominator, fallback):
    return fallback if np.abs(denominator) < SMALL_VENSIM else numerator / denominator


@njit(**_OPTIONS)
def k_ramp(t, slope, start):
    return (k_float(t + SMALL_VENSIM > start) * slope) * (t - start)


@njit(**_OPTIONS)
def k_ramp_to(t, slope, start, finish):
    return (k_float(t + SMALL_VENSIM > start) * slope) * (k_min(finish, t) - start)


@njit(**_OPTIONS)
def k_pulse(t, start, width):
    return 1.0 * k_float((start - SMALL_VENSIM <= t) and (t < start + width))


@njit(**_OPTIONS)
def k_pulse_train(t, start, interval, width, end):
    if interval == 0:
        return k_float((start - SMALL_VENSIM <= t) and (t < start + width))
    inside = (start <= t) and (t <= end)
    return k_float(inside and np.mod(t - start + SMALL_VENSIM, interval) < width)


@njit(**_OPTIONS)
def k_xpulse(t, dt, start, magnitude, interval):
    width = 0.5 * dt
    if interval == 0:
        hit = (start - SMALL_VENSIM <= t) and (t < start + width)
    else:
        hit = (start <= t) and (np.mod(t - start + SMALL_VENSIM, interval) < width)
    return (magnitude / dt) * k_float(hit)


@njit(**_OPTIONS)
def k_interp(x, xs, ys):
    """np.interp(x, xs, ys) for one x, the same arithmetic as numpy's C loop."""
    n = xs.shape[0]
    if n == 1:
        return ys[0]
    if x != x:
        return x
    if x < xs[0]:
        return ys[0]
    if x > xs[n - 1]:
        return ys[n - 1]
    low, high = 0, n - 1                      # largest j with xs[j] <= x
    while high - low > 1:
        middle = (low + high) // 2
        if xs[middle] <= x:
            low = middle
        else:
            high = middle
    j = n - 1 if xs[n - 1] <= x else low
    if j == n - 1:
        return ys[j]
    if x == xs[j]:
        return ys[j]
    slope = (ys[j + 1] - ys[j]) / (xs[j + 1] - xs[j])
    value = slope * (x - xs[j]) + ys[j]
    if value != value:
        value = slope * (x - xs[j + 1]) + ys[j + 1]
        if value != value and ys[j] == ys[j + 1]:
            value = ys[j]
    return value


@njit(**_OPTIONS)
def k_extrapolate(x, xs, ys):
    out = k_interp(x, xs, ys)
    n = xs.shape[0]
    if n < 2:
        return out
    if x < xs[0]:
        return ys[0] + (x - xs[0]) * ((ys[1] - ys[0]) / (xs[1] - xs[0]))
    if x > xs[n - 1]:
        return ys[n - 1] + (x - xs[n - 1]) * ((ys[n - 1] - ys[n - 2]) / (xs[n - 1] - xs[n - 2]))
    return out


@njit(**_OPTIONS)
def k_backward(x, xs, ys):
    """ys at searchsorted(xs, x, 'right') - 1, clipped."""
    n = xs.shape[0]
    if x != x:
        return ys[n - 1]
    count = 0
    while count < n and xs[count] <= x:
        count += 1
    return ys[min(max(count - 1, 0), n - 1)]


@njit(**_OPTIONS)
def k_forward(x, xs, ys):
    """ys at searchsorted(xs, x, 'left'), clipped."""
    n = xs.shape[0]
    if x != x:
        return ys[n - 1]
    count = 0
    while count < n and xs[count] < x:
        count += 1
    return ys[min(count, n - 1)]


_LOOKUP = types.float64(types.float64, types.CPointer(types.float64), types.CPointer(types.float64), types.int64)
_FIVE = types.float64(types.float64, types.float64, types.float64, types.float64, types.float64)


@cfunc(_LOOKUP, cache=True)
def _c_interp(x, xs, ys, n):
    return k_interp(x, carray(xs, n), carray(ys, n))


@cfunc(_LOOKUP, cache=True)
def _c_extrapolate(x, xs, ys, n):
    return k_extrapolate(x, carray(xs, n), carray(ys, n))


@cfunc(_LOOKUP, cache=True)
def _c_forward(x, xs, ys, n):
    return k_forward(x, carray(xs, n), carray(ys, n))


@cfunc(_LOOKUP, cache=True)
def _c_backward(x, xs, ys, n):
    return k_backward(x, carray(xs, n), carray(ys, n))


@cfunc(_FIVE, cache=True)
def _c_pulse_train(t, start, interval, width, end):
    return k_pulse_train(t, start, interval, width, end)


@cfunc(_FIVE, cache=True)
def _c_xpulse(t, dt, start, magnitude, interval):
    return k_xpulse(t, dt, start, magnitude, interval)


CFUNCS = {"k_interp": _c_interp, "k_extrapolate": _c_extrapolate, "k_forward": _c_forward,
          "k_backward": _c_backward, "k_pulse_train": _c_pulse_train, "k_xpulse": _c_xpulse}
"""The helpers a native step (``native.py``) calls, by the name its IR declares (``plansim_<name>``)."""


def _native_call(context, builder, sig, args):
    """Call the function at address ``args[0]`` with the other arguments: arrays as their data pointers."""
    values = [context.make_array(kind)(context, builder, arg).data if isinstance(kind, types.Array) else arg
              for kind, arg in zip(sig.args[1:], args[1:])]
    function = llvm_ir.FunctionType(llvm_ir.VoidType(), [v.type for v in values])
    builder.call(builder.inttoptr(args[0], function.as_pointer()), values)
    return context.get_constant(types.int64, 0)


@intrinsic
def k_step(typingctx, address, row, tables, t, dt, t0, tf, saveper):
    """Call the native step at ``address`` (``native.py``) on one scenario's row and the tables."""
    return types.int64(address, row, tables, t, dt, t0, tf, saveper), _native_call


@intrinsic
def k_save(typingctx, address, row, outputs, isave, i, n):
    """Call the native save at ``address``: the row's saved values to the outputs at ``outputs``' addresses."""
    return types.int64(address, row, outputs, isave, i, n), _native_call


@intrinsic
def k_block(typingctx, address, block, tables, outputs, t, dt, t0, tf, saveper, flip, sat):
    """Call the native step of a block of scenarios at ``address`` (``lanes.py``)."""
    return types.int64(address, block, tables, outputs, t, dt, t0, tf, saveper, flip, sat), _native_call


@intrinsic
def k_finish(typingctx, address, block, outputs, isave, i0, nb, n, flip, kept):
    """Call a block's native save at ``address`` (``lanes.finish_ir``)."""
    return types.int64(address, block, outputs, isave, i0, nb, n, flip, kept), _native_call
