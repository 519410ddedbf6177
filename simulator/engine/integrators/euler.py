"""Integrator (fifth stage): explicit Euler, exactly Vensim's default semantics.

Auxiliaries are computed from the state at time t, saved if t is a SAVEPER multiple, then
``S(t + dt) = S(t) + dt * dS/dt(t)``; discrete states (SAMPLE IF TRUE, DELAY FIXED) commit once.
The Euler loop exists once: :func:`fused_loop_source` writes it here, and the program
(``codegen/program.py``) compiles it as ``_euler_loop`` with the step body inlined. Two state
buffers take turns, so a run allocates no state array per step.
"""

from __future__ import annotations

import re

import numpy as np

from .base import Integrator, register


@register
class Euler(Integrator):
    """Explicit (forward) Euler."""

    name = "euler"
    substeps = 1
    order = 1

    def integrate(self, namespace, S, step_times, save_index, dt, n_steps, clip_mask):
        """As :meth:`Integrator.integrate`, through the program's fused ``_euler_loop``
        (which applies the program's own non-negative clip, the same mask as ``clip_mask``)."""
        return namespace["_euler_loop"](S, np.empty_like(S), step_times, save_index, dt, n_steps)


_ROW_VIEW = re.compile(r"\b_[SD]r(\d+)\b")


def row_numbers(line):
    return {int(number) for number in _ROW_VIEW.findall(line)}


def fused_loop_source(body, global_line, clip, rows=()):
    """Source of ``_euler_loop``: the step body inlined in an explicit Euler loop.

    ``_euler_loop(S, D, times, save_index, dt, n_steps)`` takes ``n_steps`` Euler steps
    ``S + dt * step(...)`` (then the non-negative clip) without a python call per step. ``D`` is
    a spare state buffer; the two buffers take turns, and ``D * dt`` is formed in ``D`` itself
    (the same operations in the same order; two arrays in cache instead of three). Returns the
    state after ``n_steps`` steps (the final step's outputs are saved by one more ``_step`` call,
    as for every integrator). With the stock-major layout the body reads and writes the state rows
    through views made once (``_Sr<i>``, ``_Dr<i>`` for row ``i`` of ``S`` and ``D``), swapped
    with the buffers, instead of indexing every step.
    """
    lines = ["", "def _euler_loop(S, D, _e_times, _e_save, _e_dt, _e_n):"]
    if global_line:
        lines.append("    " + global_line)
    for i in rows:
        lines.append(f"    _Sr{i}, _Dr{i} = S[{i}], D[{i}]")
    swap = "".join(f", _Sr{i}, _Dr{i}" for i in rows)
    swapped = "".join(f", _Dr{i}, _Sr{i}" for i in rows)
    lines += ["    commit = True",
              "    _e_dt = np.array(_e_dt, dtype=float)      # a 0-d array: no scalar conversion per call",
              "    for j in range(_e_n):",
              "        t = _e_times[j]",
              "        isave = _e_save[j]"]
    lines += ["    " + line for line in body]
    lines += ["        np.multiply(D, _e_dt, D)",    # D*dt, then S + D*dt, in place (fewer arrays in cache)
              "        np.add(D, S, D)",
              f"        S, D{swap} = D, S{swapped}"]
    if clip:
        lines.append("        np.maximum(S, 0.0, out=S, where=_clip_mask)")
    lines.append("    return S")
    return lines
