"""Integrator (fifth stage): explicit Euler, exactly Vensim's default semantics.

Auxiliaries are computed from the state at time t, saved if t is a SAVEPER multiple, then
``S(t + dt) = S(t) + dt * dS/dt(t)``; discrete states (SAMPLE IF TRUE, DELAY FIXED) commit once.
"""

from __future__ import annotations

from .base import Integrator, register


@register
class Euler(Integrator):
    """Explicit (forward) Euler."""

    name = "euler"
    substeps = 1
    order = 1

    def advance(self, step, t, k, S, dt, isave):
        D = step(t, k, S, isave, True)
        D *= dt
        D += S
        return D
