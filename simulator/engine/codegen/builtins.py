"""Code generation, runtime helpers: the numpy functions the templates of ``engine/functions.py`` call.

:data:`RUNTIME` is placed in the namespace of the generated program (``_ramp``, ``_pulse``,
lookups, ALLOCATE …). The function table itself (what is supported, the numpy template of each
function) is :data:`simulator.engine.functions.BUILTINS`.
"""

from __future__ import annotations

import numpy as np

from simulator.engine.codegen.noise_families import RUNTIME as RANDOM_FAMILIES
from simulator.engine.codegen.vectors import RUNTIME as VECTOR_RUNTIME

SMALL_VENSIM = 1e-6


# --- runtime helpers (placed in the generated program's namespace) ---------------------------

# Floating-point warnings are switched off once around the whole run (simulate.py), not per call.

def _quantum(a, b):
    return np.where(b < SMALL_VENSIM, a, b * np.trunc(a / b))


def _xidz(numerator, denominator, fallback):
    return np.where(np.abs(denominator) < SMALL_VENSIM, fallback, numerator / denominator)


def _ramp(t, slope, start, finish=None):
    final = t if finish is None else np.minimum(finish, t)
    return (t + SMALL_VENSIM > start) * slope * (final - start)


def _pulse(t, dt, start, width):
    return 1.0 * ((start - SMALL_VENSIM <= t) & (t < start + width))


def _pulse_train(t, start, interval, width, end):
    with np.errstate(divide="ignore", invalid="ignore"):
        inside = (start <= t) & (t <= end)         # Vensim: a pulse at t = end still fires
        repeating = np.mod(t - start + SMALL_VENSIM, interval) < width
        single = (start - SMALL_VENSIM <= t) & (t < start + width)
        return 1.0 * np.where(np.asarray(interval) == 0, single, inside & repeating)


