"""Sampling: uncertain inputs (simulator.scenarios.distributions) → input matrix (n scenarios × d inputs) for a batch.

One call shape for every design, as in SALib: ``sample(space, n, seed, method) -> ndarray (n, d)``.
A design (Latin hypercube, scrambled Sobol, plain random — drawn chunk by chunk, see
simulator.scenarios.blocks — or the full-factorial ``grid``) fills the unit cube; each column
goes through its marginal's inverse CDF; a requested
rank correlation is then imposed by Iman–Conover reordering, which keeps every marginal (and the
per-column stratification of LHS/Sobol) exactly. Same seed, same sample.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from simulator.scenarios.blocks import unit_rows
from simulator.scenarios.distributions import UncertainInput
from simulator.errors import ScenarioError

#: Smallest and largest probability fed to an inverse CDF (keeps unbounded marginals finite).
_U_LOW, _U_HIGH = np.finfo(float).tiny, 1.0 - np.finfo(float).epsneg

#: How often Iman-Conover redraws score permutations whose own correlation matrix is singular.
_SCORE_ATTEMPTS = 50


@dataclass(frozen=True)
class SampleSpace:
    """What to sample: the inputs (in column order), their rank-correlation matrix, grid levels.

    Parameters
    ----------
    inputs : sequence of UncertainInput
        One column each, in this order.
    correlation : ndarray (d, d) or None
        Target rank correlation; None for independent inputs. Build it with
        :func:`correlation_matrix`, which checks it.
    levels : int or sequence of int or None
        Points per input for the ``grid`` design (a ``choice`` input always uses its values).
    """

    inputs: tuple
    correlation: np.ndarray | None = field(default=None, compare=False)
    levels: int | tuple | None = None

    @property
    def names(self) -> list[str]:
        """Column names (the inputs' names)."""
        return [spec.name for spec in self.inputs]


def _sobol_n(n: int) -> None:
    if n & (n - 1):
        lower = 1 << (n.bit_length() - 1)
        raise ScenarioError(f"sobol sampling needs n to be a power of 2 (got {n}); use {lower} or {lower * 2}")


#: Unit-cube designs by name (rows drawn by ``simulator.scenarios.blocks.unit_rows``).
DESIGNS = ("lhs", "sobol", "random")

#: Every method a scenario's ``sampling: {method: …}`` may name.
METHODS = tuple(DESIGNS) + ("grid",)


def grid_levels(space: SampleSpace) -> list[int]:
    """Number of grid points per input (``choice`` inputs: their number of values)."""
    levels = space.levels if space.levels is not None else 3
    if isinstance(levels, int):
        levels = [levels] * len(space.inputs)
    return [len(spec.discrete_values) if spec.discrete_values is not None else int(k)
            for spec, k in zip(space.inputs, levels)]


def grid_size(space: SampleSpace) -> int:
    """Number of scenarios in the full-factorial grid of ``space``."""
    return math.prod(grid_levels(space))


def _grid(space: SampleSpace, start: int = 0, stop: int | None = None) -> np.ndarray:
    """Rows ``[start, stop)`` of the full factorial: each continuous input at the midpoints of ``k``
    equal-probability strata, in ``itertools.product`` order (row i = the mixed-radix digits of i,
    last input fastest), so any rows are computed alone."""
    axes = []
    for spec, k in zip(space.inputs, grid_levels(space)):
        if spec.discrete_values is not None:
            axes.append(np.asarray(spec.discrete_values, dtype=float))
        else:
            axes.append(np.asarray(spec.ppf((np.arange(k) + 0.5) / k), dtype=float))
    if not axes:
        return np.empty((1, 0))[start:stop]
    stop = math.prod(len(axis) for axis in axes) if stop is None else stop
    digits = np.unravel_index(np.arange(start, stop), [len(axis) for axis in axes])
    return np.column_stack([axis[d] for axis, d in zip(axes, digits)]).reshape(stop - start, len(axes))


def correlation_matrix(names: Sequence[str], pairs: Sequence[tuple[str, str, float]]) -> np.ndarray:
    """Build and check the correlation matrix from ``[a, b, rho]`` pairs (identity elsewhere).

    Raises
    ------
    ScenarioError
        A name not in ``names``, a pair given twice, |rho| >= 1, or a matrix that is not
        positive definite.
    """
    index = {name: i for i, name in enumerate(names)}
    matrix = np.eye(len(names))
    for a, b, rho in pairs:
        for name in (a, b):
            if name not in index:
                raise ScenarioError(f"correlation names '{name}', which is not an uncertain input")
        if a == b:
            raise ScenarioError(f"correlation pairs '{a}' with itself; pair two different inputs")
        if not -1 < rho < 1:
            raise ScenarioError(f"correlation {rho} between '{a}' and '{b}' must lie strictly between -1 and 1")
        i, j = index[a], index[b]
        if matrix[i, j] != 0:
            raise ScenarioError(f"correlation between '{a}' and '{b}' is given twice; keep one")
        matrix[i, j] = matrix[j, i] = rho
    smallest = float(np.linalg.eigvalsh(matrix).min()) if len(names) else 1.0
    if smallest <= 1e-10:
        raise ScenarioError(
            f"the correlations do not form a valid correlation matrix (not positive definite, "
            f"smallest eigenvalue {smallest:.3g}); weaken some of them")
    return matrix


def iman_conover(x: np.ndarray, target: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Reorder each column of ``x`` so the columns' Spearman rank correlation approaches ``target``.

    Iman & Conover (1982): van der Waerden scores are correlated through Cholesky factors
    (with the scores' own sample correlation removed first, and the Pearson correlation of the
    scores set to ``2 sin(pi rho / 6)`` so that their rank correlation is ``rho``), and each
    column of ``x`` takes the rank order of its score column. Each column keeps exactly its values.

    Parameters
    ----------
    x : ndarray (n, d)
        Independent sample.
    target : ndarray (d, d)
        Positive-definite correlation matrix.
    rng : numpy.random.Generator
        Permutes the scores.

    Returns
    -------
    ndarray (n, d)
    """
    n, d = x.shape
    if d < 2 or np.allclose(target, np.eye(d)):
        return x
    if n <= d:
        raise ScenarioError(f"n = {n} is too small to impose correlations between {d} inputs; use n > {d}")
    pearson = 2 * np.sin(np.pi * target / 6)  # Spearman rho of normal scores = (6/pi) asin(r/2)
    try:
        wanted = np.linalg.cholesky(pearson)
    except np.linalg.LinAlgError:
        raise ScenarioError("the rank correlations are too close to singular to impose; weaken some of them") from None
    from scipy import stats

    base = stats.norm.ppf(np.arange(1, n + 1) / (n + 1))
    for _attempt in range(_SCORE_ATTEMPTS):  # tiny n: permutations may coincide (singular correlation)
        scores = np.column_stack([rng.permutation(base) for _ in range(d)])
        try:
            own = np.linalg.cholesky(np.corrcoef(scores, rowvar=False))
            break
        except np.linalg.LinAlgError:
            continue
    else:
        raise ScenarioError(f"n = {n} is too small to impose correlations between {d} inputs; use a larger n")
    correlated = scores @ np.linalg.inv(own).T @ wanted.T
    out = np.empty_like(x)
    for j in range(d):  # the k-th smallest value of x goes where the k-th smallest score is
        out[np.argsort(correlated[:, j], kind="stable"), j] = np.sort(x[:, j])
    return out


def sample(space: SampleSpace | Sequence[UncertainInput], n: int | None, seed: int, method: str = "lhs") -> np.ndarray:
    """Draw ``n`` scenarios of the inputs in ``space``.

    Parameters
    ----------
    space : SampleSpace or sequence of UncertainInput
        The inputs (columns), optional correlation and grid levels.
    n : int or None
        Number of rows. For ``grid`` it is the grid size (None, or that exact number).
    seed : int
        Seed of every random choice; the same seed gives the same matrix.
    method : str
        ``"lhs"``, ``"sobol"`` (n a power of 2), ``"random"`` or ``"grid"``.

    Returns
    -------
    ndarray (n, d)
        Column j holds values of ``space.inputs[j]``.

    Raises
    ------
    ScenarioError
        Unknown method, bad n, or a correlation that cannot be imposed.
    """
    if not isinstance(space, SampleSpace):
        space = SampleSpace(tuple(space))
    if method not in METHODS:
        raise ScenarioError(f"unknown sampling method '{method}' (allowed: {', '.join(METHODS)})")
    if method == "grid":
        _check_grid(space, n)
        return _grid(space)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ScenarioError(f"n must be a positive whole number, got {n!r}")
    d = len(space.inputs)
    if d == 0:
        return np.empty((int(n), 0))
    if method == "sobol":
        _sobol_n(int(n))
    values = _transformed(space, unit_rows(method, int(n), d, seed, 0, int(n)))
    if correlated(space):
        values = iman_conover(values, space.correlation, np.random.default_rng(np.random.SeedSequence(seed).spawn(2)[1]))
    return values


def _check_grid(space: SampleSpace, n: int | None) -> None:
    if space.correlation is not None and not np.allclose(space.correlation, np.eye(len(space.inputs))):
        raise ScenarioError("grid sampling is full-factorial and cannot carry correlations; use lhs, sobol or random")
    size = grid_size(space) if space.inputs else 1
    if n is not None and n != size:
        raise ScenarioError(f"a grid of levels {grid_levels(space)} has {size} points, not n = {n}; drop n")


def correlated(space: SampleSpace) -> bool:
    """Whether ``space`` asks for correlations (then rows can only be drawn with all the others)."""
    c = space.correlation
    return c is not None and len(space.inputs) > 1 and not np.allclose(c, np.eye(len(space.inputs)))


def _transformed(space: SampleSpace, unit: np.ndarray) -> np.ndarray:
    unit = np.clip(unit, _U_LOW, _U_HIGH)
    return np.column_stack([spec.ppf(unit[:, j]) for j, spec in enumerate(space.inputs)]).reshape(len(unit), -1)


def sample_rows(space: SampleSpace, n: int | None, seed: int, method: str, start: int, stop: int) -> np.ndarray:
    """Rows ``[start, stop)`` of ``sample(space, n, seed, method)``, equal to them bit for bit.

    Drawn alone (memory bounded by ``stop - start``; simulator.scenarios.blocks; a grid row from
    its index) unless the space is correlated, which is drawn whole and sliced (Iman–Conover
    places each value by its rank among all n: no row exists without the others).
    """
    if method == "grid" and space.inputs:
        _check_grid(space, n)
        return _grid(space, start, min(stop, grid_size(space)))
    if method == "grid" or correlated(space) or not space.inputs:
        return sample(space, n, seed, method)[start:stop]
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ScenarioError(f"n must be a positive whole number, got {n!r}")
    if method not in DESIGNS:
        raise ScenarioError(f"unknown sampling method '{method}' (allowed: {', '.join(METHODS)})")
    if method == "sobol":
        _sobol_n(int(n))
    return _transformed(space, unit_rows(method, int(n), len(space.inputs), seed, start, stop))
