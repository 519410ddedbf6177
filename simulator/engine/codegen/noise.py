"""Code generation, runtime helpers for the RANDOM functions: one reproducible stream per scenario.

Every draw is a pure function of (run seed, global scenario index, call site, step index,
element, the call's own seed argument) through a counter-based hash (splitmix64), so a
scenario's noise does not depend on how many scenarios run beside it or how a batch is chunked,
and the same scenario index with the same seed always sees the same noise. Uniforms in (0, 1)
are turned into each distribution by its inverse CDF restricted to [min, max] (Vensim truncates
after shifting and stretching: ``shift + stretch * X`` kept within [min, max]).
"""

from __future__ import annotations

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_STEP_TOLERANCE = 1e-6


def _mix(x):
    """splitmix64 finaliser on a uint64 array (wrapping arithmetic)."""
    x = x + _GOLDEN
    x = (x ^ (x >> np.uint64(30))) * _M1
    x = (x ^ (x >> np.uint64(27))) * _M2
    return x ^ (x >> np.uint64(31))


def scenario_keys(seed, indices):
    """The per-scenario stream keys (uint64, shape (n,)) of a run with ``seed`` for the global
    scenario ``indices``."""
    indices = np.atleast_1d(np.asarray(indices, dtype=np.int64)).astype(np.uint64)
    with np.errstate(over="ignore"):
        base = _mix(np.atleast_1d(np.asarray(int(seed) & 0xFFFFFFFFFFFFFFFF, dtype=np.uint64)))
        return _mix(base ^ _mix(indices))


def _bits(value):
    """A float argument (the call's seed) as uint64 bits, integers kept distinct."""
    return np.atleast_1d(np.asarray(np.round(np.asarray(value, dtype=float)), dtype=np.int64)).astype(np.uint64)


def uniforms(keys, site, t, t0, dt, shape, stream=0.0):
    """Uniform draws in (0, 1) shaped (n, *shape) for call ``site`` at the step of time ``t``."""
    step = int(np.floor((t - t0) / dt + _STEP_TOLERANCE))
    count = int(np.prod(shape)) if shape else 1
    with np.errstate(over="ignore"):
        call = _mix(np.atleast_1d(np.uint64(site)) * _M1 ^ _mix(np.atleast_1d(np.uint64(step))))
        elements = _mix(np.arange(1, count + 1, dtype=np.uint64) ^ call).reshape((1,) + tuple(shape))
        key = keys.reshape((-1,) + (1,) * len(shape))
        stream_bits = _bits(stream)
        if np.ndim(stream) == 0:
            stream_bits = stream_bits.reshape((1,) * (1 + len(shape)))
        x = _mix(key ^ elements ^ _mix(stream_bits * _M2))
    return ((x >> np.uint64(11)).astype(float) + 0.5) * 2.0 ** -53


def _within(u, low, high):
    """``u`` mapped into [low, high] (CDF values)."""
    return low + u * (high - low)


def random_0_1(keys, site, t, t0, dt, shape):
    return uniforms(keys, site, t, t0, dt, shape)


def random_uniform(keys, site, t, t0, dt, shape, low, high, stream):
    return low + (high - low) * uniforms(keys, site, t, t0, dt, shape, stream)


def random_normal(keys, site, t, t0, dt, shape, low, high, shift, stretch, stream):
    from scipy import special     # imported on first use: loading a model needs no scipy

    u = uniforms(keys, site, t, t0, dt, shape, stream)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = special.ndtri(_within(u, special.ndtr((low - shift) / stretch), special.ndtr((high - shift) / stretch)))
        return np.clip(np.where(stretch > 0, shift + stretch * z, shift), low, high)


def random_exponential(keys, site, t, t0, dt, shape, low, high, shift, stretch, stream):
    u = uniforms(keys, site, t, t0, dt, shape, stream)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        lower = -np.expm1(-np.maximum((low - shift) / stretch, 0.0))
        upper = -np.expm1(-np.maximum((high - shift) / stretch, 0.0))
        e = -np.log1p(-_within(u, lower, upper))
        return np.clip(np.where(stretch > 0, shift + stretch * e, shift), low, high)


def random_poisson(keys, site, t, t0, dt, shape, low, high, mean, shift, stretch, stream):
    from scipy import stats     # on first use: importing scipy.stats costs ~70 MiB to every engine user

    u = uniforms(keys, site, t, t0, dt, shape, stream)
    with np.errstate(divide="ignore", invalid="ignore"):
        k_low = np.maximum(np.ceil((low - shift) / stretch - 1e-9), 0.0)
        k_high = np.floor((high - shift) / stretch + 1e-9)
        lower = np.where(k_low > 0, stats.poisson.cdf(k_low - 1, mean), 0.0)
        upper = stats.poisson.cdf(k_high, mean)
        k = stats.poisson.ppf(_within(u, lower, upper), mean)
        return np.clip(shift + stretch * np.clip(k, k_low, k_high), low, high)


RUNTIME = {"_random_0_1": random_0_1, "_random_uniform": random_uniform, "_random_normal": random_normal,
           "_random_exponential": random_exponential, "_random_poisson": random_poisson}
"""Names the generated code may use for the RANDOM functions (``_rng_key`` is set per run)."""
