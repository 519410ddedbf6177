"""Goal attainment → verdict: whether a goal's P(met) can be stated at all, from which inputs its spread comes.

:mod:`simulator.plans.attainment` gives the one P(met); this module decides how a report may
state it (issue 20, item 5):

- ``"set"`` — the goal's value has no spread (5 % and 95 % quantiles equal): a fixed setting or
  a lever of the plan decides it; the verdict names the value, never a probability.
- ``"undecidable"`` — more than :data:`UNANCHORED_LIMIT` of the goal value's variance comes
  (first-order indices, summed; scaled to a total of 1 where the estimates sum above it) from inputs that
  no published figure anchors; the verdict names
  the input whose published figure would settle it, never a probability. The plan's own lever
  magnitudes do not count: their size is the plan's decision (what it would take is the seek's
  question), not a figure the statistics office could publish.
- ``"probability"`` — everything else: P(met) is shown with its likely / uncertain / unlikely word.

A fourth kind, ``"observed"`` (a goal whose year has passed, judged on the published record), is
reserved for the record's verdicts and shown before all of these where present.

An input is *anchored* when the plan's ``published:`` record names it (``sets:`` or
``variable:``), the plan's ``history:`` figures name it (the plan's own printed base-year facts), or the
baseline is fitted on it (``calibration: free``): a fitted constant's range is the fit's, taken from the
published figures of the fit window (``calibrate --ranges``), not an assumption.

>>> judge(spread=0.0, p_met=1.0, median=0.25, indices={}, anchored=set()).kind
'set'
>>> v = judge(spread=2.0, p_met=0.0, median=30.0, indices={"a[x]": 0.7, "b": 0.2}, anchored={"b"})
>>> v.kind, v.settled_by, round(v.unanchored_share, 2)
('undecidable', 'a[x]', 0.7)
>>> judge(spread=2.0, p_met=0.4, median=30.0, indices={"a": 0.3, "b": 0.6}, anchored={"b"}).kind
'probability'
>>> judge(spread=2.0, p_met=0.4, median=30.0, indices={"lever": 0.6, "a": 0.2}, anchored=set(), levers={"lever"}).kind
'probability'
>>> round(judge(1.0, 0.5, 3.0, {"a": 0.7, "b": 0.7}, anchored={"b"}).unanchored_share, 2)   # noisy total 1.4
0.5
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Share of a goal's variance from unanchored inputs above which the goal cannot be judged from public data.
UNANCHORED_LIMIT = 0.5

#: Verdict kinds in the order a report lists them.
KINDS = ("observed", "set", "undecidable", "probability")


@dataclass(frozen=True)
class Verdict:
    """How a goal's attainment may be stated.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    p_met : float
        The one P(met) (:mod:`simulator.plans.attainment`); shown only for ``"probability"``.
    value : float
        The goal's median value (the fixed value for ``"set"``).
    unanchored_share : float
        Sum of the first-order indices of the unanchored inputs (NaN when no index is known).
    settled_by : str or None
        The unanchored input with the largest index (``"undecidable"`` only).
    """

    kind: str
    p_met: float
    value: float
    unanchored_share: float = math.nan
    settled_by: str | None = None

    @property
    def shows_probability(self) -> bool:
        return self.kind == "probability"


def base_name(name: str) -> str:
    """``"a[x]"`` → ``"a"`` (an input's variable without its subscript)."""
    return name.split("[", 1)[0].strip()


def anchored_inputs(plan) -> set:
    """Names (as written, and their variables without subscripts) that a published figure, a plan fact or the
    baseline's fit anchors.

    >>> from types import SimpleNamespace as NS
    >>> sorted(anchored_inputs(NS(published=[NS(sets="a", variable=None)], history=[NS(variable="b")],
    ...                           calibration={"fit_until": 2020, "free": ["c[x]"]})))
    ['a', 'b', 'c[x]']
    """
    if plan is None:
        return set()
    names = set()
    for item in getattr(plan, "published", None) or []:
        names.update(n for n in (getattr(item, "sets", None), getattr(item, "variable", None)) if n)
    for fact in getattr(plan, "history", None) or []:
        names.add(fact.variable)
    names.update((getattr(plan, "calibration", None) or {}).get("free") or [])
    return names


def is_anchored(name: str, anchored: set) -> bool:
    """Whether input ``name`` is anchored (by its own name or by its variable's)."""
    return name in anchored or base_name(name) in anchored


def judge(spread: float, p_met: float, median: float, indices: dict, anchored: set, levers=frozenset()) -> Verdict:
    """The verdict of one goal.

    Parameters
    ----------
    spread : float
        ``q95 - q05`` of the goal's value over the ok samples (0: no spread).
    p_met, median : float
        From :func:`simulator.plans.attainment.goal_summary`.
    indices : dict
        ``{input name: first-order index of the goal value}`` (NaN or missing entries count as 0).
    anchored : set
        From :func:`anchored_inputs`.
    levers : set, optional
        The plan's lever inputs (not counted as unanchored; compared like ``anchored``).
    """
    if math.isfinite(spread) and spread <= 1e-12 * max(1.0, abs(median) if math.isfinite(median) else 1.0):
        return Verdict("set", p_met, median)
    clean = {k: float(v) for k, v in indices.items() if v is not None and math.isfinite(float(v)) and float(v) > 0}
    if not clean:
        return Verdict("probability", p_met, median)
    loose = {k: v for k, v in clean.items() if not is_anchored(k, anchored) and not is_anchored(k, set(levers))}
    # First-order shares of independent inputs sum to at most 1; estimates that sum above it carry sampling noise
    # (each clipped at 0, so the noise only adds up): scale them back to a total of 1.
    share = sum(loose.values()) / max(1.0, sum(clean.values()))
    if share > UNANCHORED_LIMIT:
        return Verdict("undecidable", p_met, median, share, max(loose, key=loose.get))
    return Verdict("probability", p_met, median, share)
