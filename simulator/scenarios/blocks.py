"""Sampling, chunk by chunk: rows ``[a, b)`` of a batch's input matrix without drawing the other rows.

Used by ``sampling.sample`` (which is rows ``[0, n)``) and by batches, which sample each chunk
where it runs, so memory does not grow with ``n`` and the chunk size cannot change any value:

* ``lhs`` — column j puts row i in stratum ``perm_j(i)`` of n equal strata, where ``perm_j`` is a
  keyed pseudo-random permutation of ``0…n-1`` computed for any i alone (a 4-round Feistel
  network on ⌈log2 n⌉ bits, cycle-walked into ``[0, n)``), plus a uniform jitter inside the stratum;
* ``sobol`` — scrambled Sobol' points, skipping ahead to point a (``fast_forward``);
* ``random`` — uniforms.

Jitters and uniforms come in fixed blocks of :data:`BLOCK` rows, block k from its own generator
seeded by ``(seed, k)``: a chunk draws only the blocks it overlaps, whatever its bounds.
Correlated inputs (Iman–Conover reorders whole columns) and grids are drawn whole.
"""

from __future__ import annotations

import warnings

import numpy as np

#: Rows per random-number block (fixed: part of the sample's definition, like the seed).
BLOCK = 4096

_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finalizer on uint64 (a bijective, well-mixing hash)."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def _keys(seed: int, column: int, rounds: int = 4) -> list[np.uint64]:
    words = np.random.SeedSequence([int(seed), 0x1A5, int(column)]).generate_state(rounds, dtype=np.uint64)
    return [np.uint64(w) for w in words]


def permute(i: np.ndarray, n: int, seed: int, column: int) -> np.ndarray:
    """``perm(i)`` for a pseudo-random permutation of ``0…n-1`` keyed by ``(seed, column)``."""
    i = np.asarray(i, dtype=np.uint64)
    if n <= 1:
        return np.zeros_like(i)
    bits = max(2, int(n - 1).bit_length())
    bits += bits % 2
    half = np.uint64(bits // 2)
    low = np.uint64((1 << (bits // 2)) - 1)
    keys = _keys(seed, column)

    def feistel(x):
        left, right = x >> half, x & low
        for key in keys:
            with np.errstate(over="ignore"):
                left, right = right, left ^ (_mix(right ^ key) & low)
        return (left << half) | right

    out = feistel(i)
    outside = out >= np.uint64(n)
    while outside.any():                     # cycle-walk: re-encrypt until inside [0, n)
        out[outside] = feistel(out[outside])
        outside = out >= np.uint64(n)
    return out.astype(np.int64)


def uniforms(seed: int, start: int, stop: int, d: int) -> np.ndarray:
    """Rows ``[start, stop)`` of an endless (rows × d) stream of uniforms, drawn block by block."""
    out = np.empty((stop - start, d))
    for block in range(start // BLOCK, (stop - 1) // BLOCK + 1 if stop > start else start // BLOCK):
        values = np.random.default_rng([int(seed), 0xB10C, block]).random((BLOCK, d))
        a, b = max(start, block * BLOCK), min(stop, (block + 1) * BLOCK)
        out[a - start:b - start] = values[a - block * BLOCK:b - block * BLOCK]
    return out


def unit_rows(method: str, n: int, d: int, seed: int, start: int, stop: int) -> np.ndarray:
    """Rows ``[start, stop)`` of the ``method`` design of n points in the d-dimensional unit cube."""
    if method == "sobol":
        from scipy.stats import qmc   # on first use: scipy.stats costs ~70 MiB to a reader that never samples

        engine = qmc.Sobol(d, scramble=True, rng=np.random.default_rng([int(seed), 0x50B])) if d else None
        if engine is None:
            return np.empty((stop - start, 0))
        if start:
            engine.fast_forward(start)
        with warnings.catch_warnings():     # a chunk of a power-of-2 design need not be a power of 2 itself
            warnings.filterwarnings("ignore", message="The balance properties of Sobol", category=UserWarning)
            return engine.random(stop - start)
    jitter = uniforms(seed, start, stop, d)
    if method == "random":
        return jitter
    rows = np.arange(start, stop)
    strata = np.column_stack([permute(rows, n, seed, j) for j in range(d)]) if d else np.empty((stop - start, 0))
    return (strata + jitter) / n
