"""Code generation, runtime helpers for the rest of Vensim's RANDOM family (BETA, BINOMIAL, GAMMA,
NEGATIVE BINOMIAL, TRIANGULAR, WEIBULL), on the streams of ``noise.py`` (one per scenario).

Vensim's convention (Reference Guide > Functions > Random Functions): each function draws X from
its distribution, returns ``shift + stretch * X`` truncated to [min, max]. As in ``noise.py`` the
truncation is the inverse CDF restricted to the CDF values of [min, max] (a draw inside the bounds,
never a clipped pile at them). X is: BETA(A, B) on (0, 1); BINOMIAL: successes in N trials of
probability P (N rounded); GAMMA of order O (shape O, scale 1, so order 1 is RANDOM EXPONENTIAL;
an order below 1 is taken as 1, as Vensim does after a warning); NEGATIVE BINOMIAL: the number of
trials up to the N-th success of probability P (N, N + 1, …); WEIBULL with shape S scaled to mean 1;
TRIANGULAR(min, max, start, peak, end) has no shift or stretch. RANDOM LOOKUP(lookup, min, max,
shift, stretch, seed) draws X from the density the lookup draws ("RANDOM number using LOOKUP PDF"):
linear between its points, 0 outside them, normalised.
"""

from __future__ import annotations

import numpy as np

from simulator.engine.codegen.noise import uniforms


def _continuous(u, low, high, shift, stretch, cdf, ppf):
    """``shift + stretch * X`` within [low, high], X = ppf(u) restricted to the CDF values of the bounds."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        lower, upper = cdf((low - shift) / stretch), cdf((high - shift) / stretch)
        x = ppf(lower + u * (upper - lower))
        return np.clip(np.where(stretch > 0, shift + stretch * x, shift), low, high)


def _discrete(u, low, high, shift, stretch, law, k_min=0.0):
    """As :func:`_continuous` for an integer-valued ``law`` (scipy.stats frozen) starting at ``k_min``."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        k_low = np.maximum(np.ceil((low - shift) / stretch - 1e-9), k_min)
        k_high = np.floor((high - shift) / stretch + 1e-9)
        lower = np.where(k_low > k_min, law.cdf(k_low - 1), 0.0)
        k = law.ppf(lower + u * (law.cdf(k_high) - lower))
        return np.clip(shift + stretch * np.clip(k, k_low, k_high), low, high)


def random_beta(keys, site, t, t0, dt, shape, low, high, alpha, beta, shift, stretch, stream):
    from scipy import special     # imported on first use: loading a model needs no scipy

    u = uniforms(keys, site, t, t0, dt, shape, stream)
    return _continuous(u, low, high, shift, stretch,
                       lambda x: special.betainc(alpha, beta, np.clip(x, 0.0, 1.0)),
                       lambda q: special.betaincinv(alpha, beta, q))


def random_gamma(keys, site, t, t0, dt, shape, low, high, order, shift, stretch, stream):
    from scipy import special

    u = uniforms(keys, site, t, t0, dt, shape, stream)
    order = np.maximum(order, 1.0)
    return _continuous(u, low, high, shift, stretch,
                       lambda x: special.gammainc(order, np.maximum(x, 0.0)),
                       lambda q: special.gammaincinv(order, q))


def random_weibull(keys, site, t, t0, dt, shape, low, high, form, shift, stretch, stream):
    from scipy import special

    u = uniforms(keys, site, t, t0, dt, shape, stream)
    scale = 1.0 / special.gamma(1.0 + 1.0 / np.asarray(form, dtype=float))     # mean 1
    return _continuous(u, low, high, shift, stretch,
                       lambda x: -np.expm1(-(np.maximum(x, 0.0) / scale) ** form),
                       lambda q: scale * (-np.log1p(-q)) ** (1.0 / form))


def random_triangular(keys, site, t, t0, dt, shape, low, high, start, peak, end, stream):
    u = uniforms(keys, site, t, t0, dt, shape, stream)
    width, left, right = end - start, peak - start, end - peak

    def cdf(x):
        x = np.clip(x, start, end)
        return np.where(x <= peak, (x - start) ** 2 / (width * left), 1.0 - (end - x) ** 2 / (width * right))

    def ppf(q):
        return np.where(q * width < left, start + np.sqrt(q * width * left), end - np.sqrt((1.0 - q) * width * right))
    return _continuous(u, low, high, 0.0, 1.0, cdf, ppf)


def random_binomial(keys, site, t, t0, dt, shape, low, high, probability, trials, shift, stretch, stream):
    from scipy import stats     # on first use (see noise.random_poisson)

    u = uniforms(keys, site, t, t0, dt, shape, stream)
    return _discrete(u, low, high, shift, stretch, stats.binom(np.round(trials), probability))


def random_negative_binomial(keys, site, t, t0, dt, shape, low, high, probability, successes, shift, stretch,
                             stream):
    from scipy import stats

    u = uniforms(keys, site, t, t0, dt, shape, stream)
    successes = np.round(successes)
    trials = stats.nbinom(successes, probability, loc=successes)     # failures + successes
    return _discrete(u, low, high, shift, stretch, trials, k_min=successes)


def _lookup_pdf(xs, ys):
    """CDF and inverse CDF of the density that is the lookup (xs, ys): linear between its points,
    0 outside them (negative values count as 0), normalised to area 1."""
    xs, ys = np.asarray(xs, dtype=float), np.maximum(np.asarray(ys, dtype=float), 0.0)
    widths = np.diff(xs)
    slopes = np.divide(np.diff(ys), widths, out=np.zeros_like(widths), where=widths > 0)
    cumulative = np.concatenate([[0.0], np.cumsum(widths * (ys[1:] + ys[:-1]) / 2)])
    total = cumulative[-1]

    def cdf(x):
        x = np.clip(x, xs[0], xs[-1])
        k = np.clip(np.searchsorted(xs, x, side="right") - 1, 0, len(widths) - 1)
        s = x - xs[k]
        return (cumulative[k] + s * (ys[k] + slopes[k] * s / 2)) / total

    def ppf(q):
        target = q * total
        k = np.clip(np.searchsorted(cumulative, target, side="right") - 1, 0, len(widths) - 1)
        rest, y0, g = target - cumulative[k], ys[k], slopes[k]
        root = y0 + np.sqrt(np.maximum(y0 * y0 + 2 * g * rest, 0.0))
        s = np.divide(2 * rest, root, out=np.zeros(np.shape(root)), where=root > 0)
        return xs[k] + np.minimum(s, widths[k])
    return cdf, ppf


def random_lookup(keys, site, t, t0, dt, shape, xs, ys, low, high, shift, stretch, stream):
    u = uniforms(keys, site, t, t0, dt, shape, stream)
    cdf, ppf = _lookup_pdf(xs, ys)
    return _continuous(u, low, high, shift, stretch, cdf, ppf)


RUNTIME = {"_random_beta": random_beta, "_random_lookup": random_lookup, "_random_binomial": random_binomial,
           "_random_gamma": random_gamma,
           "_random_negative_binomial": random_negative_binomial, "_random_triangular": random_triangular,
           "_random_weibull": random_weibull}
"""Names the generated code may use for these RANDOM functions."""
