"""Integrator (fifth stage): explicit Euler, exactly Vensim's default semantics.

Auxiliaries are computed from the state at time t, saved if t is a SAVEPER multiple, then
``S(t + dt) = S(t) + dt * dS/dt(t)``; discrete states (SAMPLE IF TRUE, DELAY FIXED) commit once.
Two state buffers take turns: the derivative of a step is written into the buffer of the state
two steps back (no longer referenced), so a run allocates no state array per step. A whole run
uses the program's generated ``_euler_loop`` (the step body inlined in this same loop).
"""

from __future__ import annotations

import numpy as np

from .base import Integrator, register


@register
class Euler(Integrator):
    """Explicit (forward) Euler."""

    name = "euler"
    substeps = 1
    order = 1

    def __init__(self):
        self._spare = None      # the buffer of the previous state, reused for the next derivative

    def advance(self, step, t, k, S, dt, isave):
        D = step(t, k, S, isave, True, self._spare)
        D *= dt
        D += S
        self._spare = S
        return D

    def integrate(self, namespace, S, step_times, save_index, dt, n_steps, clip_mask):
        """As :meth:`Integrator.integrate`, through the program's fused ``_euler_loop``
        (which applies the program's own non-negative clip, the same mask as ``clip_mask``)."""
        return namespace["_euler_loop"](S, np.empty_like(S), step_times, save_index, dt, n_steps)