def _xpulse(t, dt, start, magnitude, interval):
    """XMILE PULSE: ``magnitude / dt`` during half a time step at ``start`` (and every ``interval`` > 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        width = 0.5 * dt
        single = (start - SMALL_VENSIM <= t) & (t < start + width)
        repeated = (start <= t) & (np.mod(t - start + SMALL_VENSIM, interval) < width)
        return (magnitude / dt) * np.where(np.asarray(interval) == 0, single, repeated)


def _bisect_threshold(allocated, low, high, supply, iterations):
    """Bracket ``[low, high]`` of the priority threshold at which ``allocated(threshold)`` summed over
    the last axis equals ``supply`` (allocations fall as the threshold rises), for all rows at once."""
    for _ in range(iterations):
        middle = (low + high) / 2
        too_much = allocated(middle).sum(axis=-1, keepdims=True) > supply
        low = np.where(too_much, middle, low)
        high = np.where(too_much, high, middle)
    return low, high


def _allocate_by_priority(request, priority, width, supply, iterations=64):
    """Vensim ALLOCATE BY PRIORITY over the last axis, vectorized over all other axes.

    Each requester i gets ``request_i * clip((priority_i - P) / width, 0, 1)`` (a rectangular
    priority profile), with the threshold P set so the allocations add up to ``supply``; found by
    bisection on all scenarios at once. ``width`` and ``supply`` carry a trailing axis of length 1.
    """
    shape = np.broadcast_shapes(np.shape(request), np.shape(priority), np.shape(width), np.shape(supply))
    r = np.maximum(np.broadcast_to(request, shape), 0.0)
    p = np.broadcast_to(priority, shape)
    w = np.broadcast_to(width, shape[:-1] + (1,))
    s = np.broadcast_to(supply, shape[:-1] + (1,))

    def allocated(threshold):
        return r * np.clip((p - threshold) / w, 0.0, 1.0)

    low = p.min(axis=-1, keepdims=True) - w        # everybody fully served
    high = p.max(axis=-1, keepdims=True)           # nobody served
    low, high = _bisect_threshold(allocated, low, high, s, iterations)
    total = r.sum(axis=-1, keepdims=True)
    return np.where(s >= total, r, np.where(s <= 0, 0.0, allocated(high)))


def _profile_share(kind, distance, width):
    """Share of its request a requester gets at ``distance`` = threshold - its priority, per
    Vensim priority profile: 1 rectangular, 2 triangular, 3 normal, 4 exponential (0, fixed
    quantity, does not depend on the threshold: see :func:`_allocate_available`)."""
    from scipy.special import erfc
    half = width / 2
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        rectangular = np.clip(0.5 - distance / width, 0.0, 1.0)
        triangular = np.where(distance <= -half, 1.0, np.where(
            distance < 0, 1 - 2 * (distance + half) ** 2 / width ** 2, np.where(
                distance < half, 2 * (half - distance) ** 2 / width ** 2, 0.0)))
        normal = 0.5 * erfc(distance / (np.sqrt(2.0) * width))
        exponential = np.where(distance < 0, 1 - 0.5 * np.exp(distance / width),
                               0.5 * np.exp(-distance / width))
    return np.select([kind == 1, kind == 2, kind == 3, kind == 4],
                     [rectangular, triangular, normal, exponential], np.nan)


def _allocate_available(request, profile, available, iterations=100):
    """Vensim ALLOCATE AVAILABLE over the last axis of ``request``, vectorized over the others.

    ``profile`` has one more trailing axis (ptype, ppriority, pwidth, pextra); ``available`` has a
    trailing axis of length 1. The common threshold is found by bisection on all rows at once.
    """
    profile = np.asarray(profile, dtype=float)
    shape = np.broadcast_shapes(np.shape(request), profile.shape[:-1], np.shape(available))
    r = np.maximum(np.broadcast_to(request, shape), 0.0)
    kind = np.broadcast_to(profile[..., 0], shape)
    priority = np.broadcast_to(profile[..., 1], shape)
    width = np.broadcast_to(profile[..., 2], shape)
    s = np.broadcast_to(available, shape[:-1] + (1,))

    total = r.sum(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        fixed = r * np.minimum(s, total) / total                 # ptype 0: in proportion to the requests

    def allocated(threshold):
        return np.where(kind == 0, fixed, r * _profile_share(kind, threshold - priority, width))

    reach = 40 * width                    # every profile is flat beyond 40 widths from its priority
    low = (priority - reach).min(axis=-1, keepdims=True)
    high = (priority + reach).max(axis=-1, keepdims=True)
    low, high = _bisect_threshold(allocated, low, high, s, iterations)
    return np.where(s >= total, r, np.where(s <= 0, 0.0, allocated((low + high) / 2)))


def lookup(x, xs, ys, kind="interpolate"):
    """Evaluate one lookup table (sorted ``xs``) at ``x`` (any shape).

    ``kind``: ``interpolate`` (Vensim default: linear inside, hold the end values outside),
    ``extrapolate`` (linear beyond the ends), ``forward`` / ``backward`` (step functions).
    """
    return LOOKUP_KINDS[kind](np.asarray(x, dtype=float), xs, ys)


def _interp(x, xs, ys):
    return np.interp(x, xs, ys)


def _extrapolate(x, xs, ys):
    out = np.interp(x, xs, ys)
    if len(xs) < 2:
        return out
    low_slope = (ys[1] - ys[0]) / (xs[1] - xs[0])
    high_slope = (ys[-1] - ys[-2]) / (xs[-1] - xs[-2])
    out = np.where(x < xs[0], ys[0] + (x - xs[0]) * low_slope, out)
    return np.where(x > xs[-1], ys[-1] + (x - xs[-1]) * high_slope, out)


def _backward(x, xs, ys):
    idx = np.clip(np.searchsorted(xs, x, side="right") - 1, 0, len(xs) - 1)
    return np.asarray(ys)[idx]


def _forward(x, xs, ys):
    idx = np.clip(np.searchsorted(xs, x, side="left"), 0, len(xs) - 1)
    return np.asarray(ys)[idx]


LOOKUP_KINDS = {"interpolate": _interp, "extrapolate": _extrapolate,
                "backward": _backward, "forward": _forward}


def stack_tables(tables):
    """Object array (*dims) of (xs, ys) pairs → padded float arrays XS, YS shaped (*dims, K).

    Shorter tables are padded by repeating their last point, which changes none of the
    interpolate / forward / backward results.
    """
    width = max(len(xs) for xs, _ in tables.flat)
    XS = np.empty(tables.shape + (width,))
    YS = np.empty(tables.shape + (width,))
    for index in np.ndindex(tables.shape):
        xs, ys = tables[index]
        XS[index] = np.concatenate([xs, np.repeat(xs[-1:], width - len(xs))])
        YS[index] = np.concatenate([ys, np.repeat(ys[-1:], width - len(ys))])
    return XS, YS


def lookup_stack(x, tables, kind="interpolate"):
    """Evaluate one table per subscript element, vectorized over scenarios and elements.

    ``x`` is shaped (n, *dims) (or broadcastable), ``tables`` is an object array (*dims) of
    (xs, ys) pairs, or the pair ``(XS, YS)`` from :func:`stack_tables`.
    """
    if kind == "extrapolate":
        return _lookup_loop(x, tables, kind)
    XS, YS = stack_tables(tables) if isinstance(tables, np.ndarray) and tables.dtype == object else tables
    x = np.asarray(x, dtype=float)
    shape = np.broadcast_shapes(x.shape, (1,) + XS.shape[:-1])
    x = np.broadcast_to(x, shape)
    width = XS.shape[-1]
    XS = np.broadcast_to(XS, shape + (width,))
    YS = np.broadcast_to(YS, shape + (width,))
    xb = x[..., None]

    def pick(array, index):
        return np.take_along_axis(array, index[..., None], axis=-1)[..., 0]

    if kind == "backward":
        return pick(YS, np.clip(np.sum(xb >= XS, axis=-1) - 1, 0, width - 1))
    if kind == "forward":
        return pick(YS, np.clip(np.sum(xb > XS, axis=-1), 0, width - 1))
    if width == 1:
        return np.array(YS[..., 0])
    upper = np.clip(np.sum(xb >= XS, axis=-1), 1, width - 1)
    x0, x1 = pick(XS, upper - 1), pick(XS, upper)
    y0, y1 = pick(YS, upper - 1), pick(YS, upper)
    span = x1 - x0
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = np.where(span > 0, (x - x0) / np.where(span > 0, span, 1.0), 0.0)
    return y0 + np.clip(weight, 0.0, 1.0) * (y1 - y0)


def _lookup_loop(x, tables, kind):
    x = np.asarray(x, dtype=float)
    out = np.empty(np.broadcast_shapes(x.shape, (1,) + tables.shape))
    x = np.broadcast_to(x, out.shape)
    for index in np.ndindex(tables.shape):
        xs, ys = tables[index]
        out[(slice(None),) + index] = LOOKUP_KINDS[kind](x[(slice(None),) + index], xs, ys)
    return out


def _vector_sort_order(vector, direction):
    """0-based positions that sort ``vector`` along its last axis: ascending if direction > 0, else descending."""
    vector = np.asarray(vector, dtype=float)
    order = np.argsort(vector, axis=-1, kind="stable")
    ascending = np.broadcast_to(np.asarray(direction) > 0, vector.shape)
    return np.where(ascending, order, np.flip(order, axis=-1)).astype(float)


def _vector_reorder(vector, order):
    """``vector`` along its last axis taken at the 0-based positions ``order``."""
    vector = np.asarray(vector, dtype=float)
    shape = np.broadcast_shapes(vector.shape, np.shape(order))
    index = np.broadcast_to(np.asarray(order), shape).astype(np.intp)
    return np.take_along_axis(np.broadcast_to(vector, shape), index, axis=-1)


_SELECT_WEIGHTED = {0: ("sum", 0.0), 1: ("prod", 1.0), 2: ("min", np.inf), 3: ("max", -np.inf), 4: ("mean", 0.0),
                    6: ("sum", 0.0), 7: ("prod", 1.0), 8: ("min", np.inf), 9: ("max", -np.inf), 10: ("mean", 0.0)}


def _vector_select(selection, values, axes, missing, action, error=0):
    """VECTOR SELECT over ``axes``: the elements where ``selection`` is non-zero, combined by
    ``action`` (0-4 on selection * values, 5 the product of values ** selection, 6-10 on values
    alone: sum, product, min, max, mean); ``missing`` where nothing is selected. ``error`` 1, 2, 3:
    NaN (Vensim stops the run with an error) where nothing, more than one, or not exactly one
    element is selected. ``action`` and ``error`` may be arrays (an equation such as ``Time + 6``,
    evaluated at each step): each element then uses its own, NaN where one is not a valid code.

    >>> _vector_select(np.array([[1.0, 0.0, 2.0]]), np.array([[3.0, 5.0, 4.0]]), (1,), -1.0, np.array([0.0]))
    array([11.])
    """
    if isinstance(action, (int, np.integer)) and isinstance(error, (int, np.integer)):
        return _vector_select_codes(selection, values, axes, missing, int(action), int(error))
    action, error = np.rint(np.asarray(action, dtype=float)), np.rint(np.asarray(error, dtype=float))
    pairs = np.broadcast_arrays(action, error)
    out = None
    for a, e in set(zip(pairs[0].ravel().tolist(), pairs[1].ravel().tolist())):
        if not (0 <= a <= 10 and 0 <= e <= 3):
            continue
        one = _vector_select_codes(selection, values, axes, missing, int(a), int(e))
        if out is None:
            out = np.full(np.broadcast_shapes(np.shape(one), action.shape, error.shape), np.nan)
        np.copyto(out, one, where=(action == a) & (error == e))
    if out is None:       # no valid code anywhere
        return np.full(np.broadcast_shapes(action.shape, error.shape), np.nan)
    return out


def _vector_select_codes(selection, values, axes, missing, action, error):
    """VECTOR SELECT with one numerical action and one error action (see :func:`_vector_select`)."""
    selection, values = np.broadcast_arrays(selection, values)
    chosen = selection != 0
    count = np.sum(chosen, axis=axes)
    if action == 5:
        operand, reduce, fill = values ** selection, "prod", 1.0
    else:
        operand = selection * values if action <= 4 else values
        reduce, fill = _SELECT_WEIGHTED[action]
    masked = np.where(chosen, operand, fill if reduce != "mean" else 0.0)
    if reduce == "mean":
        result = np.sum(masked, axis=axes) / np.maximum(count, 1)
    else:
        result = getattr(np, reduce)(masked, axis=axes)
    result = np.where(count > 0, result, missing)
    if error:
        wrong = ((count == 0) if error in (1, 3) else False) | ((count > 1) if error in (2, 3) else False)
        result = np.where(wrong, np.nan, result)
    return result


def _gamma_ln(x):
    """Vensim GAMMA LN: the natural log of the gamma function (of |Γ(x)| for negative non-integers)."""
    from scipy.special import gammaln
    return gammaln(x)


def _delay_read(buffer, pointer, lengths):
    """DELAY FIXED whose length (in steps) differs between scenarios or elements: each reads the
    slot written ``lengths`` steps ago (the buffer holds the longest)."""
    index = np.mod(pointer - lengths, buffer.shape[0])
    return np.take_along_axis(buffer, index[None], axis=0)[0]


RUNTIME = {"np": np, "_vector_select": _vector_select, "_delay_read": _delay_read,
           "_quantum": _quantum, "_xidz": _xidz, "_ramp": _ramp, "_pulse": _pulse,
           "_xpulse": _xpulse, "_allocate_by_priority": _allocate_by_priority,
           "_allocate_available": _allocate_available, "_gamma_ln": _gamma_ln,
           "_pulse_train": _pulse_train, "_lookup": lookup, "_lookup_stack": lookup_stack,
           "_vector_sort_order": _vector_sort_order, "_vector_reorder": _vector_reorder}
RUNTIME.update(VECTOR_RUNTIME)       # VECTOR ELM MAP, VECTOR LOOKUP (codegen/vectors.py)
RUNTIME.update(RANDOM_FAMILIES)      # RANDOM BETA, BINOMIAL, ... (codegen/noise_families.py)
"""Names the generated code may use besides its own variables."""
